/**
 * cosign's encrypted private key format ("ENCRYPTED SIGSTORE PRIVATE KEY", formerly "ENCRYPTED COSIGN
 * PRIVATE KEY"), as written by sigstore/pkg/cryptoutils with secure-systems-lab's `encrypted`
 * package:
 *
 *   PEM body = JSON {
 *     "kdf":    {"name":"scrypt", "params":{"N":32768,"r":8,"p":1}, "salt": base64(32 random bytes)},
 *     "cipher": {"name":"nacl/secretbox", "nonce": base64(24 random bytes)},
 *     "ciphertext": base64(secretbox(PKCS#8 DER, nonce, key))
 *   }
 *   key = scrypt(password, salt, N, r, p, 32 bytes)
 *
 * secretbox is XSalsa20-Poly1305 with the 16-byte tag in front of the ciphertext (NaCl's layout).
 * A wrong password and a modified ciphertext are indistinguishable: both fail authentication.
 */
import { randomBytes, scryptSync } from 'node:crypto';
import { xsalsa20poly1305 } from '@noble/ciphers/salsa.js';
import { PlimsollError } from '../../util/errors.js';
import { decodeBase64, encodeBase64, isObject, parseJson } from '../encoding.js';
import { encodePem } from './pem.js';

export const SIGSTORE_ENCRYPTED_LABEL = 'ENCRYPTED SIGSTORE PRIVATE KEY';
export const COSIGN_ENCRYPTED_LABEL = 'ENCRYPTED COSIGN PRIVATE KEY';
export const ENCRYPTED_LABELS = [SIGSTORE_ENCRYPTED_LABEL, COSIGN_ENCRYPTED_LABEL] as const;

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** What cosign generate-key-pair uses. */
export const DEFAULT_SCRYPT: ScryptParams = { N: 32768, r: 8, p: 1 };

/** Bounds that keep a hostile key file from making us burn memory or CPU. */
const MAX_SCRYPT_MEMORY = 256 * 1024 * 1024;
const MAX_SCRYPT_WORK = 1 << 22; // N·r·p; cosign's default is 2^18

export interface EncryptedKeyEnvelope {
  kdf: { name: 'scrypt'; params: ScryptParams; salt: Buffer };
  cipher: { name: 'nacl/secretbox'; nonce: Buffer };
  ciphertext: Buffer;
}

function bad(what: string, why: string): PlimsollError {
  return new PlimsollError('KEY_INVALID', `${what}: not a valid cosign encrypted key: ${why}`);
}

function checkParams(p: unknown, what: string): ScryptParams {
  if (!isObject(p)) throw bad(what, 'kdf.params is missing');
  const { N, r, p: par } = p as Record<string, unknown>;
  for (const [k, v] of [['N', N], ['r', r], ['p', par]] as const) {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw bad(what, `kdf.params.${k} must be a positive integer`);
  }
  const n = N as number;
  const rr = r as number;
  const pp = par as number;
  if (n < 2 || (n & (n - 1)) !== 0) throw bad(what, `scrypt N=${n} is not a power of two`);
  if (128 * n * rr > MAX_SCRYPT_MEMORY || n * rr * pp > MAX_SCRYPT_WORK || rr > 64 || pp > 64) {
    throw bad(what, `scrypt parameters N=${n}, r=${rr}, p=${pp} exceed plimsoll's limits (N·r·p ≤ 2^22, memory ≤ 256 MiB); refusing to spend that much work on an untrusted file`);
  }
  return { N: n, r: rr, p: pp };
}

/** Parse the JSON inside the PEM block (no decryption yet). */
export function parseEncryptedKey(body: Buffer, what: string): EncryptedKeyEnvelope {
  const j = parseJson(body, what, 64 * 1024, 'KEY_INVALID');
  if (!isObject(j)) throw bad(what, 'the PEM body is not a JSON object');
  const kdf = j.kdf;
  const cipher = j.cipher;
  if (!isObject(kdf) || kdf.name !== 'scrypt') throw bad(what, `kdf.name must be "scrypt"`);
  if (!isObject(cipher) || cipher.name !== 'nacl/secretbox') throw bad(what, `cipher.name must be "nacl/secretbox"`);
  const params = checkParams(kdf.params, what);
  const salt = decodeBase64(kdf.salt, `${what}: kdf.salt`, 'standard', 'KEY_INVALID');
  if (salt.length < 16 || salt.length > 64) throw bad(what, `kdf.salt is ${salt.length} bytes (expected 16–64)`);
  const nonce = decodeBase64(cipher.nonce, `${what}: cipher.nonce`, 'standard', 'KEY_INVALID');
  if (nonce.length !== 24) throw bad(what, `cipher.nonce is ${nonce.length} bytes, secretbox needs 24`);
  const ciphertext = decodeBase64(j.ciphertext, `${what}: ciphertext`, 'standard', 'KEY_INVALID');
  if (ciphertext.length <= 16) throw bad(what, `the ciphertext is ${ciphertext.length} bytes, too short to hold a key`);
  return { kdf: { name: 'scrypt', params, salt }, cipher: { name: 'nacl/secretbox', nonce }, ciphertext };
}

function deriveKey(password: string, salt: Buffer, p: ScryptParams): Buffer {
  return scryptSync(Buffer.from(password, 'utf8'), salt, 32, { N: p.N, r: p.r, p: p.p, maxmem: MAX_SCRYPT_MEMORY + 1024 * 1024 });
}

/** Decrypt to the inner DER (PKCS#8 for keys cosign writes). Wrong password → PASSWORD_WRONG. */
export function decryptKey(env: EncryptedKeyEnvelope, password: string, what: string): Buffer {
  const key = deriveKey(password, env.kdf.salt, env.kdf.params);
  try {
    return Buffer.from(xsalsa20poly1305(key, env.cipher.nonce).decrypt(env.ciphertext));
  } catch {
    throw new PlimsollError('PASSWORD_WRONG', `${what}: the password is wrong, or the key file was modified (secretbox authentication failed); check PLIMSOLL_PASSWORD / COSIGN_PASSWORD`);
  } finally {
    key.fill(0);
  }
}

/** Encrypt DER key bytes into the cosign envelope and PEM-encode it. */
export function encryptKey(der: Buffer, password: string, params: ScryptParams = DEFAULT_SCRYPT, label: string = SIGSTORE_ENCRYPTED_LABEL): string {
  const salt = randomBytes(32);
  const nonce = randomBytes(24);
  const key = deriveKey(password, salt, params);
  let ciphertext: Uint8Array;
  try {
    ciphertext = xsalsa20poly1305(key, nonce).encrypt(der);
  } finally {
    key.fill(0);
  }
  // field order as cosign writes it (Go struct order)
  const json = JSON.stringify({
    kdf: { name: 'scrypt', params: { N: params.N, r: params.r, p: params.p }, salt: encodeBase64(salt) },
    cipher: { name: 'nacl/secretbox', nonce: encodeBase64(nonce) },
    ciphertext: encodeBase64(ciphertext),
  });
  return encodePem(label, Buffer.from(json, 'utf8'));
}
