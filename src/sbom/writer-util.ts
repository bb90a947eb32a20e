/**
 * Helpers shared by the SBOM writers (CycloneDX, SPDX, plimsoll JSON): reproducible timestamps and
 * ids (SOURCE_DATE_EPOCH), locale-independent ordering, and the image's identity (name, purl).
 */
import { createHash, randomUUID } from 'node:crypto';
import { PlimsollError } from '../util/errors.js';
import type { Package, SbomDocument, SourceDescription } from './model.js';
import { purl } from './package.js';
import { parseImageReference, type ImageReference } from '../image/reference.js';

/** Options every writer accepts. */
export interface WriterOptions {
  /**
   * Value of SOURCE_DATE_EPOCH (seconds since the epoch). Defaults to process.env.SOURCE_DATE_EPOCH.
   * Pass null to ignore the environment. When set, the output is fully reproducible.
   */
  sourceDateEpoch?: string | null;
}

export interface Reproducibility {
  /** creation time to write into the document */
  timestamp: Date;
  /** true when SOURCE_DATE_EPOCH fixed the time: ids must then be derived from the content */
  reproducible: boolean;
}

/**
 * Decide the document timestamp. With SOURCE_DATE_EPOCH (https://reproducible-builds.org/specs/source-date-epoch/)
 * it is that instant; otherwise the SbomDocument's createdAt (the scan time), or now when that is unusable.
 */
export function reproducibility(doc: SbomDocument, opts?: WriterOptions): Reproducibility {
  const raw = opts?.sourceDateEpoch === undefined ? process.env.SOURCE_DATE_EPOCH : opts.sourceDateEpoch;
  if (raw !== null && raw !== undefined && raw !== '') {
    const s = raw.trim();
    const secs = /^\d{1,12}$/.test(s) ? Number(s) : NaN;
    const d = new Date(secs * 1000);
    if (!Number.isSafeInteger(secs) || Number.isNaN(d.getTime()) || d.getUTCFullYear() > 9999) {
      throw new PlimsollError('USAGE', `SOURCE_DATE_EPOCH="${raw.slice(0, 40)}" is not a number of seconds since 1970-01-01; set it to an integer such as $(git log -1 --format=%ct) or unset it`);
    }
    return { timestamp: d, reproducible: true };
  }
  const created = new Date(doc.createdAt);
  return { timestamp: Number.isNaN(created.getTime()) ? new Date() : created, reproducible: false };
}

/** ISO-8601 UTC without fractional seconds ("2024-05-01T12:00:00Z"), the form SPDX requires. */
export function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * A UUID derived from content: the first 16 bytes of SHA-256 with the RFC 4122 version nibble set
 * to 5 and the variant bits to 10 (like a v5 UUID, but over SHA-256 instead of SHA-1).
 */
export function uuidFromContent(content: string): string {
  const b = createHash('sha256').update('plimsoll-sbom-uuid\0').update(content).digest().subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** A content-derived UUID when reproducible, else a random one. */
export function documentUuid(r: Reproducibility, content: () => string): string {
  return r.reproducible ? uuidFromContent(content()) : randomUUID();
}

/** Code-unit string comparison: unlike localeCompare it does not depend on the machine's locale. */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The order packages appear in every output: (type, name, version, id). */
export function comparePackages(a: Package, b: Package): number {
  return cmp(a.type, b.type) || cmp(a.name, b.name) || cmp(a.version, b.version) || cmp(a.id, b.id);
}

export function sortedPackages(doc: SbomDocument): Package[] {
  return [...doc.packages].sort(comparePackages);
}

/** Parse a Docker-style reference; undefined for anything that is not one (file names, paths, ...). */
function referenceOf(name: string): ImageReference | undefined {
  try {
    return parseImageReference(name);
  } catch {
    return undefined;
  }
}

export interface ImageIdentity {
  /** display name: registry/repository for references, else the source name */
  name: string;
  /** manifest digest (the image's version) */
  version?: string;
  tag?: string;
  /** pkg:oci purl, only when the manifest digest is known (the purl spec requires it) */
  purl?: string;
}

/**
 * Identify the scanned image. The pkg:oci purl (purl-spec PURL-TYPES "oci") carries the manifest
 * digest as version, the last repository segment as name, and for registry images the
 * repository_url qualifier; arch and tag qualifiers when known.
 */
export function imageIdentity(src: SourceDescription): ImageIdentity {
  const fromName = referenceOf(src.name);
  const fromTag = src.repoTags.length > 0 ? referenceOf([...src.repoTags].sort(cmp)[0]!) : undefined;
  // For archives and layouts the name may be a file name, which must not be read as a reference.
  const ref = src.kind === 'registry' ? fromName : fromTag;
  const name = ref ? `${ref.registry}/${ref.repository}` : src.name;
  const version = src.manifestDigest;
  const tag = ref?.tag;
  let p: string | undefined;
  if (version) {
    const baseName = (ref ? ref.repository.split('/').pop()! : lastSegment(src.name)).toLowerCase();
    if (baseName.length > 0) {
      p = purl('oci', undefined, baseName, version, {
        arch: src.platform?.architecture,
        repository_url: src.kind === 'registry' && ref ? `${ref.registry}/${ref.repository}` : undefined,
        tag,
      });
    }
  }
  return { name, ...(version ? { version } : {}), ...(tag ? { tag } : {}), ...(p ? { purl: p } : {}) };
}

/** File-name-ish last segment of a non-reference source name, without archive extensions. */
function lastSegment(name: string): string {
  const seg = name.split(/[\\/]/).filter(Boolean).pop() ?? '';
  return seg.replace(/(\.tar|\.tgz|\.tar\.gz|\.oci)$/i, '').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '');
}
