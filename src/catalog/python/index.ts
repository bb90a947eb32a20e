/**
 * Python cataloger: installed distributions (dist-info, egg-info, eggs) under site-packages and
 * dist-packages. One package per metadata directory; `files` lists what the distribution installed
 * (from RECORD / installed-files.txt / SOURCES.txt, plus its own metadata files) so a later stage
 * can link it to the OS package owning those paths (Debian's python3-* packages).
 *
 * Like importlib.metadata, two metadata directories for the same name@version (Debian ships both
 * cryptography-38.0.4.dist-info and cryptography.egg-info) are two packages with two locations.
 */
import type { Cataloger, CatalogContext } from '../types.js';
import type { FileRecord } from '../../image/fs/types.js';
import type { Location, Package } from '../../sbom/model.js';
import { makePackage, purl } from '../../sbom/package.js';
import { classifyPythonPath, type PyFile } from './paths.js';
import { first, isPlausibleVersion, isValidDistName, normalizeDistName, parseHeaders, pythonLicenses } from './metadata.js';
import { installedFiles, MAX_FILES_PER_PACKAGE, recordFiles, sourcesFiles, topLevelNames } from './files.js';

export const PYTHON_CATALOGER_NAME = 'python';

/** METADATA with a long description embedded; anything over this is not real metadata. */
const MAX_METADATA_BYTES = 8 * 1024 * 1024;
/** RECORD / installed-files.txt / SOURCES.txt of huge distributions (tensorflow: ~3 MB). */
const MAX_FILELIST_BYTES = 32 * 1024 * 1024;
const MAX_TOPLEVEL_BYTES = 1024 * 1024;

function location(rec: FileRecord): Location {
  return { path: rec.path, layerDigest: rec.layerDigest, layerIndex: rec.layerIndex };
}

/** Read a captured regular file as UTF-8, refusing oversized or binary content. Never throws. */
async function readText(ctx: CatalogContext, rec: FileRecord, max: number): Promise<string | undefined> {
  if (rec.type !== 'file' && rec.type !== 'hardlink') return undefined;
  if (rec.size > max) {
    ctx.warn(`python: ${rec.path}: ${rec.size} bytes is over the ${max}-byte limit for this kind of file; skipped`);
    return undefined;
  }
  let buf: Buffer;
  try {
    buf = await ctx.fs.readFile(rec.path);
  } catch (e) {
    ctx.warn(`python: ${rec.path}: could not be read (${(e as Error).message}); skipped`);
    return undefined;
  }
  if (buf.length > max) {
    ctx.warn(`python: ${rec.path}: ${buf.length} bytes is over the ${max}-byte limit for this kind of file; skipped`);
    return undefined;
  }
  if (buf.subarray(0, 8192).includes(0)) {
    ctx.warn(`python: ${rec.path}: binary content where text was expected; skipped`);
    return undefined;
  }
  return buf.toString('utf8');
}

interface Group {
  info: PyFile;
  metadata?: FileRecord;
  record?: FileRecord;
  installedFiles?: FileRecord;
  sources?: FileRecord;
  topLevel?: FileRecord;
}

function byNameVersionPath(a: Package, b: Package): number {
  const ka = [a.name, a.version, a.locations[0]?.path ?? ''];
  const kb = [b.name, b.version, b.locations[0]?.path ?? ''];
  for (let i = 0; i < 3; i++) if (ka[i] !== kb[i]) return ka[i]! < kb[i]! ? -1 : 1;
  return 0;
}

export const pythonCataloger: Cataloger = {
  name: PYTHON_CATALOGER_NAME,

  wants(path, header) {
    if (!path.includes('-packages/')) return false; // cheap pre-filter: site-packages / dist-packages
    return classifyPythonPath(path, header.type === 'file' || header.type === 'hardlink') !== undefined;
  },

  async catalog(ctx) {
    const groups = new Map<string, Group>();
    for (const rec of ctx.files) {
      const info = classifyPythonPath(rec.path, rec.type === 'file' || rec.type === 'hardlink');
      if (!info) continue;
      let g = groups.get(info.metaDir);
      if (!g) groups.set(info.metaDir, (g = { info }));
      switch (info.role) {
        case 'metadata':
          g.metadata = rec;
          break;
        case 'record':
          g.record = rec;
          break;
        case 'installed-files':
          g.installedFiles = rec;
          break;
        case 'sources':
          g.sources = rec;
          break;
        case 'top-level':
          g.topLevel = rec;
          break;
      }
    }

    const packages: Package[] = [];
    for (const g of groups.values()) {
      if (!g.metadata) continue; // RECORD without METADATA: a broken install, nothing to name
      const pkg = await catalogOne(ctx, g, g.metadata);
      if (pkg) packages.push(pkg);
    }
    return packages.sort(byNameVersionPath);
  },
};

async function catalogOne(ctx: CatalogContext, g: Group, metaRec: FileRecord): Promise<Package | undefined> {
  const text = await readText(ctx, metaRec, MAX_METADATA_BYTES);
  if (text === undefined) return undefined;
  const h = parseHeaders(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  const name = first(h, 'name');
  const version = first(h, 'version');
  if (name === undefined || version === undefined) {
    ctx.warn(`python: ${metaRec.path}: no Name/Version header; not core metadata, skipped`);
    return undefined;
  }
  if (!isValidDistName(name)) {
    ctx.warn(`python: ${metaRec.path}: invalid distribution name ${JSON.stringify(name.slice(0, 80))}; skipped`);
    return undefined;
  }
  if (!isPlausibleVersion(version)) {
    ctx.warn(`python: ${metaRec.path}: implausible version ${JSON.stringify(version.slice(0, 80))}; skipped`);
    return undefined;
  }

  const metadata: Record<string, unknown> = {};
  const summary = first(h, 'summary');
  if (summary) metadata.summary = summary.length > 512 ? summary.slice(0, 512) + '…' : summary;
  const author = first(h, 'author') ?? first(h, 'author-email');
  if (author) metadata.author = author.slice(0, 256);
  const homepage = first(h, 'home-page') ?? (h.get('project-url') ?? []).map((u) => /^homepage\s*,\s*(\S+)/i.exec(u)?.[1]).find(Boolean);
  if (homepage) metadata.homepage = homepage.slice(0, 1024);
  const requiresPython = first(h, 'requires-python');
  if (requiresPython) metadata.requiresPython = requiresPython.slice(0, 256);
  metadata.metadataKind = g.info.kind;

  let topLevel: string[] = [];
  if (g.topLevel) {
    const t = await readText(ctx, g.topLevel, MAX_TOPLEVEL_BYTES);
    if (t !== undefined) topLevel = topLevelNames(t);
    if (topLevel.length) metadata.topLevel = topLevel;
  }

  // files: the metadata files themselves (dpkg/rpm list them too), then the installed-file lists
  const files = new Set<string>([g.metadata, g.record, g.installedFiles, g.sources, g.topLevel].filter((r): r is FileRecord => !!r).map((r) => r.path));
  const add = (list: string[]): void => {
    for (const p of list) {
      if (files.size >= MAX_FILES_PER_PACKAGE) break;
      files.add(p);
    }
  };
  if (g.record) {
    const t = await readText(ctx, g.record, MAX_FILELIST_BYTES);
    if (t !== undefined) add(recordFiles(t, g.info.baseDir));
  }
  if (g.installedFiles) {
    const t = await readText(ctx, g.installedFiles, MAX_FILELIST_BYTES);
    if (t !== undefined) add(installedFiles(t, g.info.metaDir));
  }
  if (g.sources && !g.record && !g.installedFiles) {
    const t = await readText(ctx, g.sources, MAX_FILELIST_BYTES);
    if (t !== undefined) add(sourcesFiles(t, g.info.baseDir, topLevel, (p) => ctx.fs.get(p) !== undefined));
  }

  return makePackage({
    name,
    version,
    type: 'pypi',
    ecosystem: 'PyPI',
    purl: purl('pypi', undefined, normalizeDistName(name), version),
    licenses: pythonLicenses(h),
    locations: [location(metaRec)],
    foundBy: PYTHON_CATALOGER_NAME,
    files: [...files].sort(),
    metadata,
  });
}
