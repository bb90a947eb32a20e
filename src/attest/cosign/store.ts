/**
 * Reading and writing cosign's tag-scheme manifests (see ./layout.ts). Writing is read-modify-write
 * of the tag: existing layers are kept, an identical layer (same payload and annotations) is not
 * added twice. Reading returns each layer's payload bytes, digest-verified by the registry client.
 */
import { PlimsollError } from '../../util/errors.js';
import { sha256Digest } from '../../util/digest.js';
import { MediaTypes, type Descriptor } from '../../image/types.js';
import type { RegistryClient } from '../../image/registry/client.js';
import { cosignManifest, cosignTag, type CosignKind } from './layout.js';

export interface StoredLayer {
  descriptor: Descriptor;
  annotations: Record<string, string>;
  /** the blob bytes (payload or envelope), verified against descriptor.digest */
  payload: Buffer;
}

export interface CosignReadResult {
  tag: string;
  /** digest of the .sig/.att manifest, when the tag exists */
  manifestDigest?: string;
  layers: StoredLayer[];
  /** layers skipped (wrong media type, too large, unreadable), with the reason */
  skipped: { index: number; reason: string }[];
}

/** Payloads larger than this are not fetched (SBOM attestations of large images are a few MiB). */
export const MAX_COSIGN_PAYLOAD = 64 * 1024 * 1024;

export async function readCosignLayers(client: RegistryClient, repository: string, digest: string, kind: CosignKind, mediaType: string): Promise<CosignReadResult> {
  const tag = cosignTag(digest, kind);
  const head = await client.headManifest(repository, tag);
  if (!head) return { tag, layers: [], skipped: [] };
  const m = await client.getManifest(repository, tag);
  if (m.parsed.kind !== 'manifest') throw new PlimsollError('VERIFY_FAILED', `${client.registry}/${repository}:${tag} is an image index, not a cosign ${kind === 'sig' ? 'signature' : 'attestation'} manifest`);
  const layers: StoredLayer[] = [];
  const skipped: { index: number; reason: string }[] = [];
  for (const [i, d] of m.parsed.manifest.layers.entries()) {
    if (d.mediaType !== mediaType) {
      skipped.push({ index: i, reason: `media type ${d.mediaType} is not ${mediaType}` });
      continue;
    }
    if (d.size > MAX_COSIGN_PAYLOAD) {
      skipped.push({ index: i, reason: `${d.size} bytes is over the ${MAX_COSIGN_PAYLOAD}-byte limit` });
      continue;
    }
    try {
      const payload = await client.getBlobBytes(repository, { digest: d.digest, size: d.size }, MAX_COSIGN_PAYLOAD);
      layers.push({ descriptor: d, annotations: d.annotations ?? {}, payload });
    } catch (e) {
      if (!(e instanceof PlimsollError) || e.code === 'REGISTRY_AUTH' || e.code === 'REGISTRY_ERROR') throw e;
      skipped.push({ index: i, reason: e.message });
    }
  }
  return { tag, manifestDigest: m.digest, layers, skipped };
}

function sameLayer(a: Descriptor, digest: string, annotations: Record<string, string>): boolean {
  if (a.digest !== digest) return false;
  const x = a.annotations ?? {};
  const keys = new Set([...Object.keys(x), ...Object.keys(annotations)]);
  for (const k of keys) if (x[k] !== annotations[k]) return false;
  return true;
}

export interface AppendResult {
  tag: string;
  manifestDigest: string;
  /** false when an identical layer was already there */
  added: boolean;
}

/** Add one layer to the image's .sig/.att manifest, creating it if needed. */
export async function appendCosignLayer(
  client: RegistryClient,
  repository: string,
  digest: string,
  kind: CosignKind,
  layer: { mediaType: string; payload: Buffer; annotations: Record<string, string> },
): Promise<AppendResult> {
  const tag = cosignTag(digest, kind);
  let existing: Descriptor[] = [];
  let existingDigest = '';
  if (await client.headManifest(repository, tag)) {
    const m = await client.getManifest(repository, tag);
    if (m.parsed.kind !== 'manifest') throw new PlimsollError('REGISTRY_ERROR', `${client.registry}/${repository}:${tag} holds an image index, not a cosign manifest; refusing to overwrite it`);
    existing = m.parsed.manifest.layers;
    existingDigest = m.digest;
  }
  const layerDigest = sha256Digest(layer.payload);
  if (existing.some((d) => sameLayer(d, layerDigest, layer.annotations))) return { tag, manifestDigest: existingDigest, added: false };
  await client.uploadBlob(repository, layerDigest, layer.payload);
  const desc: Descriptor = { mediaType: layer.mediaType, size: layer.payload.length, digest: layerDigest, annotations: layer.annotations };
  const built = cosignManifest([...existing, desc]);
  await client.uploadBlob(repository, built.configDescriptor.digest, built.config);
  const put = await client.putManifest(repository, tag, built.bytes, MediaTypes.ociManifest);
  return { tag, manifestDigest: put.digest, added: true };
}
