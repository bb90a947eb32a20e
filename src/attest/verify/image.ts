/**
 * `verify IMAGE`: is this image (the digest its reference names now) signed by the trusted key or
 * identity? The steps:
 *
 *   1. resolve the reference to a digest (done by the caller: ../target.ts);
 *   2. find signatures by both schemes (./sources.ts);
 *   3. for each: verify the signature (key, or Sigstore bundle against the trusted root);
 *   4. for each verified one: the signed payload must name this digest — a signature copied from
 *      another image, or found after a tag moved, does not count;
 *   5. succeed when at least one signature passed 3 and 4. Every rejected one keeps its reason.
 */
import { PlimsollError } from '../../util/errors.js';
import { parseBundle } from '../bundle/bundle.js';
import { INTOTO_PAYLOAD_TYPE } from '../dsse/envelope.js';
import { parseStatement, statementCoversDigest } from '../intoto/statement.js';
import { PredicateTypes } from '../intoto/predicates.js';
import type { ImageTarget } from '../target.js';
import { BundleVerifier, type BundleSigner, type BundleTrust } from './bundle-verifier.js';
import { collectEvidence, type Evidence } from './sources.js';
import { digestMismatch, verifySimpleSigning } from './simple-signing.js';

/** What `verify` prints per verified signature: cosign's output shape. */
export interface SignedClaim {
  critical: { identity: { 'docker-reference': string }; image: { 'docker-manifest-digest': string }; type: string };
  optional: Record<string, unknown> | null;
}

export type SignatureVerdict =
  | { ok: true; scheme: Evidence['scheme']; location: string; claim: SignedClaim; signer: BundleSigner; transparencyLog: 'verified' | 'not-checked' }
  | { ok: false; scheme: Evidence['scheme']; location: string; reason: string };

export interface ImageVerification {
  digest: string;
  verdicts: SignatureVerdict[];
  notes: string[];
}


export class ImageSignatureVerifier {
  private readonly bundles: BundleVerifier;
  constructor(
    private readonly target: ImageTarget,
    private readonly trust: BundleTrust,
  ) {
    this.bundles = new BundleVerifier(trust);
  }

  async verify(): Promise<ImageVerification> {
    const { evidence, notes } = await collectEvidence(this.target, 'sig');
    const verdicts: SignatureVerdict[] = [];
    for (const e of evidence) {
      try {
        const v = e.scheme === 'cosign-tag' ? this.checkCosignLayer(e) : await this.checkReferrer(e);
        if (v) verdicts.push(v);
      } catch (err) {
        if (!(err instanceof PlimsollError) || err.code === 'REGISTRY_AUTH' || err.code === 'INTERNAL') throw err;
        verdicts.push({ ok: false, scheme: e.scheme, location: e.location, reason: err.message });
      }
    }
    return { digest: this.target.digest, verdicts, notes };
  }

  /** cosign .sig layer: base64 signature annotation over the simple-signing payload bytes. */
  private checkCosignLayer(e: Extract<Evidence, { scheme: 'cosign-tag' }>): SignatureVerdict {
    const { layer, location } = e;
    if (this.trust.kind !== 'key') {
      throw new PlimsollError('VERIFY_FAILED', `${location}: a cosign tag-scheme signature; keyless verification of those (certificate + Rekor SET annotations) is not supported — verify with --key, or use Sigstore bundle referrers`);
    }
    const p = verifySimpleSigning({ mediaType: layer.descriptor.mediaType, payload: layer.payload, annotations: layer.annotations }, this.trust.key, this.target.digest, location);
    return {
      ok: true,
      scheme: 'cosign-tag',
      location,
      claim: { critical: { identity: { 'docker-reference': p.dockerReference }, image: { 'docker-manifest-digest': p.manifestDigest }, type: p.type }, optional: p.optional },
      signer: { kind: 'key', hint: this.trust.key.hint },
      transparencyLog: 'not-checked',
    };
  }

  /** Referrer bundle: a cosign-v3 style DSSE sign statement, or a message signature over the manifest. */
  private async checkReferrer(e: Extract<Evidence, { scheme: 'referrer' }>): Promise<SignatureVerdict | undefined> {
    const { location } = e;
    const fetched = await e.fetch();
    const parsed = parseBundle(fetched.bundle, location);
    const result = this.bundles.verify(parsed, this.target.manifestBytes, location);
    const base = { ok: true as const, scheme: 'referrer' as const, location, signer: result.signer, transparencyLog: result.transparencyLog };
    if (result.content.kind === 'message-signature') {
      // the bundle verifier checked the message digest against the manifest bytes we resolved
      return { ...base, claim: { critical: { identity: { 'docker-reference': this.target.dockerReference }, image: { 'docker-manifest-digest': this.target.digest }, type: 'message-signature' }, optional: null } };
    }
    if (result.content.payloadType !== INTOTO_PAYLOAD_TYPE) throw new PlimsollError('VERIFY_FAILED', `${location}: DSSE payload type "${result.content.payloadType}" is not an in-toto statement`);
    const st = parseStatement(result.content.payload, `${location}: signed statement`, 'VERIFY_FAILED');
    if (st.predicateType !== PredicateTypes.cosignSign) return undefined; // an attestation, not a signature
    if (!statementCoversDigest(st, this.target.digest)) {
      const named = st.subject.map((s) => Object.entries(s.digest ?? {}).map(([a, h]) => `${a}:${h}`).join(',')).join(' ');
      throw new PlimsollError('VERIFY_FAILED', `${location}: ${digestMismatch(named, this.target.digest)}`);
    }
    return {
      ...base,
      claim: {
        critical: { identity: { 'docker-reference': st.subject[0]?.name ?? this.target.dockerReference }, image: { 'docker-manifest-digest': this.target.digest }, type: PredicateTypes.cosignSign },
        optional: st.subject[0]?.annotations ?? {},
      },
    };
  }
}
