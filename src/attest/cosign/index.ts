export { CosignAnnotations, cosignTag, cosignManifest, type CosignKind } from './layout.js';
export { SIMPLE_SIGNING_MEDIA_TYPE, SIMPLE_SIGNING_TYPE, buildSimpleSigningPayload, parseSimpleSigningPayload, type SimpleSigningPayload } from './simple-signing.js';
export { appendCosignLayer, readCosignLayers, MAX_COSIGN_PAYLOAD, type StoredLayer, type CosignReadResult, type AppendResult } from './store.js';
