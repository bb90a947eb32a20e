import type { SigningKey } from '../keys/private.js';
import type { Envelope } from './envelope.js';
import { pae } from './pae.js';

/** Sign `payload` as `payloadType`: one signature over PAE(payloadType, payload). */
export function signEnvelope(payloadType: string, payload: Buffer, key: SigningKey): Envelope {
  return { payloadType, payload, signatures: [{ sig: key.sign(pae(payloadType, payload)) }] };
}
