/**
 * How cosign stores signatures and attestations beside an image (cosign specs/SIGNATURE_SPEC.md and
 * ATTESTATION_SPEC.md): an OCI image manifest tagged `sha256-<hex>.sig` (signatures) or
 * `sha256-<hex>.att` (attestations) in the image's repository. Each layer is one signed payload:
 *
 *   .sig: mediaType application/vnd.dev.cosign.simplesigning.v1+json, the payload bytes as blob,
 *         annotation dev.cosignproject.cosign/signature = base64 signature
 *         (keyless: also dev.sigstore.cosign/certificate, …/chain, …/bundle)
 *   .att: mediaType application/vnd.dsse.envelope.v1+json, the DSSE envelope as blob,
 *         annotations dev.cosignproject.cosign/signature = "" and predicateType = <URI>
 *
 * The config is what go-containerregistry's empty image gets after appending the layers: zero times,
 * rootfs.diff_ids = the layer digests (layers are stored uncompressed).
 */
import { parseDigest, sha256Digest } from '../../util/digest.js';
import { MediaTypes, type Descriptor, type ImageManifest } from '../../image/types.js';

export const CosignAnnotations = {
  signature: 'dev.cosignproject.cosign/signature',
  certificate: 'dev.sigstore.cosign/certificate',
  chain: 'dev.sigstore.cosign/chain',
  bundle: 'dev.sigstore.cosign/bundle',
  predicateType: 'predicateType',
} as const;

export type CosignKind = 'sig' | 'att';

/** sha256:abc… → "sha256-abc….sig" */
export function cosignTag(digest: string, kind: CosignKind): string {
  const { algorithm, hex } = parseDigest(digest);
  return `${algorithm}-${hex}.${kind}`;
}

const ZERO_TIME = '0001-01-01T00:00:00Z';

export function cosignConfig(layers: readonly Descriptor[]): Buffer {
  return Buffer.from(
    JSON.stringify({
      architecture: '',
      created: ZERO_TIME,
      history: layers.map(() => ({ created: ZERO_TIME })),
      os: '',
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
      config: {},
    }),
    'utf8',
  );
}

export interface BuiltManifest {
  bytes: Buffer;
  digest: string;
  config: Buffer;
  configDescriptor: Descriptor;
}

export function cosignManifest(layers: readonly Descriptor[]): BuiltManifest {
  const config = cosignConfig(layers);
  const configDescriptor: Descriptor = { mediaType: MediaTypes.ociConfig, size: config.length, digest: sha256Digest(config) };
  const manifest: ImageManifest = { schemaVersion: 2, mediaType: MediaTypes.ociManifest, config: configDescriptor, layers: [...layers] };
  const bytes = Buffer.from(JSON.stringify(manifest), 'utf8');
  return { bytes, digest: sha256Digest(bytes), config, configDescriptor };
}
