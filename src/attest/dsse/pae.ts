/**
 * DSSE Pre-Authentication Encoding (secure-systems-lab/dsse protocol.md):
 *
 *   PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body
 *
 * LEN is the byte length (of the UTF-8 type, of the raw body) in ASCII decimal without leading zeros.
 * The signature covers PAE, never the payload alone, so a signature cannot be replayed under another
 * payload type.
 */
export function pae(payloadType: string, body: Uint8Array): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `, 'ascii'), type, Buffer.from(` ${body.byteLength} `, 'ascii'), body]);
}
