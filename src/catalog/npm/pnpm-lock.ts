/**
 * pnpm-lock.yaml, lockfile versions 5.x, 6.x and 9.x.
 *
 *   v5  packages:  /lodash/4.17.21:            /@babel/core/7.12.0_react@17.0.2:   dev: true|false
 *   v6  packages:  /lodash@4.17.21:            /@babel/core@7.12.0(react@17.0.2):  dev: true|false
 *   v9  packages:  lodash@4.17.21:             @babel/core@7.12.0     (no dev flag)
 *       snapshots: @babel/core@7.12.0(react@17.0.2): { dependencies: { dep: version } }
 *       importers: { '.': { dependencies: { x: { specifier, version } }, devDependencies: ... } }
 *
 * For v9, dev is computed by walking `snapshots` from the importers' prod and dev roots.
 */
import { parse as parseYaml } from 'yaml';
import { isPlausibleName, isPlausibleVersion } from './package-json.js';
import { isRegistryVersion, markDev, type LockedPackage, type LockfileResult } from './lockfile.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

/** Drop the peer-dependency suffix: "1.0.0(react@17.0.2)" (v6+) or "1.0.0_react@17.0.2" (v5). */
function stripPeers(version: string): string {
  const p = version.indexOf('(');
  if (p >= 0) version = version.slice(0, p);
  const u = version.indexOf('_');
  if (u >= 0) version = version.slice(0, u);
  return version;
}

/** Parse a `packages` key into name and version; undefined for non-registry keys (tarballs, git, file:). */
export function parsePnpmKey(key: string, major: number): { name: string; version: string } | undefined {
  let k = key.startsWith('/') ? key.slice(1) : key;
  if (major < 6) {
    // /name/version or /@scope/name/version
    const parts = k.split('/');
    const scoped = parts[0]?.startsWith('@');
    const n = scoped ? 2 : 1;
    if (parts.length !== n + 1) return undefined;
    return { name: parts.slice(0, n).join('/'), version: stripPeers(parts[n]!) };
  }
  const p = k.indexOf('(');
  if (p >= 0) k = k.slice(0, p);
  const at = k.indexOf('@', k.startsWith('@') ? 1 : 0);
  if (at <= 0) return undefined;
  return { name: k.slice(0, at), version: stripPeers(k.slice(at + 1)) };
}

/** v9: snapshot key for dependency `name` at `version` ("1.0.0(peer@1)" or, for aliases, "real@1.0.0"). */
function snapshotKey(name: string, version: string): string {
  return /^\d/.test(version) ? `${name}@${version}` : version;
}

/** Strip a snapshot key to its `packages` key: "a@1.0.0(b@2)" → "a@1.0.0". */
function packageKeyOfSnapshot(k: string): string {
  const p = k.indexOf('(');
  return p >= 0 ? k.slice(0, p) : k;
}

function importerVersion(v: unknown): string | undefined {
  if (typeof v === 'string') return v; // v5 importers: { dependencies: { a: 1.0.0 } }
  if (isObj(v) && typeof v.version === 'string') return v.version;
  return undefined;
}

/** Packages keys only reachable from devDependencies of the importers (v9 graph walk). */
function devKeysV9(doc: Obj): Set<string> | undefined {
  if (!isObj(doc.importers) || !isObj(doc.snapshots)) return undefined;
  const snapshots = doc.snapshots;
  const prod: string[] = [];
  const dev: string[] = [];
  for (const imp of Object.values(doc.importers)) {
    if (!isObj(imp)) continue;
    for (const [sec, into] of [['dependencies', prod], ['optionalDependencies', prod], ['devDependencies', dev]] as const) {
      const deps = imp[sec];
      if (!isObj(deps)) continue;
      for (const [n, v] of Object.entries(deps)) {
        const ver = importerVersion(v);
        if (ver !== undefined && !ver.startsWith('link:')) into.push(snapshotKey(n, ver));
      }
    }
  }
  const edges = (k: string): string[] => {
    const s = snapshots[k];
    if (!isObj(s)) return [];
    const out: string[] = [];
    for (const sec of [s.dependencies, s.optionalDependencies]) {
      if (isObj(sec)) for (const [n, v] of Object.entries(sec)) if (typeof v === 'string') out.push(snapshotKey(n, v));
    }
    return out;
  };
  const r = markDev(prod, dev, edges);
  const prodPkgs = new Set([...r.prod].map(packageKeyOfSnapshot));
  // a package is dev when none of its snapshots (peer variants) is needed in production
  return new Set([...r.dev].map(packageKeyOfSnapshot).filter((k) => !prodPkgs.has(k)));
}

export function parsePnpmLock(text: string): LockfileResult {
  const problems: string[] = [];
  let doc: unknown;
  try {
    doc = parseYaml(text, { maxAliasCount: 100 });
  } catch (e) {
    return { packages: [], problems: [`not valid YAML (${(e as Error).message.split('\n')[0]})`] };
  }
  if (!isObj(doc)) return { packages: [], problems: ['not a YAML mapping'] };
  const major = Math.floor(Number.parseFloat(String(doc.lockfileVersion ?? '')));
  if (!Number.isFinite(major)) return { packages: [], problems: [`unknown lockfileVersion ${JSON.stringify(doc.lockfileVersion)}`] };
  if (!isObj(doc.packages)) return { packages: [], problems };
  const devV9 = major >= 9 ? devKeysV9(doc) : undefined;

  const packages: LockedPackage[] = [];
  let skipped = 0;
  for (const [key, e] of Object.entries(doc.packages)) {
    const entry = isObj(e) ? e : {};
    const fromKey = parsePnpmKey(key, major);
    // non-registry entries carry explicit name/version fields; their version is a URL or path
    const name = typeof entry.name === 'string' ? entry.name : fromKey?.name;
    const version = typeof entry.version === 'string' ? entry.version : fromKey?.version;
    if (name === undefined || version === undefined) {
      skipped++;
      continue;
    }
    if (!isRegistryVersion(version) || (isObj(entry.resolution) && typeof entry.resolution.tarball === 'string' && !fromKey)) continue;
    if (!isPlausibleName(name) || !isPlausibleVersion(version)) {
      skipped++;
      continue;
    }
    const p: LockedPackage = { name, version };
    if (major < 9 && typeof entry.dev === 'boolean') p.dev = entry.dev;
    if (devV9) p.dev = devV9.has(packageKeyOfSnapshot(key));
    if (entry.optional === true) p.optional = true;
    packages.push(p);
  }
  if (skipped) problems.push(`${skipped} entries without a usable name/version were skipped`);
  return { packages, problems };
}
