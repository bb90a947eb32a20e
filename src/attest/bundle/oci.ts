/**
 * Sigstore bundles stored as OCI 1.1 referrers (cosign specs/BUNDLE_SPEC.md):
 *
 *   manifest: artifactType application/vnd.dev.sigstore.bundle.v0.3+json,
 *             config = the empty descriptor (application/vnd.oci.empty.v1+json, "{}"),
 *             layers = [the bundle JSON, mediaType = the bundle media type],
 *             subject = the signed image's descriptor,
 *             annotations dev.sigstore.bundle.content (message-signature | dsse-envelope),
 *             dev.sigstore.bundle.predicateType, org.opencontainers.image.created
 *
 * pushed by digest. A registry with the referrers API answers the PUT with an OCI-Subject header and
 * lists it under GET /v2/<repo>/referrers/<digest>. Without that header the client maintains the
 * referrers tag schema itself (distribution-spec "Pushing Manifests with Subject"): an image index
 * tagged `sha256-<hex>` listing the referrers' descriptors. Reading uses the API when the registry
 * has it and the tag otherwise; either way each referrer's own `subject` is checked, since a
 * listing is just a pointer anybody with push rights can edit.
 */
import { PlimsollError } from '../../util/errors.js';
import { sha256Digest } from '../../util/digest.js';
import { MediaTypes, type Descriptor, type ImageIndex, type ImageManifest } from '../../image/types.js';
import { referrersTag, type RegistryClient } from '../../image/registry/client.js';
import { BUNDLE_V03_MEDIA_TYPE, MAX_BUNDLE_BYTES } from './bundle.js';

export const EMPTY_MEDIA_TYPE = 'application/vnd.oci.empty.v1+json';
export const EMPTY_BLOB = Buffer.from('{}', 'utf8');
export const EMPTY_DESCRIPTOR: Descriptor = { mediaType: EMPTY_MEDIA_TYPE, digest: sha256Digest(EMPTY_BLOB), size: 2 };

export const BundleAnnotations = {
  content: 'dev.sigstore.bundle.content',
  predicateType: 'dev.sigstore.bundle.predicateType',
  created: 'org.opencontainers.image.created',
} as const;

export type ReferrerVia = 'referrers-api' | 'tag-schema';

export interface PushedReferrer {
  digest: string;
  via: ReferrerVia;
  /** the fallback index tag, when the tag schema was used */
  indexTag?: string;
}

export function bundleReferrerManifest(subject: Descriptor, bundle: Buffer, annotations: Record<string, string>): { bytes: Buffer; digest: string; manifest: ImageManifest } {
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaTypes.ociManifest,
    artifactType: BUNDLE_V03_MEDIA_TYPE,
    config: EMPTY_DESCRIPTOR,
    layers: [{ mediaType: BUNDLE_V03_MEDIA_TYPE, digest: sha256Digest(bundle), size: bundle.length }],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    annotations,
  };
  const bytes = Buffer.from(JSON.stringify(manifest), 'utf8');
  return { bytes, digest: sha256Digest(bytes), manifest };
}

/** Push a bundle as a referrer of `subject`, maintaining the tag schema when the registry lacks the API. */
export async function pushBundleReferrer(client: RegistryClient, repository: string, subject: Descriptor, bundle: Buffer, annotations: Record<string, string>): Promise<PushedReferrer> {
  const { bytes, digest, manifest } = bundleReferrerManifest(subject, bundle, annotations);
  await client.uploadBlob(repository, EMPTY_DESCRIPTOR.digest, EMPTY_BLOB);
  await client.uploadBlob(repository, manifest.layers[0]!.digest, bundle);
  const put = await client.putManifest(repository, digest, bytes, MediaTypes.ociManifest);
  if (put.subject) return { digest, via: 'referrers-api' };
  const indexTag = referrersTag(subject.digest);
  const desc: Descriptor = { mediaType: MediaTypes.ociManifest, digest, size: bytes.length, artifactType: BUNDLE_V03_MEDIA_TYPE, annotations };
  await addToReferrersIndex(client, repository, indexTag, desc);
  return { digest, via: 'tag-schema', indexTag };
}

async function addToReferrersIndex(client: RegistryClient, repository: string, tag: string, desc: Descriptor): Promise<void> {
  let manifests: Descriptor[] = [];
  if (await client.headManifest(repository, tag)) {
    const cur = await client.getManifest(repository, tag);
    if (cur.parsed.kind !== 'index') {
      throw new PlimsollError('REGISTRY_ERROR', `${client.registry}/${repository}:${tag} is the referrers fallback tag but holds an image manifest, not an index; refusing to overwrite it`);
    }
    manifests = cur.parsed.index.manifests;
  }
  if (manifests.some((m) => m.digest === desc.digest)) return;
  const index: ImageIndex = { schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests: [...manifests, desc] };
  await client.putManifest(repository, tag, Buffer.from(JSON.stringify(index), 'utf8'), MediaTypes.ociIndex);
}

export interface ReferrerListing {
  via: ReferrerVia;
  descriptors: Descriptor[];
}

/** The bundle referrers of `digest`, by the referrers API or the fallback tag. */
export async function listBundleReferrers(client: RegistryClient, repository: string, digest: string): Promise<ReferrerListing> {
  const api = await client.referrers(repository, digest, { artifactType: BUNDLE_V03_MEDIA_TYPE });
  if (api.supported) return { via: 'referrers-api', descriptors: api.manifests };
  const tag = referrersTag(digest);
  if (!(await client.headManifest(repository, tag))) return { via: 'tag-schema', descriptors: [] };
  const idx = await client.getManifest(repository, tag);
  if (idx.parsed.kind !== 'index') return { via: 'tag-schema', descriptors: [] };
  return { via: 'tag-schema', descriptors: idx.parsed.index.manifests.filter((m) => m.artifactType === BUNDLE_V03_MEDIA_TYPE) };
}

export interface FetchedReferrer {
  descriptor: Descriptor;
  manifest: ImageManifest;
  bundle: Buffer;
}

/**
 * Fetch one referrer's bundle, checking that the manifest really refers to `subjectDigest` (listings
 * are not trusted) and holds a bundle layer.
 */
export async function fetchBundleReferrer(client: RegistryClient, repository: string, desc: Descriptor, subjectDigest: string): Promise<FetchedReferrer> {
  const what = `referrer ${desc.digest}`;
  const m = await client.getManifest(repository, desc.digest, { accept: MediaTypes.ociManifest });
  if (m.parsed.kind !== 'manifest') throw new PlimsollError('VERIFY_FAILED', `${what} is not an image manifest`);
  const manifest = m.parsed.manifest;
  if (manifest.subject?.digest !== subjectDigest) {
    throw new PlimsollError('VERIFY_FAILED', `${what} refers to ${manifest.subject?.digest ?? 'no subject'}, not to ${subjectDigest}; the referrers listing is inconsistent or was tampered with`);
  }
  const layer = manifest.layers.find((l) => l.mediaType.startsWith('application/vnd.dev.sigstore.bundle'));
  if (!layer) throw new PlimsollError('VERIFY_FAILED', `${what} has no Sigstore bundle layer`);
  const bundle = await client.getBlobBytes(repository, { digest: layer.digest, size: layer.size }, MAX_BUNDLE_BYTES);
  return { descriptor: desc, manifest, bundle };
}
