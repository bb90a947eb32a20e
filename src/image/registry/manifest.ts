/**
 * Manifest documents as fetched from a registry: Accept header, size cap, media type detection;
 * structural validation is the shared one in ../validate.ts.
 */
import { PlimsollError } from '../../util/errors.js';
import { MediaTypes, type ImageIndex, type ImageManifest } from '../types.js';
import { classifyDocument, DOCKER_SCHEMA1_MEDIA_TYPES, isIndexMediaType, isManifestMediaType, parseJsonDocument, validateImageIndex, validateImageManifest } from '../validate.js';

export const DOCKER_SCHEMA1 = 'application/vnd.docker.distribution.manifest.v1+json';
export const DOCKER_SCHEMA1_SIGNED = 'application/vnd.docker.distribution.manifest.v1+prettyjws';

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

/**
 * Parse manifest bytes with the shared validators (../validate.ts). `contentType` is the response
 * Content-Type (may be empty or generic); `expectedMediaType` is the mediaType of the descriptor
 * that pointed here (from an index), checked against the document's own.
 */
export function parseManifestBytes(bytes: Buffer, contentType: string | undefined, what: string, expectedMediaType?: string): ParsedManifest {
  const ct = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const j = parseJsonDocument(bytes, what);
  if (DOCKER_SCHEMA1_MEDIA_TYPES.includes(ct) || classifyDocument(j, expectedMediaType) === 'schema1') {
    throw new PlimsollError(
      'SOURCE_UNSUPPORTED',
      `${what}: this is a Docker image manifest schema 1, a deprecated format (removed from Docker in 2019) that plimsoll does not read; re-push the image with a current tool (e.g. \`skopeo copy --format v2s2\`) to convert it`,
    );
  }
  // a specific Content-Type helps classify documents that lack a mediaType field
  const hint = expectedMediaType ?? (isIndexMediaType(ct) || isManifestMediaType(ct) ? ct : undefined);
  const kind = classifyDocument(j, hint);
  const declared = j && typeof j === 'object' && typeof (j as { mediaType?: unknown }).mediaType === 'string' ? (j as { mediaType: string }).mediaType : undefined;
  if (kind === 'index') {
    const index = validateImageIndex(j, what, expectedMediaType);
    return { kind: 'index', mediaType: declared ?? (isIndexMediaType(hint) ? hint! : MediaTypes.ociIndex), index };
  }
  if (kind === 'manifest') {
    const manifest = validateImageManifest(j, what, expectedMediaType);
    return { kind: 'manifest', mediaType: declared ?? (isManifestMediaType(hint) ? hint! : MediaTypes.ociManifest), manifest };
  }
  throw new PlimsollError('MANIFEST_INVALID', `${what}: the document is neither an image manifest nor an image index (media type ${declared ?? (ct || 'not given')})`);
}
