/**
 * Image source for registry references: resolves tag → (index → platform) manifest → config,
 * and hands out layers that stream their blobs from the registry, digest-verified.
 */
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { PlimsollError } from '../../util/errors.js';
import { parseJsonDocument, validateImageConfig, IMAGE_CONFIG_MEDIA_TYPES } from '../validate.js';
import { noProgress, type Image, type ImageConfig, type ImageManifest, type LayerBlob, type OpenOptions, type Platform, type ProgressSink } from '../types.js';
import { parseImageReference, withTagDigest, type ImageReference } from '../reference.js';
import { RegistryClient, type RegistryClientOptions } from './client.js';
import { formatPlatform, parsePlatform, platformMatches, selectPlatform } from './platform.js';
import type { FetchedManifest } from './client.js';

/** Image configs beyond this are refused (real ones are a few KiB; long histories reach ~1 MiB). */
export const MAX_CONFIG_BYTES = 16 * 1024 * 1024;
const MAX_INDEX_DEPTH = 3;

export interface RegistryOpenOptions extends OpenOptions {
  /** transport/auth overrides (tests, the CLI's timeouts) */
  client?: Partial<Omit<RegistryClientOptions, 'registry'>>;
}

/**
 * Validate an untrusted image config (shared validator) and check it matches the manifest:
 * one rootfs.diff_ids entry per layer.
 */
export function parseImageConfig(bytes: Buffer, layerCount: number, what: string): ImageConfig {
  const config = validateImageConfig(parseJsonDocument(bytes, `${what}: the image config`, 'CONFIG_INVALID'), what);
  const n = config.rootfs.diff_ids.length;
  if (n !== layerCount) {
    throw new PlimsollError('CONFIG_INVALID', `${what}: the config lists ${n} layer diff ID${n === 1 ? '' : 's'} (rootfs.diff_ids) but the manifest has ${layerCount} layer${layerCount === 1 ? '' : 's'}; the image is inconsistent`);
  }
  return config;
}

/** Counts bytes for the progress sink and closes the progress entry exactly once. */
class ProgressCounter extends Transform {
  private finished = false;
  constructor(private readonly sink: ProgressSink, private readonly id: string) {
    super();
    this.on('end', () => this.finish());
    this.on('close', () => this.finish());
  }
  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.sink.done(this.id);
  }
  override _transform(chunk: Buffer, _e: BufferEncoding, cb: TransformCallback): void {
    this.sink.advance(this.id, chunk.length);
    cb(null, chunk);
  }
}

function short(digest: string): string {
  return digest.slice(digest.indexOf(':') + 1, digest.indexOf(':') + 13);
}

/** Resolve a manifest reference (following indexes) to a single image manifest. */
async function resolveManifest(client: RegistryClient, ref: ImageReference, platform: string | undefined): Promise<{ top: FetchedManifest; image: FetchedManifest; manifest: ImageManifest; platform?: Platform }> {
  const top = await client.getManifest(ref.repository, ref.digest ?? ref.tag ?? 'latest');
  let cur = top;
  let selected: Platform | undefined;
  for (let depth = 0; cur.parsed.kind === 'index'; depth++) {
    if (depth >= MAX_INDEX_DEPTH) throw new PlimsollError('MANIFEST_INVALID', `${ref}: image indexes nest deeper than ${MAX_INDEX_DEPTH} levels`);
    const d = selectPlatform(cur.parsed.index.manifests, platform, ref.toString());
    selected = d.platform;
    cur = await client.getManifest(ref.repository, d.digest, { expectedMediaType: d.mediaType });
  }
  if (cur.parsed.kind !== 'manifest') throw new PlimsollError('INTERNAL', 'unreachable');
  return { top, image: cur, manifest: cur.parsed.manifest, ...(selected ? { platform: selected } : {}) };
}

/**
 * Open an image from a registry. Fetches manifest(s) and config eagerly; layer blobs are streamed
 * on open(), verified against their digest and size.
 */
export async function openRegistryImage(refIn: string | ImageReference, opts: RegistryOpenOptions): Promise<Image> {
  const ref = typeof refIn === 'string' ? parseImageReference(refIn) : refIn;
  const input = typeof refIn === 'string' ? refIn : refIn.toString();
  const progress = opts.progress ?? noProgress;
  const client = new RegistryClient({
    ...opts.client,
    registry: ref.registry,
    ...(opts.insecure !== undefined ? { insecure: opts.insecure } : {}),
    ...(opts.username !== undefined ? { username: opts.username } : {}),
    ...(opts.password !== undefined ? { password: opts.password } : {}),
    ...(opts.authFile !== undefined ? { authFile: opts.authFile } : {}),
  });

  const { top, image, manifest, platform: indexPlatform } = await resolveManifest(client, ref, opts.platform);
  const what = `${ref.registry}/${ref.repository}@${image.digest}`;

  if (!IMAGE_CONFIG_MEDIA_TYPES.includes(manifest.config.mediaType)) {
    throw new PlimsollError(
      'SOURCE_UNSUPPORTED',
      `${ref}: this is not a container image but an OCI artifact (config media type ${manifest.config.mediaType}${manifest.artifactType ? `, artifact type ${manifest.artifactType}` : ''}); plimsoll reads container images only`,
    );
  }

  const configBytes = await client.getBlobBytes(ref.repository, { digest: manifest.config.digest, size: manifest.config.size }, MAX_CONFIG_BYTES);
  const config = parseImageConfig(configBytes, manifest.layers.length, `image ${what}`);

  // A single-platform image that is not what the user explicitly asked for is an error (docker does the same).
  if (opts.platform && top.parsed.kind === 'manifest' && config.os && config.architecture) {
    const want = parsePlatform(opts.platform);
    const have: Platform = { os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) };
    if (!platformMatches(want, have, opts.platform.split('/').length === 3)) {
      throw new PlimsollError('PLATFORM_NOT_FOUND', `${ref} is a single-platform image for ${formatPlatform(have)}, not ${opts.platform}; available: ${formatPlatform(have)}`, { details: { available: [formatPlatform(have)] } });
    }
  }

  const platform: Platform | undefined =
    indexPlatform ?? (config.os && config.architecture ? { os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) } : undefined);

  let closed = false;
  const layers: LayerBlob[] = manifest.layers.map((d, index) => ({
    index,
    digest: d.digest,
    diffId: config.rootfs.diff_ids[index],
    mediaType: d.mediaType,
    size: d.size,
    async open(): Promise<Readable> {
      if (closed) throw new PlimsollError('INTERNAL', `${what}: layer ${index} opened after the image was closed`);
      const id = `layer-${index}-${d.digest}`;
      progress.start(id, `layer ${index + 1}/${manifest.layers.length} ${short(d.digest)}`, d.size);
      let blob: Readable;
      try {
        blob = await client.getBlob(ref.repository, { digest: d.digest, size: d.size, ...(d.urls ? { urls: d.urls } : {}) });
      } catch (e) {
        progress.done(id);
        throw e;
      }
      const counter = new ProgressCounter(progress, id);
      blob.on('error', (e) => counter.destroy(e));
      counter.on('close', () => {
        if (!blob.destroyed) blob.destroy();
      });
      return blob.pipe(counter);
    },
  }));

  const resolved = withTagDigest(ref, ref.tag, top.digest);
  return {
    source: { kind: 'registry', input, location: resolved.toString() },
    name: ref.familiar ?? ref.toString(),
    manifestDigest: image.digest,
    configDigest: manifest.config.digest,
    repoTags: ref.tag ? [`${ref.registry}/${ref.repository}:${ref.tag}`] : [],
    repoDigests: [`${ref.registry}/${ref.repository}@${top.digest}`],
    manifest,
    config,
    layers,
    ...(platform ? { platform } : {}),
    async close() {
      closed = true;
    },
  };
}
