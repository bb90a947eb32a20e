/**
 * Strict byte encodings for signed material. Everything that ends up under a signature or names a
 * key is decoded strictly: a re-encoded, truncated or padded-differently value is an error, never
 * silently "repaired" (a lenient decoder would let two different texts mean the same bytes).
 */
import { PlimsollError, type ErrorCode } from '../util/errors.js';

const STD_RE = /^[A-Za-z0-9+/]*={0,2}$/;
const URL_RE = /^[A-Za-z0-9_-]*={0,2}$/;

export type Base64Alphabet = 'standard' | 'standard-or-url';

/**
 * Decode base64. `standard` accepts RFC 4648 §4 with padding (what Go's encoding/json and cosign
 * write); `standard-or-url` also accepts the URL-safe alphabet with or without padding (DSSE requires
 * verifiers to accept both). Non-canonical encodings (stray bits in the last character, wrong
 * padding) are rejected.
 */
export function decodeBase64(text: unknown, what: string, alphabet: Base64Alphabet = 'standard', code: ErrorCode = 'PARSE_ERROR'): Buffer {
  if (typeof text !== 'string') throw new PlimsollError(code, `${what}: expected a base64 string, got ${text === null ? 'null' : typeof text}`);
  const std = STD_RE.test(text);
  const url = alphabet === 'standard-or-url' && URL_RE.test(text);
  if (!std && !url) throw new PlimsollError(code, `${what}: not valid base64 (unexpected characters)`);
  const unpadded = text.replace(/=+$/, '');
  const padded = text.length !== unpadded.length;
  if (padded && text.length % 4 !== 0) throw new PlimsollError(code, `${what}: not valid base64 (wrong padding)`);
  if (!padded && std && !url && unpadded.length % 4 !== 0) throw new PlimsollError(code, `${what}: not valid base64 (length ${text.length} is not a multiple of 4; the value is truncated or was re-encoded)`);
  if (unpadded.length % 4 === 1) throw new PlimsollError(code, `${what}: not valid base64 (truncated)`);
  const buf = Buffer.from(unpadded.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  // canonical check: re-encoding must give the same characters (catches non-zero trailing bits)
  const again = buf.toString('base64').replace(/=+$/, '');
  if (again !== unpadded.replace(/-/g, '+').replace(/_/g, '/')) throw new PlimsollError(code, `${what}: not canonical base64 (the last character carries stray bits; the value was altered)`);
  return buf;
}

export function encodeBase64(data: Uint8Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
}

/** Keep untrusted text printable and short in error messages. */
export function printable(s: string, max = 200): string {
  const t = s.length > max ? s.slice(0, max) + '…' : s;
  return t.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Parse JSON from untrusted bytes with a size cap; errors say what was being read. */
export function parseJson(data: Buffer | string, what: string, maxBytes: number, code: ErrorCode = 'PARSE_ERROR'): unknown {
  const len = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
  if (len > maxBytes) throw new PlimsollError(code, `${what}: ${len} bytes is more than the ${maxBytes}-byte limit`);
  try {
    return JSON.parse(typeof data === 'string' ? data : data.toString('utf8'));
  } catch (e) {
    throw new PlimsollError(code, `${what}: not valid JSON (${(e as Error).message})`);
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
