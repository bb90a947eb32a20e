/**
 * Test helper: build small images in memory and write them as an OCI image layout
 * (https://github.com/opencontainers/image-spec/blob/main/image-layout.md):
 *
 *   DIR/oci-layout            {"imageLayoutVersion":"1.0.0"}
 *   DIR/index.json            index whose entry carries org.opencontainers.image.ref.name = tag
 *   DIR/blobs/sha256/<hex>    layers, configs, manifests (and an image index for multi-platform)
 *
 * Usage:
 *   const img = await writeOciLayout(dir, { layers: [{ files: { 'etc/os-release': 'ID=test\n' } }] });
 *   // skopeo copy oci:${dir}:latest docker://…  (img.ref is "oci:<dir>:<tag>")
 *   await writeOciLayout(dir, { images: [{ platform: {os:'linux',architecture:'amd64'}, layers }, …] });
 *
 * Everything is deterministic (fixed mtimes, sorted entries), so digests are stable.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack as tarPack } from 'tar-stream';
import { sha256Digest } from '../../src/util/digest.js';
import { MediaTypes, type Descriptor, type ImageConfig, type ImageIndex, type ImageManifest, type Platform } from '../../src/image/types.js';

export interface FileSpec {
  type?: 'file' | 'dir' | 'symlink' | 'hardlink';
  content?: string | Buffer;
  mode?: number;
  linkname?: string;
  uid?: number;
  gid?: number;
}

export interface LayerSpec {
  /** path (no leading slash) → content or a full entry spec; parent directories are added */
  files: Record<string, string | Buffer | FileSpec>;
  /** default gzip */
  compression?: 'gzip' | 'none';
}

export interface ImageSpec {
  layers: LayerSpec[];
  /** merged over the generated config; give `rootfs` to override the computed diff_ids */
  config?: Partial<ImageConfig> & Record<string, unknown>;
  platform?: Platform;
  /** media types: OCI (default) or Docker schema 2 */
  format?: 'oci' | 'docker';
  annotations?: Record<string, string>;
}

export interface LayoutSpec extends ImageSpec {
  /** ref.name in index.json (default "latest") */
  tag?: string;
}

export interface MultiLayoutSpec {
  tag?: string;
  images: ImageSpec[];
  format?: 'oci' | 'docker';
}

export interface BuiltLayer {
  digest: string;
  diffId: string;
  size: number;
  mediaType: string;
  /** stored (compressed) bytes */
  bytes: Buffer;
  /** the uncompressed tar */
  tar: Buffer;
}

export interface BuiltImage {
  manifest: ImageManifest;
  manifestBytes: Buffer;
  manifestDigest: string;
  config: ImageConfig;
  configBytes: Buffer;
  configDigest: string;
  layers: BuiltLayer[];
  platform: Platform;
  /** descriptor of the manifest (with platform), as an index would list it */
  descriptor: Descriptor;
  /** every blob: layers, config and the manifest itself, by digest */
  blobs: Map<string, Buffer>;
}

export interface OciLayoutResult {
  dir: string;
  tag: string;
  /** "oci:<dir>:<tag>" for skopeo */
  ref: string;
  /** digest of what the tag points to (the manifest, or the index when multi-platform) */
  digest: string;
  mediaType: string;
  images: BuiltImage[];
  /** the image index bytes (multi-platform only) */
  indexBytes?: Buffer;
}

const MTIME = new Date('2024-01-01T00:00:00Z');

/** A deterministic tar of `files`, parents first, sorted. */
export async function makeTar(files: LayerSpec['files']): Promise<Buffer> {
  const entries = new Map<string, FileSpec>();
  for (const [rawPath, v] of Object.entries(files)) {
    const p = rawPath.replace(/^\/+/, '');
    const spec: FileSpec = typeof v === 'string' || Buffer.isBuffer(v) ? { type: 'file', content: v } : v;
    const parts = p.split('/').filter((x) => x !== '');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (!entries.has(dir)) entries.set(dir, { type: 'dir' });
    }
    entries.set(parts.join('/'), spec);
  }
  const pack = tarPack();
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pack.on('data', (c: unknown) => chunks.push(c as Buffer));
    pack.on('end', () => resolve(Buffer.concat(chunks)));
    pack.on('error', reject);
  });
  for (const name of [...entries.keys()].sort()) {
    const e = entries.get(name)!;
    const type = e.type ?? 'file';
    const header = {
      name: type === 'dir' ? `${name}/` : name,
      mode: e.mode ?? (type === 'dir' ? 0o755 : 0o644),
      uid: e.uid ?? 0,
      gid: e.gid ?? 0,
      mtime: MTIME,
      type: type === 'dir' ? ('directory' as const) : type === 'symlink' ? ('symlink' as const) : type === 'hardlink' ? ('link' as const) : ('file' as const),
      ...(e.linkname !== undefined ? { linkname: e.linkname } : {}),
    };
    const content = type === 'file' ? (Buffer.isBuffer(e.content) ? e.content : Buffer.from(e.content ?? '')) : undefined;
    await new Promise<void>((resolve, reject) => {
      const cb = (err?: Error | null): void => (err ? reject(err) : resolve());
      if (content) pack.entry({ ...header, size: content.length }, content, cb);
      else pack.entry(header, cb);
    });
  }
  pack.finalize();
  return done;
}

function mediaTypesFor(format: 'oci' | 'docker') {
  return format === 'docker'
    ? { manifest: MediaTypes.dockerManifest, config: MediaTypes.dockerConfig, gzip: MediaTypes.dockerLayerGzip, tar: MediaTypes.ociLayer, index: MediaTypes.dockerManifestList }
    : { manifest: MediaTypes.ociManifest, config: MediaTypes.ociConfig, gzip: MediaTypes.ociLayerGzip, tar: MediaTypes.ociLayer, index: MediaTypes.ociIndex };
}

/** Build an image (layers, config, manifest) in memory. */
export async function buildImage(spec: ImageSpec): Promise<BuiltImage> {
  const format = spec.format ?? 'oci';
  const mt = mediaTypesFor(format);
  const platform: Platform = spec.platform ?? { os: 'linux', architecture: 'amd64' };
  const blobs = new Map<string, Buffer>();
  const layers: BuiltLayer[] = [];
  for (const l of spec.layers) {
    const tar = await makeTar(l.files);
    const gz = (l.compression ?? 'gzip') === 'gzip';
    const bytes = gz ? gzipSync(tar, { level: 6 }) : tar;
    const layer: BuiltLayer = { digest: sha256Digest(bytes), diffId: sha256Digest(tar), size: bytes.length, mediaType: gz ? mt.gzip : mt.tar, bytes, tar };
    layers.push(layer);
    blobs.set(layer.digest, bytes);
  }
  const config: ImageConfig = {
    created: MTIME.toISOString(),
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['/bin/sh'] },
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
    history: layers.map((_, i) => ({ created: MTIME.toISOString(), created_by: `test layer ${i}` })),
    ...(spec.config ?? {}),
  };
  const configBytes = Buffer.from(JSON.stringify(config));
  const configDigest = sha256Digest(configBytes);
  blobs.set(configDigest, configBytes);
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: mt.manifest,
    config: { mediaType: mt.config, digest: configDigest, size: configBytes.length },
    layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
    ...(spec.annotations ? { annotations: spec.annotations } : {}),
  };
  const manifestBytes = Buffer.from(JSON.stringify(manifest));
  const manifestDigest = sha256Digest(manifestBytes);
  blobs.set(manifestDigest, manifestBytes);
  return {
    manifest,
    manifestBytes,
    manifestDigest,
    config,
    configBytes,
    configDigest,
    layers,
    platform,
    descriptor: { mediaType: mt.manifest, digest: manifestDigest, size: manifestBytes.length, platform },
    blobs,
  };
}

/** An image index over built images (multi-platform). */
export function buildIndex(images: BuiltImage[], format: 'oci' | 'docker' = 'oci'): { index: ImageIndex; bytes: Buffer; digest: string; mediaType: string } {
  const mediaType = mediaTypesFor(format).index;
  const index: ImageIndex = { schemaVersion: 2, mediaType, manifests: images.map((i) => i.descriptor) };
  const bytes = Buffer.from(JSON.stringify(index));
  return { index, bytes, digest: sha256Digest(bytes), mediaType };
}

async function writeBlob(dir: string, digest: string, bytes: Buffer): Promise<void> {
  const [alg, hex] = digest.split(':') as [string, string];
  await mkdir(join(dir, 'blobs', alg), { recursive: true });
  await writeFile(join(dir, 'blobs', alg, hex), bytes);
}

/** Write an OCI layout at `dir` holding one image, or a multi-platform index of several. */
export async function writeOciLayout(dir: string, spec: LayoutSpec | MultiLayoutSpec): Promise<OciLayoutResult> {
  const tag = spec.tag ?? 'latest';
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const specs: ImageSpec[] = 'images' in spec ? spec.images.map((s) => ({ format: spec.format, ...s })) : [spec];
  const images: BuiltImage[] = [];
  for (const s of specs) {
    const img = await buildImage(s);
    images.push(img);
    for (const [d, b] of img.blobs) await writeBlob(dir, d, b);
  }
  let top: Descriptor;
  let indexBytes: Buffer | undefined;
  if ('images' in spec) {
    const idx = buildIndex(images, spec.format);
    await writeBlob(dir, idx.digest, idx.bytes);
    indexBytes = idx.bytes;
    top = { mediaType: idx.mediaType, digest: idx.digest, size: idx.bytes.length };
  } else {
    const d = images[0]!.descriptor;
    top = { mediaType: d.mediaType, digest: d.digest, size: d.size };
  }
  const outer: ImageIndex = {
    schemaVersion: 2,
    mediaType: MediaTypes.ociIndex,
    manifests: [{ ...top, annotations: { 'org.opencontainers.image.ref.name': tag } }],
  };
  await writeFile(join(dir, 'index.json'), JSON.stringify(outer));
  return { dir, tag, ref: `oci:${dir}:${tag}`, digest: top.digest, mediaType: top.mediaType, images, ...(indexBytes ? { indexBytes } : {}) };
}
