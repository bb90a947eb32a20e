/**
 * Where signatures and attestations of an image are found: cosign's tag scheme (`sha256-<hex>.sig` /
 * `.att` manifests) and OCI referrers holding Sigstore bundles (referrers API, or the `sha256-<hex>`
 * fallback index). Finding is not trusting: everything returned here still has to verify.
 */
import { PlimsollError } from '../../util/errors.js';
import type { Descriptor } from '../../image/types.js';
import { readCosignLayers, type StoredLayer } from '../cosign/store.js';
import { SIMPLE_SIGNING_MEDIA_TYPE } from '../cosign/simple-signing.js';
import { DSSE_ENVELOPE_MEDIA_TYPE } from '../dsse/envelope.js';
import { BundleAnnotations, fetchBundleReferrer, listBundleReferrers, type FetchedReferrer, type ReferrerVia } from '../bundle/oci.js';
import { PredicateTypes } from '../intoto/predicates.js';
import type { ImageTarget } from '../target.js';

/** At most this many signatures/attestations are examined per image (a hostile registry could list millions). */
export const MAX_EVIDENCE = 256;

export type Evidence =
  | { scheme: 'cosign-tag'; location: string; layer: StoredLayer }
  | { scheme: 'referrer'; location: string; descriptor: Descriptor; via: ReferrerVia; fetch: () => Promise<FetchedReferrer> };

export interface EvidenceSet {
  evidence: Evidence[];
  /** things found but not usable (wrong media type, unreadable), for the report */
  notes: string[];
}

/**
 * Is this referrer (by its annotations) a signature (`sig`) or an attestation (`att`)? Referrers
 * without annotations are fetched and sorted out after verification.
 */
function referrerKind(d: Descriptor): 'sig' | 'att' | 'unknown' {
  const a = d.annotations ?? {};
  const content = a[BundleAnnotations.content];
  const pt = a[BundleAnnotations.predicateType];
  if (content === 'message-signature' || pt === PredicateTypes.cosignSign) return 'sig';
  if (content === 'dsse-envelope' && pt) return 'att';
  return 'unknown';
}

export async function collectEvidence(target: ImageTarget, kind: 'sig' | 'att'): Promise<EvidenceSet> {
  const { client, repository, digest } = target;
  const notes: string[] = [];
  const evidence: Evidence[] = [];
  const cosign = await readCosignLayers(client, repository, digest, kind, kind === 'sig' ? SIMPLE_SIGNING_MEDIA_TYPE : DSSE_ENVELOPE_MEDIA_TYPE);
  for (const s of cosign.skipped) notes.push(`${client.registry}/${repository}:${cosign.tag} layer ${s.index} skipped: ${s.reason}`);
  cosign.layers.forEach((layer, i) => evidence.push({ scheme: 'cosign-tag', location: `${client.registry}/${repository}:${cosign.tag} layer ${i}`, layer }));

  let listing;
  try {
    listing = await listBundleReferrers(client, repository, digest);
  } catch (e) {
    if (!(e instanceof PlimsollError) || e.code === 'REGISTRY_AUTH') throw e;
    notes.push(`referrers of ${digest} could not be listed: ${e.message}`);
    return { evidence, notes };
  }
  for (const d of listing.descriptors) {
    const k = referrerKind(d);
    if (k !== 'unknown' && k !== kind) continue;
    evidence.push({
      scheme: 'referrer',
      location: `referrer ${d.digest} (${listing.via === 'referrers-api' ? 'referrers API' : `tag ${digest.replace(':', '-')}`})`,
      descriptor: d,
      via: listing.via,
      fetch: () => fetchBundleReferrer(client, repository, d, digest),
    });
  }
  if (evidence.length > MAX_EVIDENCE) {
    notes.push(`${evidence.length} candidates found; only the first ${MAX_EVIDENCE} were examined`);
    evidence.length = MAX_EVIDENCE;
  }
  return { evidence, notes };
}
