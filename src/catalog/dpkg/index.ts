/**
 * Debian/Ubuntu packages from the dpkg database.
 *
 * Inputs (all root-relative):
 *   var/lib/dpkg/status             the database (deb822 stanzas)
 *   var/lib/dpkg/updates/NNNN       dpkg's journal, replayed over status as dpkg-query does
 *   var/lib/dpkg/status.d/<pkg>     distroless: one stanza per file (<pkg>.md5sums lists its files)
 *   var/lib/dpkg/info/<pkg>[:arch].list   files each package installed
 *   usr/share/doc/<pkg>/copyright   licenses
 *
 * The inventory equals `dpkg-query -W -f '${Package} ${Version} ${Architecture}\n'` for the same
 * database (see ./status.ts for the rules that makes true).
 *
 * Layer attribution: the status file is rewritten by every layer that runs dpkg, so its layer says
 * nothing about a given package. dpkg writes <pkg>.list when it unpacks that package (install,
 * upgrade, reinstall), so the layer holding the .list file is the layer that put the current
 * version of the package in place. That record is the primary location; the status file follows.
 * (A later package that takes over files with Replaces: also rewrites the old owner's .list; that
 * rare case attributes the old package to the later layer.)
 */
import type { Cataloger, CatalogContext } from '../types.js';
import type { Distro, Ecosystem, Location, Package } from '../../sbom/model.js';
import type { FileRecord, FileSystemView } from '../../image/fs/types.js';
import { makePackage, purl } from '../../sbom/package.js';
import { distroIs, distroQualifier } from '../os/index.js';
import { comparePackages, limitedWarner } from '../os/util.js';
import { parseParagraphs } from './control.js';
import { DpkgDatabase, entryFromParagraph, type DpkgEntry } from './status.js';
import { licensesFromCopyright } from './copyright.js';

const DPKG = 'var/lib/dpkg/';
const DOC = 'usr/share/doc/';
/** A status file beyond this is not a dpkg database we can hold in memory (real ones are < 20 MB). */
const MAX_DB_BYTES = 256 * 1024 * 1024;
/** Copyright files are read for License: lines only; bigger ones are skipped. */
const MAX_COPYRIGHT_BYTES = 16 * 1024 * 1024;

function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/** Per-entry path test; string checks only (it runs for every tar entry of every layer). */
export function dpkgWants(path: string): boolean {
  if (path.startsWith(DPKG)) {
    const rest = path.slice(DPKG.length);
    if (rest === 'status') return true;
    if (rest.startsWith('info/')) return rest.endsWith('.list') && rest.indexOf('/', 5) < 0;
    if (rest.startsWith('status.d/')) return rest.length > 9 && rest.indexOf('/', 9) < 0;
    if (rest.startsWith('updates/')) return isDigits(rest.slice(8));
    return false;
  }
  // usr/share/doc/<pkg>/copyright, exactly one level down
  return path.startsWith(DOC) && path.endsWith('/copyright') && path.indexOf('/', DOC.length) === path.length - 10 && path.length > DOC.length + 10;
}

export const dpkgCataloger: Cataloger = {
  name: 'dpkg',
  wants: (path) => dpkgWants(path),
  catalog: (ctx) => catalogDpkg(ctx),
};

/** OSV ecosystem for .deb packages of this distro. */
export function debEcosystem(d: Distro | undefined): Ecosystem {
  return distroIs(d, 'ubuntu') ? 'Ubuntu' : 'Debian';
}

/** purl namespace: the distro id for Debian-family distros ("debian", "ubuntu", ...), else "debian". */
function debNamespace(d: Distro | undefined): string {
  if (d && (d.id === 'debian' || d.id === 'ubuntu' || distroIs(d, 'debian') || distroIs(d, 'ubuntu'))) return d.id;
  return 'debian';
}

function loc(r: FileRecord): Location {
  return { path: r.path, layerDigest: r.layerDigest, layerIndex: r.layerIndex };
}

async function readText(fs: FileSystemView, r: FileRecord, warn: (m: string) => void): Promise<string | undefined> {
  if (r.size > MAX_DB_BYTES) {
    warn(`${r.path}: ${r.size} bytes is too large for a dpkg database file; skipped`);
    return undefined;
  }
  try {
    return (await fs.readFile(r.path)).toString('utf8');
  } catch (e) {
    warn(`${r.path}: cannot read: ${(e as Error).message}`);
    return undefined;
  }
}

interface Found {
  entry: DpkgEntry;
  /** the database file the entry came from */
  db: FileRecord;
  /** files list: a .list (status db) or a .md5sums (status.d) */
  filesFrom?: FileRecord;
  /** .md5sums lists "digest  relative/path" lines rather than absolute paths */
  md5sums?: boolean;
}

async function catalogDpkg(ctx: CatalogContext): Promise<Package[]> {
  const { fs } = ctx;
  let status: FileRecord | undefined;
  const updates: FileRecord[] = [];
  const statusD: FileRecord[] = [];
  const md5sums = new Map<string, FileRecord>();
  for (const f of ctx.files) {
    if (f.type !== 'file') continue;
    const rel = f.path.slice(1);
    if (!rel.startsWith(DPKG)) continue;
    const rest = rel.slice(DPKG.length);
    if (rest === 'status') status = f;
    else if (rest.startsWith('updates/')) updates.push(f);
    else if (rest.startsWith('status.d/')) {
      const base = rest.slice(9);
      if (base.endsWith('.md5sums')) md5sums.set(base.slice(0, -8), f);
      else if (!base.startsWith('.')) statusD.push(f);
    }
  }

  const found: Found[] = [];

  // 1. status + journal, with dpkg's slot rules
  if (status) {
    const lw = limitedWarner(ctx.warn, status.path);
    const db = new DpkgDatabase<FileRecord>(lw.warn);
    const text = await readText(fs, status, ctx.warn);
    if (text !== undefined) {
      for (const p of parseParagraphs(text, lw.warn)) {
        const e = entryFromParagraph(p, 'not-installed', lw.warn);
        if (e) db.addStatus(e, status);
      }
    }
    // updates/NNNN in name order (dpkg uses alphasort over equal-length digit names)
    updates.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    for (const u of updates) {
      const uw = limitedWarner(ctx.warn, u.path);
      const t = await readText(fs, u, ctx.warn);
      if (t !== undefined) {
        for (const p of parseParagraphs(t, uw.warn)) {
          const e = entryFromParagraph(p, 'not-installed', uw.warn);
          if (e) db.addUpdate(e, u);
        }
      }
      uw.flush();
    }
    for (const { entry, from } of db.listed()) {
      const list = fs.get(`/${DPKG}info/${entry.name}:${entry.arch}.list`) ?? fs.get(`/${DPKG}info/${entry.name}.list`);
      found.push({ entry, db: from, filesFrom: list?.type === 'file' ? list : undefined });
    }
    lw.flush();
  }

  // 2. distroless status.d: one file per package, installed unless it says otherwise
  statusD.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const fromStatus = new Set(found.map((f) => `${f.entry.name}\0${f.entry.arch}\0${f.entry.version}`));
  for (const r of statusD) {
    const w = limitedWarner(ctx.warn, r.path);
    const text = await readText(fs, r, ctx.warn);
    if (text !== undefined) {
      for (const p of parseParagraphs(text, w.warn)) {
        const e = entryFromParagraph(p, 'installed', w.warn);
        if (!e || e.state === 'not-installed') continue;
        if (fromStatus.has(`${e.name}\0${e.arch}\0${e.version}`)) continue; // also in the status file
        const base = r.path.slice(r.path.lastIndexOf('/') + 1);
        const sums = md5sums.get(base) ?? md5sums.get(e.name);
        found.push({ entry: e, db: r, filesFrom: sums, md5sums: true });
      }
    }
    w.flush();
  }

  const licenseCache = new Map<string, string[]>();
  const packages: Package[] = [];
  for (const f of found) packages.push(await toPackage(f, ctx, licenseCache));
  return packages.sort(comparePackages);
}

async function toPackage(f: Found, ctx: CatalogContext, licenseCache: Map<string, string[]>): Promise<Package> {
  const { entry: e } = f;
  const d = ctx.distro;
  const upstream =
    e.hasSourceField && (e.sourceName !== e.name || e.sourceVersion !== e.version)
      ? e.sourceName + (e.sourceVersion !== e.version ? `@${e.sourceVersion}` : '')
      : undefined;
  const id = purl('deb', debNamespace(d), e.name, e.version, { arch: e.arch || undefined, distro: distroQualifier(d), upstream });

  const locations: Location[] = [];
  if (f.filesFrom && !f.md5sums) locations.push(loc(f.filesFrom));
  locations.push(loc(f.db));

  const metadata: Record<string, unknown> = { status: e.state };
  if (e.maintainer) metadata.maintainer = e.maintainer;
  if (e.installedSize !== undefined) metadata.installedSize = e.installedSize;
  if (e.multiArch) metadata.multiArch = e.multiArch;
  if (e.section) metadata.section = e.section;
  if (e.priority) metadata.priority = e.priority;
  if (e.essential) metadata.essential = true;

  const files = f.filesFrom ? await readFileList(ctx, f.filesFrom, !!f.md5sums) : undefined;
  const licenses = await licensesFor(ctx, e.name, licenseCache);

  return makePackage({
    name: e.name,
    version: e.version,
    type: 'deb',
    ecosystem: debEcosystem(d),
    purl: id,
    licenses,
    locations,
    foundBy: 'dpkg',
    source: { name: e.sourceName, version: e.sourceVersion },
    ...(e.arch ? { arch: e.arch } : {}),
    // always set (possibly empty): marks an OS package for ownership linking
    files: files ?? [],
    metadata,
  });
}

/** Absolute paths from a .list file ("/usr/bin/x" per line) or a .md5sums file ("<md5>  usr/bin/x"). */
async function readFileList(ctx: CatalogContext, r: FileRecord, md5sums: boolean): Promise<string[] | undefined> {
  if (!r.captured) return undefined;
  let text: string;
  try {
    text = (await ctx.fs.readFile(r.path)).toString('utf8');
  } catch {
    return undefined;
  }
  const out: string[] = [];
  for (let line of text.split('\n')) {
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (md5sums) {
      const m = /^[0-9a-fA-F]+ [ *]?(.+)$/.exec(line);
      if (!m) continue;
      line = '/' + m[1]!.replace(/^\/+/, '');
    }
    if (line === '' || line === '/.' || line[0] !== '/') continue;
    out.push(line);
  }
  return out;
}

async function licensesFor(ctx: CatalogContext, name: string, cache: Map<string, string[]>): Promise<string[]> {
  const path = `/${DOC}${name}/copyright`;
  const rec = ctx.fs.resolve(path);
  if (!rec || rec.type !== 'file' || !rec.captured || rec.size > MAX_COPYRIGHT_BYTES) return [];
  const hit = cache.get(rec.path);
  if (hit) return [...hit];
  let found: string[] = [];
  try {
    found = licensesFromCopyright((await ctx.fs.readFile(path)).toString('utf8'));
  } catch {
    /* unreadable copyright: no licenses */
  }
  cache.set(rec.path, found);
  return [...found];
}
