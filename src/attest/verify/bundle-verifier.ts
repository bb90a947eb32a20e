/**
 * Verifying one Sigstore bundle, offline. The steps, in order:
 *
 *   1. choose the trust: a public key (--key), or a trusted root plus an identity policy (keyless);
 *   2. with a trusted root, run the full Sigstore protocol through @sigstore/verify: timestamps
 *      (transparency-log integrated time, RFC 3161), signing key (certificate chain to a Fulcio CA
 *      valid at that time + SCTs, or the given key), transparency-log inclusion (SET / inclusion
 *      proof + checkpoint) and entry body, then the signature itself;
 *      with only a key, check the signature with that key (plimsoll's own key-signed bundles carry
 *      no transparency-log entry, and that is reported, not hidden);
 *   3. keyless: the certificate's identity and issuer must match the policy;
 *   4. return what was signed: the message digest, or the DSSE payload.
 *
 * Binding the content to *something* (an artifact's bytes, an image digest in a statement) is the
 * caller's step, because only the caller knows what the signature is supposed to be about.
 */
import { createHash } from 'node:crypto';
import { HashAlgorithm } from '@sigstore/protobuf-specs';
import { PolicyError, toSignedEntity, VerificationError, Verifier, type SignedEntity } from '@sigstore/verify';
import { PlimsollError } from '../../util/errors.js';
import { pae } from '../dsse/pae.js';
import type { ParsedBundle, BundleVersion } from '../bundle/bundle.js';
import type { VerificationKey } from '../keys/public.js';
import { describeMatcher, matches, type IdentityPolicy } from './identity.js';
import { trustMaterial, type TrustedRootFile } from './trusted-root.js';

export type BundleTrust =
  | { kind: 'key'; key: VerificationKey; trustedRoot?: TrustedRootFile }
  | { kind: 'keyless'; trustedRoot: TrustedRootFile; identity: IdentityPolicy };

export type BundleContent =
  | { kind: 'message-signature'; /** sha256 of the signed artifact, as verified */ sha256: string }
  | { kind: 'dsse'; payloadType: string; payload: Buffer };

export type BundleSigner = { kind: 'key'; hint: string } | { kind: 'certificate'; subjectAlternativeName: string; issuer?: string };

export interface BundleVerification {
  version: BundleVersion;
  content: BundleContent;
  signer: BundleSigner;
  /** 'verified': inclusion in a trusted log was checked; 'not-checked': key-only verification */
  transparencyLog: 'verified' | 'not-checked';
  tlogEntries: number;
}

const HASHES: Partial<Record<HashAlgorithm, string>> = {
  [HashAlgorithm.SHA2_256]: 'sha256',
  [HashAlgorithm.SHA2_384]: 'sha384',
  [HashAlgorithm.SHA2_512]: 'sha512',
};

function sha256(b: Uint8Array): Buffer {
  return createHash('sha256').update(b).digest();
}

/**
 * Rekor v2 logs a DSSE envelope as hashedrekord 0.0.2 over SHA-256(PAE(type, payload)) (rekor-v2
 * spec §6.1.4); @sigstore/verify 3.1 compares a DSSE bundle's log entry with SHA-256(payload) only.
 * Accepting either digest keeps the binding: both are computed from the envelope being verified,
 * and the entry's signature must still equal the envelope's.
 */
function withRekorV2DsseDigest(entity: SignedEntity, bundle: ParsedBundle['bundle']): SignedEntity {
  if (bundle.content.$case !== 'dsseEnvelope') return entity;
  const env = bundle.content.dsseEnvelope;
  const paeDigest = sha256(pae(env.payloadType, env.payload));
  const inner = entity.signature;
  return {
    ...entity,
    signature: {
      signature: inner.signature,
      compareSignature: (s) => inner.compareSignature(s),
      compareDigest: (d) => inner.compareDigest(d) || (d.length === paeDigest.length && d.equals(paeDigest)),
      verifySignature: (k) => inner.verifySignature(k),
    },
  };
}

function sigstoreError(e: unknown, what: string): PlimsollError {
  if (e instanceof PlimsollError) return e;
  if (e instanceof VerificationError || e instanceof PolicyError) {
    return new PlimsollError('VERIFY_FAILED', `${what}: ${e.code}: ${e.message}`, { cause: e });
  }
  // anything else thrown while walking the bundle means a field it needs is missing or malformed
  return new PlimsollError('VERIFY_FAILED', `${what}: the bundle is malformed for its verification material (${(e as Error)?.message ?? String(e)})`, { cause: e });
}

export class BundleVerifier {
  constructor(private readonly trust: BundleTrust) {}

  verify(parsed: ParsedBundle, artifact: Buffer | undefined, what: string): BundleVerification {
    const { bundle, version } = parsed;
    const material = bundle.verificationMaterial.content;
    // 1. the trust must fit the bundle's verification material
    if (this.trust.kind === 'key' && material.$case !== 'publicKey') {
      throw new PlimsollError('VERIFY_FAILED', `${what}: the bundle is signed with a certificate (keyless), not a key; verify it with --trusted-root, --certificate-identity and --certificate-oidc-issuer`);
    }
    if (this.trust.kind === 'keyless' && material.$case === 'publicKey') {
      throw new PlimsollError('VERIFY_FAILED', `${what}: the bundle is signed with a public key (hint ${material.publicKey.hint || 'none'}), not a certificate; verify it with --key`);
    }
    if (bundle.content.$case === 'messageSignature' && artifact === undefined) {
      throw new PlimsollError('INTERNAL', `${what}: a message-signature bundle needs the artifact to verify`);
    }
    const content = this.content(parsed, artifact, what);

    // 2. signature (and, with a trusted root, the whole Sigstore chain of evidence)
    if (this.trust.kind === 'key' && !this.trust.trustedRoot) {
      this.verifyWithKeyOnly(parsed, artifact, this.trust.key, what);
      return { version, content, signer: { kind: 'key', hint: this.trust.key.hint }, transparencyLog: 'not-checked', tlogEntries: bundle.verificationMaterial.tlogEntries.length };
    }
    const root = this.trust.kind === 'key' ? this.trust.trustedRoot! : this.trust.trustedRoot;
    let signer;
    try {
      const tm = trustMaterial(root, this.trust.kind === 'key' ? this.trust.key : undefined);
      const entity = withRekorV2DsseDigest(toSignedEntity(bundle, artifact), bundle);
      signer = new Verifier(tm).verify(entity);
    } catch (e) {
      throw sigstoreError(e, what);
    }

    // 3. identity policy
    if (this.trust.kind === 'keyless') {
      const san = signer.identity?.subjectAlternativeName;
      const issuer = signer.identity?.extensions?.issuer;
      if (!matches(this.trust.identity.subject, san)) {
        throw new PlimsollError('VERIFY_FAILED', `${what}: the certificate identity is "${san ?? '(none)'}", which does not match ${describeMatcher(this.trust.identity.subject)}`);
      }
      if (!matches(this.trust.identity.issuer, issuer)) {
        throw new PlimsollError('VERIFY_FAILED', `${what}: the certificate's OIDC issuer is "${issuer ?? '(none)'}", which does not match ${describeMatcher(this.trust.identity.issuer)}`);
      }
      return { version, content, signer: { kind: 'certificate', subjectAlternativeName: san!, ...(issuer ? { issuer } : {}) }, transparencyLog: 'verified', tlogEntries: bundle.verificationMaterial.tlogEntries.length };
    }
    return { version, content, signer: { kind: 'key', hint: this.trust.key.hint }, transparencyLog: 'verified', tlogEntries: bundle.verificationMaterial.tlogEntries.length };
  }

  /** 4. what was signed; for a message signature, its recorded digest must be the artifact's. */
  private content(parsed: ParsedBundle, artifact: Buffer | undefined, what: string): BundleContent {
    const c = parsed.bundle.content;
    if (c.$case === 'dsseEnvelope') return { kind: 'dsse', payloadType: c.dsseEnvelope.payloadType, payload: Buffer.from(c.dsseEnvelope.payload) };
    const md = c.messageSignature.messageDigest;
    const actual = sha256(artifact!);
    if (md) {
      const alg = HASHES[md.algorithm];
      if (!alg) throw new PlimsollError('VERIFY_FAILED', `${what}: the bundle's message digest uses an unsupported algorithm (${HashAlgorithm[md.algorithm] ?? md.algorithm})`);
      const mine = createHash(alg).update(artifact!).digest();
      if (!Buffer.from(md.digest).equals(mine)) {
        throw new PlimsollError('VERIFY_FAILED', `${what}: the bundle's message digest ${alg}:${Buffer.from(md.digest).toString('hex')} is not the artifact's ${alg}:${mine.toString('hex')}; the bundle is for other content`);
      }
    }
    return { kind: 'message-signature', sha256: actual.toString('hex') };
  }

  private verifyWithKeyOnly(parsed: ParsedBundle, artifact: Buffer | undefined, key: VerificationKey, what: string): void {
    const c = parsed.bundle.content;
    const hint = parsed.bundle.verificationMaterial.content.$case === 'publicKey' ? parsed.bundle.verificationMaterial.content.publicKey.hint : '';
    const signedWith = hint && hint !== key.hint ? ` (the bundle names key ${hint}; the given key is ${key.hint})` : '';
    if (c.$case === 'dsseEnvelope') {
      const env = c.dsseEnvelope;
      if (!key.verify(pae(env.payloadType, Buffer.from(env.payload)), Buffer.from(env.signatures[0]!.sig))) {
        throw new PlimsollError('VERIFY_FAILED', `${what}: the DSSE signature does not verify with the given key${signedWith}; the envelope or its payload was modified, or another key signed it`);
      }
      return;
    }
    if (!key.verify(artifact!, Buffer.from(c.messageSignature.signature))) {
      throw new PlimsollError('VERIFY_FAILED', `${what}: the signature does not verify with the given key${signedWith}; the artifact or the signature was modified, or another key signed it`);
    }
  }
}
