/**
 * PEM (RFC 7468) reading and writing, strict: exactly one block of an expected label, base64 body in
 * the standard alphabet with correct padding. A truncated file, a changed label or a body that was
 * re-encoded differently is a KEY_INVALID error naming the file.
 */
import { PlimsollError } from '../../util/errors.js';
import { decodeBase64 } from '../encoding.js';

export interface PemBlock {
  label: string;
  der: Buffer;
}

const BEGIN_RE = /-----BEGIN ([A-Z0-9 ]+)-----/g;
/** A key or certificate file larger than this is not a key file. */
export const MAX_PEM_BYTES = 256 * 1024;

/** All PEM blocks of `text`, in order. Text outside blocks is ignored (RFC 7468 explanatory text). */
export function decodePemBlocks(text: string, what: string): PemBlock[] {
  if (text.length > MAX_PEM_BYTES) throw new PlimsollError('KEY_INVALID', `${what}: ${text.length} bytes is too large for a key file`);
  const blocks: PemBlock[] = [];
  BEGIN_RE.lastIndex = 0;
  for (let m = BEGIN_RE.exec(text); m; m = BEGIN_RE.exec(text)) {
    const label = m[1]!;
    const end = `-----END ${label}-----`;
    const bodyStart = m.index + m[0].length;
    const endAt = text.indexOf(end, bodyStart);
    if (endAt < 0) throw new PlimsollError('KEY_INVALID', `${what}: the PEM block "${label}" has no END line; the file is truncated`);
    const body = text.slice(bodyStart, endAt);
    if (label.startsWith('PGP ')) throw new PlimsollError('KEY_INVALID', `${what}: this is an OpenPGP armored "${label}", not a PEM key; export the key as PKCS#8 PEM or use a cosign key`);
    if (/^[\t ]*[A-Za-z-]+:/m.test(body)) {
      throw new PlimsollError('KEY_INVALID', `${what}: the PEM block "${label}" has RFC 1421 headers (e.g. Proc-Type); legacy OpenSSL-encrypted keys are not supported, convert to PKCS#8 or a cosign key`);
    }
    const b64 = body.replace(/[\r\n\t ]/g, '');
    if (b64 === '') throw new PlimsollError('KEY_INVALID', `${what}: the PEM block "${label}" is empty`);
    const der = decodeBase64(b64, `${what}: PEM block "${label}"`, 'standard', 'KEY_INVALID');
    blocks.push({ label, der });
    BEGIN_RE.lastIndex = endAt + end.length;
  }
  return blocks;
}

/** Exactly one PEM block whose label is one of `labels`. */
export function decodePem(text: string, what: string, labels: readonly string[]): PemBlock {
  const blocks = decodePemBlocks(text, what);
  if (blocks.length === 0) {
    throw new PlimsollError('KEY_INVALID', `${what}: not a PEM file (no "-----BEGIN ...-----" line); expected ${labels.map((l) => `"${l}"`).join(' or ')}`);
  }
  if (blocks.length > 1) throw new PlimsollError('KEY_INVALID', `${what}: holds ${blocks.length} PEM blocks; expected exactly one key`);
  const b = blocks[0]!;
  if (!labels.includes(b.label)) {
    throw new PlimsollError('KEY_INVALID', `${what}: PEM type "${b.label}" is not supported here; expected ${labels.map((l) => `"${l}"`).join(' or ')}`);
  }
  return b;
}

export function encodePem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
