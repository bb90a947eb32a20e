/**
 * Streams that verify what they pass through: the stored-blob digest (VerifyingStream) or, for a
 * compressed blob known only by its diffID, the digest of its decompressed content.
 */
import { createHash } from 'node:crypto';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { createGunzip, type Gunzip } from 'node:zlib';
import { Decompress as ZstdDecompress } from 'fzstd';
import { VerifyingStream, parseDigest } from '../../util/digest.js';
import { PlimsollError, isPlimsollError } from '../../util/errors.js';

export type Compression = 'gzip' | 'zstd' | 'none';

/** Compression by magic bytes: gzip 1f 8b, zstd 28 b5 2f fd, anything else is taken as a plain tar. */
export function sniffCompression(head: Buffer): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  return 'none';
}

/**
 * Pipe `src` into `verifier`, mapping read errors to IO_ERROR and tearing the source down when the
 * consumer destroys the verifier early.
 */
function wire(src: Readable, verifier: Transform, what: string): Readable {
  src.once('error', (e) => {
    verifier.destroy(
      isPlimsollError(e) ? e : new PlimsollError('IO_ERROR', `${what}: reading failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e }),
    );
  });
  verifier.once('close', () => {
    if (!src.destroyed) src.destroy();
  });
  src.pipe(verifier);
  return verifier;
}

/** `src` checked against `digest` (and `size` when known): DIGEST_MISMATCH / LAYER_TRUNCATED at the end. */
export function verifiedStream(src: Readable, digest: string, what: string, size?: number): Readable {
  return wire(src, new VerifyingStream(digest, what, size), what);
}

/**
 * Pass-through for a compressed blob whose only known digest is the diffID: a side decompressor
 * hashes the uncompressed bytes, and the stream fails at its end with DIGEST_MISMATCH if they do
 * not hash to `diffId` (or with LAYER_CORRUPT if the data does not decompress).
 */
class DiffIdVerifyingStream extends Transform {
  private readonly hash;
  private readonly hex: string;
  private readonly gunzip?: Gunzip;
  private readonly zstd?: ZstdDecompress;
  private sideError: Error | null = null;

  constructor(
    compression: 'gzip' | 'zstd',
    private readonly diffId: string,
    private readonly what: string,
  ) {
    super();
    const p = parseDigest(diffId);
    this.hash = createHash(p.algorithm);
    this.hex = p.hex;
    if (compression === 'gzip') {
      this.gunzip = createGunzip();
      this.gunzip.on('data', (c: Buffer) => this.hash.update(c));
      this.gunzip.on('error', (e) => {
        this.sideError ??= e;
      });
    } else {
      this.zstd = new ZstdDecompress((c) => {
        this.hash.update(c);
      });
    }
  }

  private corrupt(e: unknown): PlimsollError {
    return new PlimsollError('LAYER_CORRUPT', `${this.what}: the compressed layer does not decompress: ${e instanceof Error ? e.message : String(e)}`);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    if (this.sideError) return cb(this.corrupt(this.sideError));
    if (this.zstd) {
      try {
        this.zstd.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      } catch (e) {
        return cb(this.corrupt(e));
      }
      return cb(null, chunk);
    }
    // wait for the side decompressor to take the chunk (keeps memory bounded); a zlib error may
    // destroy it without ever calling the write callback, so listen for the error too
    const g = this.gunzip!;
    let settled = false;
    const settle = (err: Error | null | undefined): void => {
      if (settled) return;
      settled = true;
      g.off('error', settle);
      const e = err ?? this.sideError;
      if (e) cb(this.corrupt(e));
      else cb(null, chunk);
    };
    g.once('error', settle);
    g.write(chunk, settle);
  }

  override _flush(cb: TransformCallback): void {
    const finish = (): void => {
      if (this.sideError) return cb(this.corrupt(this.sideError));
      const got = this.hash.digest('hex');
      if (got !== this.hex) {
        return cb(
          new PlimsollError(
            'DIGEST_MISMATCH',
            `${this.what}: the decompressed layer hashes to ${this.diffId.split(':')[0]}:${got}, not the diff_id ${this.diffId} the image config declares; the layer is corrupt or was tampered with`,
          ),
        );
      }
      cb();
    };
    if (this.zstd) {
      try {
        this.zstd.push(new Uint8Array(0), true);
      } catch (e) {
        return cb(this.corrupt(e));
      }
      return finish();
    }
    const g = this.gunzip!;
    if (this.sideError) return finish();
    g.once('end', finish);
    g.once('error', (e) => {
      this.sideError ??= e;
      g.off('end', finish);
      finish();
    });
    g.end();
  }

  override _destroy(err: Error | null, cb: (error?: Error | null) => void): void {
    this.gunzip?.destroy();
    cb(err);
  }
}

export function diffIdVerifiedStream(src: Readable, compression: 'gzip' | 'zstd', diffId: string, what: string): Readable {
  return wire(src, new DiffIdVerifyingStream(compression, diffId, what), what);
}
