/**
 * OCI / Docker image model. Untrusted JSON is validated at the edge (see ./validate.ts) and is
 * trusted as these types inside.
 */
import type { Readable } from 'node:stream';

export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
  'os.version'?: string;
  'os.features'?: string[];
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  urls?: string[];
  annotations?: Record<string, string>;
  platform?: Platform;
  artifactType?: string;
}

export interface ImageManifest {
  schemaVersion: 2;
  mediaType?: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export interface ImageIndex {
  schemaVersion: 2;
  mediaType?: string;
  artifactType?: string;
  manifests: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

export interface ContainerConfig {
  User?: string;
  ExposedPorts?: Record<string, object>;
  Env?: string[];
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Volumes?: Record<string, object>;
  WorkingDir?: string;
  Labels?: Record<string, string> | null;
  StopSignal?: string;
  Healthcheck?: { Test?: string[]; Interval?: number; Timeout?: number; Retries?: number; StartPeriod?: number };
  Shell?: string[];
  OnBuild?: string[] | null;
}

export interface ImageConfig {
  created?: string;
  author?: string;
  architecture?: string;
  os?: string;
  variant?: string;
  config?: ContainerConfig;
  rootfs: { type: string; diff_ids: string[] };
  history?: HistoryEntry[];
}

export const MediaTypes = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  ociLayerNondistGzip: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerLayerForeignGzip: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
} as const;

export type SourceKind = 'docker-archive' | 'oci-dir' | 'oci-archive' | 'registry' | 'dir';

/** One layer of an image as the source stores it. */
export interface LayerBlob {
  index: number;
  /** digest of the stored blob (compressed for registries/OCI; for docker-archive the tar as stored) */
  digest: string;
  /** uncompressed digest (config rootfs.diff_ids[index]) when known */
  diffId?: string;
  mediaType: string;
  /** stored size in bytes when known */
  size?: number;
  /**
   * Open the stored blob bytes. The stream verifies `digest` while it is read and errors with
   * DIGEST_MISMATCH at its end if the content does not match (sources wrap it with verifyingStream).
   */
  open(): Promise<Readable>;
}

/** A source that is not a tar stream (dir:ROOTFS) hands the walker its entries directly. */
export interface LayerEntryHeader {
  /** normalized path relative to the image root, no leading slash, no `.`/`..` segments ("" is root) */
  path: string;
  type: 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo' | 'other';
  mode: number;
  size: number;
  uid?: number;
  gid?: number;
  mtime?: Date;
  /** symlink target as written, or hardlink target (normalized path) */
  linkname?: string;
}

export interface ImageSourceInfo {
  kind: SourceKind;
  /** the reference the user gave, as written */
  input: string;
  /** the path or registry reference the source resolved to */
  location: string;
}

export interface Image {
  source: ImageSourceInfo;
  /** user-facing name: repo:tag, or the file name */
  name: string;
  /** digest of the image manifest when there is one (registry, oci, docker-archive OCI variant) */
  manifestDigest?: string;
  /** sha256 of the config blob: the image ID */
  configDigest?: string;
  repoTags: string[];
  repoDigests: string[];
  manifest?: ImageManifest;
  config: ImageConfig;
  layers: LayerBlob[];
  platform?: Platform;
  /**
   * For dir: sources. When set, the filesystem builder walks this directory instead of tar layers
   * (one pseudo-layer, digest `dir:<path>`).
   */
  rootDir?: string;
  /** release temp files, connections */
  close(): Promise<void>;
}

/** Receives progress of long work (downloads, extraction). The CLI draws it on a TTY only. */
export interface ProgressSink {
  /** a unit of work started, total bytes if known */
  start(id: string, label: string, total?: number): void;
  advance(id: string, bytes: number): void;
  done(id: string): void;
}

export const noProgress: ProgressSink = { start() {}, advance() {}, done() {} };

/** Options every image source accepts. */
export interface OpenOptions {
  /** "os/arch[/variant]" to select from a multi-platform index; default linux/amd64 */
  platform?: string;
  /** allow plain HTTP for registries that are not on loopback (loopback is always plain HTTP) */
  insecure?: boolean;
  /** explicit registry credentials (override ~/.docker/config.json) */
  username?: string;
  password?: string;
  /** docker config.json path; default $DOCKER_CONFIG/config.json or ~/.docker/config.json */
  authFile?: string;
  /** a temp directory plimsoll owns for this run (removed by the caller at the end) */
  tmpDir: string;
  progress?: ProgressSink;
}
