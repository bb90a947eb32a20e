/**
 * Catalog an image: stream its layers once, capturing the files catalogers ask for, then run every
 * cataloger on the squashed view, link language packages to the OS packages that own their files,
 * and return the SBOM document.
 */
import type { Image, LayerEntryHeader, ProgressSink } from '../image/types.js';
import type { FileRecord } from '../image/fs/types.js';
import { buildFilesystem, type LayerObserver } from '../image/fs/build.js';
import type { SquashedFS } from '../image/fs/squashed.js';
import { ContentStore } from '../image/fs/content.js';
import type { Cataloger } from './types.js';
import { catalogers as defaultCatalogers } from './registry.js';
import { detectDistro, osReleaseWanted } from './os/index.js';
import type { Distro, LayerInfo, Package, Relationship, SbomDocument, SourceDescription } from '../sbom/model.js';
import { VERSION } from '../version.js';
import { redactSecretsInText } from '../scan/redact-text.js';

export interface CatalogOptions {
  tmpDir: string;
  progress?: ProgressSink;
  catalogers?: readonly Cataloger[];
  observers?: LayerObserver[];
  maxLayerSize?: number;
}

export interface CatalogResult {
  document: SbomDocument;
  fs: SquashedFS;
}

function headerOf(f: FileRecord): LayerEntryHeader {
  return { path: f.path.slice(1), type: f.type, mode: f.mode, size: f.size, uid: f.uid, gid: f.gid, linkname: f.linkname };
}

export async function catalogImage(image: Image, opts: CatalogOptions): Promise<CatalogResult> {
  const t0 = performance.now();
  const cats = opts.catalogers ?? defaultCatalogers;
  const store = new ContentStore({ dir: opts.tmpDir });
  const want = (p: string, h: LayerEntryHeader): boolean => {
    if (osReleaseWanted(p)) return true;
    for (const c of cats) if (c.wants(p, h)) return true;
    return false;
  };
  const built = await buildFilesystem(image, { want, store, progress: opts.progress, observers: opts.observers, maxLayerSize: opts.maxLayerSize });
  const fs = built.fs;
  const warnings = [...built.warnings];
  const distro = await detectDistro(fs);

  // partition the squashed view once
  const perCataloger = new Map<Cataloger, FileRecord[]>(cats.map((c) => [c, []]));
  for (const f of fs.list()) {
    if (!f.captured && f.type !== 'symlink') continue;
    const h = headerOf(f);
    for (const c of cats) if (c.wants(h.path, h)) perCataloger.get(c)!.push(f);
  }
  let packages: Package[] = [];
  const timing = process.env.PLIMSOLL_DEBUG_TIMING ? (label: string, t0: number): void => void process.stderr.write(`[timing] ${label}: ${(performance.now() - t0).toFixed(0)} ms, rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB\n`) : undefined;
  timing?.('layers + squash', t0);
  for (const c of cats) {
    const files = perCataloger.get(c)!;
    if (files.length === 0) continue;
    const tc = performance.now();
    try {
      const found = await c.catalog({ fs, files, distro, warn: (m) => warnings.push(`${c.name}: ${m}`) });
      packages.push(...found);
    } catch (e) {
      warnings.push(`${c.name}: failed: ${(e as Error).message}`);
    }
    timing?.(`${c.name} (${files.length} files)`, tc);
  }
  packages = dedupe(packages);
  const relationships = linkOwnership(packages);
  const document: SbomDocument = {
    schema: 'https://plimsoll.dev/schema/sbom/v1',
    tool: { name: 'plimsoll', version: VERSION },
    createdAt: createdAt(),
    source: describeSource(image),
    distro,
    packages: packages.sort(comparePackages),
    relationships,
    warnings,
  };
  return { document, fs };
}

export function createdAt(): string {
  const sde = process.env.SOURCE_DATE_EPOCH;
  if (sde && /^\d+$/.test(sde)) return new Date(Number(sde) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function comparePackages(a: Package, b: Package): number {
  return cmp(a.type, b.type) || cmp(a.name, b.name) || cmp(a.version, b.version) || cmp(a.locations[0]?.path ?? '', b.locations[0]?.path ?? '') || cmp(a.id, b.id);
}
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Same id (same purl at the same primary location) found twice → one package, locations merged. */
function dedupe(pkgs: Package[]): Package[] {
  const byId = new Map<string, Package>();
  for (const p of pkgs) {
    const seen = byId.get(p.id);
    if (!seen) {
      byId.set(p.id, p);
      continue;
    }
    for (const l of p.locations) if (!seen.locations.some((x) => x.path === l.path)) seen.locations.push(l);
  }
  return [...byId.values()];
}

/**
 * A language package whose evidence file was installed by an OS package (python3-requests' METADATA,
 * a jar from libjackson2-databind-java, a Go binary from a .deb) is owned by that OS package.
 */
const OS_TYPES: ReadonlySet<string> = new Set(['deb', 'apk', 'rpm']);

function linkOwnership(pkgs: Package[]): Relationship[] {
  const owner = new Map<string, Package>();
  for (const p of pkgs) {
    if (!p.files || !OS_TYPES.has(p.type)) continue;
    for (const f of p.files) if (!owner.has(f)) owner.set(f, p);
  }
  const rels: Relationship[] = [];
  for (const p of pkgs) {
    if (OS_TYPES.has(p.type)) continue; // OS packages own, they are not owned
    const loc = p.locations[0]?.path;
    if (!loc) continue;
    const filePath = loc.split(':')[0]!; // nested archive paths: "/x.war:WEB-INF/lib/y.jar"
    let o = owner.get(filePath) ?? owner.get(mergedUsrAlias(filePath));
    if (!o) {
      // dist-info/egg-info directories: the OS package lists files inside them
      const dir = filePath.replace(/\/[^/]+$/, '');
      if (/\.(dist|egg)-info$/.test(dir)) o = owner.get(dir + '/METADATA') ?? owner.get(dir + '/PKG-INFO') ?? owner.get(dir);
    }
    if (o) {
      p.ownedBy = o.id;
      rels.push({ from: o.id, to: p.id, type: 'owns-files-of' });
    }
  }
  return rels.sort((a, b) => cmp(a.from, b.from) || cmp(a.to, b.to));
}

/** Debian/Ubuntu merged-/usr: dpkg may list /lib/x while the file lives at /usr/lib/x (and back). */
function mergedUsrAlias(p: string): string {
  const m = /^\/usr\/(lib|lib32|lib64|libx32|bin|sbin)\//.exec(p);
  if (m) return p.slice(4);
  const n = /^\/(lib|lib32|lib64|libx32|bin|sbin)\//.exec(p);
  if (n) return '/usr' + p;
  return p;
}

export function describeSource(image: Image): SourceDescription {
  const history = (image.config.history ?? []).filter((h) => !h.empty_layer);
  const layers: LayerInfo[] = image.layers.map((l, i) => ({
    index: l.index,
    digest: l.digest,
    diffId: l.diffId,
    mediaType: l.mediaType,
    size: l.size,
    createdBy: history.length === image.layers.length && history[i]?.created_by !== undefined ? redactSecretsInText(history[i]!.created_by!) : undefined,
  }));
  const platform = image.platform ?? (image.config.os && image.config.architecture ? { os: image.config.os, architecture: image.config.architecture, variant: image.config.variant } : undefined);
  return {
    kind: image.source.kind,
    input: image.source.input,
    name: image.name,
    manifestDigest: image.manifestDigest,
    configDigest: image.configDigest,
    repoTags: image.repoTags,
    repoDigests: image.repoDigests,
    platform: platform ? { os: platform.os, architecture: platform.architecture, ...(platform.variant ? { variant: platform.variant } : {}) } : undefined,
    layers,
  };
}

export type { Distro };
