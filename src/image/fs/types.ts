import type { Readable } from 'node:stream';
import type { LayerEntryHeader } from '../types.js';

/** One path of the squashed filesystem, with the layer that last wrote it. */
export interface FileRecord {
  /** absolute path inside the image, e.g. "/usr/lib/os-release" */
  path: string;
  type: LayerEntryHeader['type'];
  mode: number;
  size: number;
  uid?: number;
  gid?: number;
  /** symlink target as written / hardlink target as absolute path */
  linkname?: string;
  layerIndex: number;
  /** diffID when known, else the blob digest; `dir:<root>` for rootfs sources */
  layerDigest: string;
  /** whether content was captured (the path was wanted by some consumer) */
  captured: boolean;
}

/** A file that existed in some layer and was removed (whiteout, opaque dir) or overwritten later. */
export interface ShadowedRecord extends FileRecord {
  /** index of the layer whose whiteout/opaque dir/overwrite hid it */
  hiddenByLayer: number;
  reason: 'deleted' | 'overwritten';
}

/** Read access to the squashed image filesystem. Paths are absolute ("/etc/os-release"). */
export interface FileSystemView {
  /** entry at exactly this path (no link resolution) */
  get(path: string): FileRecord | undefined;
  /**
   * Resolve symlinks (and hardlinks) with chroot semantics: `..` at the root stays at the root and
   * absolute targets are relative to the image root. Returns undefined if missing or a loop.
   */
  resolve(path: string): FileRecord | undefined;
  /** all entries of the squashed view, sorted by path */
  list(): Iterable<FileRecord>;
  /** read a captured file fully (follows links). Throws NOT_FOUND when absent or not captured. */
  readFile(path: string): Promise<Buffer>;
  /** stream a captured file (follows links) */
  openFile(path: string): Promise<Readable>;
  /**
   * A local filesystem path holding the captured content, for parsers that need random access
   * (zip central directory, ELF sections). The file lives in plimsoll's temp dir.
   */
  localPath(path: string): Promise<string>;
  /** files removed or overwritten by a later layer */
  shadowed(): Iterable<ShadowedRecord>;
}
