/**
 * Severity for an advisory: every rating the record carries (CVSS vectors scored with
 * ae-cvss-calculator, GHSA's database_specific.severity, Ubuntu priorities, Debian urgencies), and one
 * normalised level chosen among them with the reason recorded.
 *
 * Decision order (first that yields a level wins; `source` says which):
 *  1. a distribution's own rating (OSV severity type "Ubuntu", ecosystem_specific.ubuntu_priority,
 *     Debian urgency): the vendor rates the package as built and shipped, which is what an image runs;
 *  2. a CVSS vector, newest CVSS version first (v4.0, v3.1, v3.0, v2): the score becomes the level by
 *     that version's qualitative table;
 *  3. the database's qualitative rating (GHSA database_specific.severity: CRITICAL/HIGH/MODERATE/LOW);
 *  4. malicious-package records (MAL-*) with no rating: "critical" (installing malware is never minor);
 *  otherwise no level (null = unknown).
 * The best CVSS score/vector is reported whenever one exists, even when the level came from a vendor.
 */
import cvss from 'ae-cvss-calculator';
import type { OsvRecord, OsvSeverity } from './types.js';

export type SeverityLevel = 'critical' | 'high' | 'medium' | 'low' | 'none';
export const SEVERITY_LEVELS: readonly SeverityLevel[] = ['critical', 'high', 'medium', 'low', 'none'];

export type CvssVersion = '2.0' | '3.0' | '3.1' | '4.0';

export interface CvssScore {
  version: CvssVersion;
  vector: string;
  score: number;
  level: SeverityLevel;
}

/** One rating found in a record, with where it came from (e.g. "severity[0]", "database_specific.severity"). */
export interface SeverityEntry {
  from: string;
  /** "CVSS_V3", "ghsa", "ubuntu", "debian" ... */
  type: string;
  /** The value as published (vector or label). */
  value: string;
  level: SeverityLevel | null;
  score?: number;
  cvssVersion?: CvssVersion;
  /** Set when the vector could not be scored. */
  error?: string;
}

export interface SeverityDecision {
  level: SeverityLevel | null;
  /** Best CVSS score (newest version) if any. */
  score: number | null;
  vector: string | null;
  /** What decided `level`: "cvss_v3.1", "ubuntu:high", "ghsa:MODERATE", "malicious", null. */
  source: string | null;
  entries: SeverityEntry[];
}

const REQUIRED: Record<CvssVersion, string[]> = {
  '2.0': ['AV', 'AC', 'Au', 'C', 'I', 'A'],
  '3.0': ['AV', 'AC', 'PR', 'UI', 'S', 'C', 'I', 'A'],
  '3.1': ['AV', 'AC', 'PR', 'UI', 'S', 'C', 'I', 'A'],
  '4.0': ['AV', 'AC', 'AT', 'PR', 'UI', 'VC', 'VI', 'VA', 'SC', 'SI', 'SA'],
};

/** Qualitative level for a numeric score under a CVSS version's table (v2 has no critical/none). */
export function levelForScore(score: number, version: CvssVersion): SeverityLevel {
  if (version === '2.0') return score >= 7 ? 'high' : score >= 4 ? 'medium' : 'low';
  if (score === 0) return 'none';
  if (score < 4) return 'low';
  if (score < 7) return 'medium';
  if (score < 9) return 'high';
  return 'critical';
}

const scoreCache = new Map<string, CvssScore | Error>();

/**
 * Score a CVSS vector. v3/v4 vectors carry their version prefix; v2 vectors are bare
 * ("AV:N/AC:L/Au:N/C:P/I:P/A:P", optionally in parentheses or with a "CVSS:2.0/" prefix).
 * Every base metric must be present exactly once (the calculator silently scores partial vectors 0).
 * @throws Error naming what is wrong with the vector.
 */
export function scoreCvss(vector: string, hint?: 'CVSS_V2' | 'CVSS_V3' | 'CVSS_V4'): CvssScore {
  const key = `${hint ?? ''}|${vector}`;
  const hit = scoreCache.get(key);
  if (hit instanceof Error) throw hit;
  if (hit) return hit;
  let result: CvssScore | Error;
  try {
    result = scoreUncached(vector, hint);
  } catch (e) {
    result = e instanceof Error ? e : new Error(String(e));
  }
  if (scoreCache.size > 50_000) scoreCache.clear();
  scoreCache.set(key, result);
  if (result instanceof Error) throw result;
  return result;
}

function scoreUncached(input: string, hint?: string): CvssScore {
  let v = input.trim();
  if (v.length > 512) throw new Error('vector longer than 512 characters');
  if (v.startsWith('(') && v.endsWith(')')) v = v.slice(1, -1);
  let version: CvssVersion;
  let body: string;
  const m = /^CVSS:(\d\.\d)\/(.*)$/.exec(v);
  if (m) {
    if (!['2.0', '3.0', '3.1', '4.0'].includes(m[1]!)) throw new Error(`unsupported CVSS version ${m[1]}`);
    version = m[1] as CvssVersion;
    body = m[2]!;
  } else if (hint === 'CVSS_V2' || /^AV:[LAN]\/AC:[HML]\/Au:/.test(v)) {
    version = '2.0';
    body = v;
  } else {
    throw new Error('not a CVSS vector (no "CVSS:x.y/" prefix and not a v2 vector)');
  }
  if (hint === 'CVSS_V3' && version !== '3.0' && version !== '3.1') throw new Error(`type CVSS_V3 but vector is CVSS ${version}`);
  if (hint === 'CVSS_V4' && version !== '4.0') throw new Error(`type CVSS_V4 but vector is CVSS ${version}`);
  const seen = new Map<string, number>();
  for (const part of body.split('/')) {
    const [k, val, more] = part.split(':');
    if (!k || !val || more !== undefined) throw new Error(`malformed metric ${JSON.stringify(part.slice(0, 20))}`);
    seen.set(k, (seen.get(k) ?? 0) + 1);
  }
  for (const k of REQUIRED[version]) {
    const n = seen.get(k) ?? 0;
    if (n !== 1) throw new Error(n === 0 ? `base metric ${k} missing` : `metric ${k} given ${n} times`);
  }
  const calc =
    version === '2.0' ? new cvss.Cvss2(body) : version === '3.0' ? new cvss.Cvss3P0(v) : version === '3.1' ? new cvss.Cvss3P1(v) : new cvss.Cvss4P0(v);
  const overall = calc.calculateScores().overall;
  if (typeof overall !== 'number' || !Number.isFinite(overall) || overall < 0 || overall > 10) throw new Error('calculator returned no score');
  const score = Math.round(overall * 10) / 10;
  return { version, vector: v, score, level: levelForScore(score, version) };
}

/** Ubuntu priorities and Debian urgencies -> level; unknown/untriaged -> null. */
export function levelForVendorLabel(label: string): SeverityLevel | null {
  const l = label.trim().toLowerCase().replace(/\*+$/, '');
  switch (l) {
    case 'critical':
      return 'critical';
    case 'high':
    case 'important':
      return 'high';
    case 'medium':
    case 'moderate':
      return 'medium';
    case 'low':
    case 'negligible':
    case 'unimportant':
      return 'low';
    case 'none':
      return 'none';
    default:
      return null; // untriaged, "not yet assigned", end-of-life, ...
  }
}

const VERSION_RANK: Record<CvssVersion, number> = { '4.0': 4, '3.1': 3, '3.0': 2, '2.0': 1 };
const LEVEL_RANK: Record<SeverityLevel, number> = { critical: 5, high: 4, medium: 3, low: 2, none: 1 };

function cvssEntries(list: OsvSeverity[] | undefined, from: string, out: SeverityEntry[]): void {
  (list ?? []).forEach((s, i) => {
    const where = `${from}[${i}]`;
    if (s.type === 'CVSS_V2' || s.type === 'CVSS_V3' || s.type === 'CVSS_V4') {
      try {
        const sc = scoreCvss(s.score, s.type);
        out.push({ from: where, type: s.type, value: s.score, level: sc.level, score: sc.score, cvssVersion: sc.version });
      } catch (e) {
        out.push({ from: where, type: s.type, value: s.score.slice(0, 200), level: null, error: (e as Error).message });
      }
    } else if (s.type === 'Ubuntu') {
      out.push({ from: where, type: 'ubuntu', value: s.score, level: levelForVendorLabel(s.score) });
    } else {
      out.push({ from: where, type: s.type, value: s.score.slice(0, 200), level: null, error: 'unknown severity type' });
    }
  });
}

/** Collect every rating in a record and decide the normalised level (see the module comment). */
export function decideSeverity(rec: OsvRecord, opts: { malicious?: boolean } = {}): SeverityDecision {
  const entries: SeverityEntry[] = [];
  cvssEntries(rec.severity, 'severity', entries);
  (rec.affected ?? []).forEach((a, i) => cvssEntries(a.severity, `affected[${i}].severity`, entries));
  const db = rec.database_specific;
  if (db && typeof db.severity === 'string') {
    entries.push({ from: 'database_specific.severity', type: 'ghsa', value: db.severity, level: levelForVendorLabel(db.severity) });
  }
  if (db && typeof db.urgency === 'string') {
    entries.push({ from: 'database_specific.urgency', type: 'debian', value: db.urgency, level: levelForVendorLabel(db.urgency) });
  }
  // RustSec repeats its vector in database_specific.cvss; use it only when severity[] has none.
  if (db && typeof db.cvss === 'string' && !entries.some((e) => e.cvssVersion)) {
    try {
      const sc = scoreCvss(db.cvss);
      entries.push({ from: 'database_specific.cvss', type: `CVSS_V${sc.version[0]}`, value: db.cvss, level: sc.level, score: sc.score, cvssVersion: sc.version });
    } catch (e) {
      entries.push({ from: 'database_specific.cvss', type: 'CVSS', value: db.cvss.slice(0, 200), level: null, error: (e as Error).message });
    }
  }
  (rec.affected ?? []).forEach((a, i) => {
    const es = a.ecosystem_specific;
    if (es && typeof es.ubuntu_priority === 'string') {
      entries.push({ from: `affected[${i}].ecosystem_specific.ubuntu_priority`, type: 'ubuntu', value: es.ubuntu_priority, level: levelForVendorLabel(es.ubuntu_priority) });
    }
    if (es && typeof es.urgency === 'string') {
      entries.push({ from: `affected[${i}].ecosystem_specific.urgency`, type: 'debian', value: es.urgency, level: levelForVendorLabel(es.urgency) });
    }
  });

  // best CVSS: newest version, then highest score
  let best: SeverityEntry | undefined;
  for (const e of entries) {
    if (!e.cvssVersion || e.score === undefined) continue;
    if (!best || VERSION_RANK[e.cvssVersion] > VERSION_RANK[best.cvssVersion!] || (e.cvssVersion === best.cvssVersion && e.score > best.score!)) best = e;
  }
  const score = best?.score ?? null;
  const vector = best?.value ?? null;

  const maxOf = (type: string): SeverityEntry | undefined => {
    let m: SeverityEntry | undefined;
    for (const e of entries) if (e.type === type && e.level && (!m || LEVEL_RANK[e.level] > LEVEL_RANK[m.level!])) m = e;
    return m;
  };
  const vendor = maxOf('ubuntu') ?? maxOf('debian');
  if (vendor) return { level: vendor.level, score, vector, source: `${vendor.type}:${vendor.value.toLowerCase()}`, entries };
  if (best) return { level: best.level, score, vector, source: `cvss_v${best.cvssVersion}`, entries };
  const ghsa = maxOf('ghsa');
  if (ghsa) return { level: ghsa.level, score, vector, source: `ghsa:${ghsa.value}`, entries };
  if (opts.malicious) return { level: 'critical', score, vector, source: 'malicious', entries };
  return { level: null, score, vector, source: null, entries };
}
