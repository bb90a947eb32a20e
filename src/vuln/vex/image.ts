/**
 * Does a VEX product name the scanned image? Products may be written as
 *  - a pkg:oci purl (purl-spec PURL-TYPES "oci"): `pkg:oci/nginx@sha256%3Aabc...?repository_url=...&tag=...`;
 *    with a version, the digest must be the image's manifest digest, one of its repo digests or its
 *    config digest (image ID), whatever the name; without one, the name (last repository segment)
 *    must be the image's. Qualifiers given must hold: repository_url, tag, arch, os, variant;
 *    any other qualifier cannot be checked against an image, so the product does not match;
 *  - a bare digest (`sha256:<hex>`): manifest, repo or config digest;
 *  - an image reference (`registry.k8s.io/kube-apiserver:v1.26.0`, `alpine@sha256:...`): same
 *    registry and repository as a name the image is known by, and the tag/digest if written.
 */
import type { SourceDescription } from '../../sbom/model.js';
import { parseImageReference, type ImageReference } from '../../image/reference.js';
import { imageIdentity } from '../../sbom/writer-util.js';
import { parsePurl, type ParsedPurl } from './purl.js';

export interface ImageFacts {
  refs: ImageReference[];
  digests: Set<string>;
  /** lower-cased last repository segments (the purl name of the image) */
  names: Set<string>;
  platform?: SourceDescription['platform'];
}

function tryRef(s: string | undefined): ImageReference | undefined {
  if (!s) return undefined;
  try {
    return parseImageReference(s);
  } catch {
    return undefined;
  }
}

export function imageFacts(src: SourceDescription): ImageFacts {
  const refs: ImageReference[] = [];
  const digests = new Set<string>();
  if (src.manifestDigest) digests.add(src.manifestDigest);
  if (src.configDigest) digests.add(src.configDigest);
  const candidates = [...src.repoTags, ...src.repoDigests];
  if (src.kind === 'registry') candidates.push(src.name, src.input);
  for (const c of candidates) {
    const r = tryRef(c);
    if (!r) continue;
    refs.push(r);
    if (r.digest && src.repoDigests.includes(c)) digests.add(r.digest);
  }
  const names = new Set(refs.map((r) => r.repository.split('/').pop()!.toLowerCase()));
  try {
    const p = imageIdentity(src).purl;
    const n = p ? parsePurl(p)?.name : undefined;
    if (n) names.add(n.toLowerCase());
  } catch {
    /* no identity: names from references only */
  }
  return { refs, digests, names, ...(src.platform ? { platform: src.platform } : {}) };
}

/** repository_url qualifier → registry/repository, Docker Hub spellings unified. */
function repoKey(url: string): string | undefined {
  const r = tryRef(url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/\/+$/, ''));
  return r ? `${r.registry}/${r.repository}` : undefined;
}

function ociMatches(p: ParsedPurl, img: ImageFacts): boolean {
  if (p.version !== undefined) {
    if (!img.digests.has(p.version)) return false;
  } else if (!img.names.has(p.name.toLowerCase())) return false;
  for (const [k, v] of Object.entries(p.qualifiers)) {
    switch (k) {
      case 'repository_url': {
        const want = repoKey(v);
        if (!want || !img.refs.some((r) => `${r.registry}/${r.repository}` === want)) return false;
        break;
      }
      case 'tag':
        if (!img.refs.some((r) => r.tag === v)) return false;
        break;
      case 'arch':
        if (img.platform?.architecture !== v) return false;
        break;
      case 'os':
        if (img.platform?.os !== v) return false;
        break;
      case 'variant':
        if (img.platform?.variant !== v) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** Does the product string (purl, digest or image reference) name the scanned image? */
export function productIsImage(product: string, img: ImageFacts): boolean {
  const s = product.trim();
  if (/^pkg:/i.test(s)) {
    const p = parsePurl(s);
    return p !== undefined && p.type === 'oci' && ociMatches(p, img);
  }
  if (/^sha(256|512):[0-9a-f]+$/.test(s)) return img.digests.has(s);
  const ref = tryRef(s);
  if (!ref) return false;
  // parseImageReference adds "latest" when no tag is written: only a written tag narrows.
  const lastSeg = s.slice(s.lastIndexOf('/') + 1).split('@')[0]!;
  const explicitTag = lastSeg.includes(':') ? ref.tag : undefined;
  const same = img.refs.filter((r) => r.registry === ref.registry && r.repository === ref.repository);
  if (same.length === 0) return false;
  if (ref.digest && !img.digests.has(ref.digest)) return false;
  if (explicitTag && !same.some((r) => r.tag === explicitTag)) return false;
  return true;
}
