/**
 * cosign's simple-signing payload (cosign specs/SIGNATURE_SPEC.md, "Simple Signing", after Red Hat's
 * atomic signature format): the bytes that are signed for an image.
 *
 *   {"critical":{"identity":{"docker-reference":"host/repo"},
 *                "image":{"docker-manifest-digest":"sha256:…"},
 *                "type":"cosign container image signature"},
 *    "optional":{…annotations…} | null}
 *
 * The digest inside is what binds a signature to one image: a verifier must compare it with the
 * digest it resolved, never trust the tag.
 */
import { PlimsollError } from '../../util/errors.js';
import { isDigest } from '../../util/digest.js';
import { isObject, parseJson, printable } from '../encoding.js';

export const SIMPLE_SIGNING_TYPE = 'cosign container image signature';
export const SIMPLE_SIGNING_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';

export interface SimpleSigningPayload {
  dockerReference: string;
  manifestDigest: string;
  type: string;
  optional: Record<string, unknown> | null;
}

export function buildSimpleSigningPayload(dockerReference: string, manifestDigest: string, annotations?: Record<string, string>): Buffer {
  const optional = annotations && Object.keys(annotations).length ? annotations : null;
  return Buffer.from(
    JSON.stringify({
      critical: { identity: { 'docker-reference': dockerReference }, image: { 'docker-manifest-digest': manifestDigest }, type: SIMPLE_SIGNING_TYPE },
      optional,
    }),
    'utf8',
  );
}

/** Field lookup, exact name first, then case-insensitive (Go's encoding/json, which cosign uses, matches either). */
function field(o: Record<string, unknown>, name: string): unknown {
  if (name in o) return o[name];
  const k = Object.keys(o).filter((k) => k.toLowerCase() === name.toLowerCase());
  if (k.length > 1) throw new PlimsollError('VERIFY_FAILED', `simple-signing payload has ambiguous keys ${k.join(', ')}`);
  return k.length ? o[k[0]!] : undefined;
}

/** Parse a (signature-verified) payload. Anything unexpected is a VERIFY_FAILED with the reason. */
export function parseSimpleSigningPayload(payload: Buffer, what: string): SimpleSigningPayload {
  const j = parseJson(payload, what, 1024 * 1024, 'VERIFY_FAILED');
  const fail = (why: string): never => {
    throw new PlimsollError('VERIFY_FAILED', `${what}: ${why}`);
  };
  if (!isObject(j)) fail('the signed payload is not a JSON object');
  const critical = field(j as Record<string, unknown>, 'critical');
  if (!isObject(critical)) return fail('the signed payload has no "critical" section');
  const type = field(critical, 'type');
  if (type !== SIMPLE_SIGNING_TYPE) fail(`the signed payload type is ${typeof type === 'string' ? `"${printable(type)}"` : 'missing'}, not "${SIMPLE_SIGNING_TYPE}"`);
  const image = field(critical, 'image');
  const digest = isObject(image) ? field(image, 'docker-manifest-digest') : undefined;
  if (typeof digest !== 'string' || !isDigest(digest)) fail('the signed payload names no valid docker-manifest-digest');
  const identity = field(critical, 'identity');
  const dockerRef = isObject(identity) ? field(identity, 'docker-reference') : undefined;
  const optional = field(j as Record<string, unknown>, 'optional');
  return {
    dockerReference: typeof dockerRef === 'string' ? dockerRef : '',
    manifestDigest: digest as string,
    type: type as string,
    optional: isObject(optional) ? optional : null,
  };
}
