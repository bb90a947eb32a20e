/**
 * Loading a public key for verification: PEM "PUBLIC KEY" (SubjectPublicKeyInfo, what cosign and
 * plimsoll write), PEM "RSA PUBLIC KEY" (PKCS#1), or a bare SPKI DER file. Same algorithm rules as
 * for signing keys.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { PlimsollError } from '../../util/errors.js';
import { describeAlgorithm, keyAlgorithm, keyHint, verifyBytes, type KeyAlgorithm } from './algorithms.js';
import { isSingleDerElement } from './der.js';
import { decodePemBlocks, MAX_PEM_BYTES } from './pem.js';

export class VerificationKey {
  readonly algorithm: KeyAlgorithm;
  readonly key: KeyObject;
  /** base64 SHA-256 of the SPKI DER */
  readonly hint: string;
  /** where the key came from, for messages */
  readonly source: string;
  constructor(key: KeyObject, source: string) {
    if (key.type !== 'public') throw new PlimsollError('KEY_INVALID', `${source}: not a public key`);
    this.algorithm = keyAlgorithm(key, source);
    this.key = key;
    this.hint = keyHint(key);
    this.source = source;
  }
  verify(data: Buffer, sig: Buffer): boolean {
    return verifyBytes(data, sig, this.key, this.algorithm);
  }
  toString(): string {
    return `${describeAlgorithm(this.algorithm)} key ${this.source} (${this.hint})`;
  }
}

function fromDer(der: Buffer, type: 'spki' | 'pkcs1', what: string): KeyObject {
  if (!isSingleDerElement(der)) throw new PlimsollError('KEY_INVALID', `${what}: the public key's DER encoding is truncated or has trailing bytes`);
  try {
    return createPublicKey({ key: der, format: 'der', type });
  } catch {
    throw new PlimsollError('KEY_INVALID', `${what}: the public key does not parse (corrupt, truncated, or an unsupported curve)`);
  }
}

export function loadPublicKey(data: string | Buffer, what: string): VerificationKey {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  if (buf.length > MAX_PEM_BYTES) throw new PlimsollError('KEY_INVALID', `${what}: too large for a public key file`);
  const text = buf.toString('latin1');
  if (!text.includes('-----BEGIN ')) {
    // a bare DER SubjectPublicKeyInfo (starts with a SEQUENCE)
    if (buf[0] === 0x30) return new VerificationKey(fromDer(buf, 'spki', what), what);
    throw new PlimsollError('KEY_INVALID', `${what}: not a public key (expected a PEM "PUBLIC KEY" block or SPKI DER)`);
  }
  const blocks = decodePemBlocks(text, what);
  if (blocks.length !== 1) throw new PlimsollError('KEY_INVALID', `${what}: holds ${blocks.length} PEM blocks; expected exactly one public key`);
  const { label, der } = blocks[0]!;
  switch (label) {
    case 'PUBLIC KEY':
      return new VerificationKey(fromDer(der, 'spki', what), what);
    case 'RSA PUBLIC KEY':
      return new VerificationKey(fromDer(der, 'pkcs1', what), what);
    default:
      if (/PRIVATE KEY/.test(label)) throw new PlimsollError('KEY_INVALID', `${what}: this is a private key; verification takes the public key (the .pub file) — never hand a private key to a verifier`);
      throw new PlimsollError('KEY_INVALID', `${what}: PEM type "${label}" is not a public key (expected "PUBLIC KEY")`);
  }
}
