/**
 * DSSE verification as protocol.md specifies it:
 *
 *   1. reject unless payloadType is one the caller supports;
 *   2. for every signature, for every trusted key (skipping a key whose known KEYID differs from the
 *      signature's): if the signature verifies over PAE(payloadType, payload), that key is recognised;
 *   3. accept when at least `threshold` *distinct* trusted keys are recognised.
 *
 * Multiple-signature policy (decided here, same as cosign and go-securesystemslib): signatures that
 * no given key verifies are ignored, never an error by themselves — an envelope may legitimately be
 * co-signed by parties the verifier does not know — but they never count: an envelope whose only
 * signatures are foreign fails, and one key signing twice counts once toward the threshold. The
 * ignored signatures are reported so callers can show them. Sigstore bundles are stricter (exactly
 * one signature, enforced in ../bundle).
 */
import { PlimsollError } from '../../util/errors.js';
import type { VerificationKey } from '../keys/public.js';
import type { Envelope } from './envelope.js';
import { pae } from './pae.js';

export interface TrustedKey {
  key: VerificationKey;
  /** the KEYID this key is known under, if any */
  keyid?: string;
}

export interface DsseVerifyOptions {
  keys: readonly TrustedKey[];
  /** distinct keys needed (default 1) */
  threshold?: number;
  payloadTypes: readonly string[];
}

export interface DsseVerified {
  payloadType: string;
  payload: Buffer;
  /** trusted keys that verified a signature */
  keys: TrustedKey[];
  /** indexes of signatures that no trusted key verified */
  ignored: number[];
}

export function verifyEnvelope(env: Envelope, opts: DsseVerifyOptions, what: string): DsseVerified {
  const threshold = opts.threshold ?? 1;
  if (threshold < 1) throw new PlimsollError('INTERNAL', 'DSSE threshold must be at least 1');
  if (!opts.payloadTypes.includes(env.payloadType)) {
    throw new PlimsollError('VERIFY_FAILED', `${what}: DSSE payloadType "${env.payloadType}" is not accepted here (expected ${opts.payloadTypes.map((t) => `"${t}"`).join(' or ')})`);
  }
  const message = pae(env.payloadType, env.payload);
  const recognised = new Set<TrustedKey>();
  const ignored: number[] = [];
  env.signatures.forEach((s, i) => {
    let matched = false;
    for (const k of opts.keys) {
      if (s.keyid !== undefined && k.keyid !== undefined && s.keyid !== k.keyid) continue;
      if (k.key.verify(message, s.sig)) {
        recognised.add(k);
        matched = true;
      }
    }
    if (!matched) ignored.push(i);
  });
  if (recognised.size < threshold) {
    const n = env.signatures.length;
    const detail =
      recognised.size === 0
        ? `none of its ${n} signature${n === 1 ? '' : 's'} verifies with ${opts.keys.length === 1 ? `the given key (${opts.keys[0]!.key.hint})` : `any of the ${opts.keys.length} given keys`}`
        : `only ${recognised.size} distinct trusted key${recognised.size === 1 ? '' : 's'} signed it, ${threshold} are required`;
    throw new PlimsollError('VERIFY_FAILED', `${what}: DSSE envelope rejected: ${detail}; the envelope, its payload or its signature was modified, or it was signed with another key`);
  }
  return { payloadType: env.payloadType, payload: env.payload, keys: [...recognised], ignored };
}
