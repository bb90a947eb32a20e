/**
 * package-lock.json / npm-shrinkwrap.json, lockfileVersion 1, 2 and 3.
 * https://docs.npmjs.com/cli/v10/configuring-npm/package-lock-json
 *
 * v2/v3 list every installed folder under `packages`, keyed by its path ("node_modules/a",
 * "node_modules/a/node_modules/@s/b"); "" is the project itself and keys without node_modules
 * are workspace folders. v1 has a recursive `dependencies` tree instead (v2 carries both; we use
 * `packages`).
 */
import { isPlausibleName, isPlausibleVersion, npmLicenses } from './package-json.js';
import { isRegistryVersion, type LockedPackage, type LockfileResult } from './lockfile.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

/** Name implied by a `packages` key: what follows the last "node_modules/". */
function nameFromKey(key: string): string | undefined {
  const k = key.lastIndexOf('node_modules/');
  if (k < 0) return undefined;
  return key.slice(k + 'node_modules/'.length);
}

/** v1 aliases are written as version "npm:real-name@1.2.3". */
function unalias(name: string, version: string): { name: string; version: string } {
  if (version.startsWith('npm:')) {
    const spec = version.slice(4);
    const at = spec.lastIndexOf('@');
    if (at > 0) return { name: spec.slice(0, at), version: spec.slice(at + 1) };
  }
  return { name, version };
}

export function parsePackageLock(text: string): LockfileResult {
  const problems: string[] = [];
  let doc: unknown;
  try {
    doc = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    return { packages: [], problems: [`not valid JSON (${(e as Error).message})`] };
  }
  if (!isObj(doc)) return { packages: [], problems: ['not a JSON object'] };
  const out: LockedPackage[] = [];
  let skipped = 0;

  const push = (name: unknown, version: unknown, e: Obj): void => {
    if (typeof name !== 'string' || typeof version !== 'string') {
      skipped++;
      return;
    }
    const u = unalias(name, version);
    if (!isRegistryVersion(u.version)) return; // git/file/link/tarball dependency: not a registry package
    if (!isPlausibleName(u.name) || !isPlausibleVersion(u.version)) {
      skipped++;
      return;
    }
    const p: LockedPackage = { name: u.name, version: u.version, dev: e.dev === true };
    if (e.optional === true) p.optional = true;
    const licenses = npmLicenses(e);
    if (licenses.length) p.licenses = licenses;
    out.push(p);
  };

  if (isObj(doc.packages)) {
    for (const [key, e] of Object.entries(doc.packages)) {
      if (key === '' || !isObj(e)) continue; // the project itself
      if (e.link === true) continue; // symlink to a workspace folder, reported (if at all) by its own key
      const fromKey = nameFromKey(key);
      if (fromKey === undefined) continue; // a workspace folder: the project's own source
      push(typeof e.name === 'string' ? e.name : fromKey, e.version, e);
    }
  } else if (isObj(doc.dependencies)) {
    // v1: walk the nested tree without recursion
    const stack: Obj[] = [doc.dependencies];
    let visited = 0;
    while (stack.length) {
      const deps = stack.pop()!;
      for (const [name, e] of Object.entries(deps)) {
        if (++visited > 1_000_000) {
          problems.push('more than 1,000,000 dependency entries; the rest were ignored');
          stack.length = 0;
          break;
        }
        if (!isObj(e)) continue;
        push(name, e.version, e);
        if (isObj(e.dependencies)) stack.push(e.dependencies);
      }
    }
  }
  if (skipped) problems.push(`${skipped} entries without a usable name/version were skipped`);
  return { packages: out, problems };
}
