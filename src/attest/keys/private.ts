/**
 * Loading a private key for signing. Accepted files:
 *   - cosign encrypted keys (ENCRYPTED SIGSTORE PRIVATE KEY / ENCRYPTED COSIGN PRIVATE KEY) — password needed
 *   - PKCS#8 "PRIVATE KEY" and encrypted PKCS#8 "ENCRYPTED PRIVATE KEY" (OpenSSL)
 *   - SEC1 "EC PRIVATE KEY" and PKCS#1 "RSA PRIVATE KEY" (what cosign import-key-pair accepts)
 * of ECDSA P-256/P-384/P-521, Ed25519 or RSA 2048–4096. The password is asked for only when the
 * file is encrypted. Key material never appears in messages; the returned object does not expose
 * the private key and prints as "[SigningKey ECDSA P-256 …]".
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { PlimsollError } from '../../util/errors.js';
import { describeAlgorithm, keyAlgorithm, keyHint, signBytes, type KeyAlgorithm } from './algorithms.js';
import { isSingleDerElement } from './der.js';
import { decodePemBlocks } from './pem.js';
import { decryptKey, ENCRYPTED_LABELS, parseEncryptedKey } from './encrypted.js';

/** Asked for the password when (and only when) the key is encrypted. */
export type PasswordSource = () => Promise<string>;

export class SigningKey {
  readonly #privateKey: KeyObject;
  readonly algorithm: KeyAlgorithm;
  readonly publicKey: KeyObject;
  /** base64 SHA-256 of the public key's SPKI DER */
  readonly hint: string;
  constructor(privateKey: KeyObject, what: string) {
    this.algorithm = keyAlgorithm(privateKey, what);
    this.#privateKey = privateKey;
    this.publicKey = createPublicKey(privateKey);
    this.hint = keyHint(this.publicKey);
  }
  sign(data: Buffer): Buffer {
    return signBytes(data, this.#privateKey, this.algorithm);
  }
  /** The public key as PEM ("PUBLIC KEY", SubjectPublicKeyInfo). */
  publicKeyPem(): string {
    return this.publicKey.export({ format: 'pem', type: 'spki' }).toString();
  }
  /** PKCS#8 DER, for re-encryption only (key generation). */
  exportPkcs8(): Buffer {
    return this.#privateKey.export({ format: 'der', type: 'pkcs8' });
  }
  toString(): string {
    return `${describeAlgorithm(this.algorithm)} key ${this.hint}`;
  }
  toJSON(): string {
    return this.toString();
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `[SigningKey ${this.toString()}]`;
  }
}

type DerType = 'pkcs8' | 'sec1' | 'pkcs1';

function parseDer(der: Buffer, type: DerType, what: string, passphrase?: string): KeyObject {
  if (!isSingleDerElement(der)) throw new PlimsollError('KEY_INVALID', `${what}: the key's DER encoding is truncated or has trailing bytes`);
  try {
    return createPrivateKey({ key: der, format: 'der', type, ...(passphrase !== undefined ? { passphrase } : {}) } as Parameters<typeof createPrivateKey>[0]);
  } catch (e) {
    const msg = (e as Error).message;
    if (passphrase !== undefined && /bad decrypt|decrypt/i.test(msg)) {
      throw new PlimsollError('PASSWORD_WRONG', `${what}: the password is wrong for this encrypted PKCS#8 key`);
    }
    const curve = type === 'sec1' || type === 'pkcs8' ? unsupportedCurveHint(msg) : '';
    throw new PlimsollError('KEY_INVALID', `${what}: the ${type.toUpperCase()} key does not parse${curve}; the file is corrupt or not a private key`);
  }
}

function unsupportedCurveHint(msg: string): string {
  return /unsupported|unknown.*curve|group/i.test(msg) ? ' (unsupported curve)' : '';
}

/** Load a signing key from PEM text. */
export async function loadPrivateKey(text: string, what: string, password: PasswordSource): Promise<SigningKey> {
  const blocks = decodePemBlocks(text, what);
  if (blocks.length === 0) throw new PlimsollError('KEY_INVALID', `${what}: not a PEM key file (no "-----BEGIN ...-----" line)`);
  if (blocks.length > 1) throw new PlimsollError('KEY_INVALID', `${what}: holds ${blocks.length} PEM blocks; expected exactly one private key`);
  const { label, der } = blocks[0]!;
  let key: KeyObject;
  switch (label) {
    case ENCRYPTED_LABELS[0]:
    case ENCRYPTED_LABELS[1]: {
      const env = parseEncryptedKey(der, what);
      const plain = decryptKey(env, await password(), what);
      try {
        if (!isSingleDerElement(plain)) throw new PlimsollError('KEY_INVALID', `${what}: decrypted, but the content is not a DER key`);
        try {
          key = createPrivateKey({ key: plain, format: 'der', type: 'pkcs8' });
        } catch {
          let sec1 = false;
          try {
            createPrivateKey({ key: plain, format: 'der', type: 'sec1' });
            sec1 = true;
          } catch {
            /* neither */
          }
          throw new PlimsollError(
            'KEY_INVALID',
            sec1
              ? `${what}: decrypted, but the inner key is a SEC1 EC key, not PKCS#8; cosign rejects such keys too — re-create it with \`plimsoll key generate\` or \`cosign generate-key-pair\``
              : `${what}: decrypted, but the inner key is not a PKCS#8 private key`,
          );
        }
      } finally {
        plain.fill(0);
      }
      break;
    }
    case 'PRIVATE KEY':
      key = parseDer(der, 'pkcs8', what);
      break;
    case 'ENCRYPTED PRIVATE KEY':
      key = parseDer(der, 'pkcs8', what, await password());
      break;
    case 'EC PRIVATE KEY':
      key = parseDer(der, 'sec1', what);
      break;
    case 'RSA PRIVATE KEY':
      key = parseDer(der, 'pkcs1', what);
      break;
    case 'PUBLIC KEY':
    case 'RSA PUBLIC KEY':
      throw new PlimsollError('KEY_INVALID', `${what}: this is a public key; signing needs the private key (the .key file)`);
    default:
      throw new PlimsollError('KEY_INVALID', `${what}: PEM type "${label}" is not a private key plimsoll can sign with (expected ENCRYPTED SIGSTORE PRIVATE KEY, PRIVATE KEY, EC PRIVATE KEY or RSA PRIVATE KEY)`);
  }
  return new SigningKey(key, what);
}
