/** sign-blob: a v0.3 Sigstore bundle with a message signature over the file's bytes. */
import { messageSignatureBundle, serializeBundle } from '../bundle/bundle.js';
import type { SigningKey } from '../keys/private.js';

export function signBlob(artifact: Buffer, key: SigningKey): { bundle: Buffer; signature: string } {
  const b = messageSignatureBundle(artifact, key);
  return { bundle: serializeBundle(b), signature: b.messageSignature!.signature };
}
