/**
 * One cosign simple-signing signature checked with a public key: the layer/attachment must be a
 * simple-signing payload, carry a signature annotation, the signature must verify over the exact
 * payload bytes, and the payload must name the image digest being verified.
 */
import { PlimsollError } from '../../util/errors.js';
import { decodeBase64 } from '../encoding.js';
import { CosignAnnotations } from '../cosign/layout.js';
import { parseSimpleSigningPayload, SIMPLE_SIGNING_MEDIA_TYPE, type SimpleSigningPayload } from '../cosign/simple-signing.js';
import type { VerificationKey } from '../keys/public.js';

export interface SimpleSigningLayer {
  mediaType: string;
  payload: Buffer;
  annotations: Record<string, string>;
}

export function digestMismatch(signed: string, actual: string): string {
  return `the signature is for ${signed}, but the image is ${actual}: the tag now points at other content, or the signature was copied from another image`;
}

export function verifySimpleSigning(layer: SimpleSigningLayer, key: VerificationKey, imageDigest: string, where: string): SimpleSigningPayload {
  if (layer.mediaType !== SIMPLE_SIGNING_MEDIA_TYPE) throw new PlimsollError('VERIFY_FAILED', `${where}: media type ${layer.mediaType} is not a simple-signing payload`);
  const sigText = layer.annotations[CosignAnnotations.signature];
  if (sigText === undefined || sigText === '') throw new PlimsollError('VERIFY_FAILED', `${where}: no ${CosignAnnotations.signature} annotation: nothing is signed`);
  const sig = decodeBase64(sigText, `${where}: signature annotation`, 'standard', 'VERIFY_FAILED');
  if (!key.verify(layer.payload, sig)) {
    throw new PlimsollError('VERIFY_FAILED', `${where}: the signature does not verify with the given key (${key.hint}); the payload or the signature was modified, or another key signed it`);
  }
  const p = parseSimpleSigningPayload(layer.payload, `${where}: signed payload`);
  if (p.manifestDigest !== imageDigest) throw new PlimsollError('VERIFY_FAILED', `${where}: ${digestMismatch(p.manifestDigest, imageDigest)}`);
  return p;
}
