/**
 * yarn.lock: the classic v1 format (yarn 1.x, its own indentation syntax) and the berry format
 * (yarn 2+, YAML with a `__metadata` key).
 *
 * v1:
 *   "@babel/code-frame@^7.0.0", "@babel/code-frame@^7.10.4":
 *     version "7.12.13"
 *     resolved "https://registry.yarnpkg.com/..."
 *     dependencies:
 *       "@babel/highlight" "^7.12.13"
 *
 * berry:
 *   "debug@npm:^4.1.0, debug@npm:^4.3.1":
 *     version: 4.3.4
 *     resolution: "debug@npm:4.3.4"
 *     dependencies:
 *       ms: "npm:2.1.2"
 *
 * Neither records dev-ness. When the project's package.json is known, dev is computed from the
 * graph: reachable only from devDependencies → dev.
 */
import { parse as parseYaml } from 'yaml';
import { isPlausibleName, isPlausibleVersion } from './package-json.js';
import { isRegistryVersion, markDev, type LockedPackage, type LockfileResult, type ProjectRoots } from './lockfile.js';

interface Entry {
  name: string;
  version: string;
  deps: [string, string][];
  /** not a registry package (workspace, git, file, patch): kept for graph walking, not reported */
  nonRegistry: boolean;
}

/** Split a descriptor "name@range" / "@scope/name@range" into its parts. */
export function splitDescriptor(d: string): { name: string; range: string } | undefined {
  const at = d.indexOf('@', d.startsWith('@') ? 1 : 0);
  if (at <= 0) return undefined;
  return { name: d.slice(0, at), range: d.slice(at + 1) };
}

/** A v1 value token: a JSON-style double-quoted string or a bare word. Returns [value, rest]. */
function token(s: string): [string, string] | undefined {
  s = s.trimStart();
  if (s.startsWith('"')) {
    let i = 1;
    let v = '';
    while (i < s.length && s[i] !== '"') {
      if (s[i] === '\\' && i + 1 < s.length) i++;
      v += s[i];
      i++;
    }
    if (i >= s.length) return undefined;
    return [v, s.slice(i + 1)];
  }
  const m = /^[^\s,]+/.exec(s);
  if (!m) return undefined;
  return [m[0], s.slice(m[0].length)];
}

/** Split a v1 entry key line ('"a@^1", a@^1.2:' without the colon) into descriptors. */
function keyDescriptors(key: string): string[] {
  const out: string[] = [];
  let rest = key;
  while (rest.trim() !== '') {
    const t = token(rest);
    if (!t) break;
    out.push(t[0]);
    rest = t[1].trimStart();
    if (rest.startsWith(',')) rest = rest.slice(1);
  }
  return out;
}

function parseV1(text: string, problems: string[]): { entries: Entry[]; index: Map<string, Entry> } {
  const entries: Entry[] = [];
  const index = new Map<string, Entry>();
  let cur: { descriptors: string[]; version?: string; deps: [string, string][] } | undefined;
  let section: string | undefined; // the indent-2 key whose indent-4 children we are reading
  let bad = 0;
  const flush = (): void => {
    if (!cur) return;
    const first = cur.descriptors.map(splitDescriptor).find((d) => d !== undefined);
    if (first && cur.version !== undefined) {
      let name = first.name;
      // alias: "my-lodash@npm:lodash@^4" installs lodash under another name
      if (first.range.startsWith('npm:')) {
        const real = splitDescriptor(first.range.slice(4));
        if (real) name = real.name;
      }
      const e: Entry = { name, version: cur.version, deps: cur.deps, nonRegistry: !isRegistryVersion(cur.version) };
      entries.push(e);
      for (const d of cur.descriptors) index.set(d, e);
    } else bad++;
    cur = undefined;
  };
  for (const raw of text.split(/\r?\n/)) {
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) continue;
    const indent = raw.length - raw.trimStart().length;
    const line = raw.trim();
    if (indent === 0) {
      flush();
      section = undefined;
      if (!line.endsWith(':')) {
        bad++;
        continue;
      }
      cur = { descriptors: keyDescriptors(line.slice(0, -1)), deps: [] };
    } else if (!cur) {
      continue;
    } else if (indent <= 2) {
      section = undefined;
      if (line.endsWith(':')) {
        section = line.slice(0, -1);
        continue;
      }
      const k = token(line);
      if (!k) continue;
      const v = token(k[1]);
      if (k[0] === 'version' && v) cur.version = v[0];
    } else if (section === 'dependencies' || section === 'optionalDependencies') {
      const k = token(line);
      const v = k && token(k[1]);
      if (k && v && cur.deps.length < 100_000) cur.deps.push([k[0], v[0]]);
    }
  }
  flush();
  if (bad) problems.push(`${bad} entries without a usable key/version were skipped`);
  return { entries, index };
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

function parseBerry(text: string, problems: string[]): { entries: Entry[]; index: Map<string, Entry> } {
  const entries: Entry[] = [];
  const index = new Map<string, Entry>();
  let doc: unknown;
  try {
    doc = parseYaml(text, { maxAliasCount: 100, uniqueKeys: false });
  } catch (e) {
    problems.push(`not valid YAML (${(e as Error).message.split('\n')[0]})`);
    return { entries, index };
  }
  if (!isObj(doc)) {
    problems.push('not a YAML mapping');
    return { entries, index };
  }
  for (const [key, v] of Object.entries(doc)) {
    if (key === '__metadata' || !isObj(v)) continue;
    const resolution = typeof v.resolution === 'string' ? splitDescriptor(v.resolution) : undefined;
    const version = v.version === undefined ? undefined : String(v.version);
    if (!resolution || version === undefined) continue;
    const deps: [string, string][] = [];
    for (const sec of [v.dependencies, v.optionalDependencies]) {
      if (isObj(sec)) for (const [n, r] of Object.entries(sec)) if (typeof r === 'string' || typeof r === 'number') deps.push([n, String(r)]);
    }
    // only the npm: protocol is a registry package; workspace:, patch:, git, file, link, portal are not
    const e: Entry = { name: resolution.name, version, deps, nonRegistry: !resolution.range.startsWith('npm:') };
    entries.push(e);
    for (const d of key.split(',')) index.set(d.trim(), e);
  }
  return { entries, index };
}

export function isBerryLock(text: string): boolean {
  return /^__metadata:/m.test(text);
}

export function parseYarnLock(text: string, roots?: ProjectRoots): LockfileResult {
  const problems: string[] = [];
  const { entries, index } = isBerryLock(text) ? parseBerry(text, problems) : parseV1(text, problems);
  const lookup = (name: string, range: string): Entry | undefined => index.get(`${name}@${range}`) ?? index.get(`${name}@npm:${range}`);

  let devSet: Set<Entry> | undefined;
  if (roots && !roots.workspaces) {
    const toEntries = (m: Map<string, string>): Entry[] => [...m].map(([n, r]) => lookup(n, r)).filter((e): e is Entry => !!e);
    const { dev } = markDev(toEntries(roots.prod), toEntries(roots.dev), (e) => e.deps.map(([n, r]) => lookup(n, r)).filter((x): x is Entry => !!x));
    devSet = dev;
  }

  const packages: LockedPackage[] = [];
  let implausible = 0;
  for (const e of entries) {
    if (e.nonRegistry) continue;
    if (!isPlausibleName(e.name) || !isPlausibleVersion(e.version)) {
      implausible++;
      continue;
    }
    const p: LockedPackage = { name: e.name, version: e.version };
    if (devSet) p.dev = devSet.has(e);
    packages.push(p);
  }
  if (implausible) problems.push(`${implausible} entries with an implausible name/version were skipped`);
  return { packages, problems };
}
