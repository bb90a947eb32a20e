/**
 * `verify-attestation IMAGE --type T`: the in-toto statements about this image that the trusted key
 * or identity signed, of predicate type T. The steps:
 *
 *   1. find attestations by both schemes: cosign `.att` layers (DSSE envelopes) and referrer bundles;
 *   2. verify each envelope (DSSE rules, ../dsse/verify.ts) or bundle (./bundle-verifier.ts);
 *   3. the payload must be an in-toto statement (valid per the in-toto spec) whose subjects include
 *      this image's digest — otherwise it is about something else;
 *   4. keep those whose predicateType is T, and check the predicate's structure for known types;
 *   5. the caller then applies --policy to each, and fails when none is left.
 */
import { PlimsollError } from '../../util/errors.js';
import { parseBundle } from '../bundle/bundle.js';
import { INTOTO_PAYLOAD_TYPE, parseEnvelope } from '../dsse/envelope.js';
import { verifyEnvelope } from '../dsse/verify.js';
import { parseStatement, statementCoversDigest, type Statement } from '../intoto/statement.js';
import { predicateProblems, PredicateTypes } from '../intoto/predicates.js';
import { formatProblems } from '../intoto/problems.js';
import type { ImageTarget } from '../target.js';
import { BundleVerifier, type BundleSigner, type BundleTrust } from './bundle-verifier.js';
import { collectEvidence, type Evidence } from './sources.js';

export type AttestationVerdict =
  | { ok: true; scheme: Evidence['scheme']; location: string; statement: Statement; signer: BundleSigner; transparencyLog: 'verified' | 'not-checked'; ignoredSignatures: number }
  | { ok: false; scheme: Evidence['scheme']; location: string; reason: string };

export interface AttestationVerification {
  digest: string;
  predicateType: string;
  /** verified, about this image, of the requested type */
  verdicts: AttestationVerdict[];
  /** verified and about this image, but of another predicate type */
  otherTypes: string[];
  notes: string[];
}

export class AttestationVerifier {
  private readonly bundles: BundleVerifier;
  constructor(
    private readonly target: ImageTarget,
    private readonly trust: BundleTrust,
    private readonly predicateType: string,
  ) {
    this.bundles = new BundleVerifier(trust);
  }

  async verify(): Promise<AttestationVerification> {
    const { evidence, notes } = await collectEvidence(this.target, 'att');
    const verdicts: AttestationVerdict[] = [];
    const otherTypes: string[] = [];
    for (const e of evidence) {
      try {
        const v = e.scheme === 'cosign-tag' ? this.checkEnvelope(e) : await this.checkReferrer(e);
        if (!v) continue; // a signature stored among the referrers, not an attestation
        if (v.ok && v.statement.predicateType !== this.predicateType) {
          otherTypes.push(v.statement.predicateType);
          continue;
        }
        if (v.ok) this.checkPredicate(v.statement, v.location);
        verdicts.push(v);
      } catch (err) {
        if (!(err instanceof PlimsollError) || err.code === 'REGISTRY_AUTH' || err.code === 'INTERNAL') throw err;
        verdicts.push({ ok: false, scheme: e.scheme, location: e.location, reason: err.message });
      }
    }
    return { digest: this.target.digest, predicateType: this.predicateType, verdicts, otherTypes, notes };
  }

  /** step 3: a statement about this image */
  private statement(payloadType: string, payload: Buffer, location: string): Statement {
    if (payloadType !== INTOTO_PAYLOAD_TYPE) throw new PlimsollError('VERIFY_FAILED', `${location}: payload type "${payloadType}" is not an in-toto statement`);
    const st = parseStatement(payload, `${location}: signed statement`, 'VERIFY_FAILED');
    if (!statementCoversDigest(st, this.target.digest)) {
      const named = st.subject.map((s) => Object.entries(s.digest ?? {}).map(([a, h]) => `${a}:${h}`).join(',')).join(' ');
      throw new PlimsollError('VERIFY_FAILED', `${location}: the statement is about ${named || 'nothing'}, not this image (${this.target.digest}): the tag points at other content, or the attestation was copied from another image`);
    }
    return st;
  }

  /** step 4: known predicate types must have their required structure */
  private checkPredicate(st: Statement, location: string): void {
    const problems = predicateProblems(st.predicateType, st.predicate);
    if (problems.length) throw new PlimsollError('VERIFY_FAILED', `${location}: the ${st.predicateType} predicate is malformed: ${formatProblems(problems)}`);
  }

  private checkEnvelope(e: Extract<Evidence, { scheme: 'cosign-tag' }>): AttestationVerdict {
    const { location, layer } = e;
    if (this.trust.kind !== 'key') {
      throw new PlimsollError('VERIFY_FAILED', `${location}: a cosign tag-scheme attestation; keyless verification of those is not supported — verify with --key, or use Sigstore bundle referrers`);
    }
    const env = parseEnvelope(layer.payload, `${location}: DSSE envelope`);
    const v = verifyEnvelope(env, { keys: [{ key: this.trust.key }], payloadTypes: [INTOTO_PAYLOAD_TYPE] }, location);
    const statement = this.statement(v.payloadType, v.payload, location);
    return { ok: true, scheme: 'cosign-tag', location, statement, signer: { kind: 'key', hint: this.trust.key.hint }, transparencyLog: 'not-checked', ignoredSignatures: v.ignored.length };
  }

  private async checkReferrer(e: Extract<Evidence, { scheme: 'referrer' }>): Promise<AttestationVerdict | undefined> {
    const { location } = e;
    const fetched = await e.fetch();
    const parsed = parseBundle(fetched.bundle, location);
    if (parsed.bundle.content.$case !== 'dsseEnvelope') return undefined;
    const result = this.bundles.verify(parsed, this.target.manifestBytes, location);
    if (result.content.kind !== 'dsse') return undefined;
    const statement = this.statement(result.content.payloadType, result.content.payload, location);
    if (statement.predicateType === PredicateTypes.cosignSign) return undefined;
    return { ok: true, scheme: 'referrer', location, statement, signer: result.signer, transparencyLog: result.transparencyLog, ignoredSignatures: 0 };
  }
}
