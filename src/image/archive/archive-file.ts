/**
 * Open an archive file for random access. A plain tar is indexed in place. A compressed one
 * (`docker save img | gzip > img.tar.gz`, or zstd) cannot be read at offsets, so it is decompressed
 * once into a file under opts.tmpDir (which plimsoll owns) and that copy is indexed; the copy is
 * removed by `cleanup` (wired to Image.close) or immediately when opening fails.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, open as openFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { OpenOptions } from '../types.js';
import { PlimsollError, isPlimsollError } from '../../util/errors.js';
import { SizeGuard, decompressor } from '../decompress.js';
import { TarIndex, fsError } from './tar-index.js';
import { sniffCompression } from './verify.js';

/** A compressed archive may expand to at most this many times its size (and at least 1 GiB). */
const MAX_EXPANSION = 200;
const MIN_LIMIT = 1 << 30;

export interface ArchiveFile {
  index: TarIndex;
  /** whether the archive was decompressed into a temporary copy */
  decompressed: boolean;
  cleanup(): Promise<void>;
}

export async function openArchiveFile(path: string, label: string, opts: OpenOptions): Promise<ArchiveFile> {
  let head: Buffer;
  let size: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new PlimsollError('SOURCE_UNSUPPORTED', `${label} is not a regular file; expected a tar archive`);
    size = st.size;
    const fh = await openFile(path, 'r');
    try {
      head = Buffer.alloc(4);
      const { bytesRead } = await fh.read(head, 0, 4, 0);
      head = head.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch (e) {
    if (isPlimsollError(e)) throw e;
    throw fsError(e, label);
  }
  const compression = sniffCompression(head);
  if (compression === 'none') {
    return { index: await TarIndex.open(path, label), decompressed: false, cleanup: async () => undefined };
  }

  let tmp: string;
  try {
    tmp = await mkdtemp(join(opts.tmpDir, 'archive-'));
  } catch (e) {
    throw fsError(e, `temporary directory ${opts.tmpDir}`);
  }
  const cleanup = async (): Promise<void> => {
    await rm(tmp, { recursive: true, force: true });
  };
  try {
    const out = join(tmp, 'archive.tar');
    const limit = Math.max(MIN_LIMIT, size * MAX_EXPANSION);
    const progress = opts.progress;
    const id = `decompress:${path}`;
    progress?.start(id, `decompressing ${label}`, size);
    const counter = new Transform({
      transform(chunk: Buffer, _e: BufferEncoding, cb: TransformCallback) {
        progress?.advance(id, chunk.length);
        cb(null, chunk);
      },
    });
    try {
      await pipeline(createReadStream(path), counter, decompressor(compression)!, new SizeGuard(limit, label), createWriteStream(out));
    } catch (e) {
      if (isPlimsollError(e)) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      if (code && /^E[A-Z]+$/.test(code)) throw fsError(e, label);
      throw new PlimsollError('LAYER_CORRUPT', `${label} is ${compression}-compressed but does not decompress: ${(e as Error).message}`, { cause: e });
    } finally {
      progress?.done(id);
    }
    const index = await TarIndex.open(out, `${label} (decompressed)`);
    return { index, decompressed: true, cleanup };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
