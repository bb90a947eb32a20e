/**
 * oci-archive:FILE[:tag|@digest] — an OCI image layout packed in a tar file (what
 * `skopeo copy ... oci-archive:` and `buildx --output type=oci` write). The tar is indexed once and
 * read in place; it is never extracted (a gzip/zstd-compressed archive is decompressed once into
 * opts.tmpDir first).
 */
import { resolve } from 'node:path';
import type { Image, OpenOptions } from '../types.js';
import { TarBlobStore } from './blob-store.js';
import { openLayoutImage } from './layout.js';
import { openArchiveFile } from './archive-file.js';

export async function openOciArchive(path: string, opts: OpenOptions, selector?: string): Promise<Image> {
  const full = resolve(path);
  const archive = await openArchiveFile(full, path, opts);
  const source = { kind: 'oci-archive' as const, input: selector ? `${path}:${selector}` : path, location: full };
  try {
    return await openLayoutImage(new TarBlobStore(archive.index), source, opts, selector, archive.cleanup);
  } catch (e) {
    await archive.cleanup();
    throw e;
  }
}
