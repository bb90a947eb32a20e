/**
 * RPM packages (RHEL, Rocky, Alma, Fedora, CentOS Stream, Amazon Linux 2023, openSUSE ...) from an
 * rpm >= 4.16 SQLite database: var/lib/rpm/rpmdb.sqlite or usr/lib/sysimage/rpm/rpmdb.sqlite.
 * Each row of its Packages table is one binary header blob, parsed by hand in ./header.ts.
 *
 * Older formats are recognised but not read: BerkeleyDB (var/lib/rpm/Packages: RHEL/CentOS <= 8,
 * Amazon Linux 2) and NDB (Packages.db: SUSE). They produce a warning naming the file, so a user
 * knows the OS inventory of that image is missing rather than empty.
 */
import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Cataloger, CatalogContext } from '../types.js';
import type { Distro, Ecosystem, Location, Package } from '../../sbom/model.js';
import type { FileRecord } from '../../image/fs/types.js';
import { makePackage, purl } from '../../sbom/package.js';
import { TempDir } from '../../util/tmp.js';
import { distroQualifier } from '../os/index.js';
import { comparePackages, limitedWarner } from '../os/util.js';
import { headerFiles, parseRpmHeader, RpmTag, type RpmHeader } from './header.js';

const SQLITE_DBS = ['usr/lib/sysimage/rpm/rpmdb.sqlite', 'var/lib/rpm/rpmdb.sqlite'];
const LEGACY_DBS: Record<string, string> = {
  'var/lib/rpm/Packages': 'BerkeleyDB',
  'usr/lib/sysimage/rpm/Packages': 'BerkeleyDB',
  'var/lib/rpm/Packages.db': 'NDB',
  'usr/lib/sysimage/rpm/Packages.db': 'NDB',
};

export function rpmWants(path: string): boolean {
  if (!(path.startsWith('var/lib/rpm/') || path.startsWith('usr/lib/sysimage/rpm/'))) return false;
  if (path.endsWith('/rpmdb.sqlite') || path.endsWith('/rpmdb.sqlite-wal')) return SQLITE_DBS.includes(path.endsWith('-wal') ? path.slice(0, -4) : path);
  // legacy databases are captured so the cataloger runs and can say it cannot read them
  return Object.hasOwn(LEGACY_DBS, path);
}

export const rpmCataloger: Cataloger = {
  name: 'rpm',
  wants: (path) => rpmWants(path),
  catalog: (ctx) => catalogRpm(ctx),
};

/** purl namespace (vendor) for a distro id, following Syft/Trivy usage. */
const NAMESPACES: Record<string, string> = {
  rhel: 'redhat',
  centos: 'centos',
  rocky: 'rocky',
  almalinux: 'almalinux',
  fedora: 'fedora',
  ol: 'oracle',
  amzn: 'amazon',
  'opensuse-leap': 'opensuse',
  'opensuse-tumbleweed': 'opensuse',
  opensuse: 'opensuse',
  sles: 'suse',
  sled: 'suse',
  'sle-micro': 'suse',
  mariner: 'mariner',
  azurelinux: 'azurelinux',
};

/** Vendor header strings → namespace, for images without a readable os-release. */
function namespaceFromVendor(vendor: string | undefined): string | undefined {
  const v = vendor?.toLowerCase() ?? '';
  if (v.startsWith('red hat')) return 'redhat';
  if (v.includes('fedora')) return 'fedora';
  if (v.startsWith('rocky')) return 'rocky';
  if (v.startsWith('almalinux')) return 'almalinux';
  if (v.startsWith('centos')) return 'centos';
  if (v.startsWith('oracle')) return 'oracle';
  if (v.startsWith('amazon')) return 'amazon';
  if (v.startsWith('opensuse')) return 'opensuse';
  if (v.startsWith('suse')) return 'suse';
  return undefined;
}

function rpmNamespace(d: Distro | undefined, vendor: string | undefined): string | undefined {
  if (d) return NAMESPACES[d.id] ?? d.id;
  return namespaceFromVendor(vendor);
}

/** OSV ecosystem for rpm packages of this distro ('unknown' where OSV has none in the model). */
export function rpmEcosystem(d: Distro | undefined): Ecosystem {
  switch (d?.id) {
    case 'rhel':
      return 'Red Hat';
    case 'rocky':
      return 'Rocky Linux';
    case 'almalinux':
      return 'AlmaLinux';
    case 'opensuse':
    case 'opensuse-leap':
    case 'opensuse-tumbleweed':
      return 'openSUSE';
    case 'sles':
    case 'sled':
    case 'sle-micro':
      return 'SUSE';
    default:
      return 'unknown';
  }
}

/** "openssl-3.0.7-25.el9_3.src.rpm" → { name: "openssl", version: "3.0.7", release: "25.el9_3" } */
export function parseSourceRpm(s: string | undefined): { name: string; version: string; release: string } | undefined {
  if (!s) return undefined;
  const m = /^(.+)-([^-]+)-([^-]+)\.(?:no)?src\.rpm$/.exec(s);
  if (!m) return undefined;
  return { name: m[1]!, version: m[2]!, release: m[3]! };
}

async function catalogRpm(ctx: CatalogContext): Promise<Package[]> {
  const { fs } = ctx;
  // /var/lib/rpm is a symlink to ../../usr/lib/sysimage/rpm on newer Fedora: one db, two names
  const dbs = new Map<string, FileRecord>();
  for (const rel of SQLITE_DBS) {
    const r = fs.resolve('/' + rel);
    if (r && r.type === 'file' && r.captured && !dbs.has(r.path)) dbs.set(r.path, r);
  }
  if (dbs.size === 0) {
    for (const [rel, kind] of Object.entries(LEGACY_DBS)) {
      const r = fs.resolve('/' + rel);
      if (r && r.type === 'file') {
        ctx.warn(
          `/${rel}: this is a ${kind} rpm database, which plimsoll does not read yet; the image's RPM packages are NOT in this SBOM (rpm >= 4.16 images with rpmdb.sqlite are supported)`,
        );
        return [];
      }
    }
    return [];
  }
  const packages: Package[] = [];
  for (const rec of dbs.values()) packages.push(...(await readSqliteDb(ctx, rec)));
  return packages.sort(comparePackages);
}

async function readSqliteDb(ctx: CatalogContext, rec: FileRecord): Promise<Package[]> {
  const lw = limitedWarner(ctx.warn, rec.path);
  let tmp: TempDir | undefined;
  let db: Database.Database | undefined;
  const out: Package[] = [];
  try {
    let file: string;
    const wal = ctx.fs.resolve(rec.path + '-wal');
    if (wal && wal.type === 'file' && wal.size > 0 && wal.captured) {
      // uncheckpointed transactions live in the -wal file; SQLite finds it only beside the db
      tmp = new TempDir('plimsoll-rpmdb-');
      file = join(tmp.path, 'rpmdb.sqlite');
      writeFileSync(file, await ctx.fs.readFile(rec.path));
      writeFileSync(file + '-wal', await ctx.fs.readFile(wal.path));
    } else {
      file = await ctx.fs.localPath(rec.path);
    }
    db = new Database(file, { readonly: true, fileMustExist: true });
    const location: Location = { path: rec.path, layerDigest: rec.layerDigest, layerIndex: rec.layerIndex };
    const rows = db.prepare('SELECT hnum, blob FROM Packages ORDER BY hnum').iterate() as IterableIterator<{ hnum: unknown; blob: unknown }>;
    const seen = new Set<string>();
    for (const row of rows) {
      if (!Buffer.isBuffer(row.blob)) {
        lw.warn(`package row ${String(row.hnum)} is not a header blob; skipped`);
        continue;
      }
      try {
        const h = parseRpmHeader(row.blob);
        const p = toPackage(h, ctx.distro, location, (m) => lw.warn(`package row ${String(row.hnum)}: ${m}`));
        if (!p) continue;
        if (seen.has(p.purl)) {
          lw.warn(`package row ${String(row.hnum)}: ${p.name} ${p.version} ${p.arch ?? ''} is installed twice; listed once`);
          continue;
        }
        seen.add(p.purl);
        out.push(p);
      } catch (e) {
        lw.warn(`package row ${String(row.hnum)} has a malformed header (${(e as Error).message}); skipped`);
      }
    }
  } catch (e) {
    ctx.warn(`${rec.path}: cannot read the rpm database (${(e as Error).message}); the image's RPM packages are NOT in this SBOM`);
  } finally {
    try {
      db?.close();
    } catch {
      /* already closed */
    }
    tmp?.dispose();
    lw.flush();
  }
  return out;
}

function toPackage(h: RpmHeader, d: Distro | undefined, location: Location, warn: (m: string) => void): Package | undefined {
  const name = h.string(RpmTag.NAME);
  if (!name) {
    warn('header has no NAME; skipped');
    return undefined;
  }
  // public keys imported with `rpm --import` are stored as pseudo-packages; they are not software
  if (name === 'gpg-pubkey') return undefined;
  const ver = h.string(RpmTag.VERSION) ?? '';
  const rel = h.string(RpmTag.RELEASE) ?? '';
  if (!ver) warn(`package "${name}" has no VERSION`);
  const epoch = h.has(RpmTag.EPOCH) ? h.int(RpmTag.EPOCH) : undefined;
  const arch = h.string(RpmTag.ARCH);
  const vendor = h.string(RpmTag.VENDOR);
  const license = h.string(RpmTag.LICENSE);
  const sourceRpm = h.string(RpmTag.SOURCERPM);
  const vr = rel ? `${ver}-${rel}` : ver;
  const version = epoch !== undefined ? `${epoch}:${vr}` : vr;
  const src = parseSourceRpm(sourceRpm);

  let files: string[] = [];
  try {
    files = headerFiles(h);
  } catch (e) {
    warn(`package "${name}": file list unreadable (${(e as Error).message})`);
  }

  const metadata: Record<string, unknown> = {};
  if (epoch !== undefined) metadata.epoch = epoch;
  if (vendor) metadata.vendor = vendor;
  if (sourceRpm) metadata.sourceRpm = sourceRpm;
  const size = h.has(RpmTag.LONGSIZE) ? Number(h.int64(RpmTag.LONGSIZE)) : h.has(RpmTag.SIZE) ? h.int(RpmTag.SIZE) : undefined;
  if (size !== undefined) metadata.size = size;
  const modularity = h.string(RpmTag.MODULARITYLABEL);
  if (modularity) metadata.modularityLabel = modularity;
  const buildTime = h.has(RpmTag.BUILDTIME) ? h.int(RpmTag.BUILDTIME) : undefined;
  if (buildTime !== undefined) metadata.buildTime = buildTime;

  return makePackage({
    name,
    version,
    type: 'rpm',
    ecosystem: rpmEcosystem(d),
    purl: purl('rpm', rpmNamespace(d, vendor), name, vr, {
      arch,
      epoch: epoch !== undefined ? String(epoch) : undefined,
      distro: distroQualifier(d),
    }),
    licenses: license ? [license] : [],
    locations: [location],
    foundBy: 'rpm',
    source: src ? { name: src.name, version: (epoch !== undefined ? `${epoch}:` : '') + `${src.version}-${src.release}` } : { name, version },
    ...(arch ? { arch } : {}),
    files,
    metadata,
  });
}
