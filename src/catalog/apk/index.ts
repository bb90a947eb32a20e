/**
 * Alpine / Wolfi / Chainguard packages from apk's database, lib/apk/db/installed (or
 * usr/lib/apk/db/installed on merged-/usr systems).
 *
 * The file is a list of stanzas separated by blank lines; every line is "<letter>:<value>"
 * (apk-tools src/database.c, apk_db_fdb_read). Letters we use:
 *   P name   V version   A arch   o origin (source package)   L license   m maintainer
 *   t build time (unix seconds)   c commit of the aports tree   S size   I installed size
 *   F a directory (relative to /), then R a file in the last F directory → Package.files
 * apk aborts on a malformed line; we warn and skip the line.
 */
import type { Cataloger, CatalogContext } from '../types.js';
import type { Distro, Ecosystem, Location, Package } from '../../sbom/model.js';
import type { FileRecord } from '../../image/fs/types.js';
import { makePackage, purl } from '../../sbom/package.js';
import { distroQualifier } from '../os/index.js';
import { comparePackages, limitedWarner, printable } from '../os/util.js';

/** Classic location, and the merged-/usr one used by Wolfi/Chainguard and newer apk-tools. */
export const APK_DBS = ['lib/apk/db/installed', 'usr/lib/apk/db/installed'];
const MAX_DB_BYTES = 256 * 1024 * 1024;

export const apkCataloger: Cataloger = {
  name: 'apk',
  wants: (path) => path.endsWith('/apk/db/installed') && (path === APK_DBS[0] || path === APK_DBS[1]),
  catalog: (ctx) => catalogApk(ctx),
};

export interface ApkEntry {
  name?: string;
  version?: string;
  arch?: string;
  origin?: string;
  license?: string;
  maintainer?: string;
  buildTime?: number;
  commit?: string;
  size?: number;
  installedSize?: number;
  url?: string;
  checksum?: string;
  files: string[];
  line: number;
}

/** Parse the installed database into stanzas (never throws). */
export function parseApkInstalled(text: string, warn: (m: string) => void): ApkEntry[] {
  const out: ApkEntry[] = [];
  let cur: ApkEntry | undefined;
  let dir = '';
  let lineNo = 0;
  let pos = 0;
  const finish = (): void => {
    if (cur) out.push(cur);
    cur = undefined;
    dir = '';
  };
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    let line = text.slice(pos, end);
    pos = end + 1;
    lineNo++;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.trim() === '') {
      finish();
      continue;
    }
    if (line.length < 2 || line[1] !== ':') {
      warn(`line ${lineNo}: "${printable(line)}" is not a "X:value" line; skipped`);
      continue;
    }
    const key = line[0]!;
    const value = line.slice(2);
    cur ??= { files: [], line: lineNo };
    switch (key) {
      case 'P':
        if (cur.name !== undefined) {
          // a second P: without a blank line: treat it as the start of the next package
          warn(`line ${lineNo}: package "${printable(cur.name)}" is not followed by a blank line before "${printable(value)}"`);
          finish();
          cur = { files: [], line: lineNo };
        }
        cur.name = value.trim();
        break;
      case 'V':
        cur.version = value.trim();
        break;
      case 'A':
        cur.arch = value.trim();
        break;
      case 'o':
        cur.origin = value.trim();
        break;
      case 'L':
        cur.license = value.trim();
        break;
      case 'm':
        cur.maintainer = value.trim();
        break;
      case 'U':
        cur.url = value.trim();
        break;
      case 'C':
        cur.checksum = value.trim();
        break;
      case 't':
        if (/^\d{1,15}$/.test(value.trim())) cur.buildTime = Number(value.trim());
        break;
      case 'c':
        cur.commit = value.trim();
        break;
      case 'S':
        if (/^\d{1,15}$/.test(value.trim())) cur.size = Number(value.trim());
        break;
      case 'I':
        if (/^\d{1,15}$/.test(value.trim())) cur.installedSize = Number(value.trim());
        break;
      case 'F':
        dir = value.replace(/^\/+|\/+$/g, '');
        break;
      case 'R': {
        const name = value.replace(/^\/+/, '');
        if (name) cur.files.push('/' + (dir ? dir + '/' : '') + name);
        break;
      }
      default:
        break; // T description, D depends, p provides, Z checksums, ACLs, ...
    }
  }
  finish();
  return out;
}

/** OSV ecosystem for apk packages of this distro. */
export function apkEcosystem(d: Distro | undefined): Ecosystem {
  if (d?.id === 'wolfi') return 'Wolfi';
  if (d?.id === 'chainguard') return 'Chainguard';
  return 'Alpine';
}

function apkNamespace(d: Distro | undefined): string {
  if (d?.id === 'wolfi' || d?.id === 'chainguard') return d.id;
  return 'alpine';
}

async function catalogApk(ctx: CatalogContext): Promise<Package[]> {
  // with /lib -> usr/lib both names are one file: read each database once
  const dbs = new Map<string, FileRecord>();
  for (const rel of APK_DBS) {
    const r = ctx.fs.resolve('/' + rel);
    if (r && r.type === 'file' && r.captured && !dbs.has(r.path)) dbs.set(r.path, r);
  }
  const packages: Package[] = [];
  for (const rec of dbs.values()) packages.push(...(await readDb(ctx, rec)));
  return packages.sort(comparePackages);
}

async function readDb(ctx: CatalogContext, rec: FileRecord): Promise<Package[]> {
  if (rec.size > MAX_DB_BYTES) {
    ctx.warn(`${rec.path}: ${rec.size} bytes is too large for an apk database; skipped`);
    return [];
  }
  let text: string;
  try {
    text = (await ctx.fs.readFile(rec.path)).toString('utf8');
  } catch (e) {
    ctx.warn(`${rec.path}: cannot read: ${(e as Error).message}`);
    return [];
  }
  const lw = limitedWarner(ctx.warn, rec.path);
  const entries = parseApkInstalled(text, lw.warn);
  const location: Location = { path: rec.path, layerDigest: rec.layerDigest, layerIndex: rec.layerIndex };
  const d = ctx.distro;
  const seen = new Set<string>();
  const packages: Package[] = [];
  for (const e of entries) {
    if (!e.name) {
      lw.warn(`stanza at line ${e.line} has no P: (name) line; skipped`);
      continue;
    }
    if (!e.version) lw.warn(`package "${e.name}" (line ${e.line}) has no V: (version) line`);
    const version = e.version ?? '';
    const key = `${e.name}\0${version}\0${e.arch ?? ''}`;
    if (seen.has(key)) {
      lw.warn(`package "${e.name}" ${version} is listed twice; the first entry is used`);
      continue;
    }
    seen.add(key);
    const metadata: Record<string, unknown> = {};
    if (e.origin) metadata.origin = e.origin;
    if (e.maintainer) metadata.maintainer = e.maintainer;
    if (e.buildTime !== undefined) metadata.buildTime = e.buildTime;
    if (e.commit) metadata.commit = e.commit;
    if (e.size !== undefined) metadata.size = e.size;
    if (e.installedSize !== undefined) metadata.installedSize = e.installedSize;
    if (e.url) metadata.url = e.url;
    if (e.checksum) metadata.checksum = e.checksum;
    packages.push(
      makePackage({
        name: e.name,
        version,
        type: 'apk',
        ecosystem: apkEcosystem(d),
        purl: purl('apk', apkNamespace(d), e.name, version, { arch: e.arch, distro: distroQualifier(d) }),
        licenses: e.license ? [e.license] : [],
        locations: [location],
        foundBy: 'apk',
        source: { name: e.origin || e.name, version },
        ...(e.arch ? { arch: e.arch } : {}),
        files: e.files,
        metadata,
      }),
    );
  }
  lw.flush();
  return packages;
}
