/**
 * Sigstore bundles (sigstore/protobuf-specs sigstore_bundle.proto, JSON form). plimsoll writes v0.3
 * (`application/vnd.dev.sigstore.bundle.v0.3+json`) with either a messageSignature (sign-blob) or a
 * dsseEnvelope (image signatures and attestations, as cosign v3 does), and a publicKey hint as
 * verification material — key-based signing without a transparency log, so tlogEntries is empty.
 *
 * Reading accepts v0.1, v0.2 and v0.3 (both media type spellings) and applies each version's
 * structural rules (@sigstore/bundle); any other version is refused rather than guessed at.
 */
import { createHash } from 'node:crypto';
import { assertBundleLatest, assertBundleV01, assertBundleV02, bundleFromJSON, type Bundle } from '@sigstore/bundle';
import { PlimsollError } from '../../util/errors.js';
import { encodeBase64, isObject, parseJson, printable } from '../encoding.js';
import { envelopeToJSON, type Envelope } from '../dsse/envelope.js';
import type { SigningKey } from '../keys/private.js';

export const BUNDLE_V03_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
export const BUNDLE_V03_LEGACY_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle+json;version=0.3';
export const BUNDLE_V02_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle+json;version=0.2';
export const BUNDLE_V01_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle+json;version=0.1';

export type BundleVersion = 'v0.1' | 'v0.2' | 'v0.3';

const VERSIONS: Record<string, BundleVersion> = {
  [BUNDLE_V01_MEDIA_TYPE]: 'v0.1',
  [BUNDLE_V02_MEDIA_TYPE]: 'v0.2',
  [BUNDLE_V03_LEGACY_MEDIA_TYPE]: 'v0.3',
  [BUNDLE_V03_MEDIA_TYPE]: 'v0.3',
};

export const MAX_BUNDLE_BYTES = 64 * 1024 * 1024;

/** JSON shape of the bundles plimsoll writes. */
export interface SerializedKeyBundle {
  mediaType: string;
  verificationMaterial: { publicKey: { hint: string }; tlogEntries: []; timestampVerificationData: { rfc3161Timestamps: [] } };
  messageSignature?: { messageDigest: { algorithm: 'SHA2_256'; digest: string }; signature: string };
  dsseEnvelope?: ReturnType<typeof envelopeToJSON>;
}

function material(key: SigningKey): SerializedKeyBundle['verificationMaterial'] {
  return { publicKey: { hint: key.hint }, tlogEntries: [], timestampVerificationData: { rfc3161Timestamps: [] } };
}

/** sign-blob: the signature is over the artifact bytes; the digest is recorded alongside. */
export function messageSignatureBundle(artifact: Buffer, key: SigningKey): SerializedKeyBundle {
  const digest = createHash('sha256').update(artifact).digest();
  return {
    mediaType: BUNDLE_V03_MEDIA_TYPE,
    verificationMaterial: material(key),
    messageSignature: { messageDigest: { algorithm: 'SHA2_256', digest: encodeBase64(digest) }, signature: encodeBase64(key.sign(artifact)) },
  };
}

export function dsseBundle(env: Envelope, key: SigningKey): SerializedKeyBundle {
  if (env.signatures.length !== 1) throw new PlimsollError('INTERNAL', 'a Sigstore bundle holds a DSSE envelope with exactly one signature');
  return { mediaType: BUNDLE_V03_MEDIA_TYPE, verificationMaterial: material(key), dsseEnvelope: envelopeToJSON(env) };
}

export function serializeBundle(b: SerializedKeyBundle): Buffer {
  return Buffer.from(JSON.stringify(b), 'utf8');
}

export interface ParsedBundle {
  version: BundleVersion;
  mediaType: string;
  bundle: Bundle;
}

/** Parse and structurally validate an untrusted bundle (bytes or already-parsed JSON). */
export function parseBundle(input: Buffer | unknown, what: string): ParsedBundle {
  const j = Buffer.isBuffer(input) ? parseJson(input, what, MAX_BUNDLE_BYTES, 'VERIFY_FAILED') : input;
  if (!isObject(j)) throw new PlimsollError('VERIFY_FAILED', `${what}: a Sigstore bundle must be a JSON object`);
  const mediaType = typeof j.mediaType === 'string' ? j.mediaType : '';
  const version = VERSIONS[mediaType];
  if (!version) {
    throw new PlimsollError('VERIFY_FAILED', `${what}: unsupported Sigstore bundle media type "${printable(mediaType) || '(none)'}" (plimsoll reads bundle versions 0.1, 0.2 and 0.3)`);
  }
  const env = j.dsseEnvelope;
  if (isObject(env) && Array.isArray(env.signatures) && env.signatures.length !== 1) {
    throw new PlimsollError('VERIFY_FAILED', `${what}: the bundle's DSSE envelope carries ${env.signatures.length} signatures; a Sigstore bundle holds exactly one (the signer it names), so extra signatures are refused`);
  }
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(j);
    if (version === 'v0.1') assertBundleV01(bundle);
    else if (version === 'v0.2') assertBundleV02(bundle);
    else assertBundleLatest(bundle);
  } catch (e) {
    const fields = (e as { fields?: string[] }).fields;
    throw new PlimsollError('VERIFY_FAILED', `${what}: malformed ${version} Sigstore bundle: ${(e as Error).message}${fields?.length ? ` (${fields.join(', ')})` : ''}`);
  }
  return { version, mediaType, bundle };
}
