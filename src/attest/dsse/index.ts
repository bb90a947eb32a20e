export { pae } from './pae.js';
export { DSSE_ENVELOPE_MEDIA_TYPE, INTOTO_PAYLOAD_TYPE, envelopeFromJSON, envelopeToJSON, parseEnvelope, serializeEnvelope, type Envelope, type EnvelopeSignature } from './envelope.js';
export { signEnvelope } from './sign.js';
export { verifyEnvelope, type DsseVerified, type DsseVerifyOptions, type TrustedKey } from './verify.js';
