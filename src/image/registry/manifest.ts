/**
 * Manifest documents as fetched from a registry: media type detection and minimal structural
 * validation of untrusted JSON into the ImageManifest / ImageIndex model.
 */
import { PlimsollError } from '../../util/errors.js';
import { isDigest } from '../../util/digest.js';
import { MediaTypes, type Descriptor, type ImageIndex, type ImageManifest, type Platform } from '../types.js';

export const DOCKER_SCHEMA1 = 'application/vnd.docker.distribution.manifest.v1+json';
export const DOCKER_SCHEMA1_SIGNED = 'application/vnd.docker.distribution.manifest.v1+prettyjws';

export const MANIFEST_TYPES = [MediaTypes.ociManifest, MediaTypes.dockerManifest] as const;
export const INDEX_TYPES = [MediaTypes.ociIndex, MediaTypes.dockerManifestList] as const;

/** Accept header for manifest requests. Schema 1 is listed last so we can recognise and refuse it. */
export const MANIFEST_ACCEPT = [
  `${MediaTypes.ociIndex}`,
  `${MediaTypes.dockerManifestList}`,
  `${MediaTypes.ociManifest}`,
  `${MediaTypes.dockerManifest}`,
  `${DOCKER_SCHEMA1_SIGNED};q=0.1`,
  `${DOCKER_SCHEMA1};q=0.1`,
].join(', ');

/** Manifests larger than this are refused (the distribution spec suggests 4 MiB). */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export type ParsedManifest =
  | { kind: 'manifest'; mediaType: string; manifest: ImageManifest }
  | { kind: 'index'; mediaType: string; index: ImageIndex };

function bad(what: string, why: string): PlimsollError {
  return new PlimsollError('MANIFEST_INVALID', `${what}: ${why}`);
}

function isObj(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function stringMap(v: unknown): Record<string, string> | undefined {
  if (!isObj(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

function parsePlatformField(v: unknown): Platform | undefined {
  if (!isObj(v) || typeof v.os !== 'string' || typeof v.architecture !== 'string') return undefined;
  const p: Platform = { os: v.os, architecture: v.architecture };
  if (typeof v.variant === 'string' && v.variant !== '') p.variant = v.variant;
  if (typeof v['os.version'] === 'string') p['os.version'] = v['os.version'];
  if (Array.isArray(v['os.features'])) p['os.features'] = v['os.features'].filter((x): x is string => typeof x === 'string');
  return p;
}

export function parseDescriptor(v: unknown, what: string): Descriptor {
  if (!isObj(v)) throw bad(what, 'a descriptor is not an object');
  if (typeof v.mediaType !== 'string' || v.mediaType === '') throw bad(what, 'a descriptor has no mediaType');
  if (typeof v.digest !== 'string' || !isDigest(v.digest)) throw bad(what, `descriptor digest ${JSON.stringify(v.digest)?.slice(0, 100)} is not a valid digest`);
  if (typeof v.size !== 'number' || !Number.isSafeInteger(v.size) || v.size < 0) throw bad(what, `descriptor ${v.digest} has an invalid size`);
  const d: Descriptor = { mediaType: v.mediaType, digest: v.digest, size: v.size };
  if (Array.isArray(v.urls)) d.urls = v.urls.filter((u): u is string => typeof u === 'string');
  const ann = stringMap(v.annotations);
  if (ann) d.annotations = ann;
  const plat = parsePlatformField(v.platform);
  if (plat) d.platform = plat;
  if (typeof v.artifactType === 'string') d.artifactType = v.artifactType;
  return d;
}

/**
 * Parse manifest bytes. `contentType` is the response Content-Type (may be empty). The document's
 * own mediaType wins; without one the shape decides (manifests → index, config → manifest).
 */
export function parseManifestBytes(bytes: Buffer, contentType: string | undefined, what: string): ParsedManifest {
  let j: unknown;
  try {
    j = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw bad(what, 'the manifest is not valid JSON');
  }
  if (!isObj(j)) throw bad(what, 'the manifest is not a JSON object');
  const ct = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const declared = typeof j.mediaType === 'string' ? j.mediaType : undefined;
  if (j.schemaVersion === 1 || ct === DOCKER_SCHEMA1 || ct === DOCKER_SCHEMA1_SIGNED || declared === DOCKER_SCHEMA1 || declared === DOCKER_SCHEMA1_SIGNED) {
    throw new PlimsollError(
      'SOURCE_UNSUPPORTED',
      `${what}: this is a Docker image manifest schema 1, a deprecated format (removed from Docker in 2019) that plimsoll does not read; rebuild or re-push the image with a current tool (e.g. \`skopeo copy --format v2s2\`) to convert it`,
    );
  }
  if (j.schemaVersion !== 2) throw bad(what, `unsupported schemaVersion ${JSON.stringify(j.schemaVersion)?.slice(0, 20)}`);
  const mediaType = declared ?? (ct && ct !== 'application/json' && ct !== 'application/octet-stream' ? ct : Array.isArray(j.manifests) ? MediaTypes.ociIndex : MediaTypes.ociManifest);

  const annotations = stringMap(j.annotations);
  const subject = j.subject !== undefined ? parseDescriptor(j.subject, what) : undefined;
  const artifactType = typeof j.artifactType === 'string' ? j.artifactType : undefined;

  if ((INDEX_TYPES as readonly string[]).includes(mediaType) || (!(MANIFEST_TYPES as readonly string[]).includes(mediaType) && Array.isArray(j.manifests))) {
    if (!Array.isArray(j.manifests)) throw bad(what, 'the index has no "manifests" array');
    if (j.manifests.length > 10000) throw bad(what, 'the index lists more than 10000 manifests');
    const index: ImageIndex = {
      schemaVersion: 2,
      mediaType,
      manifests: j.manifests.map((m) => parseDescriptor(m, what)),
      ...(annotations ? { annotations } : {}),
      ...(subject ? { subject } : {}),
      ...(artifactType ? { artifactType } : {}),
    };
    return { kind: 'index', mediaType, index };
  }
  if (!isObj(j.config)) throw bad(what, `the manifest (${mediaType}) has no config descriptor`);
  if (!Array.isArray(j.layers)) throw bad(what, 'the manifest has no "layers" array');
  if (j.layers.length > 10000) throw bad(what, 'the manifest lists more than 10000 layers');
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType,
    config: parseDescriptor(j.config, what),
    layers: j.layers.map((l) => parseDescriptor(l, what)),
    ...(annotations ? { annotations } : {}),
    ...(subject ? { subject } : {}),
    ...(artifactType ? { artifactType } : {}),
  };
  return { kind: 'manifest', mediaType, manifest };
}
