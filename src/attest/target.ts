/**
 * The image a signature or attestation is about: a registry reference resolved to the digest of
 * the manifest (or index) it names right now. Signing and verifying always work on that digest —
 * a tag is only a way to find it, so a tag moved to other content finds other (or no) signatures.
 */
import { PlimsollError } from '../util/errors.js';
import { parseImageReference, type ImageReference } from '../image/reference.js';
import { RegistryClient, type RegistryClientOptions } from '../image/registry/client.js';
import type { Descriptor } from '../image/types.js';

export interface RegistryAccess {
  insecure?: boolean;
  username?: string;
  password?: string;
  authFile?: string;
  /** transport overrides (tests) */
  client?: Partial<Omit<RegistryClientOptions, 'registry'>>;
}

export interface ImageTarget {
  client: RegistryClient;
  ref: ImageReference;
  repository: string;
  /** digest of the manifest/index the reference resolved to */
  digest: string;
  /** descriptor of that manifest, for OCI subject fields */
  descriptor: Descriptor;
  /** the manifest bytes (what `digest` covers) */
  manifestBytes: Buffer;
  /** the tag the user gave, if any */
  tag?: string;
  /** "registry/repository" as cosign writes it in simple-signing identities */
  dockerReference: string;
}

/** Strip the optional "registry:" transport prefix; other transports cannot hold signatures. */
export function registryRefText(input: string): string {
  if (input.startsWith('registry:')) return input.slice('registry:'.length);
  const m = /^(docker-archive|oci-dir|oci-archive|dir|docker-daemon|oci):/.exec(input);
  if (m) throw new PlimsollError('USAGE', `"${input.slice(0, 200)}": signatures and attestations are stored in a registry; ${m[1]}: references cannot hold them (push the image first, e.g. with skopeo copy)`);
  return input;
}

/** Validate a reference without touching the network (usage errors before anything else). */
export function checkImageRef(input: string): ImageReference {
  return parseImageReference(registryRefText(input));
}

export function makeClient(ref: ImageReference, access: RegistryAccess): RegistryClient {
  return new RegistryClient({
    ...access.client,
    registry: ref.registry,
    ...(access.insecure !== undefined ? { insecure: access.insecure } : {}),
    ...(access.username !== undefined ? { username: access.username } : {}),
    ...(access.password !== undefined ? { password: access.password } : {}),
    ...(access.authFile !== undefined ? { authFile: access.authFile } : {}),
  });
}

/** Cosign names the repository with Docker Hub's full host. */
function dockerReference(ref: ImageReference): string {
  return `${ref.registry === 'docker.io' ? 'index.docker.io' : ref.registry}/${ref.repository}`;
}

/**
 * Resolve `input` to the digest it names now. With a digest in the reference, the manifest is
 * fetched by that digest (verified); with a tag, the digest is computed from the bytes served.
 */
export async function resolveTarget(input: string, access: RegistryAccess = {}): Promise<ImageTarget> {
  const ref = parseImageReference(registryRefText(input));
  const client = makeClient(ref, access);
  const m = await client.getManifest(ref.repository, ref.digest ?? ref.tag ?? 'latest');
  return {
    client,
    ref,
    repository: ref.repository,
    digest: m.digest,
    descriptor: { mediaType: m.mediaType, digest: m.digest, size: m.bytes.length },
    manifestBytes: m.bytes,
    ...(ref.tag && !ref.digest ? { tag: ref.tag } : {}),
    dockerReference: dockerReference(ref),
  };
}
