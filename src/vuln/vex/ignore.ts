/**
 * The ignore file (`--ignorefile`, conventionally `.plimsollignore.yaml`): findings a team has
 * decided to accept for a while, each with a reason and optionally an expiry date.
 *
 * YAML or JSON. The top level is a list of entries, or a mapping with the list under `ignore` (or
 * `vulnerabilities`, as in Trivy's trivyignore.yaml):
 *
 *   ignore:
 *     - id: CVE-2023-0464            # finding id or any alias (DSA-..., GHSA-..., CVE-...)
 *       reason: not reachable: we never verify certificate policies   # required
 *       expires: 2025-06-30          # optional, YYYY-MM-DD: suppresses through that day (UTC)
 *       purls: [pkg:deb/debian/openssl]   # optional: only these packages (versionless = any version)
 *       paths: [usr/lib/node_modules/**]  # optional: only packages found under these paths (globs)
 *
 * `statement` and `expired_at` (Trivy's names) are accepted for `reason` and `expires`. When both
 * purls and paths are given, a finding must match both. An entry without a reason is a load error;
 * an expired entry no longer suppresses and is reported as a warning.
 *
 * Trivy's plain `.trivyignore` is read too: one id per line, optional `exp:YYYY-MM-DD`, `#` comments;
 * the comment lines right above an id (or after it on the same line) are its reason.
 */
import { basename, extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Package } from '../../sbom/model.js';
import type { Suppression, VulnFinding } from '../types.js';
import type { Suppressor } from '../suppress.js';
import { bad, isObject, readText, MAX_IGNORE_BYTES } from './read.js';
import { parsePurl, purlMatches, type ParsedPurl } from './purl.js';

export interface IgnoreEntry {
  id: string;
  reason: string;
  expires?: string;
  purls?: ParsedPurl[];
  /** glob patterns, without leading slash */
  paths?: string[];
  /** where the entry is ("ignore[2]", "line 7") */
  where: string;
}

export interface IgnoreSuppressor extends Suppressor {
  warnings: string[];
  entries: IgnoreEntry[];
}

const ENTRY_KEYS = ['id', 'reason', 'statement', 'expires', 'expired_at', 'purls', 'paths'];
/** Trivy trivyignore.yaml sections that are not about vulnerabilities */
const OTHER_SECTIONS = ['misconfigurations', 'secrets', 'licenses'];

/**
 * Path globs: `*` any characters within a segment, `**` any characters across segments, `**` followed
 * by a slash zero or more whole directories, `?` one character other than `/`. A pattern also matches everything
 * below the directory it names ("usr/lib/node_modules/lodash" covers its package.json).
 *
 * Matched by simulating the pattern as an NFA (linear in path length times pattern length), never
 * by backtracking, so no pattern can make matching slow.
 */
type GlobNode = { t: 'lit'; c: string } | { t: 'one' } | { t: 'star' } | { t: 'star2' } | { t: 'dirs0' } | { t: 'dirs1' };

export function compileGlob(glob: string): GlobNode[] {
  const g = glob.replace(/^\/+/, '').replace(/\/+$/, '');
  const nodes: GlobNode[] = [];
  for (let i = 0; i < g.length; i++) {
    const c = g[i]!;
    if (c === '*' && g[i + 1] === '*') {
      while (g[i + 1] === '*') i++;
      if (g[i + 1] === '/') {
        i++;
        nodes.push({ t: 'dirs0' }, { t: 'dirs1' });
      } else nodes.push({ t: 'star2' });
    } else if (c === '*') nodes.push({ t: 'star' });
    else if (c === '?') nodes.push({ t: 'one' });
    else nodes.push({ t: 'lit', c });
  }
  return nodes;
}

export function globMatches(nodes: GlobNode[], path: string): boolean {
  const n = nodes.length; // state n = accept
  let active = new Uint8Array(n + 1);
  const close = (set: Uint8Array) => {
    // epsilon moves only go forward, so one ascending pass closes the set
    for (let i = 0; i < n; i++) {
      if (!set[i]) continue;
      const t = nodes[i]!.t;
      if (t === 'star' || t === 'star2') set[i + 1] = 1;
      else if (t === 'dirs0') {
        set[i + 1] = 1; // into the directory loop
        set[i + 2] = 1; // or skip it (zero directories)
      }
    }
  };
  active[0] = 1;
  close(active);
  for (let j = 0; j < path.length; j++) {
    const ch = path[j]!;
    if (ch === '/' && active[n]) return true; // the pattern named a directory containing the path
    const next = new Uint8Array(n + 1);
    let any = false;
    for (let i = 0; i < n; i++) {
      if (!active[i]) continue;
      const node = nodes[i]!;
      switch (node.t) {
        case 'lit':
          if (ch === node.c) next[i + 1] = 1;
          break;
        case 'one':
          if (ch !== '/') next[i + 1] = 1;
          break;
        case 'star':
          if (ch !== '/') next[i] = 1;
          break;
        case 'star2':
          next[i] = 1;
          break;
        case 'dirs1':
          next[i] = 1;
          if (ch === '/') next[i + 1] = 1;
          break;
        case 'dirs0':
          break;
      }
    }
    for (let i = 0; i <= n; i++) if (next[i]) any = true;
    if (!any) return false;
    close(next);
    active = next;
  }
  return active[n] === 1;
}

function validDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(s + 'T00:00:00Z');
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

function stringList(file: string, where: string, v: unknown): string[] {
  const list = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list) || list.some((x) => typeof x !== 'string' || x.trim() === '')) throw bad(file, `${where} must be a list of non-empty strings`);
  return list.map((x: string) => x.trim());
}

function structuredEntries(file: string, data: unknown): { entries: IgnoreEntry[]; warnings: string[] } {
  const warnings: string[] = [];
  let list: unknown = data;
  let listName = 'entries';
  if (isObject(data)) {
    for (const k of Object.keys(data)) {
      if (k === 'ignore' || k === 'vulnerabilities' || k === 'version') continue;
      if (OTHER_SECTIONS.includes(k)) warnings.push(`${file}: section "${k}" is not about vulnerabilities and is not used by plimsoll scan`);
      else throw bad(file, `unknown top-level key "${k.slice(0, 60)}" (expected "ignore": [ {id, reason, expires?, purls?, paths?} ])`);
    }
    if (data['ignore'] !== undefined && data['vulnerabilities'] !== undefined) throw bad(file, 'give the entries under "ignore" or "vulnerabilities", not both');
    listName = data['ignore'] !== undefined ? 'ignore' : 'vulnerabilities';
    list = data[listName] ?? [];
  }
  if (data === null || data === undefined) list = [];
  if (!Array.isArray(list)) throw bad(file, `${listName} must be a list of entries ({id, reason, expires?, purls?, paths?})`);
  const entries = list.map((e: unknown, i: number): IgnoreEntry => {
    const where = `${listName}[${i}]`;
    if (!isObject(e)) throw bad(file, `${where} must be a mapping with id and reason`);
    for (const k of Object.keys(e)) if (!ENTRY_KEYS.includes(k)) throw bad(file, `${where}: unknown key "${k.slice(0, 60)}" (allowed: id, reason, expires, purls, paths)`);
    const id = typeof e['id'] === 'string' ? e['id'].trim() : '';
    if (!id) throw bad(file, `${where} has no "id" (the CVE, GHSA, DSA, ... to ignore)`);
    const rawReason = e['reason'] ?? e['statement'];
    const reason = typeof rawReason === 'string' ? rawReason.trim() : '';
    if (!reason) throw bad(file, `${where} (${id}) has no "reason": say why the finding is accepted, so the next reader knows`);
    let expires: string | undefined;
    const rawExp = e['expires'] ?? e['expired_at'];
    if (rawExp !== undefined && rawExp !== null) {
      const s = rawExp instanceof Date ? rawExp.toISOString().slice(0, 10) : String(rawExp).trim();
      if (!validDate(s)) throw bad(file, `${where} (${id}): expires ${JSON.stringify(rawExp).slice(0, 60)} is not a date written YYYY-MM-DD`);
      expires = s;
    }
    const entry: IgnoreEntry = { id, reason, where, ...(expires ? { expires } : {}) };
    if (e['purls'] !== undefined) {
      entry.purls = stringList(file, `${where}/purls`, e['purls']).map((p) => {
        const parsed = parsePurl(p);
        if (!parsed) throw bad(file, `${where}/purls: ${JSON.stringify(p).slice(0, 200)} is not a valid purl`);
        return parsed;
      });
    }
    if (e['paths'] !== undefined) entry.paths = stringList(file, `${where}/paths`, e['paths']).map((p) => p.replace(/^\/+/, ''));
    return entry;
  });
  return { entries, warnings };
}

/** Trivy's plain .trivyignore format. */
function plainEntries(file: string, text: string): IgnoreEntry[] {
  const entries: IgnoreEntry[] = [];
  let comments: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') {
      comments = [];
      return;
    }
    if (line.startsWith('#')) {
      const c = line.replace(/^#+\s*/, '');
      if (c) comments.push(c);
      return;
    }
    const hash = line.search(/\s#/);
    const body = hash >= 0 ? line.slice(0, hash).trim() : line;
    const inline = hash >= 0 ? line.slice(hash).replace(/^\s*#+\s*/, '') : '';
    const [id, ...rest] = body.split(/\s+/);
    const where = `line ${i + 1}`;
    let expires: string | undefined;
    for (const tok of rest) {
      const m = /^exp:(.*)$/.exec(tok);
      if (!m) throw bad(file, `${where}: unexpected "${tok.slice(0, 60)}" after ${id} (expected an id and optionally exp:YYYY-MM-DD)`);
      if (!validDate(m[1]!)) throw bad(file, `${where}: ${tok.slice(0, 60)} is not exp:YYYY-MM-DD`);
      expires = m[1]!;
    }
    const reason = [...comments, inline].filter(Boolean).join(' ') || `listed in ${basename(file)} (no reason given)`;
    entries.push({ id: id!, reason, where, ...(expires ? { expires } : {}) });
    comments = [];
  });
  return entries;
}

/** Today's date (UTC) as YYYY-MM-DD. */
function day(now: Date): string {
  return now.toISOString().slice(0, 10);
}

export function parseIgnore(file: string, text: string, now: Date = new Date()): IgnoreSuppressor {
  const ext = extname(file).toLowerCase();
  let result: { entries: IgnoreEntry[]; warnings: string[] };
  if (ext === '.json') {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (e) {
      throw bad(file, `not valid JSON (${(e as Error).message})`);
    }
    result = structuredEntries(file, data);
  } else if (ext === '.yaml' || ext === '.yml') {
    let data: unknown;
    try {
      data = parseYaml(text, { maxAliasCount: 100, uniqueKeys: true, logLevel: 'error' });
    } catch (e) {
      throw bad(file, `not valid YAML (${(e as Error).message.split('\n')[0]})`);
    }
    result = structuredEntries(file, data);
  } else {
    // .trivyignore and other names: structured when the text is a YAML/JSON list or mapping, else plain
    let data: unknown;
    try {
      data = basename(file) === '.trivyignore' ? undefined : parseYaml(text, { maxAliasCount: 100, uniqueKeys: true, logLevel: 'error' });
    } catch {
      data = undefined;
    }
    result = Array.isArray(data) || isObject(data) ? structuredEntries(file, data) : { entries: plainEntries(file, text), warnings: [] };
  }

  const today = day(now);
  const active: IgnoreEntry[] = [];
  const warnings = [...result.warnings];
  for (const e of result.entries) {
    if (e.expires && e.expires < today) warnings.push(`${file}: ${e.where}: the entry for ${e.id} expired on ${e.expires} and no longer suppresses it (fix the finding, or renew the entry with a new date and reason)`);
    else active.push(e);
  }
  const byId = new Map<string, IgnoreEntry[]>();
  for (const e of active) {
    const k = e.id.toUpperCase();
    byId.set(k, [...(byId.get(k) ?? []), e]);
  }
  const globCache = new Map<string, GlobNode[]>();
  const glob = (g: string) => {
    let r = globCache.get(g);
    if (!r) globCache.set(g, (r = compileGlob(g)));
    return r;
  };

  const matches = (e: IgnoreEntry, f: VulnFinding, pkg: Package): boolean => {
    if (e.purls && !e.purls.some((p) => purlMatches(p, pkg))) return false;
    if (e.paths) {
      const paths = [...pkg.locations, ...f.evidence.locations].map((l) => l.path.replace(/^\/+/, ''));
      if (!e.paths.some((g) => paths.some((p) => globMatches(glob(g), p)))) return false;
    }
    return true;
  };

  return {
    source: file,
    warnings,
    entries: result.entries,
    check(f: VulnFinding, pkg: Package): Suppression | undefined {
      for (const id of [f.id, ...f.aliases]) {
        for (const e of byId.get(id.toUpperCase()) ?? []) {
          if (matches(e, f, pkg)) return { by: 'ignore-file', status: 'ignored', statement: e.reason, source: file, ...(e.expires ? { expires: e.expires } : {}) };
        }
      }
      return undefined;
    },
  };
}

export async function loadIgnoreFile(file: string, now: Date = new Date()): Promise<IgnoreSuppressor> {
  return parseIgnore(file, await readText(file, 'ignore', MAX_IGNORE_BYTES), now);
}
