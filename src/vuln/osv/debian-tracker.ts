/**
 * Debian security-tracker entries (the JSON form of data/CVE/list and data/DSA/list entries, as
 * published by aquasecurity/vuln-list-debian: {Header: {ID, Description}, Annotations: [...]}) ->
 * OSV-equivalent records.
 *
 * Tracker semantics, and how they are mapped:
 *  - "[bookworm] - pkg 2.36-9+deb12u3"  fixed in that release  -> Debian:12, introduced 0 / fixed V
 *  - "[bookworm] - pkg <no-dsa>" / <ignored> / <postponed> / <unfixed> / <end-of-life> / <undetermined>
 *                                       affected, no fix       -> Debian:12, introduced 0 (no fix)
 *  - "[buster] - pkg <not-affected>" / <removed>
 *                                       not affected           -> Debian:10 entry with no ranges
 *                                                                 (affects nothing; overrides the line below)
 *  - "- pkg V" / "- pkg <unfixed>" (no release: the unstable line). Releases without their own line
 *    follow it (the tracker compares the release's version with V), so it becomes a release-less
 *    "Debian" entry; AdvisoryDB.candidates() lets a release-specific entry of the same advisory and
 *    package take precedence over it.
 *  - "[experimental] ..." lines and unknown codenames are skipped.
 * Ids: DSA/DLA ids are kept; CVE entries become DEBIAN-CVE-... (the OSV convention) with the CVE as
 * alias; xrefs ({CVE-...} / {DLA-...}) become aliases. "unimportant"/"low"/... severities become
 * ecosystem_specific.urgency. The records have no `modified`, so a dated OSV record with the same id wins.
 */
import { debianReleaseForCodename } from './ecosystem.js';
import type { OsvAffected, OsvRecord } from './types.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function isDebianTrackerEntry(v: unknown): boolean {
  return isObj(v) && isObj(v.Header) && typeof v.Header.ID === 'string' && Array.isArray(v.Annotations);
}

const AFFECTED_KINDS = new Set(['unfixed', 'no-dsa', 'ignored', 'postponed', 'end-of-life', 'undetermined']);
const NOT_AFFECTED_KINDS = new Set(['not-affected', 'removed']);

/**
 * Convert one tracker entry. Returns the record (or null when nothing applies) and warnings.
 */
export function convertDebianTrackerEntry(v: unknown, where: string): { record: OsvRecord | null; warnings: string[] } {
  const warnings: string[] = [];
  if (!isDebianTrackerEntry(v)) return { record: null, warnings: [`${where}: not a Debian tracker entry; skipped`] };
  const e = v as { Header: Obj; Annotations: unknown[] };
  const headerId = String(e.Header.ID).trim();
  if (!/^(CVE-\d{4}-\d+|DSA-\d+(-\d+)?|DLA-\d+(-\d+)?|TEMP-[\w-]+)$/.test(headerId)) {
    return { record: null, warnings: [`${where}: unexpected tracker id ${JSON.stringify(headerId.slice(0, 40))}; skipped`] };
  }
  const id = headerId.startsWith('CVE-') || headerId.startsWith('TEMP-') ? `DEBIAN-${headerId}` : headerId;
  const aliases = new Set<string>();
  if (id !== headerId) aliases.add(headerId);
  const affected: OsvAffected[] = [];
  for (const raw of e.Annotations) {
    if (!isObj(raw)) continue;
    if (raw.Type === 'xref' && Array.isArray(raw.Bugs)) {
      for (const b of raw.Bugs) if (typeof b === 'string' && b !== headerId) aliases.add(b);
      continue;
    }
    if (raw.Type !== 'package' || typeof raw.Package !== 'string' || typeof raw.Kind !== 'string') continue;
    const pkg = raw.Package;
    const kind = raw.Kind;
    let ecosystem = 'Debian';
    if (typeof raw.Release === 'string' && raw.Release !== '') {
      const num = debianReleaseForCodename(raw.Release);
      if (!num) {
        if (raw.Release !== 'experimental') warnings.push(`${where}: ${headerId}: unknown Debian release ${JSON.stringify(raw.Release)}; line skipped`);
        continue;
      }
      ecosystem = `Debian:${num}`;
    }
    const eco: Obj = { debian_tracker: { kind, ...(typeof raw.Description === 'string' ? { note: raw.Description } : {}) } };
    if (typeof raw.Severity === 'string') eco.urgency = raw.Severity;
    if (kind === 'fixed' && typeof raw.Version === 'string' && raw.Version !== '') {
      if (raw.Version === '0') {
        affected.push({ package: { ecosystem, name: pkg }, ranges: [], ecosystem_specific: eco });
      } else {
        affected.push({ package: { ecosystem, name: pkg }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: raw.Version }] }], ecosystem_specific: eco });
      }
    } else if (AFFECTED_KINDS.has(kind)) {
      affected.push({ package: { ecosystem, name: pkg }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }], ecosystem_specific: eco });
    } else if (NOT_AFFECTED_KINDS.has(kind)) {
      affected.push({ package: { ecosystem, name: pkg }, ranges: [], ecosystem_specific: eco });
    } else {
      warnings.push(`${where}: ${headerId}: tracker status ${JSON.stringify(kind.slice(0, 30))} for ${pkg} not understood; line skipped`);
    }
  }
  if (affected.length === 0) return { record: null, warnings };
  const desc = typeof e.Header.Description === 'string' ? e.Header.Description.replace(/^[[(]|[\])]$/g, '').trim() : '';
  const record: OsvRecord = {
    schema_version: '1.6.0',
    id,
    modified: '',
    aliases: [...aliases],
    ...(desc ? { summary: desc } : {}),
    affected,
    database_specific: { converted_from: 'debian-security-tracker' },
  };
  return { record, warnings };
}
