/**
 * oci:DIR[:tag|@digest] — an OCI image layout directory on disk.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Image, OpenOptions } from '../types.js';
import { PlimsollError } from '../../util/errors.js';
import { DirBlobStore } from './blob-store.js';
import { openLayoutImage } from './layout.js';
import { fsError } from './tar-index.js';

/**
 * Open the image `selector` picks (`:tag`/`tag` matching org.opencontainers.image.ref.name or
 * io.containerd.image.name, `@sha256:...` manifest digest, `@N` position; default the only one)
 * from the OCI layout at `dir`. Multi-platform indexes are resolved with `opts.platform`.
 */
export async function openOciLayout(dir: string, opts: OpenOptions, selector?: string): Promise<Image> {
  const root = resolve(dir);
  try {
    const st = await stat(root);
    if (!st.isDirectory()) {
      throw new PlimsollError('SOURCE_UNSUPPORTED', `${dir} is not a directory; an OCI layout is a directory with oci-layout, index.json and blobs/ (use oci-archive: for a tar)`);
    }
  } catch (e) {
    if (e instanceof PlimsollError) throw e;
    throw fsError(e, dir);
  }
  const source = { kind: 'oci-dir' as const, input: selector ? `${dir}:${selector}` : dir, location: root };
  return openLayoutImage(new DirBlobStore(root), source, opts, selector);
}
