/**
 * OSV range evaluation (https://ossf.github.io/osv-schema/#evaluation): events sorted by version
 * with the ecosystem's comparator; `introduced` opens an affected interval, `fixed` closes it
 * (exclusive), `last_affected` closes it (inclusive), `limit` caps the range.
 */
import type { ParsedVersion, VersionScheme } from '../versions/index.js';
import type { StoredRange } from '../db/index.js';

export interface RangeResult {
  affected: boolean;
  /** the fix that closes the interval the version falls in, when there is one */
  fixed?: string;
  /** human form of the interval that matched, e.g. ">=0 <1.2.3" */
  matched?: string;
}

interface Ev {
  kind: string;
  version: string;
  parsed: ParsedVersion | null; // null = "0" (lowest)
}

/** Throws VersionParseError if an event version does not parse (caller reports it). */
export function evaluateRange(scheme: VersionScheme, installed: ParsedVersion, range: StoredRange): RangeResult {
  const evs: Ev[] = range.events.map((e) => ({
    kind: e.kind,
    version: e.version,
    parsed: e.kind === 'introduced' && e.version === '0' ? null : scheme.parse(e.version),
  }));
  const cmp = (a: Ev, b: Ev): number => {
    if (a.parsed === null) return b.parsed === null ? 0 : -1;
    if (b.parsed === null) return 1;
    const c = scheme.compareParsed(a.parsed, b.parsed);
    if (c !== 0) return c;
    // same version: introduced before fixed/last_affected keeps "introduced X, fixed X" empty
    const order: Record<string, number> = { introduced: 0, last_affected: 1, fixed: 2, limit: 3 };
    return (order[a.kind] ?? 9) - (order[b.kind] ?? 9);
  };
  evs.sort(cmp);
  const vs = (e: Ev, op: string): string => `${op}${e.version}`;

  for (const e of evs) {
    if (e.kind === 'limit' && e.parsed && scheme.compareParsed(installed, e.parsed) >= 0) return { affected: false };
  }
  let affected = false;
  let opened: Ev | undefined;
  for (const e of evs) {
    const c = e.parsed === null ? 1 : scheme.compareParsed(installed, e.parsed);
    if (e.kind === 'introduced') {
      if (c >= 0) {
        affected = true;
        opened = e;
      }
    } else if (e.kind === 'fixed') {
      if (c >= 0) affected = false;
    } else if (e.kind === 'last_affected') {
      if (c > 0) affected = false;
    }
  }
  if (!affected) return { affected: false };
  // the closing event of the interval the version is in: first fixed/last_affected above it
  const close = evs.find((e) => {
    if (e.parsed === null) return false;
    const c = scheme.compareParsed(installed, e.parsed);
    return (e.kind === 'fixed' && c < 0) || (e.kind === 'last_affected' && c <= 0);
  });
  const parts = [opened ? vs(opened, '>=') : '>=0'];
  if (close) parts.push(close.kind === 'fixed' ? vs(close, '<') : vs(close, '<='));
  return { affected: true, fixed: close?.kind === 'fixed' ? close.version : undefined, matched: parts.join(' ') };
}
