import { PackageURL } from 'packageurl-js';
import { createHash } from 'node:crypto';
import type { Ecosystem, Location, Package, PackageType } from './model.js';

/** OSV ecosystem of each language package type (distro types depend on the distro). */
export const LANGUAGE_ECOSYSTEMS: Readonly<Partial<Record<PackageType, Ecosystem>>> = {
  npm: 'npm',
  pypi: 'PyPI',
  maven: 'Maven',
  golang: 'Go',
  gem: 'RubyGems',
  composer: 'Packagist',
  cargo: 'crates.io',
};

/** Build a purl string per the purl spec (packageurl-js does the encoding). */
export function purl(type: string, namespace: string | undefined, name: string, version: string | undefined, qualifiers?: Record<string, string | undefined>, subpath?: string): string {
  const q: Record<string, string> = {};
  for (const [k, v] of Object.entries(qualifiers ?? {})) if (v !== undefined && v !== '') q[k] = v;
  return new PackageURL(type, namespace || undefined, name, version || undefined, Object.keys(q).length ? q : undefined, subpath).toString();
}

/** Stable package id: same purl at the same primary location gives the same id in every run. */
export function packageId(purlStr: string, loc?: Location): string {
  return 'pkg-' + createHash('sha256').update(purlStr + '|' + (loc?.path ?? '')).digest('hex').slice(0, 16);
}

/** Build a Package, filling id. */
export function makePackage(p: Omit<Package, 'id'>): Package {
  return { id: packageId(p.purl, p.locations[0]), ...p };
}
