/**
 * Captured file contents: small files in memory, larger ones spilled to plimsoll's temp dir, and
 * rootfs (dir:) files read in place from the host.
 */
import { closeSync, createReadStream, createWriteStream, openSync, readFileSync } from 'node:fs';
import { constants as fsc } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export type ContentRef =
  | { kind: 'memory'; data: Buffer }
  | { kind: 'spill'; path: string; size: number }
  | { kind: 'host'; path: string; size: number };

export interface ContentStoreOptions {
  dir: string;
  /** files up to this size stay in memory */
  memoryLimit?: number;
}

export class ContentStore {
  private seq = 0;
  readonly memoryLimit: number;
  constructor(private readonly opts: ContentStoreOptions) {
    this.memoryLimit = opts.memoryLimit ?? 128 * 1024;
  }

  /** Capture a tar entry's content stream. `size` is the size the tar header declares. */
  async capture(stream: Readable, size: number): Promise<ContentRef> {
    if (size <= this.memoryLimit) {
      const chunks: Buffer[] = [];
      let len = 0;
      for await (const c of stream) {
        chunks.push(c as Buffer);
        len += (c as Buffer).length;
      }
      // always copy: a slice of a decompressor chunk would keep the whole chunk alive
      return { kind: 'memory', data: Buffer.concat(chunks, len) };
    }
    const path = join(this.opts.dir, `c${++this.seq}`);
    await pipeline(stream, createWriteStream(path, { flags: 'wx', mode: 0o600 }));
    return { kind: 'spill', path, size };
  }

  static async read(ref: ContentRef): Promise<Buffer> {
    switch (ref.kind) {
      case 'memory':
        return ref.data;
      case 'spill':
      case 'host': {
        // Synchronous: catalogers read thousands of small files one after another, and a thread-pool
        // round trip per open/stat/read/close costs more than the read. O_NOFOLLOW: the walker
        // recorded a regular file; never follow a symlink swapped in since.
        const fd = openSync(ref.path, fsc.O_RDONLY | fsc.O_NOFOLLOW);
        try {
          return readFileSync(fd);
        } finally {
          closeSync(fd);
        }
      }
    }
  }

  static open(ref: ContentRef): Readable {
    switch (ref.kind) {
      case 'memory':
        return Readable.from([ref.data]);
      case 'spill':
      case 'host':
        return createReadStream('', { fd: openSync(ref.path, fsc.O_RDONLY | fsc.O_NOFOLLOW) });
    }
  }

  /** A local path with the content (writes memory content to a spill file on demand). */
  async localPath(ref: ContentRef): Promise<string> {
    if (ref.kind !== 'memory') return ref.path;
    const path = join(this.opts.dir, `c${++this.seq}`);
    await pipeline(Readable.from([ref.data]), createWriteStream(path, { flags: 'wx', mode: 0o600 }));
    return path;
  }
}
