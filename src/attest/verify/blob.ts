/**
 * verify-blob: a file and the Sigstore bundle that claims to sign it. After the bundle verifies
 * (./bundle-verifier.ts), the content must be about *this* file: a message signature's digest is the
 * file's (checked by the bundle verifier), a DSSE bundle's in-toto statement must name the file's
 * digest among its subjects.
 */
import { createHash } from 'node:crypto';
import { PlimsollError } from '../../util/errors.js';
import { parseBundle } from '../bundle/bundle.js';
import { INTOTO_PAYLOAD_TYPE } from '../dsse/envelope.js';
import { parseStatement, type Statement } from '../intoto/statement.js';
import { BundleVerifier, type BundleTrust, type BundleVerification } from './bundle-verifier.js';

export interface BlobVerification extends BundleVerification {
  statement?: Statement;
}

/** Does the statement name `artifact` by any digest algorithm we can compute? */
export function statementCoversArtifact(st: Statement, artifact: Buffer): boolean {
  const algs: Record<string, string> = { sha256: 'sha256', sha384: 'sha384', sha512: 'sha512', sha1: 'sha1' };
  return st.subject.some((s) =>
    Object.entries(s.digest ?? {}).some(([alg, hex]) => {
      const node = algs[alg];
      return node !== undefined && typeof hex === 'string' && createHash(node).update(artifact).digest('hex') === hex.toLowerCase();
    }),
  );
}

export function verifyBlob(artifact: Buffer, bundleBytes: Buffer, trust: BundleTrust, what: string): BlobVerification {
  const parsed = parseBundle(bundleBytes, what);
  const result = new BundleVerifier(trust).verify(parsed, artifact, what);
  if (result.content.kind === 'message-signature') return result;
  if (result.content.payloadType !== INTOTO_PAYLOAD_TYPE) {
    throw new PlimsollError('VERIFY_FAILED', `${what}: the DSSE payload type is "${result.content.payloadType}", not an in-toto statement; nothing in it binds the signature to the file`);
  }
  const statement = parseStatement(result.content.payload, `${what}: the signed statement`, 'VERIFY_FAILED');
  if (!statementCoversArtifact(statement, artifact)) {
    const sha = createHash('sha256').update(artifact).digest('hex');
    throw new PlimsollError('VERIFY_FAILED', `${what}: the signed statement's subjects do not include the file (sha256:${sha}); the attestation is about other content`);
  }
  return { ...result, statement };
}
