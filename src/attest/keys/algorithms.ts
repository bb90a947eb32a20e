/**
 * The signature algorithms plimsoll signs and verifies with, derived from the key itself (never from
 * a field an attacker could set): ECDSA P-256/P-384/P-521 with the curve's SHA-2 (DER signatures),
 * Ed25519, RSA 2048–4096 PKCS#1 v1.5 with SHA-256 (what cosign does for RSA keys). The accepted set
 * matches cosign's import rules: P-224, secp256k1 and RSA outside 2048–4096 are refused.
 */
import { createHash, sign as cryptoSign, verify as cryptoVerify, constants, type KeyObject } from 'node:crypto';
import { PlimsollError } from '../../util/errors.js';

export type EcCurve = 'P-256' | 'P-384' | 'P-521';
export type HashName = 'sha256' | 'sha384' | 'sha512';

export type KeyAlgorithm =
  | { kind: 'ecdsa'; curve: EcCurve; hash: HashName }
  | { kind: 'ed25519' }
  | { kind: 'rsa'; bits: number; hash: 'sha256' };

const CURVES: Record<string, { curve: EcCurve; hash: HashName; size: number }> = {
  prime256v1: { curve: 'P-256', hash: 'sha256', size: 32 },
  secp384r1: { curve: 'P-384', hash: 'sha384', size: 48 },
  secp521r1: { curve: 'P-521', hash: 'sha512', size: 66 },
};
const RSA_SIZES = [2048, 3072, 4096];

/** The algorithm of a (private or public) key, or KEY_INVALID when plimsoll does not accept it. */
export function keyAlgorithm(key: KeyObject, what: string): KeyAlgorithm {
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  switch (type) {
    case 'ec': {
      const c = CURVES[details.namedCurve ?? ''];
      if (!c) {
        const name = details.namedCurve === 'secp224r1' ? 'P-224' : details.namedCurve ?? 'unknown';
        throw new PlimsollError('KEY_INVALID', `${what}: ECDSA curve ${name} is not allowed; use P-256, P-384 or P-521`);
      }
      return { kind: 'ecdsa', curve: c.curve, hash: c.hash };
    }
    case 'ed25519':
      return { kind: 'ed25519' };
    case 'rsa': {
      const bits = details.modulusLength ?? 0;
      if (!RSA_SIZES.includes(bits)) throw new PlimsollError('KEY_INVALID', `${what}: RSA key size ${bits} is not supported; use 2048, 3072 or 4096 bits`);
      return { kind: 'rsa', bits, hash: 'sha256' };
    }
    default:
      throw new PlimsollError('KEY_INVALID', `${what}: key type ${type ?? 'unknown'} is not supported; use ECDSA (P-256/P-384/P-521), Ed25519 or RSA`);
  }
}

export function describeAlgorithm(a: KeyAlgorithm): string {
  switch (a.kind) {
    case 'ecdsa':
      return `ECDSA ${a.curve} ${a.hash.toUpperCase()}`;
    case 'ed25519':
      return 'Ed25519';
    case 'rsa':
      return `RSA-${a.bits} PKCS#1 v1.5 SHA256`;
  }
}

/** Sign `data` (the signer hashes it). ECDSA signatures are ASN.1 DER, as cosign and Sigstore write them. */
export function signBytes(data: Buffer, key: KeyObject, alg: KeyAlgorithm): Buffer {
  switch (alg.kind) {
    case 'ecdsa':
      return cryptoSign(alg.hash, data, { key, dsaEncoding: 'der' });
    case 'ed25519':
      return cryptoSign(null, data, key);
    case 'rsa':
      return cryptoSign('sha256', data, { key, padding: constants.RSA_PKCS1_PADDING });
  }
}

function tryVerify(fn: () => boolean): boolean {
  try {
    return fn();
  } catch {
    return false;
  }
}

/**
 * Verify `sig` over `data`. For ECDSA, both DER and the raw r‖s form (IEEE P1363, used by the DSSE
 * spec's own example) are accepted, and besides the curve's hash SHA-256 is tried: cosign before
 * v2.5 signed with SHA-256 whatever the curve. Both hashes are collision resistant, so accepting
 * either does not weaken the check.
 */
export function verifyBytes(data: Buffer, sig: Buffer, key: KeyObject, alg: KeyAlgorithm): boolean {
  if (sig.length === 0 || sig.length > 8192) return false;
  switch (alg.kind) {
    case 'ecdsa': {
      const hashes: HashName[] = alg.hash === 'sha256' ? ['sha256'] : [alg.hash, 'sha256'];
      const size = Object.values(CURVES).find((c) => c.curve === alg.curve)!.size;
      for (const h of hashes) {
        if (tryVerify(() => cryptoVerify(h, data, { key, dsaEncoding: 'der' }, sig))) return true;
        if (sig.length === 2 * size && tryVerify(() => cryptoVerify(h, data, { key, dsaEncoding: 'ieee-p1363' }, sig))) return true;
      }
      return false;
    }
    case 'ed25519':
      return tryVerify(() => cryptoVerify(null, data, key, sig));
    case 'rsa':
      return tryVerify(() => cryptoVerify('sha256', data, { key, padding: constants.RSA_PKCS1_PADDING }, sig));
  }
}

/** SubjectPublicKeyInfo DER of a key. */
export function spkiDer(key: KeyObject): Buffer {
  return key.export({ format: 'der', type: 'spki' });
}

/**
 * The key's hint / key ID: base64 of SHA-256 over its SubjectPublicKeyInfo DER (what Sigstore
 * clients put in a bundle's publicKey.hint and trusted-root log IDs are derived from).
 */
export function keyHint(publicKey: KeyObject): string {
  return createHash('sha256').update(spkiDer(publicKey)).digest('base64');
}
