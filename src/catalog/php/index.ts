/**
 * PHP (Composer) cataloger: vendor/composer/installed.json (what is installed) and composer.lock.
 *
 * Lockfile policy, as for npm: installed evidence wins. A composer.lock whose project has
 * vendor/composer/installed.json beside it is not read — installed.json is what `composer install`
 * actually put in vendor/ (`--no-dev` leaves packages-dev out of both vendor/ and installed.json).
 * Without an installed vendor dir, the lockfile's packages are reported with
 * metadata.fromLockfile (and metadata.dev for packages-dev). Any lockfile entry whose name@version
 * is installed elsewhere in the image is not repeated.
 *
 * Versions are kept as declared ("v6.3.0", "dev-main"), as Syft does; the purl is
 * pkg:composer/<vendor>/<name>@<version>.
 */
import type { Cataloger, CatalogContext } from '../types.js';
import type { FileRecord } from '../../image/fs/types.js';
import type { Location, Package } from '../../sbom/model.js';
import { makePackage, purl } from '../../sbom/package.js';
import { parseComposerLock, parseInstalledJson, type ComposerPackage, type ComposerResult } from './composer.js';
import { byNameVersionPath, locationOf, readCatalogText } from '../read.js';

export const PHP_CATALOGER_NAME = 'php';

const MAX_JSON_BYTES = 64 * 1024 * 1024;

export function classifyPhpPath(path: string): 'installed' | 'lockfile' | undefined {
  const seg = path.split('/');
  const n = seg.length;
  if (seg[n - 1] === 'installed.json' && seg[n - 2] === 'composer' && seg[n - 3] === 'vendor') return 'installed';
  // a composer.lock shipped inside a vendored package is that package's own development lockfile
  if (seg[n - 1] === 'composer.lock' && !seg.slice(0, n - 1).includes('vendor')) return 'lockfile';
  return undefined;
}

const location = locationOf;

const readText = (ctx: CatalogContext, rec: FileRecord, max: number): Promise<string | undefined> => readCatalogText(ctx, rec, max, 'php');


function toPackage(p: ComposerPackage, rec: FileRecord, fromLockfile: boolean): Package {
  const slash = p.name.indexOf('/');
  const metadata: Record<string, unknown> = {};
  if (fromLockfile) metadata.fromLockfile = true;
  if (p.dev) metadata.dev = true;
  if (p.type) metadata.type = p.type;
  if (p.description) metadata.description = p.description;
  if (p.homepage) metadata.homepage = p.homepage;
  if (p.reference) metadata.reference = p.reference;
  return makePackage({
    name: p.name,
    version: p.version,
    type: 'composer',
    ecosystem: 'Packagist',
    purl: purl('composer', p.name.slice(0, slash), p.name.slice(slash + 1), p.version),
    licenses: p.licenses,
    locations: [location(rec)],
    foundBy: PHP_CATALOGER_NAME,
    ...(Object.keys(metadata).length ? { metadata } : {}),
  });
}

async function parseFile(ctx: CatalogContext, rec: FileRecord, parse: (t: string) => ComposerResult): Promise<ComposerPackage[]> {
  const text = await readText(ctx, rec, MAX_JSON_BYTES);
  if (text === undefined) return [];
  let r: ComposerResult;
  try {
    r = parse(text);
  } catch (e) {
    ctx.warn(`php: ${rec.path}: could not be parsed (${(e as Error).message}); skipped`);
    return [];
  }
  for (const p of r.problems) ctx.warn(`php: ${rec.path}: ${p}`);
  // one package per name@version per file
  const seen = new Set<string>();
  return r.packages.filter((p) => {
    const k = `${p.name}@${p.version}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export const phpCataloger: Cataloger = {
  name: PHP_CATALOGER_NAME,

  wants(path) {
    if (!path.endsWith('installed.json') && !path.endsWith('composer.lock')) return false;
    return classifyPhpPath(path) !== undefined;
  },

  async catalog(ctx) {
    const out: Package[] = [];
    const installedKeys = new Set<string>();
    const installedFiles = new Set<string>();
    const lockfiles: FileRecord[] = [];
    for (const rec of ctx.files) {
      const kind = classifyPhpPath(rec.path);
      if (kind === 'lockfile') lockfiles.push(rec);
      if (kind !== 'installed') continue;
      installedFiles.add(rec.path);
      for (const p of await parseFile(ctx, rec, parseInstalledJson)) {
        out.push(toPackage(p, rec, false));
        installedKeys.add(`${p.name}@${p.version}`);
      }
    }
    for (const rec of lockfiles) {
      const installedJson = rec.path.slice(0, rec.path.lastIndexOf('/')) + '/vendor/composer/installed.json';
      if (installedFiles.has(installedJson) || ctx.fs.get(installedJson) !== undefined) continue;
      for (const p of await parseFile(ctx, rec, parseComposerLock)) {
        if (!installedKeys.has(`${p.name}@${p.version}`)) out.push(toPackage(p, rec, true));
      }
    }
    return out.sort(byNameVersionPath);
  },
};
