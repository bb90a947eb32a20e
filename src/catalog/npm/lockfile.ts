/** What every npm-ecosystem lockfile parser returns. */
export interface LockedPackage {
  name: string;
  version: string;
  /** true: only reachable through devDependencies; false: needed at runtime; undefined: unknown */
  dev?: boolean;
  optional?: boolean;
  /** package-lock v2/v3 written by npm 9+ carry each package's `license` */
  licenses?: string[];
}

export interface LockfileResult {
  packages: LockedPackage[];
  /** problems worth a warning (malformed entries skipped) */
  problems: string[];
}

/** Versions that point somewhere other than a registry (file:, link:, git+https:, github:, http:) are not reported. */
export function isRegistryVersion(v: string): boolean {
  return !v.includes(':') && !v.includes('/');
}

/**
 * Mark dev-only packages given a dependency graph: a package is dev when it is reachable from the
 * dev roots and not from the prod roots. Iterative (no recursion depth limit on hostile graphs).
 */
export function markDev<K>(prodRoots: Iterable<K>, devRoots: Iterable<K>, edges: (k: K) => Iterable<K>): { prod: Set<K>; dev: Set<K> } {
  const walk = (roots: Iterable<K>, stop?: Set<K>): Set<K> => {
    const seen = new Set<K>();
    const stack = [...roots];
    while (stack.length) {
      const k = stack.pop()!;
      if (seen.has(k) || stop?.has(k)) continue;
      seen.add(k);
      for (const n of edges(k)) if (!seen.has(n)) stack.push(n);
    }
    return seen;
  };
  const prod = walk(prodRoots);
  const dev = walk(devRoots, prod);
  return { prod, dev };
}

/** Dependencies sections of a project manifest (package.json beside the lockfile). */
export interface ProjectRoots {
  prod: Map<string, string>;
  dev: Map<string, string>;
  /** workspaces make roots come from several manifests; callers then leave dev unknown */
  workspaces: boolean;
}

export function projectRoots(manifest: unknown): ProjectRoots | undefined {
  if (!manifest || typeof manifest !== 'object' || Array.isArray(manifest)) return undefined;
  const m = manifest as Record<string, unknown>;
  const section = (k: string): [string, string][] => {
    const v = m[k];
    if (!v || typeof v !== 'object' || Array.isArray(v)) return [];
    return Object.entries(v as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string');
  };
  return {
    prod: new Map([...section('dependencies'), ...section('optionalDependencies'), ...section('peerDependencies')]),
    dev: new Map(section('devDependencies')),
    workspaces: m.workspaces !== undefined,
  };
}
