/**
 * in-toto ResourceDescriptor (in-toto/attestation spec/v1/resource_descriptor.md) and its checks:
 * at least one of name, uri, digest; digest values of known algorithms must be lowercase-or-upper
 * hex of the algorithm's length (gitCommit: SHA-1 or SHA-256 length); unknown algorithm names are
 * left unchecked, as the spec allows custom ones.
 */
import { isObject } from '../encoding.js';
import type { InTotoProblem } from './problems.js';

export interface ResourceDescriptor {
  name?: string;
  uri?: string;
  digest?: Record<string, string>;
  content?: string;
  downloadLocation?: string;
  mediaType?: string;
  annotations?: Record<string, unknown>;
}

/** Digest lengths in bytes, per in-toto's digest_set.md. */
const DIGEST_BYTES: Record<string, number[]> = {
  sha256: [32],
  sha224: [28],
  sha384: [48],
  sha512: [64],
  sha512_224: [28],
  sha512_256: [32],
  sha3_224: [28],
  sha3_256: [32],
  sha3_384: [48],
  sha3_512: [64],
  shake128: [16],
  shake256: [32],
  md5: [16],
  sha1: [20],
  gitCommit: [20, 32],
  gitTree: [20, 32],
  gitBlob: [20, 32],
  gitTag: [20, 32],
};

export function resourceDescriptorProblems(rd: unknown, path: string): InTotoProblem[] {
  if (!isObject(rd)) return [{ error: 'ErrRDRequiredField', message: 'at least one of name, URI, or digest are required', path }];
  const out: InTotoProblem[] = [];
  const name = typeof rd.name === 'string' ? rd.name : '';
  const uri = typeof rd.uri === 'string' ? rd.uri : '';
  const digest = isObject(rd.digest) ? rd.digest : undefined;
  const hasDigest = digest !== undefined && Object.keys(digest).length > 0;
  if (name === '' && uri === '' && !hasDigest) out.push({ error: 'ErrRDRequiredField', message: 'at least one of name, URI, or digest are required', path });
  if (rd.digest !== undefined && !isObject(rd.digest)) out.push({ error: 'ErrInvalidDigestEncoding', message: 'digest must be an object of algorithm → value', path: `${path}.digest` });
  if (digest) {
    for (const [alg, value] of Object.entries(digest)) {
      const p = `${path}.digest.${alg}`;
      if (typeof value !== 'string') {
        out.push({ error: 'ErrInvalidDigestEncoding', message: 'digest is not valid hex-encoded string', path: p });
        continue;
      }
      const lengths = DIGEST_BYTES[alg];
      if (!lengths) continue;
      if (!/^[0-9a-fA-F]*$/.test(value) || value.length % 2 !== 0) out.push({ error: 'ErrInvalidDigestEncoding', message: 'digest is not valid hex-encoded string', path: p });
      else if (!lengths.includes(value.length / 2)) out.push({ error: 'ErrIncorrectDigestLength', message: 'digest has incorrect length', path: p });
    }
  }
  return out;
}
