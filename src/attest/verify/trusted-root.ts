/**
 * A Sigstore trusted root (trusted_root.json: Fulcio CAs, Rekor logs, CT logs, TSAs with their
 * validity windows), read from a file given with --trusted-root and used offline. Before handing it
 * to @sigstore/verify it is checked for what the library would otherwise read leniently: every
 * authority must state when its validity starts (a missing start is not "forever").
 */
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toTrustMaterial, type TrustMaterial } from '@sigstore/verify';
import { PlimsollError } from '../../util/errors.js';
import { isObject, parseJson, printable } from '../encoding.js';
import type { VerificationKey } from '../keys/public.js';

export interface TrustedRootFile {
  what: string;
  root: TrustedRoot;
}

const MEDIA_TYPE_RE = /^application\/vnd\.dev\.sigstore\.trustedroot(\.v0\.\d+)?\+json(;version=0\.\d+)?$/;

function bad(what: string, why: string): PlimsollError {
  return new PlimsollError('VERIFY_FAILED', `${what}: not a usable Sigstore trusted root: ${why}`);
}

export function loadTrustedRoot(bytes: Buffer, what: string): TrustedRootFile {
  const j = parseJson(bytes, what, 16 * 1024 * 1024, 'VERIFY_FAILED');
  if (!isObject(j)) throw bad(what, 'not a JSON object');
  if (typeof j.mediaType !== 'string' || !MEDIA_TYPE_RE.test(j.mediaType)) throw bad(what, `media type "${printable(String(j.mediaType ?? ''))}" is not a trusted root's`);
  const requireStart = (list: unknown, name: string, get: (x: Record<string, unknown>) => unknown): void => {
    if (list === undefined) return;
    if (!Array.isArray(list)) throw bad(what, `${name} is not a list`);
    list.forEach((x, i) => {
      const vf = isObject(x) ? get(x) : undefined;
      if (!isObject(vf) || typeof vf.start !== 'string' || vf.start === '') throw bad(what, `${name}[${i}] has no validFor.start; an authority's validity must be bounded`);
    });
  };
  requireStart(j.tlogs, 'tlogs', (x) => (isObject(x.publicKey) ? x.publicKey.validFor : undefined));
  requireStart(j.ctlogs, 'ctlogs', (x) => (isObject(x.publicKey) ? x.publicKey.validFor : undefined));
  requireStart(j.certificateAuthorities, 'certificateAuthorities', (x) => x.validFor);
  requireStart(j.timestampAuthorities, 'timestampAuthorities', (x) => x.validFor);
  try {
    return { what, root: TrustedRoot.fromJSON(j) };
  } catch (e) {
    throw bad(what, (e as Error).message);
  }
}

/** Trust material for @sigstore/verify; `key` answers any public-key hint (cosign --key semantics). */
export function trustMaterial(file: TrustedRootFile, key?: VerificationKey): TrustMaterial {
  try {
    return key ? toTrustMaterial(file.root, () => ({ publicKey: key.key, validFor: () => true })) : toTrustMaterial(file.root);
  } catch (e) {
    throw bad(file.what, (e as Error).message);
  }
}
