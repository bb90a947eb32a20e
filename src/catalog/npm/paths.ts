/**
 * Path rules of the npm cataloger. All functions take a root-relative path without a leading slash
 * (the form `wants()` receives); callers strip the slash of FileRecord paths first.
 */

export const LOCKFILE_NAMES = new Set(['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml']);

/** A package name segment as it can appear as a directory under node_modules. */
function isNameSegment(s: string | undefined): s is string {
  // npm names never start with "." or "_"; that excludes .bin, .cache, .pnpm, .package-lock.json, ...
  return s !== undefined && s !== '' && !s.startsWith('.') && !s.startsWith('_');
}

/**
 * When `rel` is the manifest at the root of an installed package, return the package name implied
 * by the directory layout; otherwise undefined.
 *
 * The rule is stricter than "…/node_modules/<name>/package.json": from the first `node_modules`
 * segment on, the path must alternate between `node_modules` and a package directory (`name` or
 * `@scope/name`) all the way down. That keeps nested installs (`node_modules/a/node_modules/b`)
 * and pnpm's store (`node_modules/.pnpm/<id>/node_modules/<name>`), global installs
 * (`usr/lib/node_modules/npm/...`) and yarn's unplugged dirs, and drops package.json files that
 * live inside a package: sub-path markers (`node_modules/x/esm/package.json`) and test fixtures
 * shipped in a tarball (`node_modules/resolve/test/fixtures/node_modules/y/package.json`).
 */
export function installedPackageName(rel: string): string | undefined {
  const seg = rel.split('/');
  if (seg[seg.length - 1] !== 'package.json') return undefined;
  let i = seg.indexOf('node_modules');
  if (i < 0) return undefined;
  for (;;) {
    // here seg[i] === 'node_modules'
    let j = i + 1;
    if (seg[j] === '.pnpm') {
      // pnpm virtual store: node_modules/.pnpm/<store id>/node_modules/<name>
      if (seg[j + 1] === undefined || seg[j + 2] !== 'node_modules') return undefined;
      i = j + 2;
      continue;
    }
    let name: string;
    const first = seg[j];
    if (first?.startsWith('@')) {
      const second = seg[j + 1];
      if (first.length < 2 || !isNameSegment(second)) return undefined;
      name = `${first}/${second}`;
      j += 2;
    } else {
      if (!isNameSegment(first)) return undefined;
      name = first;
      j += 1;
    }
    if (seg[j] === 'package.json' && j === seg.length - 1) return name;
    if (seg[j] !== 'node_modules') return undefined;
    i = j;
  }
}

/** Lockfiles we read: a known name, and not shipped inside some installed package. */
export function isProjectLockfile(rel: string): boolean {
  const seg = rel.split('/');
  return LOCKFILE_NAMES.has(seg[seg.length - 1]!) && !seg.includes('node_modules');
}

/** package.json of a project (outside node_modules): read only to tell dev from prod roots for yarn. */
export function isProjectManifest(rel: string): boolean {
  const seg = rel.split('/');
  return seg[seg.length - 1] === 'package.json' && !seg.includes('node_modules');
}

/** Directory holding a file, absolute form ("/app/yarn.lock" → "/app", "/yarn.lock" → ""). */
export function dirOf(absPath: string): string {
  return absPath.slice(0, absPath.lastIndexOf('/'));
}
