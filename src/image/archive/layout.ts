/**
 * OCI image layout logic (https://github.com/opencontainers/image-spec/blob/main/image-layout.md),
 * written against a BlobStore so the same code reads a layout directory and a layout inside a tar.
 *
 *   oci-layout    {"imageLayoutVersion": "1.0.0"}
 *   index.json    an image index: the layout's entry points, tagged with annotations
 *                 org.opencontainers.image.ref.name (and io.containerd.image.name from containerd)
 *   blobs/<alg>/<hex>   content-addressed blobs: manifests, nested indexes, configs, layers
 *
 * Every blob read into memory is size-capped and verified against its digest; layer streams are
 * verified while they are read.
 */
import { basename } from 'node:path';
import type { Descriptor, Image, ImageConfig, ImageIndex, ImageManifest, ImageSourceInfo, LayerBlob, OpenOptions, Platform } from '../types.js';
import { sha256Digest, verifyBuffer } from '../../util/digest.js';
import { PlimsollError } from '../../util/errors.js';
import {
  IMAGE_CONFIG_MEDIA_TYPES,
  classifyDocument,
  isIndexMediaType,
  isManifestMediaType,
  isValidDigestSyntax,
  parseJsonDocument,
  validateImageConfig,
  validateImageIndex,
  validateImageManifest,
  validateLayoutFile,
  DOCKER_SCHEMA1_MEDIA_TYPES,
} from '../validate.js';
import { MAX_JSON_BYTES, blobPath, type BlobStore } from './blob-store.js';
import { DEFAULT_PLATFORM, isAttestation, listPlatforms, matchPlatform, parsePlatform, formatPlatform, type PlatformSpec } from './platform.js';
import { verifiedStream } from './verify.js';

export const ANNOTATION_REF_NAME = 'org.opencontainers.image.ref.name';
export const ANNOTATION_CONTAINERD_NAME = 'io.containerd.image.name';
/** nested index depth we follow (index → index → manifest is 2) */
const MAX_NESTING = 8;
/** manifests/indexes read while searching nested indexes for a digest */
const MAX_SEARCH_DOCS = 256;

function short(d: string): string {
  const i = d.indexOf(':');
  return i === -1 ? d : d.slice(0, i + 13);
}

/**
 * Read a metadata blob (manifest, index, config) named by a descriptor: size-capped, size- and
 * digest-verified, parsed as JSON. Missing → NOT_FOUND naming the digest.
 */
export async function readJsonBlob(store: BlobStore, desc: Descriptor, what: string, code: 'MANIFEST_INVALID' | 'CONFIG_INVALID' = 'MANIFEST_INVALID'): Promise<{ json: unknown; bytes: Buffer }> {
  const path = blobPath(desc.digest, what);
  const size = await store.size(path);
  if (size === undefined) {
    throw new PlimsollError('NOT_FOUND', `${what}: blob ${desc.digest} is missing from ${store.label} (expected at ${path}); the layout is incomplete`);
  }
  if (desc.size > MAX_JSON_BYTES) {
    throw new PlimsollError(code, `${what}: blob ${desc.digest} declares ${desc.size} bytes, over the ${MAX_JSON_BYTES}-byte limit for a metadata document`);
  }
  const bytes = await store.readSmall(path, MAX_JSON_BYTES, `${what} (blob ${desc.digest})`, code);
  if (bytes.length !== desc.size) {
    throw new PlimsollError(
      bytes.length < desc.size ? 'LAYER_TRUNCATED' : 'DIGEST_MISMATCH',
      `${what}: blob ${desc.digest} is ${bytes.length} bytes but its descriptor declares ${desc.size}; the blob is corrupt or was tampered with`,
    );
  }
  verifyBuffer(bytes, desc.digest, `${what} (blob ${desc.digest} in ${store.label})`);
  return { json: parseJsonDocument(bytes, `${what} (blob ${desc.digest} in ${store.label})`, code), bytes };
}

/** Read and check the oci-layout marker and index.json. */
export async function readLayoutIndex(store: BlobStore): Promise<ImageIndex> {
  const layoutSize = await store.size('oci-layout');
  if (layoutSize === undefined) {
    throw new PlimsollError('SOURCE_UNSUPPORTED', `${store.label} is not an OCI image layout: it has no oci-layout file`);
  }
  const layoutWhat = `oci-layout in ${store.label}`;
  validateLayoutFile(parseJsonDocument(await store.readSmall('oci-layout', 64 * 1024, layoutWhat), layoutWhat), layoutWhat);
  const what = `index.json in ${store.label}`;
  if ((await store.size('index.json')) === undefined) {
    throw new PlimsollError('MANIFEST_INVALID', `${store.label} is not a valid OCI image layout: it has no index.json`);
  }
  const json = parseJsonDocument(await store.readSmall('index.json', MAX_JSON_BYTES, what), what);
  return validateImageIndex(json, what);
}

/** The names an index.json entry is known by (ref.name tag and containerd's full name). */
export function refNames(d: Descriptor): string[] {
  const out: string[] = [];
  const a = d.annotations;
  if (a?.[ANNOTATION_REF_NAME]) out.push(a[ANNOTATION_REF_NAME]);
  if (a?.[ANNOTATION_CONTAINERD_NAME] && a[ANNOTATION_CONTAINERD_NAME] !== a[ANNOTATION_REF_NAME]) out.push(a[ANNOTATION_CONTAINERD_NAME]);
  return out;
}

/** Normalize a Docker-style reference for comparison: docker.io/library/ implied, :latest implied. */
export function normalizeRepoTag(r: string): string {
  let s = r.replace(/^(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, '').replace(/^library\//, '');
  if (!s.includes('@') && s.lastIndexOf(':') <= s.lastIndexOf('/')) s += ':latest';
  return s;
}

function describeEntry(d: Descriptor): string {
  const names = refNames(d);
  const plat = d.platform && !isAttestation(d) ? ` ${formatPlatform(d.platform)}` : '';
  return names.length ? `${names.join(' / ')} (${short(d.digest)}${plat})` : `@${d.digest}${plat}`;
}

type Selector = { kind: 'none' } | { kind: 'digest'; digest: string } | { kind: 'position'; n: number } | { kind: 'tag'; tag: string };

export function parseSelector(sel: string | undefined): Selector {
  if (sel === undefined || sel === '') return { kind: 'none' };
  if (/^@[0-9]+$/.test(sel)) return { kind: 'position', n: Number(sel.slice(1)) };
  const d = sel.startsWith('@') ? sel.slice(1) : sel;
  if (sel.startsWith('@') || /^(?:sha256|sha512):/.test(sel)) {
    if (!isValidDigestSyntax(d) || !/^(?:sha256|sha512):/.test(d)) {
      throw new PlimsollError('REFERENCE_INVALID', `"${sel}" is not a valid manifest digest selector (expected @sha256:<64 hex>)`);
    }
    return { kind: 'digest', digest: d };
  }
  return { kind: 'tag', tag: sel.startsWith(':') ? sel.slice(1) : sel };
}

export interface LayoutSelection {
  /** descriptor of the chosen image manifest */
  desc: Descriptor;
  manifest: ImageManifest;
  /** the index.json entry the selection started from (names) */
  entry: Descriptor;
  platform?: Platform;
}

/** A reader over one layout: selection, nested indexes, platform choice. */
export class LayoutReader {
  constructor(
    readonly store: BlobStore,
    readonly index: ImageIndex,
    private readonly platformWanted: PlatformSpec,
    /** whether the user chose the platform (else the default applies, and a lone candidate wins) */
    private readonly platformExplicit = true,
  ) {}

  private what(d: Descriptor, kind: string): string {
    return `${kind} ${d.digest} in ${this.store.label}`;
  }

  /** Choose the index.json entry for a selector. */
  async select(selector: string | undefined): Promise<LayoutSelection> {
    const top = this.index.manifests;
    const sel = parseSelector(selector);
    const label = this.store.label;
    const available = (): string => (top.length ? top.map(describeEntry).join(', ') : '(none)');
    if (top.length === 0) throw new PlimsollError('MANIFEST_INVALID', `index.json in ${label} lists no images`);

    switch (sel.kind) {
      case 'position': {
        const d = top[sel.n];
        if (!d) throw new PlimsollError('NOT_FOUND', `${label} has ${top.length} index entries; @${sel.n} is out of range (available: ${available()})`);
        return this.resolve(d, d);
      }
      case 'digest': {
        const d = top.find((m) => m.digest === sel.digest);
        if (d) return this.resolve(d, d);
        const nested = await this.findNested(sel.digest);
        if (nested) return this.resolve(nested.desc, nested.entry);
        throw new PlimsollError('NOT_FOUND', `${label} has no manifest ${sel.digest} (available: ${available()})`);
      }
      case 'tag': {
        const want = normalizeRepoTag(sel.tag);
        const matches = top.filter((m) => refNames(m).some((n) => n === sel.tag || normalizeRepoTag(n) === want));
        if (matches.length === 0) throw new PlimsollError('NOT_FOUND', `${label} has no image tagged "${sel.tag}" (available: ${available()})`);
        if (matches.length === 1) return this.resolve(matches[0]!, matches[0]!);
        if (!matches.every((m) => m.platform)) {
          throw new PlimsollError(
            'REFERENCE_INVALID',
            `${label}: the tag "${sel.tag}" names ${matches.length} different entries (${matches.map(describeEntry).join(', ')}); choose one with @<digest>`,
          );
        }
        return this.resolve(this.choosePlatform(matches, `entries tagged "${sel.tag}" in index.json of ${label}`), matches[0]!);
      }
      case 'none': {
        const images = top.filter((m) => !isAttestation(m));
        if (images.length === 1) return this.resolve(images[0]!, images[0]!);
        // several untagged platform-specific manifests directly in index.json: a multi-platform layout
        if (images.length > 1 && images.every((m) => m.platform && refNames(m).length === 0)) {
          const d = this.choosePlatform(images, `index.json of ${label}`);
          return this.resolve(d, d);
        }
        throw new PlimsollError(
          'REFERENCE_INVALID',
          `${label} holds ${top.length} images; choose one by appending :<tag>, @<digest> or @<position> to the reference (available: ${available()})`,
        );
      }
    }
  }

  private choosePlatform(manifests: Descriptor[], where: string): Descriptor {
    const d = matchPlatform(manifests, this.platformWanted);
    if (d) return d;
    const children = manifests.filter((m) => !isAttestation(m));
    // one candidate: take it when it declares no platform, or when the user asked for none
    if (children.length === 1 && (!children[0]!.platform || !this.platformExplicit)) return children[0]!;
    throw new PlimsollError(
      'PLATFORM_NOT_FOUND',
      `${where} has no image for platform ${formatPlatform(this.platformWanted)} (available: ${listPlatforms(manifests)}); choose one with --platform`,
    );
  }

  /** Breadth-first search of nested indexes for a manifest digest (missing blobs are skipped). */
  private async findNested(digest: string): Promise<{ desc: Descriptor; entry: Descriptor } | undefined> {
    const queue: { desc: Descriptor; entry: Descriptor }[] = this.index.manifests.filter((d) => isIndexMediaType(d.mediaType)).map((d) => ({ desc: d, entry: d }));
    let reads = 0;
    while (queue.length && reads < MAX_SEARCH_DOCS) {
      const { desc, entry } = queue.shift()!;
      reads++;
      if ((await this.store.size(blobPath(desc.digest, this.what(desc, 'index')))) === undefined) continue;
      const { json } = await readJsonBlob(this.store, desc, this.what(desc, 'index'));
      const idx = validateImageIndex(json, this.what(desc, 'index'), desc.mediaType);
      for (const m of idx.manifests) {
        if (m.digest === digest) return { desc: m, entry };
        if (isIndexMediaType(m.mediaType)) queue.push({ desc: m, entry });
      }
    }
    return undefined;
  }

  /** Follow indexes from `start` down to one image manifest, choosing by platform. */
  async resolve(start: Descriptor, entry: Descriptor): Promise<LayoutSelection> {
    let desc = start;
    let platform = start.platform;
    for (let depth = 0; depth <= MAX_NESTING; depth++) {
      if (DOCKER_SCHEMA1_MEDIA_TYPES.includes(desc.mediaType)) {
        throw new PlimsollError('MANIFEST_INVALID', `${this.what(desc, 'manifest')}: Docker schema 1 manifests are not supported; convert the image with a current Docker, skopeo or crane`);
      }
      let kind: 'index' | 'manifest' | 'schema1' | 'unknown' = isIndexMediaType(desc.mediaType) ? 'index' : isManifestMediaType(desc.mediaType) ? 'manifest' : 'unknown';
      const what = this.what(desc, kind === 'index' ? 'index' : 'manifest');
      const { json } = await readJsonBlob(this.store, desc, what);
      if (kind === 'unknown') kind = classifyDocument(json, desc.mediaType);
      if (kind === 'schema1') {
        throw new PlimsollError('MANIFEST_INVALID', `${what}: Docker schema 1 manifests are not supported; convert the image with a current Docker, skopeo or crane`);
      }
      if (kind === 'unknown') {
        throw new PlimsollError('SOURCE_UNSUPPORTED', `${what} has media type ${desc.mediaType} and is neither an image manifest nor an image index`);
      }
      if (kind === 'manifest') {
        const manifest = validateImageManifest(json, what, desc.mediaType);
        return { desc, manifest, entry, ...(platform ? { platform } : {}) };
      }
      const idx = validateImageIndex(json, what, desc.mediaType);
      const children = idx.manifests.filter((m) => !isAttestation(m));
      if (children.length === 0) throw new PlimsollError('MANIFEST_INVALID', `${what} lists no image manifests`);
      desc = children.length === 1 && !children[0]!.platform ? children[0]! : this.choosePlatform(idx.manifests, what);
      platform = desc.platform ?? platform;
    }
    throw new PlimsollError('MANIFEST_INVALID', `${this.store.label}: image indexes are nested more than ${MAX_NESTING} levels deep; refusing a hostile layout`);
  }

  /** Read the config of a selected manifest and build its layer list. */
  async loadImage(sel: LayoutSelection): Promise<{ config: ImageConfig; configDigest: string; layers: LayerBlob[] }> {
    const { manifest, desc } = sel;
    const cd = manifest.config;
    const mwhat = this.what(desc, 'manifest');
    if (!IMAGE_CONFIG_MEDIA_TYPES.includes(cd.mediaType) && cd.mediaType !== 'application/octet-stream') {
      const art = manifest.artifactType ? ` (artifactType ${manifest.artifactType})` : '';
      throw new PlimsollError(
        'SOURCE_UNSUPPORTED',
        `${mwhat} is not a container image: its config has media type ${cd.mediaType}${art}; it is an OCI artifact (for example a signature or SBOM)`,
      );
    }
    const cwhat = `config ${cd.digest} of ${mwhat}`;
    const { json, bytes } = await readJsonBlob(this.store, cd, cwhat, 'CONFIG_INVALID');
    const config = validateImageConfig(json, cwhat);
    const diffIds = config.rootfs.diff_ids;
    if (diffIds.length !== manifest.layers.length) {
      throw new PlimsollError(
        'CONFIG_INVALID',
        `${cwhat}: rootfs.diff_ids lists ${diffIds.length} layers but the manifest has ${manifest.layers.length}; the image is inconsistent`,
      );
    }
    const layers: LayerBlob[] = [];
    for (const [i, ld] of manifest.layers.entries()) {
      const lwhat = `layer ${i} (${ld.digest}) of ${mwhat}`;
      const path = blobPath(ld.digest, lwhat);
      const stored = await this.store.size(path);
      if (stored === undefined) {
        const foreign = ld.urls?.length ? ` It is a non-distributable layer to be fetched from ${ld.urls[0]}, which plimsoll does not download.` : '';
        throw new PlimsollError('NOT_FOUND', `${lwhat}: blob ${ld.digest} is missing from ${this.store.label} (expected at ${path}).${foreign}`);
      }
      if (stored !== ld.size) {
        throw new PlimsollError(
          stored < ld.size ? 'LAYER_TRUNCATED' : 'DIGEST_MISMATCH',
          `${lwhat}: blob is ${stored} bytes but the manifest declares ${ld.size}; the blob is corrupt or was tampered with`,
        );
      }
      const store = this.store;
      layers.push({
        index: i,
        digest: ld.digest,
        diffId: diffIds[i]!,
        mediaType: ld.mediaType,
        size: ld.size,
        open: async () => verifiedStream(await store.open(path), ld.digest, `${lwhat} in ${store.label}`, ld.size),
      });
    }
    return { config, configDigest: sha256Digest(bytes), layers };
  }
}

export function platformFromConfig(c: ImageConfig): Platform | undefined {
  if (!c.os || !c.architecture) return undefined;
  return { os: c.os, architecture: c.architecture, ...(c.variant ? { variant: c.variant } : {}) };
}

/** Names for an image chosen from index.json: containerd's full name, else a ref.name that is a full reference. */
function namesOf(entry: Descriptor): string[] {
  const a = entry.annotations ?? {};
  const cn = a[ANNOTATION_CONTAINERD_NAME];
  if (cn) return [cn];
  const rn = a[ANNOTATION_REF_NAME];
  if (rn && /[:/]/.test(rn)) return [rn];
  return [];
}

/** Open the image a selector picks from the layout in `store`. */
export async function openLayoutImage(
  store: BlobStore,
  source: ImageSourceInfo,
  opts: OpenOptions,
  selector: string | undefined,
  close: () => Promise<void> = async () => undefined,
): Promise<Image> {
  const index = await readLayoutIndex(store);
  const reader = new LayoutReader(store, index, parsePlatform(opts.platform ?? DEFAULT_PLATFORM), opts.platform !== undefined);
  const sel = await reader.select(selector);
  const { config, configDigest, layers } = await reader.loadImage(sel);
  const repoTags = namesOf(sel.entry);
  const ref = sel.entry.annotations?.[ANNOTATION_REF_NAME];
  const base = basename(source.location);
  const name = repoTags[0] ?? (ref ? `${base}:${ref}` : base);
  const platform = sel.platform ?? platformFromConfig(config);
  return {
    source,
    name,
    manifestDigest: sel.desc.digest,
    configDigest,
    repoTags,
    repoDigests: [],
    manifest: sel.manifest,
    config,
    layers,
    ...(platform ? { platform } : {}),
    close,
  };
}
