/**
 * The DSSE envelope (JSON serialisation): {"payloadType", "payload": base64, "signatures": [{"keyid", "sig": base64}]}.
 * Parsing accepts the standard and the URL-safe base64 alphabets (the spec requires verifiers to)
 * and rejects anything else; serialisation writes standard base64 in cosign's field order.
 */
import { PlimsollError } from '../../util/errors.js';
import { decodeBase64, encodeBase64, isObject, parseJson } from '../encoding.js';

export const DSSE_ENVELOPE_MEDIA_TYPE = 'application/vnd.dsse.envelope.v1+json';
export const INTOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

export interface EnvelopeSignature {
  keyid?: string;
  sig: Buffer;
}

export interface Envelope {
  payloadType: string;
  payload: Buffer;
  signatures: EnvelopeSignature[];
}

/** An envelope larger than this is refused (SBOM attestations of big images reach a few MiB). */
export const MAX_ENVELOPE_BYTES = 64 * 1024 * 1024;
const MAX_SIGNATURES = 64;

export function envelopeFromJSON(j: unknown, what: string): Envelope {
  if (!isObject(j)) throw new PlimsollError('PARSE_ERROR', `${what}: a DSSE envelope must be a JSON object`);
  if (typeof j.payloadType !== 'string') throw new PlimsollError('PARSE_ERROR', `${what}: DSSE envelope has no payloadType string`);
  const payload = decodeBase64(j.payload ?? '', `${what}: DSSE payload`, 'standard-or-url');
  if (!Array.isArray(j.signatures) || j.signatures.length === 0) throw new PlimsollError('PARSE_ERROR', `${what}: DSSE envelope has no signatures`);
  if (j.signatures.length > MAX_SIGNATURES) throw new PlimsollError('PARSE_ERROR', `${what}: DSSE envelope has ${j.signatures.length} signatures (more than ${MAX_SIGNATURES})`);
  const signatures = j.signatures.map((s: unknown, i: number): EnvelopeSignature => {
    if (!isObject(s)) throw new PlimsollError('PARSE_ERROR', `${what}: DSSE signature ${i} is not an object`);
    if (s.keyid !== undefined && s.keyid !== null && typeof s.keyid !== 'string') throw new PlimsollError('PARSE_ERROR', `${what}: DSSE signature ${i} keyid is not a string`);
    const sig = decodeBase64(s.sig, `${what}: DSSE signature ${i}`, 'standard-or-url');
    return { ...(typeof s.keyid === 'string' && s.keyid !== '' ? { keyid: s.keyid } : {}), sig };
  });
  return { payloadType: j.payloadType, payload, signatures };
}

export function parseEnvelope(data: Buffer | string, what: string): Envelope {
  return envelopeFromJSON(parseJson(data, what, MAX_ENVELOPE_BYTES), what);
}

export function envelopeToJSON(env: Envelope): { payloadType: string; payload: string; signatures: { keyid: string; sig: string }[] } {
  return {
    payloadType: env.payloadType,
    payload: encodeBase64(env.payload),
    signatures: env.signatures.map((s) => ({ keyid: s.keyid ?? '', sig: encodeBase64(s.sig) })),
  };
}

export function serializeEnvelope(env: Envelope): Buffer {
  return Buffer.from(JSON.stringify(envelopeToJSON(env)), 'utf8');
}
