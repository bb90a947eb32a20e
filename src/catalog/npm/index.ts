/**
 * npm cataloger: installed packages (node_modules/**\/package.json, including global installs under
 * usr/lib/node_modules and usr/local/lib/node_modules, pnpm's virtual store and nested installs)
 * and, where a project has no installed tree, its lockfile (package-lock.json / npm-shrinkwrap.json
 * v1–v3, yarn.lock v1 and berry, pnpm-lock.yaml v5–v9).
 *
 * Lockfile policy (see also the README of this folder in the lead's docs):
 *   - Installed evidence wins. A lockfile's entries are reported only when its project has NO
 *     node_modules tree in the image (no `<dir>/node_modules` entry and no installed package under
 *     it). When node_modules exists, what is in it is what runs: packages pruned by
 *     `npm ci --omit=dev` / `npm prune --production`, and the optional platform packages a v3
 *     lockfile lists for every OS/CPU (@esbuild/darwin-arm64, ...), are not in the image and
 *     reporting them would be false vulnerability findings. This matches Syft and Trivy, whose
 *     image scans read installed package.json files, not lockfiles.
 *   - When there is no installed tree (dependencies bundled by a build step, an image that only
 *     ships the lockfile), the lockfile is the only evidence: its packages are reported with
 *     metadata.fromLockfile = true and metadata.dev = true for dev-only ones (included, marked).
 *   - Either way a lockfile entry whose name@version was found installed anywhere in the image is
 *     dropped (dedupe by name@version, installed evidence preferred), and each name@version is
 *     reported once per lockfile.
 *
 * Installed packages are never deduplicated across paths: the same name@version in two
 * node_modules folders is two packages with two locations, as Syft reports them.
 */
import type { Cataloger, CatalogContext } from '../types.js';
import type { FileRecord } from '../../image/fs/types.js';
import type { Location, Package } from '../../sbom/model.js';
import { makePackage, purl } from '../../sbom/package.js';
import { dirOf, installedPackageName, isProjectLockfile, isProjectManifest } from './paths.js';
import { parsePackageJson, splitNpmName } from './package-json.js';
import { parsePackageLock } from './package-lock.js';
import { parseYarnLock } from './yarn-lock.js';
import { parsePnpmLock } from './pnpm-lock.js';
import { projectRoots, type LockfileResult } from './lockfile.js';
import { byNameVersionPath, locationOf, readCatalogText } from '../read.js';

export const NPM_CATALOGER_NAME = 'npm';

/** package.json files bigger than this are not package manifests we want to parse. */
const MAX_MANIFEST_BYTES = 8 * 1024 * 1024;
/** Lockfiles of large monorepos reach tens of MB. */
const MAX_LOCKFILE_BYTES = 64 * 1024 * 1024;

const location = locationOf;

const readText = (ctx: CatalogContext, rec: FileRecord, max: number): Promise<string | undefined> => readCatalogText(ctx, rec, max, 'npm');

function npmPurl(name: string, version: string): string {
  const n = splitNpmName(name);
  return purl('npm', n.namespace, n.name, version);
}


export const npmCataloger: Cataloger = {
  name: NPM_CATALOGER_NAME,

  wants(path) {
    if (path.endsWith('/package.json') || path === 'package.json') {
      return installedPackageName(path) !== undefined || isProjectManifest(path);
    }
    return (path.endsWith('.json') || path.endsWith('.lock') || path.endsWith('.yaml')) && isProjectLockfile(path);
  },

  async catalog(ctx) {
    const installed: Package[] = [];
    const installedKeys = new Set<string>();
    /** project dirs ("/app") that have an installed tree */
    const installedRoots = new Set<string>();
    const seenPaths = new Set<string>();
    const lockfiles: FileRecord[] = [];
    const manifests = new Map<string, FileRecord>();

    for (const rec of ctx.files) {
      if (seenPaths.has(rec.path)) continue;
      seenPaths.add(rec.path);
      const rel = rec.path.slice(1);
      const dirName = installedPackageName(rel);
      if (dirName === undefined) {
        if (isProjectLockfile(rel)) lockfiles.push(rec);
        else if (isProjectManifest(rel)) manifests.set(dirOf(rec.path), rec);
        continue;
      }
      const text = await readText(ctx, rec, MAX_MANIFEST_BYTES);
      if (text === undefined) continue;
      const m = parsePackageJson(text, dirName);
      if (m === undefined) continue; // no version: not an installed package manifest
      if ('error' in m) {
        ctx.warn(`npm: ${rec.path}: ${m.error}; skipped`);
        continue;
      }
      const metadata: Record<string, unknown> = {};
      if (m.author) metadata.author = m.author;
      if (m.homepage) metadata.homepage = m.homepage;
      if (m.description) metadata.description = m.description;
      if (m.private) metadata.private = true;
      installed.push(
        makePackage({
          name: m.name,
          version: m.version,
          type: 'npm',
          ecosystem: 'npm',
          purl: npmPurl(m.name, m.version),
          licenses: m.licenses,
          locations: [location(rec)],
          foundBy: NPM_CATALOGER_NAME,
          ...(Object.keys(metadata).length ? { metadata } : {}),
        }),
      );
      installedKeys.add(`${m.name}@${m.version}`);
      const nm = rec.path.indexOf('/node_modules/');
      installedRoots.add(rec.path.slice(0, nm));
    }

    const fromLocks: Package[] = [];
    for (const rec of lockfiles) {
      const dir = dirOf(rec.path);
      const nodeModules = `${dir}/node_modules`;
      if (ctx.fs.get(nodeModules) !== undefined || installedRoots.has(dir)) continue; // installed tree wins
      const text = await readText(ctx, rec, MAX_LOCKFILE_BYTES);
      if (text === undefined) continue;
      let result: LockfileResult;
      try {
        const base = rec.path.slice(rec.path.lastIndexOf('/') + 1);
        if (base === 'yarn.lock') result = parseYarnLock(text, await projectRootsFor(ctx, manifests.get(dir)));
        else if (base === 'pnpm-lock.yaml') result = parsePnpmLock(text);
        else result = parsePackageLock(text);
      } catch (e) {
        ctx.warn(`npm: ${rec.path}: could not be parsed (${(e as Error).message}); skipped`);
        continue;
      }
      for (const p of result.problems) ctx.warn(`npm: ${rec.path}: ${p}`);
      const seen = new Map<string, Package>();
      for (const lp of result.packages) {
        const key = `${lp.name}@${lp.version}`;
        if (installedKeys.has(key)) continue;
        const prev = seen.get(key);
        if (prev) {
          // the same name@version at several places in one lockfile: report once; prod wins over dev
          if (lp.dev !== true && prev.metadata?.dev === true) delete prev.metadata.dev;
          continue;
        }
        const metadata: Record<string, unknown> = { fromLockfile: true };
        if (lp.dev === true) metadata.dev = true;
        if (lp.optional === true) metadata.optional = true;
        const pkg = makePackage({
          name: lp.name,
          version: lp.version,
          type: 'npm',
          ecosystem: 'npm',
          purl: npmPurl(lp.name, lp.version),
          licenses: lp.licenses ?? [],
          locations: [location(rec)],
          foundBy: NPM_CATALOGER_NAME,
          metadata,
        });
        seen.set(key, pkg);
        fromLocks.push(pkg);
      }
    }
    return [...installed, ...fromLocks].sort(byNameVersionPath);
  },
};

/** dependencies/devDependencies of the project manifest beside a yarn.lock, when captured and sane. */
async function projectRootsFor(ctx: CatalogContext, rec: FileRecord | undefined): Promise<ReturnType<typeof projectRoots>> {
  if (!rec) return undefined;
  const text = await readText(ctx, rec, MAX_MANIFEST_BYTES);
  if (text === undefined) return undefined;
  try {
    return projectRoots(JSON.parse(text));
  } catch {
    return undefined; // dev-ness stays unknown; the lockfile is still reported
  }
}
