/**
 * The OSV schema (https://ossf.github.io/osv-schema/) as TypeScript types, and the hand-written guard
 * that turns untrusted JSON into a typed record.
 *
 * The guard checks what plimsoll relies on (identifiers, the affected/ranges/events structure, the
 * types of strings and arrays it reads) and nothing more: unknown fields are kept, so the raw record
 * stored in the database is exactly what the source published. Anything that would change matching
 * semantics if misread (an event with an unknown kind, a range without events, a version that is not
 * a string) is an error naming the record and the path inside it.
 */
import { PlimsollError } from '../../util/errors.js';

export type OsvRangeType = 'ECOSYSTEM' | 'SEMVER' | 'GIT';

/** One range event. OSV allows exactly one of these keys per event object. */
export type OsvEvent = { introduced: string } | { fixed: string } | { last_affected: string } | { limit: string };
export type OsvEventKind = 'introduced' | 'fixed' | 'last_affected' | 'limit';
export const OSV_EVENT_KINDS: readonly OsvEventKind[] = ['introduced', 'fixed', 'last_affected', 'limit'];

export interface OsvRange {
  /** ECOSYSTEM, SEMVER or GIT; other strings are kept (and ignored by the importer with a note). */
  type: string;
  repo?: string;
  events: OsvEvent[];
  database_specific?: Record<string, unknown>;
}

export interface OsvPackage {
  ecosystem: string;
  name: string;
  purl?: string;
}

export interface OsvSeverity {
  /** CVSS_V2 | CVSS_V3 | CVSS_V4 | Ubuntu | ... */
  type: string;
  score: string;
}

export interface OsvAffected {
  /** Absent only in records that describe commits (GIT ranges) without a package. */
  package?: OsvPackage;
  severity?: OsvSeverity[];
  ranges?: OsvRange[];
  versions?: string[];
  ecosystem_specific?: Record<string, unknown>;
  database_specific?: Record<string, unknown>;
}

export interface OsvReference {
  type: string;
  url: string;
}

export interface OsvCredit {
  name: string;
  contact?: string[];
  type?: string;
}

export interface OsvRecord {
  schema_version?: string;
  id: string;
  /** RFC 3339; required by the spec but missing in some converted data: '' then. */
  modified: string;
  published?: string;
  withdrawn?: string;
  aliases?: string[];
  /** OSV 1.7: ids this record was derived from (e.g. the CVE behind a distro record). */
  upstream?: string[];
  related?: string[];
  summary?: string;
  details?: string;
  severity?: OsvSeverity[];
  affected?: OsvAffected[];
  references?: OsvReference[];
  credits?: OsvCredit[];
  database_specific?: Record<string, unknown>;
  /** Unknown top-level fields are preserved. */
  [extra: string]: unknown;
}

/** Longest id accepted; real ids are < 64 characters. */
export const MAX_ID_LENGTH = 256;

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/**
 * Validate the shape of one OSV record. `where` names the input (file, line, zip member) for messages.
 * @throws PlimsollError('PARSE_ERROR') naming the record id (when known) and the offending field.
 */
export function parseOsvRecord(json: unknown, where: string): OsvRecord {
  const idForMsg = isObj(json) && typeof json.id === 'string' ? JSON.stringify(json.id.slice(0, 80)) : '(no id)';
  const fail = (path: string, problem: string): never => {
    throw new PlimsollError('PARSE_ERROR', `${where}: OSV record ${idForMsg}: ${path} ${problem}; the record was skipped`);
  };
  if (!isObj(json)) return fail('record', `is ${describe(json)}, expected a JSON object`);
  const r = json;

  if (typeof r.id !== 'string' || r.id.trim() === '') fail('id', 'is missing or not a non-empty string');
  const id = r.id as string;
  if (id.length > MAX_ID_LENGTH) fail('id', `is longer than ${MAX_ID_LENGTH} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(id)) fail('id', 'contains control characters');

  if (r.modified !== undefined && typeof r.modified !== 'string') fail('modified', `is ${describe(r.modified)}, expected a string`);
  for (const k of ['published', 'withdrawn', 'summary', 'details', 'schema_version'] as const) {
    if (r[k] !== undefined && r[k] !== null && typeof r[k] !== 'string') fail(k, `is ${describe(r[k])}, expected a string`);
  }
  for (const k of ['aliases', 'upstream', 'related'] as const) {
    if (r[k] !== undefined && r[k] !== null) stringArray(r[k], k, fail);
  }
  if (r.database_specific !== undefined && r.database_specific !== null && !isObj(r.database_specific)) {
    fail('database_specific', `is ${describe(r.database_specific)}, expected an object`);
  }
  if (r.severity !== undefined && r.severity !== null) severities(r.severity, 'severity', fail);
  if (r.references !== undefined && r.references !== null) {
    if (!Array.isArray(r.references)) fail('references', `is ${describe(r.references)}, expected an array`);
    (r.references as unknown[]).forEach((ref, i) => {
      if (!isObj(ref) || typeof ref.url !== 'string') fail(`references[${i}]`, 'is not an object with a string url');
    });
  }

  if (r.affected !== undefined && r.affected !== null) {
    if (!Array.isArray(r.affected)) fail('affected', `is ${describe(r.affected)}, expected an array`);
    (r.affected as unknown[]).forEach((a, i) => affected(a, `affected[${i}]`, fail));
  }

  // Normalise the optional-but-null forms some producers emit (YAML sources give null for empty lists).
  const out = { ...r } as OsvRecord;
  if (typeof out.modified !== 'string') out.modified = '';
  for (const k of ['aliases', 'upstream', 'related', 'severity', 'references', 'affected', 'published', 'withdrawn', 'summary', 'details', 'database_specific'] as const) {
    if (out[k] === null) delete out[k];
  }
  return out;
}

type Fail = (path: string, problem: string) => never;

function stringArray(v: unknown, path: string, fail: Fail): void {
  if (!Array.isArray(v)) fail(path, `is ${describe(v)}, expected an array of strings`);
  (v as unknown[]).forEach((s, i) => {
    if (typeof s !== 'string') fail(`${path}[${i}]`, `is ${describe(s)}, expected a string`);
  });
}

function severities(v: unknown, path: string, fail: Fail): void {
  if (!Array.isArray(v)) fail(path, `is ${describe(v)}, expected an array`);
  (v as unknown[]).forEach((s, i) => {
    if (!isObj(s) || typeof s.type !== 'string' || typeof s.score !== 'string') fail(`${path}[${i}]`, 'is not an object with string type and score');
  });
}

function affected(a: unknown, path: string, fail: Fail): void {
  if (!isObj(a)) fail(path, `is ${describe(a)}, expected an object`);
  const e = a as Obj;
  if (e.package !== undefined && e.package !== null) {
    if (!isObj(e.package)) fail(`${path}.package`, `is ${describe(e.package)}, expected an object`);
    const p = e.package as Obj;
    if (typeof p.ecosystem !== 'string' || p.ecosystem.trim() === '') fail(`${path}.package.ecosystem`, 'is missing or not a non-empty string');
    if (typeof p.name !== 'string' || p.name.trim() === '') fail(`${path}.package.name`, 'is missing or not a non-empty string');
    if (p.purl !== undefined && p.purl !== null && typeof p.purl !== 'string') fail(`${path}.package.purl`, `is ${describe(p.purl)}, expected a string`);
  }
  if (e.severity !== undefined && e.severity !== null) severities(e.severity, `${path}.severity`, fail);
  if (e.versions !== undefined && e.versions !== null) stringArray(e.versions, `${path}.versions`, fail);
  for (const k of ['ecosystem_specific', 'database_specific'] as const) {
    if (e[k] !== undefined && e[k] !== null && !isObj(e[k])) fail(`${path}.${k}`, `is ${describe(e[k])}, expected an object`);
  }
  if (e.ranges !== undefined && e.ranges !== null) {
    if (!Array.isArray(e.ranges)) fail(`${path}.ranges`, `is ${describe(e.ranges)}, expected an array`);
    (e.ranges as unknown[]).forEach((rg, j) => range(rg, `${path}.ranges[${j}]`, fail));
  }
}

function range(rg: unknown, path: string, fail: Fail): void {
  if (!isObj(rg)) fail(path, `is ${describe(rg)}, expected an object`);
  const r = rg as Obj;
  if (typeof r.type !== 'string' || r.type === '') fail(`${path}.type`, 'is missing or not a string');
  if (r.repo !== undefined && r.repo !== null && typeof r.repo !== 'string') fail(`${path}.repo`, `is ${describe(r.repo)}, expected a string`);
  if (!Array.isArray(r.events) || r.events.length === 0) fail(`${path}.events`, 'is missing or empty');
  (r.events as unknown[]).forEach((ev, k) => {
    const p = `${path}.events[${k}]`;
    if (!isObj(ev)) fail(p, `is ${describe(ev)}, expected an object`);
    const keys = Object.keys(ev as Obj);
    if (keys.length !== 1) fail(p, `has ${keys.length} keys (${keys.join(', ') || 'none'}); OSV allows exactly one of introduced, fixed, last_affected, limit`);
    const kind = keys[0]!;
    if (!(OSV_EVENT_KINDS as readonly string[]).includes(kind)) fail(p, `has unknown event kind ${JSON.stringify(kind.slice(0, 40))}`);
    const val = (ev as Obj)[kind];
    if (typeof val !== 'string' || val === '') fail(`${p}.${kind}`, `is ${describe(val)}, expected a non-empty version string`);
  });
}

/** The kind and version of one event (the guard guarantees exactly one key). */
export function eventParts(ev: OsvEvent): { kind: OsvEventKind; version: string } {
  const kind = Object.keys(ev)[0] as OsvEventKind;
  return { kind, version: (ev as Record<string, string>)[kind]! };
}
