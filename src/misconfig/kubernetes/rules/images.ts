/**
 * Image provenance: tags are mutable, digests are not.
 *
 * Kubernetes defaults `imagePullPolicy` to `Always` when the image has the tag `latest` or no tag
 * and no digest, and to `IfNotPresent` otherwise (core/v1 SetDefaults_Container).
 */
import { parseImageReference, DOCKER_HUB, type ImageReference } from '../../../image/reference.js';
import { PlimsollError } from '../../../util/errors.js';
import type { ObjectContext, RuleModule } from './types.js';
import { describe, own, q, rule, str } from './util.js';

const CAT = 'images';

export const NOT_PINNED = rule(
  'PLM-K8S-010', 'low', CAT,
  'Image is not pinned by digest',
  'A tag can be moved to different content at any time (by the publisher or by whoever compromises the registry); only a digest names exactly the image that was reviewed and scanned.',
  'Refer to the image by digest: registry/repo:tag@sha256:<digest> (keep the tag for readability).',
  ['concepts/containers/images/#image-names'],
);
export const LATEST_TAG = rule(
  'PLM-K8S-011', 'medium', CAT,
  'Image uses the latest tag or no tag',
  '`latest` (also what an image without a tag means) changes with every push: which version runs depends on when each node pulled it, and rollbacks are impossible.',
  'Use a specific version tag, ideally with its digest (repo:1.2.3@sha256:...).',
  ['concepts/containers/images/#image-names'],
);
export const PULL_POLICY = rule(
  'PLM-K8S-012', 'low', CAT,
  'imagePullPolicy is not Always for a mutable tag',
  'With IfNotPresent or Never a node keeps running whatever it pulled under that tag earlier, so nodes can run different images, and a cached image skips the registry\'s authorization check for the pod\'s pull secret.',
  'Pin the image by digest, or set imagePullPolicy: Always.',
  ['concepts/containers/images/#image-pull-policy'],
);
export const REGISTRY = rule(
  'PLM-K8S-013', 'high', CAT,
  'Image comes from a registry that is not allowed',
  'Images from registries outside the allow-list have not passed the organisation\'s supply-chain controls (scanning, signing, mirroring).',
  'Mirror the image into an allowed registry and refer to it there, or add the registry to --allowed-registries.',
  ['concepts/containers/images/'],
);

/** The parsed image, or undefined for an empty/invalid reference (templating leftovers etc.). */
function parse(image: string): ImageReference | undefined {
  try {
    return parseImageReference(image);
  } catch (e) {
    if (e instanceof PlimsollError) return undefined;
    throw e;
  }
}

/** Did the reference as written carry a tag (not the implied `latest`)? */
function hasExplicitTag(image: string): boolean {
  const noDigest = image.split('@')[0]!;
  const colon = noDigest.lastIndexOf(':');
  return colon > noDigest.lastIndexOf('/');
}

/**
 * Normalises an allow-list entry: `docker.io`, `ghcr.io/org`, `*.example.com`, `localhost:5000`.
 * Docker Hub aliases become `docker.io`; a trailing `/` is dropped.
 */
export function normalizeRegistryPattern(p: string): string {
  let s = p.trim().replace(/\/+$/, '');
  s = s.replace(/^(?:https?:\/\/)/i, '');
  const slash = s.indexOf('/');
  let host = slash < 0 ? s : s.slice(0, slash);
  const rest = slash < 0 ? '' : s.slice(slash);
  host = host.toLowerCase();
  if (host === 'index.docker.io' || host === 'registry-1.docker.io' || host === 'registry.hub.docker.com') host = DOCKER_HUB;
  return host + rest;
}

/**
 * Whether `ref` is allowed by one of `patterns` (normalised): a registry host[:port] matches all its
 * repositories, `host/path` matches that path and below, `*.domain` matches subdomains.
 */
export function registryAllowed(ref: ImageReference, patterns: readonly string[]): boolean {
  const registry = ref.registry.toLowerCase();
  const full = `${registry}/${ref.repository}`;
  for (const p of patterns) {
    if (p === '') continue;
    if (p.startsWith('*.')) {
      const suffix = p.slice(1); // `.example.com`
      const host = registry.replace(/:\d+$/, '');
      if (host.endsWith(suffix) || registry.endsWith(suffix)) return true;
      continue;
    }
    if (p.includes('/')) {
      if (full === p || full.startsWith(`${p}/`)) return true;
      continue;
    }
    if (registry === p) return true;
  }
  return false;
}

function object(ctx: ObjectContext): void {
  if (!ctx.template) return;
  const allowed = ctx.options.allowedRegistries?.map(normalizeRegistryPattern).filter((p) => p !== '');
  for (const c of ctx.containers) {
    const image = str(own(c.container, 'image'));
    if (image === undefined || image.trim() === '') continue;
    const ref = parse(image);
    if (!ref) continue;
    const imagePath = `${c.path}.image`;
    const shown = q(image, 200);
    const who = `${c.label} of ${describe(ctx.ref.kind, ctx.ref.name, ctx.ref.namespace)}`;
    if (ref.digest === undefined) {
      ctx.report(NOT_PINNED, imagePath, `${who} uses image ${shown} by tag, not by digest`, image);
      if (ref.tag === 'latest') {
        const how = hasExplicitTag(image) ? 'the tag "latest"' : 'no tag (so "latest")';
        ctx.report(LATEST_TAG, imagePath, `${who} uses image ${shown} with ${how}`, image);
      }
      const explicit = str(own(c.container, 'imagePullPolicy'));
      const effective = explicit ?? (ref.tag === 'latest' ? 'Always' : 'IfNotPresent');
      if (effective !== 'Always') {
        const path = explicit !== undefined ? `${c.path}.imagePullPolicy` : c.path;
        const why = explicit !== undefined ? `imagePullPolicy ${q(explicit)}` : 'imagePullPolicy defaulting to IfNotPresent';
        ctx.report(PULL_POLICY, path, `${who} uses the mutable tag ${q(ref.tag ?? '')} of ${shown} with ${why}`, `imagePullPolicy: ${effective}`);
      }
    }
    if (allowed && allowed.length > 0 && !registryAllowed(ref, allowed)) {
      ctx.report(
        REGISTRY,
        imagePath,
        `${who} uses image ${shown} from registry ${q(ref.registry)}, which is not in the allowed registries (${allowed.join(', ')})`,
        `${ref.registry}/${ref.repository}`,
      );
    }
  }
}

export const imagesModule: RuleModule = {
  rules: [NOT_PINNED, LATEST_TAG, PULL_POLICY, REGISTRY],
  object,
};
