/**
 * Signing and attesting an image, stored both ways clients look:
 *
 *   sign:   cosign `.sig` layer (simple-signing payload + signature annotation)  — what cosign ≤ v2,
 *           containers/image, Kyverno and policy-controller read; and a referrer bundle holding a
 *           DSSE in-toto statement of type https://sigstore.dev/cosign/sign/v1 about the digest —
 *           what cosign v3 writes and reads.
 *   attest: cosign `.att` layer (the DSSE envelope) and a referrer bundle with the same envelope.
 *
 * Everything is about the digest the reference resolved to (../target.ts), never a tag. Signing is
 * offline and key-based: no Fulcio certificate, no Rekor entry (bundles say so: tlogEntries is empty).
 */
import { PlimsollError } from '../../util/errors.js';
import { encodeBase64 } from '../encoding.js';
import { appendCosignLayer, type AppendResult } from '../cosign/store.js';
import { CosignAnnotations } from '../cosign/layout.js';
import { buildSimpleSigningPayload, SIMPLE_SIGNING_MEDIA_TYPE } from '../cosign/simple-signing.js';
import { DSSE_ENVELOPE_MEDIA_TYPE, INTOTO_PAYLOAD_TYPE, serializeEnvelope } from '../dsse/envelope.js';
import { signEnvelope } from '../dsse/sign.js';
import { dsseBundle, serializeBundle } from '../bundle/bundle.js';
import { BundleAnnotations, pushBundleReferrer, type PushedReferrer } from '../bundle/oci.js';
import { digestSubject, makeStatement } from '../intoto/statement.js';
import { predicateProblems, PredicateTypes } from '../intoto/predicates.js';
import { formatProblems } from '../intoto/problems.js';
import type { SigningKey } from '../keys/private.js';
import type { ImageTarget } from '../target.js';

/** Which storage schemes to write. */
export type StoreMode = 'both' | 'cosign' | 'referrer';

export interface SignResult {
  digest: string;
  cosign?: AppendResult;
  referrer?: PushedReferrer;
}

/** RFC 3339 creation time: SOURCE_DATE_EPOCH when set (reproducible), else now. */
export function createdTime(env: NodeJS.ProcessEnv = process.env): string {
  const sde = env.SOURCE_DATE_EPOCH;
  const d = sde && /^\d+$/.test(sde) ? new Date(Number(sde) * 1000) : new Date();
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export async function signImage(target: ImageTarget, key: SigningKey, opts: { annotations?: Record<string, string>; store?: StoreMode } = {}): Promise<SignResult> {
  const store = opts.store ?? 'both';
  const annotations = opts.annotations ?? {};
  const out: SignResult = { digest: target.digest };
  if (store !== 'referrer') {
    const payload = buildSimpleSigningPayload(target.dockerReference, target.digest, annotations);
    const sig = key.sign(payload);
    out.cosign = await appendCosignLayer(target.client, target.repository, target.digest, 'sig', {
      mediaType: SIMPLE_SIGNING_MEDIA_TYPE,
      payload,
      annotations: { [CosignAnnotations.signature]: encodeBase64(sig) },
    });
  }
  if (store !== 'cosign') {
    const subject = { ...digestSubject(target.dockerReference, target.digest), ...(Object.keys(annotations).length ? { annotations } : {}) };
    const statement = makeStatement([subject], PredicateTypes.cosignSign, {});
    const env = signEnvelope(INTOTO_PAYLOAD_TYPE, Buffer.from(JSON.stringify(statement), 'utf8'), key);
    out.referrer = await pushBundleReferrer(target.client, target.repository, target.descriptor, serializeBundle(dsseBundle(env, key)), {
      [BundleAnnotations.content]: 'dsse-envelope',
      [BundleAnnotations.predicateType]: PredicateTypes.cosignSign,
      [BundleAnnotations.created]: createdTime(),
    });
  }
  return out;
}

export async function attestImage(target: ImageTarget, key: SigningKey, predicateType: string, predicate: Record<string, unknown>, opts: { store?: StoreMode } = {}): Promise<SignResult> {
  const problems = predicateProblems(predicateType, predicate);
  if (problems.length) throw new PlimsollError('USAGE', `the predicate is not a valid ${predicateType} document: ${formatProblems(problems)}`);
  const store = opts.store ?? 'both';
  const statement = makeStatement([digestSubject(target.dockerReference, target.digest)], predicateType, predicate);
  const env = signEnvelope(INTOTO_PAYLOAD_TYPE, Buffer.from(JSON.stringify(statement), 'utf8'), key);
  const out: SignResult = { digest: target.digest };
  if (store !== 'referrer') {
    out.cosign = await appendCosignLayer(target.client, target.repository, target.digest, 'att', {
      mediaType: DSSE_ENVELOPE_MEDIA_TYPE,
      payload: serializeEnvelope(env),
      annotations: { [CosignAnnotations.signature]: '', [CosignAnnotations.predicateType]: predicateType },
    });
  }
  if (store !== 'cosign') {
    out.referrer = await pushBundleReferrer(target.client, target.repository, target.descriptor, serializeBundle(dsseBundle(env, key)), {
      [BundleAnnotations.content]: 'dsse-envelope',
      [BundleAnnotations.predicateType]: predicateType,
      [BundleAnnotations.created]: createdTime(),
    });
  }
  return out;
}
