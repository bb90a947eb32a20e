/**
 * Layer decompression by magic bytes (gzip, zstd, plain tar), with a decompression-bomb guard.
 */
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Decompress as ZstdDecompress } from 'fzstd';
import { PlimsollError } from '../util/errors.js';

export type Compression = 'gzip' | 'zstd' | 'none';

export function sniffCompression(head: Buffer): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  return 'none';
}

class ZstdTransform extends Transform {
  private readonly dec: ZstdDecompress;
  private pending: Buffer[] = [];
  constructor() {
    super();
    this.dec = new ZstdDecompress((chunk) => {
      this.pending.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    });
  }
  private flushPending(): void {
    for (const b of this.pending) this.push(b);
    this.pending = [];
  }
  override _transform(chunk: Buffer, _e: BufferEncoding, cb: TransformCallback): void {
    try {
      this.dec.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      this.flushPending();
      cb();
    } catch (e) {
      cb(new PlimsollError('LAYER_CORRUPT', `zstd stream is corrupt: ${(e as Error).message}`));
    }
  }
  override _flush(cb: TransformCallback): void {
    try {
      this.dec.push(new Uint8Array(0), true);
      this.flushPending();
      cb();
    } catch (e) {
      cb(new PlimsollError('LAYER_TRUNCATED', `zstd stream ended early or is corrupt: ${(e as Error).message}`));
    }
  }
}

/**
 * Counts bytes out of a decompressor and stops a bomb. `tooLarge` makes the error (default: a layer
 * error that points at --max-layer-size); other users pass their own code and wording.
 */
export class SizeGuard extends Transform {
  bytes = 0;
  constructor(
    private readonly limit: number,
    private readonly what: string,
    private readonly tooLarge: (what: string, limit: number) => PlimsollError = (w, l) =>
      new PlimsollError('LAYER_TOO_LARGE', `${w}: decompresses to more than ${l} bytes; refusing a likely decompression bomb (raise --max-layer-size if this image is genuine)`),
  ) {
    super();
  }
  override _transform(chunk: Buffer, _e: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) {
      cb(this.tooLarge(this.what, this.limit));
      return;
    }
    cb(null, chunk);
  }
}

/** Peek the first bytes of a stream without consuming them. */
export async function peek(stream: Readable, n: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let len = 0;
    const onData = (c: Buffer): void => {
      chunks.push(c);
      len += c.length;
      if (len >= n) finish();
    };
    const finish = (): void => {
      stream.off('data', onData);
      stream.off('end', finish);
      stream.off('error', onErr);
      stream.pause();
      const all = Buffer.concat(chunks);
      if (all.length) stream.unshift(all);
      resolve(all.subarray(0, n));
    };
    const onErr = (e: Error): void => {
      stream.off('data', onData);
      stream.off('end', finish);
      reject(e);
    };
    stream.on('data', onData);
    stream.once('end', finish);
    stream.once('error', onErr);
  });
}

export function decompressor(c: Compression): Transform | null {
  switch (c) {
    case 'gzip':
      return createGunzip({ chunkSize: 256 * 1024 });
    case 'zstd':
      return new ZstdTransform();
    case 'none':
      return null;
  }
}
