/**
 * Test helpers for the archive sources: build real OCI layouts and docker archives in memory,
 * write them to a directory or a tar. Not used by the product.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { sha256Digest } from '../../util/digest.js';
import { MediaTypes, type Descriptor, type Platform } from '../types.js';

export async function readAll(r: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** A layer tar holding the given files. */
export function layerTar(files: Record<string, string>): Buffer {
  return makeTar(Object.entries(files).map(([name, data]) => ({ name, data })));
}

export interface BuiltImage {
  /** blobs by digest */
  blobs: Map<string, Buffer>;
  manifestDesc: Descriptor;
  manifestBytes: Buffer;
  configBytes: Buffer;
  configDigest: string;
  /** uncompressed layer tars */
  layerTars: Buffer[];
  /** stored layer blobs (compressed when gzip) */
  layerBlobs: Buffer[];
  diffIds: string[];
}

export interface ImageSpec {
  layers: Buffer[];
  gzip?: boolean;
  platform?: Platform;
  /** replaces config fields (applied after defaults) */
  config?: Record<string, unknown>;
  /** mutate the manifest object before serializing */
  mutateManifest?: (m: Record<string, unknown>) => void;
  manifestMediaType?: string;
  annotations?: Record<string, string>;
}

/** Build one image: layer blobs, config, manifest (OCI media types). */
export function buildImage(spec: ImageSpec): BuiltImage {
  const blobs = new Map<string, Buffer>();
  const diffIds = spec.layers.map((l) => sha256Digest(l));
  const layerBlobs = spec.layers.map((l) => (spec.gzip ? gzipSync(l) : l));
  const layerDescs = layerBlobs.map((b) => {
    const d = sha256Digest(b);
    blobs.set(d, b);
    return { mediaType: spec.gzip ? MediaTypes.ociLayerGzip : MediaTypes.ociLayer, digest: d, size: b.length };
  });
  const plat = spec.platform ?? { os: 'linux', architecture: 'amd64' };
  const config = {
    architecture: plat.architecture,
    os: plat.os,
    ...(plat.variant ? { variant: plat.variant } : {}),
    config: { Env: ['PATH=/usr/bin:/bin'], Cmd: ['/bin/sh'] },
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: spec.layers.map((_, i) => ({ created_by: `layer ${i}` })),
    ...(spec.config ?? {}),
  };
  const configBytes = Buffer.from(JSON.stringify(config));
  const configDigest = sha256Digest(configBytes);
  blobs.set(configDigest, configBytes);
  const manifest: Record<string, unknown> = {
    schemaVersion: 2,
    mediaType: spec.manifestMediaType ?? MediaTypes.ociManifest,
    config: { mediaType: MediaTypes.ociConfig, digest: configDigest, size: configBytes.length },
    layers: layerDescs,
  };
  spec.mutateManifest?.(manifest);
  const manifestBytes = Buffer.from(JSON.stringify(manifest));
  const md = sha256Digest(manifestBytes);
  blobs.set(md, manifestBytes);
  return {
    blobs,
    manifestDesc: {
      mediaType: (manifest.mediaType as string | undefined) ?? MediaTypes.ociManifest,
      digest: md,
      size: manifestBytes.length,
      ...(spec.platform ? { platform: spec.platform } : {}),
      ...(spec.annotations ? { annotations: spec.annotations } : {}),
    },
    manifestBytes,
    configBytes,
    configDigest,
    layerTars: spec.layers,
    layerBlobs,
    diffIds,
  };
}

/** An index blob over several images (multi-platform). */
export function buildIndex(images: BuiltImage[], annotations?: Record<string, string>): { desc: Descriptor; blobs: Map<string, Buffer> } {
  const blobs = new Map<string, Buffer>();
  for (const im of images) for (const [k, v] of im.blobs) blobs.set(k, v);
  const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests: images.map((i) => i.manifestDesc) }));
  const d = sha256Digest(bytes);
  blobs.set(d, bytes);
  return { desc: { mediaType: MediaTypes.ociIndex, digest: d, size: bytes.length, ...(annotations ? { annotations } : {}) }, blobs };
}

/** Files of an OCI layout: oci-layout, index.json (over `entries`) and blobs/. */
export function layoutFiles(entries: Descriptor[], ...blobMaps: Map<string, Buffer>[]): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  files.set('oci-layout', Buffer.from(JSON.stringify({ imageLayoutVersion: '1.0.0' })));
  files.set('index.json', Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests: entries })));
  for (const m of blobMaps) {
    for (const [d, b] of m) files.set(`blobs/${d.replace(':', '/')}`, b);
  }
  return files;
}

export function writeFiles(dir: string, files: Map<string, Buffer>): void {
  for (const [p, b] of files) {
    const full = join(dir, p);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, b);
  }
}

export function filesToTar(files: Map<string, Buffer>, extra: TarEntry[] = []): Buffer {
  return makeTar([...[...files].map(([name, data]) => ({ name, data })), ...extra]);
}

export interface DockerArchiveImage {
  repoTags: string[];
  layers: Buffer[];
  config?: Record<string, unknown>;
}

/**
 * A legacy `docker save` archive (Docker < 25): <id>/layer.tar per layer, <imageid>.json config,
 * manifest.json, repositories. Identical layers are dedup'd with a symlink, as docker does.
 */
export function dockerArchiveFiles(images: DockerArchiveImage[]): { entries: TarEntry[]; configDigests: string[]; manifest: unknown[] } {
  const entries: TarEntry[] = [];
  const manifest: unknown[] = [];
  const configDigests: string[] = [];
  const seen = new Map<string, string>(); // diffId → layer dir
  let n = 0;
  for (const im of images) {
    const diffIds = im.layers.map((l) => sha256Digest(l));
    const config = { architecture: 'amd64', os: 'linux', config: { Env: ['A=b'] }, rootfs: { type: 'layers', diff_ids: diffIds }, ...(im.config ?? {}) };
    const cbytes = Buffer.from(JSON.stringify(config));
    const cd = sha256Digest(cbytes);
    configDigests.push(cd);
    entries.push({ name: `${cd.slice(7)}.json`, data: cbytes });
    const layerPaths: string[] = [];
    im.layers.forEach((l, i) => {
      const id = (n++).toString(16).padStart(64, 'a');
      entries.push({ name: `${id}/`, type: 'dir' }, { name: `${id}/VERSION`, data: '1.0' });
      const prev = seen.get(diffIds[i]!);
      if (prev) entries.push({ name: `${id}/layer.tar`, type: 'symlink', linkname: `../${prev}/layer.tar` });
      else {
        entries.push({ name: `${id}/layer.tar`, data: l });
        seen.set(diffIds[i]!, id);
      }
      layerPaths.push(`${id}/layer.tar`);
    });
    manifest.push({ Config: `${cd.slice(7)}.json`, RepoTags: im.repoTags, Layers: layerPaths });
  }
  entries.push({ name: 'manifest.json', data: JSON.stringify(manifest) });
  entries.push({ name: 'repositories', data: '{}' });
  return { entries, configDigests, manifest };
}

/** A Docker 25+ `docker save`: OCI layout (index.json, oci-layout, blobs/) plus manifest.json. */
export function docker25ArchiveFiles(image: BuiltImage, repoTag: string): Map<string, Buffer> {
  const files = layoutFiles(
    [{ ...image.manifestDesc, annotations: { 'io.containerd.image.name': `docker.io/library/${repoTag}`, 'org.opencontainers.image.ref.name': repoTag.split(':')[1]! } }],
    image.blobs,
  );
  const layerPaths = image.layerBlobs.map((b) => `blobs/${sha256Digest(b).replace(':', '/')}`);
  files.set('manifest.json', Buffer.from(JSON.stringify([{ Config: `blobs/${image.configDigest.replace(':', '/')}`, RepoTags: [repoTag], Layers: layerPaths }])));
  return files;
}

// ---- a tiny tar writer (ustar headers; PAX records for long names/links) ----

export interface TarEntry {
  name: string;
  type?: 'file' | 'dir' | 'symlink' | 'hardlink' | 'fifo' | 'char';
  data?: Buffer | string;
  linkname?: string;
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: number;
  /** write long names as a GNU 'L' record instead of PAX */
  gnuLongName?: boolean;
  /** extra PAX records (key → value) */
  pax?: Record<string, string>;
}

const TYPEFLAG: Record<NonNullable<TarEntry['type']>, string> = { file: '0', hardlink: '1', symlink: '2', char: '3', dir: '5', fifo: '6' };

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0') + '\0';
}

/** One 512-byte ustar header with a correct checksum. */
export function tarHeader(h: { name: string; size: number; typeflag: string; linkname?: string; mode?: number; uid?: number; gid?: number; mtime?: number; prefix?: string }): Buffer {
  const b = Buffer.alloc(512);
  b.write(h.name, 0, 100, 'utf8');
  b.write(octal(h.mode ?? 0o644, 8), 100, 'latin1');
  b.write(octal(h.uid ?? 0, 8), 108, 'latin1');
  b.write(octal(h.gid ?? 0, 8), 116, 'latin1');
  b.write(octal(h.size, 12), 124, 'latin1');
  b.write(octal(h.mtime ?? 0, 12), 136, 'latin1');
  b.write('        ', 148, 'latin1');
  b.write(h.typeflag, 156, 'latin1');
  if (h.linkname) b.write(h.linkname, 157, 100, 'utf8');
  b.write('ustar\0', 257, 'latin1');
  b.write('00', 263, 'latin1');
  if (h.prefix) b.write(h.prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const x of b) sum += x;
  b.write(octal(sum, 7) + ' ', 148, 'latin1');
  return b;
}

function pad(data: Buffer): Buffer {
  const rem = data.length % 512;
  return rem === 0 ? data : Buffer.concat([data, Buffer.alloc(512 - rem)]);
}

function paxRecords(rec: Record<string, string>): Buffer {
  let out = '';
  for (const [k, v] of Object.entries(rec)) {
    const body = ` ${k}=${v}\n`;
    let len = Buffer.byteLength(body) + 1;
    while (String(len).length + Buffer.byteLength(body) !== len) len = String(len).length + Buffer.byteLength(body);
    out += `${len}${body}`;
  }
  return Buffer.from(out, 'utf8');
}

/** Serialize entries into a tar archive (with the two zero end blocks unless `noEnd`). */
export function makeTar(entries: TarEntry[], opts: { noEnd?: boolean } = {}): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const type = e.type ?? (e.linkname ? 'symlink' : 'file');
    const data = e.data === undefined ? Buffer.alloc(0) : Buffer.isBuffer(e.data) ? e.data : Buffer.from(e.data);
    const size = type === 'file' ? data.length : 0;
    const pax: Record<string, string> = { ...(e.pax ?? {}) };
    let name = e.name;
    if (Buffer.byteLength(name) > 100) {
      if (e.gnuLongName) {
        const ln = Buffer.from(name + '\0');
        parts.push(tarHeader({ name: '././@LongLink', size: ln.length, typeflag: 'L' }), pad(ln));
      } else {
        pax.path = name;
      }
      name = name.slice(0, 99);
    }
    let linkname = e.linkname;
    if (linkname && Buffer.byteLength(linkname) > 100) {
      pax.linkpath = linkname;
      linkname = linkname.slice(0, 99);
    }
    if (Object.keys(pax).length) {
      const rec = paxRecords(pax);
      parts.push(tarHeader({ name: 'PaxHeaders/x', size: rec.length, typeflag: 'x' }), pad(rec));
    }
    parts.push(tarHeader({ name, size, typeflag: TYPEFLAG[type], linkname, mode: e.mode ?? (type === 'dir' ? 0o755 : 0o644), uid: e.uid, gid: e.gid, mtime: e.mtime }));
    if (size) parts.push(pad(data));
  }
  if (!opts.noEnd) parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}
