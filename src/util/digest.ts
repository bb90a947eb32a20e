import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { PlimsollError } from './errors.js';

const DIGEST_RE = /^(sha256|sha512):([a-f0-9]+)$/;

export function parseDigest(d: string): { algorithm: 'sha256' | 'sha512'; hex: string } {
  const m = DIGEST_RE.exec(d);
  if (!m) throw new PlimsollError('MANIFEST_INVALID', `"${d}" is not a valid digest (expected sha256:<64 hex> or sha512:<128 hex>)`);
  const algorithm = m[1] as 'sha256' | 'sha512';
  const want = algorithm === 'sha256' ? 64 : 128;
  if (m[2]!.length !== want) throw new PlimsollError('MANIFEST_INVALID', `"${d}" has a ${m[2]!.length}-character ${algorithm} hex part, expected ${want}`);
  return { algorithm, hex: m[2]! };
}

export function isDigest(d: string): boolean {
  try {
    parseDigest(d);
    return true;
  } catch {
    return false;
  }
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export function sha256Digest(data: Buffer | string): string {
  return 'sha256:' + sha256Hex(data);
}

/** Throws DIGEST_MISMATCH if `data` does not hash to `expected`. */
export function verifyBuffer(data: Buffer, expected: string, what: string): void {
  const { algorithm, hex } = parseDigest(expected);
  const got = createHash(algorithm).update(data).digest('hex');
  if (got !== hex) {
    throw new PlimsollError('DIGEST_MISMATCH', `${what}: content digest ${algorithm}:${got} does not match the expected ${expected}; the blob is corrupt or was tampered with`);
  }
}

/**
 * Pass-through stream that hashes what flows through it and fails at the end with DIGEST_MISMATCH
 * when the content does not match `expected`. Optionally also enforces an expected byte size.
 */
export class VerifyingStream extends Transform {
  private readonly hash;
  private readonly hex: string;
  private readonly algorithm: string;
  private bytes = 0;
  constructor(private readonly expected: string, private readonly what: string, private readonly expectedSize?: number) {
    super();
    const p = parseDigest(expected);
    this.algorithm = p.algorithm;
    this.hex = p.hex;
    this.hash = createHash(p.algorithm);
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.expectedSize !== undefined && this.bytes > this.expectedSize) {
      cb(new PlimsollError('DIGEST_MISMATCH', `${this.what}: blob is larger than its declared size ${this.expectedSize}`));
      return;
    }
    this.hash.update(chunk);
    cb(null, chunk);
  }
  override _flush(cb: TransformCallback): void {
    const got = this.hash.digest('hex');
    if (this.expectedSize !== undefined && this.bytes !== this.expectedSize) {
      cb(new PlimsollError('LAYER_TRUNCATED', `${this.what}: got ${this.bytes} bytes, the descriptor declares ${this.expectedSize}; the blob is truncated`));
      return;
    }
    if (got !== this.hex) {
      cb(new PlimsollError('DIGEST_MISMATCH', `${this.what}: content digest ${this.algorithm}:${got} does not match the expected ${this.expected}; the blob is corrupt or was tampered with`));
      return;
    }
    cb();
  }
}
