/**
 * docker-archive:FILE[:repo:tag|@N|N] — what `docker save` (and `skopeo copy ... docker-archive:`,
 * `podman save`, go-containerregistry's tarball writer) produce:
 *
 *   manifest.json    [{"Config": "<path>", "RepoTags": ["repo:tag"], "Layers": ["<path>", ...]}]
 *   <config>         the image config; its sha256 is the image ID
 *   <layers>         layer tars, in the order of the config's rootfs.diff_ids:
 *                      legacy Docker      <id>/layer.tar (identical layers dedup'd as symlinks)
 *                      skopeo/podman      <diffid-hex>.tar
 *                      Docker 25+         blobs/sha256/<hex> beside an OCI layout (index.json,
 *                                         oci-layout); with the containerd store they may be gzip
 *   repositories     legacy {"repo": {"tag": "<id>"}} (not needed)
 *
 * The archive is indexed once (tar-index.ts) and members are read in place (a gzip/zstd-compressed
 * archive is first decompressed into opts.tmpDir, see archive-file.ts). Each layer stream is
 * verified: against the blob digest when the member is content-addressed (blobs/<alg>/<hex>),
 * otherwise against the config's diff_id (over the decompressed bytes if the member is compressed).
 */
import { basename, resolve } from 'node:path';
import type { Descriptor, Image, ImageManifest, LayerBlob, OpenOptions } from '../types.js';
import { MediaTypes } from '../types.js';
import { parseDigest, sha256Digest, verifyBuffer } from '../../util/digest.js';
import { PlimsollError } from '../../util/errors.js';
import { isIndexMediaType, isManifestMediaType, parseJsonDocument, show, validateImageConfig, validateImageManifest, validateImageIndex } from '../validate.js';
import { MAX_JSON_BYTES, TarBlobStore, blobPath } from './blob-store.js';
import { normalizeRepoTag, openLayoutImage, platformFromConfig, readJsonBlob, readLayoutIndex } from './layout.js';
import { openArchiveFile } from './archive-file.js';
import type { TarIndex, TarMember } from './tar-index.js';
import { diffIdVerifiedStream, sniffCompression, verifiedStream } from './verify.js';

/** One image of manifest.json. */
export interface DockerArchiveEntry {
  Config: string;
  RepoTags: string[];
  Layers: string[];
  Parent?: string;
}

/** Validate the untrusted manifest.json of a docker archive. */
export function validateDockerArchiveManifest(v: unknown, what: string): DockerArchiveEntry[] {
  const bad = (field: string, problem: string): never => {
    throw new PlimsollError('MANIFEST_INVALID', `${what}: ${field ? field + ' ' : ''}${problem}`);
  };
  if (!Array.isArray(v)) bad('', `must be a JSON array of images, got ${show(v)}`);
  const arr = v as unknown[];
  if (arr.length === 0) bad('', 'lists no images');
  return arr.map((e, i) => {
    if (typeof e !== 'object' || e === null || Array.isArray(e)) bad(`[${i}]`, `must be an object, got ${show(e)}`);
    const o = e as Record<string, unknown>;
    if (typeof o.Config !== 'string' || o.Config === '') bad(`[${i}].Config`, `must be the path of the config file, got ${show(o.Config)}`);
    if (!Array.isArray(o.Layers)) bad(`[${i}].Layers`, `must be an array of layer paths, got ${show(o.Layers)}`);
    (o.Layers as unknown[]).forEach((l, j) => {
      if (typeof l !== 'string' || l === '') bad(`[${i}].Layers[${j}]`, `must be a layer path, got ${show(l)}`);
    });
    if (o.RepoTags !== undefined && o.RepoTags !== null) {
      if (!Array.isArray(o.RepoTags)) bad(`[${i}].RepoTags`, `must be an array of strings, got ${show(o.RepoTags)}`);
      (o.RepoTags as unknown[]).forEach((t, j) => {
        if (typeof t !== 'string') bad(`[${i}].RepoTags[${j}]`, `must be a string, got ${show(t)}`);
      });
    }
    if (o.Parent !== undefined && typeof o.Parent !== 'string') bad(`[${i}].Parent`, `must be a string, got ${show(o.Parent)}`);
    return {
      Config: o.Config as string,
      RepoTags: (o.RepoTags as string[] | null | undefined) ?? [],
      Layers: o.Layers as string[],
      ...(typeof o.Parent === 'string' ? { Parent: o.Parent } : {}),
    };
  });
}

/** The digest a member's path encodes, if it is content-addressed (blobs/<alg>/<hex>). */
function digestFromBlobPath(p: string): string | undefined {
  const m = /^(?:\.\/)?blobs\/(sha256|sha512)\/([a-f0-9]+)$/.exec(p);
  if (!m) return undefined;
  try {
    parseDigest(`${m[1]}:${m[2]}`);
    return `${m[1]}:${m[2]}`;
  } catch {
    return undefined;
  }
}

/** Config files are named by the image ID: blobs/sha256/<hex>, <hex>.json (Docker, skopeo) or sha256:<hex> (ggcr). */
function digestFromConfigPath(p: string): string | undefined {
  const d = digestFromBlobPath(p);
  if (d) return d;
  const m = /^(?:\.\/)?(?:sha256:)?([a-f0-9]{64})(?:\.json)?$/.exec(p);
  return m ? `sha256:${m[1]}` : undefined;
}

function layerMediaType(c: 'gzip' | 'zstd' | 'none'): string {
  return c === 'gzip' ? MediaTypes.ociLayerGzip : c === 'zstd' ? MediaTypes.ociLayerZstd : MediaTypes.ociLayer;
}

export async function openDockerArchive(path: string, opts: OpenOptions, selector?: string): Promise<Image> {
  const full = resolve(path);
  const archive = await openArchiveFile(full, path, opts);
  try {
    const img = await openIndexed(archive.index, path, full, opts, selector);
    return { ...img, close: archive.cleanup };
  } catch (e) {
    await archive.cleanup();
    throw e;
  }
}

async function openIndexed(index: TarIndex, path: string, full: string, opts: OpenOptions, selector: string | undefined): Promise<Image> {
  const store = new TarBlobStore(index);
  const label = path;
  const source = { kind: 'docker-archive' as const, input: selector ? `${path}:${selector}` : path, location: full };

  const mm = index.resolve('manifest.json');
  if (!mm) {
    if (index.resolve('oci-layout') && index.resolve('index.json')) {
      // an OCI archive handed over as docker-archive: read it as the layout it is
      return openLayoutImage(store, source, opts, selector);
    }
    if (index.resolve('repositories')) {
      throw new PlimsollError(
        'SOURCE_UNSUPPORTED',
        `${label} is a pre-1.10 docker save archive (no manifest.json); this legacy format is not supported: re-save the image with a current Docker`,
      );
    }
    throw new PlimsollError('SOURCE_UNSUPPORTED', `${label} is not a docker archive (docker save output): it has no manifest.json`);
  }
  const mwhat = `manifest.json in ${label}`;
  const entries = validateDockerArchiveManifest(parseJsonDocument(await index.readSmall(mm, MAX_JSON_BYTES, mwhat), mwhat), mwhat);
  const entry = await selectEntry(entries, selector, label, index);

  // config
  const cpath = entry.Config;
  const cwhat = `config ${cpath} in ${label}`;
  const cmember = index.resolve(cpath);
  if (!cmember) throw new PlimsollError('MANIFEST_INVALID', `${mwhat} references config "${cpath}", which is not in the archive`);
  const cbytes = await readMember(index, cmember, cwhat, 'CONFIG_INVALID');
  const named = digestFromConfigPath(cpath);
  if (named) verifyBuffer(cbytes, named, cwhat);
  const config = validateImageConfig(parseJsonDocument(cbytes, cwhat, 'CONFIG_INVALID'), cwhat);
  const configDigest = sha256Digest(cbytes);
  const diffIds = config.rootfs.diff_ids;
  if (diffIds.length !== entry.Layers.length) {
    throw new PlimsollError(
      'CONFIG_INVALID',
      `${cwhat}: rootfs.diff_ids lists ${diffIds.length} layers but ${mwhat} lists ${entry.Layers.length}; the archive is inconsistent`,
    );
  }

  // Docker 25+: the same image is also described by an OCI layout; take the manifest from there
  const oci = index.resolve('index.json') && index.resolve('oci-layout') ? await findOciManifest(store, named ?? configDigest, configDigest) : undefined;

  const layers: LayerBlob[] = [];
  for (const [i, lpath] of entry.Layers.entries()) {
    const lwhat = `layer ${i} (${lpath}) of ${label}`;
    const member = index.resolve(lpath);
    if (!member) throw new PlimsollError('MANIFEST_INVALID', `${mwhat} references layer "${lpath}", which is not in the archive`);
    layers.push(await layerBlob(index, member, i, lpath, diffIds[i]!, lwhat, oci?.manifest.layers[i]));
  }

  const platform = platformFromConfig(config);
  return {
    source,
    name: entry.RepoTags[0] ?? basename(full),
    ...(oci ? { manifestDigest: oci.digest, manifest: oci.manifest } : {}),
    configDigest,
    repoTags: entry.RepoTags,
    repoDigests: [],
    config,
    layers,
    ...(platform ? { platform } : {}),
    close: async () => undefined,
  };
}

async function readMember(index: TarIndex, m: TarMember, what: string, code: 'MANIFEST_INVALID' | 'CONFIG_INVALID'): Promise<Buffer> {
  if (m.size > MAX_JSON_BYTES) {
    throw new PlimsollError(code, `${what} is ${m.size} bytes, over the ${MAX_JSON_BYTES}-byte limit for a metadata document; refusing to read it into memory`);
  }
  return index.readSmall(m, MAX_JSON_BYTES, what);
}

/** Pick one image of manifest.json: `repo:tag`, `@N`/`N`, an image ID, or the only one. */
async function selectEntry(entries: DockerArchiveEntry[], selector: string | undefined, label: string, index: TarIndex): Promise<DockerArchiveEntry> {
  const available = (): string => entries.map((e, i) => (e.RepoTags.length ? e.RepoTags.join(' / ') : `@${i} (untagged, config ${e.Config})`)).join(', ');
  if (!selector) {
    if (entries.length === 1) return entries[0]!;
    throw new PlimsollError(
      'REFERENCE_INVALID',
      `${label} holds ${entries.length} images; choose one by appending :<repo:tag> or :@<position> to the reference (available: ${available()})`,
    );
  }
  if (/^@?[0-9]+$/.test(selector)) {
    // a position (`@N` as skopeo writes it, or plain `N`); RepoTags always contain a ':'
    const e = entries[Number(selector.replace(/^@/, ''))];
    if (!e) throw new PlimsollError('NOT_FOUND', `${label} holds ${entries.length} images; ${selector} is out of range (available: ${available()})`);
    return e;
  }
  const idSel = /^@?((?:sha256:)?[a-f0-9]{64})$/.exec(selector);
  if (idSel) {
    const want = idSel[1]!.startsWith('sha256:') ? idSel[1]! : `sha256:${idSel[1]}`;
    for (const e of entries) {
      const m = index.resolve(e.Config);
      if (m && m.size <= MAX_JSON_BYTES && sha256Digest(await index.readSmall(m, MAX_JSON_BYTES, e.Config)) === want) return e;
    }
    throw new PlimsollError('NOT_FOUND', `${label} has no image with ID ${want} (available: ${available()})`);
  }
  const want = normalizeRepoTag(selector.startsWith(':') ? selector.slice(1) : selector);
  const hits = entries.filter((e) => e.RepoTags.some((t) => normalizeRepoTag(t) === want));
  if (hits.length === 0) throw new PlimsollError('NOT_FOUND', `${label} has no image tagged "${selector}" (available: ${available()})`);
  return hits[0]!;
}

/**
 * Find, in the OCI layout of a Docker 25+ archive, the image manifest whose config is this image's.
 * Manifests of other platforms are often absent from such archives: missing blobs are skipped;
 * malformed or tampered ones are errors.
 */
async function findOciManifest(store: TarBlobStore, ...configDigests: string[]): Promise<{ digest: string; manifest: ImageManifest } | undefined> {
  const top = await readLayoutIndex(store);
  const queue: Descriptor[] = [...top.manifests];
  let reads = 0;
  while (queue.length && reads < 256) {
    const d = queue.shift()!;
    const isIndex = isIndexMediaType(d.mediaType);
    if (!isIndex && !isManifestMediaType(d.mediaType)) continue;
    const what = `${isIndex ? 'index' : 'manifest'} ${d.digest} in ${store.label}`;
    if ((await store.size(blobPath(d.digest, what))) === undefined) continue;
    reads++;
    const { json } = await readJsonBlob(store, d, what);
    if (isIndex) {
      queue.push(...validateImageIndex(json, what, d.mediaType).manifests);
      continue;
    }
    const m = validateImageManifest(json, what, d.mediaType);
    if (configDigests.includes(m.config.digest)) return { digest: d.digest, manifest: m };
  }
  return undefined;
}

async function layerBlob(
  index: TarIndex,
  member: TarMember,
  i: number,
  lpath: string,
  diffId: string,
  what: string,
  ociLayer: Descriptor | undefined,
): Promise<LayerBlob> {
  try {
    parseDigest(diffId);
  } catch {
    throw new PlimsollError('CONFIG_INVALID', `${what}: diff_id ${JSON.stringify(diffId)} uses a digest algorithm this tool cannot verify (expected sha256 or sha512)`);
  }
  const compression = sniffCompression(await index.readSmall({ ...member, size: Math.min(4, member.size) }, 4, what));
  const blobDigest = digestFromBlobPath(normalizedPath(lpath));
  const fromManifest = ociLayer && blobDigest && ociLayer.digest === blobDigest ? ociLayer : undefined;
  const mediaType = fromManifest?.mediaType ?? layerMediaType(compression);
  const base = { index: i, diffId, mediaType, size: member.size };
  if (blobDigest) {
    if (compression === 'none' && blobDigest !== diffId) {
      throw new PlimsollError(
        'DIGEST_MISMATCH',
        `${what}: the member is an uncompressed tar stored as blob ${blobDigest}, but the config's diff_id for this layer is ${diffId}; the archive is inconsistent or was tampered with`,
      );
    }
    return { ...base, digest: blobDigest, open: async () => verifiedStream(index.openStream(member), blobDigest, what, member.size) };
  }
  if (compression === 'none') {
    // a plain layer tar: its sha256 IS the diff_id
    return { ...base, digest: diffId, open: async () => verifiedStream(index.openStream(member), diffId, what, member.size) };
  }
  // A compressed member without a content-addressed name (e.g. go-containerregistry's <hex>.tar.gz):
  // the only trustworthy digest is the diff_id of its decompressed content. `digest` reports it.
  return { ...base, digest: diffId, open: async () => diffIdVerifiedStream(index.openStream(member), compression, diffId, what) };
}

function normalizedPath(p: string): string {
  return p.replace(/^(?:\.\/)+/, '');
}
