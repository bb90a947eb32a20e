/**
 * One validated OSV record -> the rows stored for it (advisory, aliases, affected entries), with the
 * per-record notes the matcher and `db import` report: GIT ranges ignored, versions the ecosystem's
 * comparator cannot parse, entries without a package, unknown ecosystems.
 */
import { createHash } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { schemeForEcosystem, semverCargo } from '../versions/index.js';
import type { VersionScheme } from '../versions/index.js';
import { splitEcosystem, normalizePackageName } from '../osv/ecosystem.js';
import { decideSeverity } from '../osv/severity.js';
import type { SeverityDecision } from '../osv/severity.js';
import { eventParts } from '../osv/types.js';
import type { OsvEventKind, OsvRecord } from '../osv/types.js';

/** A range as stored and handed to the matcher: GIT ranges removed, events flattened. */
export interface StoredRange {
  type: 'ECOSYSTEM' | 'SEMVER';
  events: { kind: OsvEventKind; version: string }[];
}

/** Why part of an affected entry is not usable as-is. */
export type AffectedNote =
  | { kind: 'git-range-ignored'; repo?: string; reason: string }
  | { kind: 'range-type-ignored'; type: string; reason: string }
  | { kind: 'unparsable-version'; version: string; event: OsvEventKind | 'versions'; scheme: string; reason: string }
  | { kind: 'no-comparator'; ecosystem: string; reason: string }
  | { kind: 'no-version-data'; reason: string };

export interface AffectedRowData {
  ecosystem: string;
  ecoBase: string;
  ecoRelease: string | null;
  name: string;
  nameRaw: string;
  purl: string | null;
  ranges: StoredRange[];
  versions: string[] | null;
  ecosystemSpecific: Record<string, unknown> | null;
  databaseSpecific: Record<string, unknown> | null;
  notes: AffectedNote[];
}

export interface AdvisoryData {
  id: string;
  summary: string | null;
  details: string | null;
  published: string | null;
  modified: string;
  aliases: string[];
  upstream: string[];
  related: string[];
  severity: SeverityDecision;
  references: unknown[] | null;
  databaseSpecific: Record<string, unknown> | null;
  malicious: boolean;
  contentHash: string;
  raw: Buffer;
  affected: AffectedRowData[];
  /** human-readable problems (one per issue, already naming the record) */
  warnings: string[];
  /** ecosystem bases not in the OSV list (the caller warns once per source) */
  unknownEcosystems: string[];
}

const GIT_REASON = 'GIT ranges name commits; plimsoll matches package versions, so this range is not used';

export function isMaliciousRecord(rec: OsvRecord): boolean {
  return rec.id.startsWith('MAL-') || (rec.database_specific !== undefined && 'malicious-packages-origins' in rec.database_specific);
}

/** sha256 (hex) of the record's canonical JSON text. */
export function contentHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Build the rows for one record. `text` is the record's JSON (JSON.stringify of the parsed value), used
 * for the content hash and the stored raw copy.
 */
export function recordToRows(rec: OsvRecord, text: string, where: string): AdvisoryData {
  const warnings: string[] = [];
  const unknown = new Set<string>();
  const malicious = isMaliciousRecord(rec);
  const affected: AffectedRowData[] = [];
  (rec.affected ?? []).forEach((a, i) => {
    if (!a.package) {
      warnings.push(`${where}: ${rec.id}: affected[${i}] has no package (commit-only entry); not indexed`);
      return;
    }
    const pkg = a.package;
    const eco = splitEcosystem(pkg.ecosystem);
    if (!eco.known) unknown.add(eco.base);
    const scheme = schemeForEcosystem(eco.full);
    const notes: AffectedNote[] = [];
    const ranges: StoredRange[] = [];
    (a.ranges ?? []).forEach((rg) => {
      if (rg.type === 'GIT') {
        notes.push({ kind: 'git-range-ignored', ...(rg.repo ? { repo: rg.repo } : {}), reason: GIT_REASON });
        return;
      }
      if (rg.type !== 'ECOSYSTEM' && rg.type !== 'SEMVER') {
        notes.push({ kind: 'range-type-ignored', type: rg.type.slice(0, 40), reason: 'unknown OSV range type' });
        return;
      }
      const check: VersionScheme | undefined = scheme ?? (rg.type === 'SEMVER' ? semverCargo : undefined);
      const events = rg.events.map(eventParts);
      for (const ev of events) {
        // "0" is OSV's "since the beginning" sentinel, not a version.
        if (ev.kind === 'introduced' && ev.version === '0') continue;
        if (check && !check.isValid(ev.version)) {
          const reason = invalidReason(check, ev.version);
          notes.push({ kind: 'unparsable-version', version: ev.version.slice(0, 200), event: ev.kind, scheme: check.name, reason });
          warnings.push(`${where}: ${rec.id}: ${eco.full} ${pkg.name}: ${ev.kind} version ${JSON.stringify(ev.version.slice(0, 80))} is not a valid ${check.name} version (${reason}); record kept, the matcher will report it`);
        }
      }
      ranges.push({ type: rg.type, events });
    });
    if (!scheme && (ranges.length > 0 || (a.versions?.length ?? 0) > 0)) {
      notes.push({ kind: 'no-comparator', ecosystem: eco.base, reason: 'no version comparator for this ecosystem; only exact versions[] can match' });
    }
    const versions = a.versions && a.versions.length > 0 ? a.versions : null;
    if (ranges.length === 0 && !versions) {
      notes.push({ kind: 'no-version-data', reason: notes.some((n) => n.kind === 'git-range-ignored') ? 'only GIT (commit) ranges' : 'no ranges and no versions' });
    }
    affected.push({
      ecosystem: eco.full,
      ecoBase: eco.base,
      ecoRelease: eco.release,
      name: normalizePackageName(eco.base, a.package.name),
      nameRaw: a.package.name,
      purl: a.package.purl ?? null,
      ranges,
      versions,
      ecosystemSpecific: a.ecosystem_specific ?? null,
      databaseSpecific: a.database_specific ?? null,
      notes,
    });
  });
  const severity = decideSeverity(rec, { malicious });
  for (const e of severity.entries) {
    if (e.error && e.type.startsWith('CVSS')) warnings.push(`${where}: ${rec.id}: ${e.from} CVSS vector ${JSON.stringify(e.value.slice(0, 80))} could not be scored: ${e.error}`);
  }
  const aliases = uniq(rec.aliases ?? []).filter((x) => x !== rec.id);
  const upstream = uniq(rec.upstream ?? []).filter((x) => x !== rec.id && !aliases.includes(x));
  return {
    id: rec.id,
    summary: rec.summary ?? null,
    details: rec.details ?? null,
    published: rec.published ?? null,
    modified: rec.modified,
    aliases,
    upstream,
    related: uniq(rec.related ?? []),
    severity,
    references: rec.references ?? null,
    databaseSpecific: rec.database_specific ?? null,
    malicious,
    contentHash: contentHash(text),
    raw: deflateRawSync(Buffer.from(text, 'utf8'), { level: 1 }),
    affected,
    warnings,
    unknownEcosystems: [...unknown],
  };
}

function invalidReason(scheme: VersionScheme, v: string): string {
  try {
    scheme.parse(v);
    return 'unknown';
  } catch (e) {
    const r = (e as { reason?: unknown }).reason;
    return typeof r === 'string' ? r : (e as Error).message.slice(0, 120);
  }
}

function uniq(xs: string[]): string[] {
  return [...new Set(xs.map((x) => x.trim()).filter((x) => x !== ''))];
}
