/**
 * The tiny read interface the OCI-layout logic is written against, with two implementations:
 * a directory on disk (oci:DIR) and an indexed tar file (oci-archive:FILE, docker-archive:FILE).
 *
 * Paths are layout-relative ("index.json", "blobs/sha256/<hex>") and are only ever built from
 * constants or validated digests (see blobPath); both stores still refuse paths leaving the root.
 */
import { open as openFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { parseDigest } from '../../util/digest.js';
import { PlimsollError, type ErrorCode } from '../../util/errors.js';
import { TarIndex, fsError, normalizeArchivePath } from './tar-index.js';

/** Largest metadata document (index, manifest, config, manifest.json) read into memory. */
export const MAX_JSON_BYTES = 16 * 1024 * 1024;

export interface BlobStore {
  /** names the store in messages, e.g. "OCI layout /tmp/img" or "archive /tmp/img.tar" */
  readonly label: string;
  /** size in bytes of the regular file at `path`, or undefined when it does not exist */
  size(path: string): Promise<number | undefined>;
  /** read a whole file of at most `maxBytes`; `what` names it in errors; missing → NOT_FOUND */
  readSmall(path: string, maxBytes: number, what: string, code?: ErrorCode): Promise<Buffer>;
  /** first `n` bytes (fewer when the file is shorter) */
  readHead(path: string, n: number): Promise<Buffer>;
  /** stream the file's bytes (unverified: callers wrap with verifiedStream) */
  open(path: string): Promise<Readable>;
}

/** "blobs/<alg>/<hex>" for a digest; the digest is validated first so it can never form a path. */
export function blobPath(digest: string, what: string): string {
  let p: { algorithm: string; hex: string };
  try {
    p = parseDigest(digest);
  } catch {
    throw new PlimsollError(
      'MANIFEST_INVALID',
      `${what}: digest ${JSON.stringify(digest.slice(0, 100))} is not a sha256/sha512 digest this tool can verify; refusing to use it as a blob path`,
    );
  }
  return `blobs/${p.algorithm}/${p.hex}`;
}

function checkedRel(path: string, label: string): string {
  const n = normalizeArchivePath(path);
  if (n === null || n === '') throw new PlimsollError('PATH_TRAVERSAL', `${label}: refusing the path "${path}", which leaves the layout`);
  return n;
}

function tooLarge(what: string, size: number, max: number, code: ErrorCode): PlimsollError {
  return new PlimsollError(code, `${what} is ${size} bytes, over the ${max}-byte limit for a metadata document; refusing to read it into memory`);
}

function missing(what: string, label: string): PlimsollError {
  return new PlimsollError('NOT_FOUND', `${what} is missing from ${label}`);
}

/** An OCI layout directory on disk. */
export class DirBlobStore implements BlobStore {
  readonly label: string;
  constructor(readonly root: string) {
    this.label = `OCI layout ${root}`;
  }

  async size(path: string): Promise<number | undefined> {
    const full = join(this.root, checkedRel(path, this.label));
    try {
      const st = await stat(full);
      if (!st.isFile()) {
        throw new PlimsollError('MANIFEST_INVALID', `${this.label}: ${path} is not a regular file`);
      }
      return st.size;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
      if (e instanceof PlimsollError) throw e;
      throw fsError(e, `${this.label}: ${path}`);
    }
  }

  async readSmall(path: string, maxBytes: number, what: string, code: ErrorCode = 'MANIFEST_INVALID'): Promise<Buffer> {
    const size = await this.size(path);
    if (size === undefined) throw missing(what, this.label);
    if (size > maxBytes) throw tooLarge(what, size, maxBytes, code);
    const full = join(this.root, checkedRel(path, this.label));
    let fh;
    try {
      fh = await openFile(full, 'r');
    } catch (e) {
      throw fsError(e, `${this.label}: ${path}`);
    }
    try {
      // read at most maxBytes+1 so a file growing under us is still caught by the cap
      const buf = Buffer.alloc(Math.min(size, maxBytes) + 1);
      let got = 0;
      for (;;) {
        const { bytesRead } = await fh.read(buf, got, buf.length - got, got);
        if (bytesRead === 0) break;
        got += bytesRead;
        if (got === buf.length) break;
      }
      if (got > maxBytes) throw tooLarge(what, got, maxBytes, code);
      return buf.subarray(0, got);
    } finally {
      await fh.close().catch(() => undefined);
    }
  }

  async readHead(path: string, n: number): Promise<Buffer> {
    const full = join(this.root, checkedRel(path, this.label));
    let fh;
    try {
      fh = await openFile(full, 'r');
    } catch (e) {
      throw fsError(e, `${this.label}: ${path}`);
    }
    try {
      const buf = Buffer.alloc(n);
      const { bytesRead } = await fh.read(buf, 0, n, 0);
      return buf.subarray(0, bytesRead);
    } finally {
      await fh.close().catch(() => undefined);
    }
  }

  async open(path: string): Promise<Readable> {
    const full = join(this.root, checkedRel(path, this.label));
    try {
      const fh = await openFile(full, 'r');
      return fh.createReadStream({ highWaterMark: 1 << 20 }); // closes the handle at end/destroy
    } catch (e) {
      throw fsError(e, `${this.label}: ${path}`);
    }
  }
}

/** Files inside one tar archive, read in place through its index. */
export class TarBlobStore implements BlobStore {
  readonly label: string;
  constructor(
    readonly index: TarIndex,
    /** optional folder inside the archive that holds the layout ("" = archive root) */
    private readonly base = '',
  ) {
    this.label = `archive ${index.label}`;
  }

  private member(path: string) {
    const rel = checkedRel(path, this.label);
    return this.index.resolve(this.base ? `${this.base}/${rel}` : rel);
  }

  async size(path: string): Promise<number | undefined> {
    return this.member(path)?.size;
  }

  async readSmall(path: string, maxBytes: number, what: string, code: ErrorCode = 'MANIFEST_INVALID'): Promise<Buffer> {
    const m = this.member(path);
    if (!m) throw missing(what, this.label);
    if (m.size > maxBytes) throw tooLarge(what, m.size, maxBytes, code);
    return this.index.readSmall(m, maxBytes, what);
  }

  async readHead(path: string, n: number): Promise<Buffer> {
    const m = this.member(path);
    if (!m) throw missing(path, this.label);
    const head = await this.index.readSmall({ ...m, size: Math.min(n, m.size) }, n, path);
    return head;
  }

  async open(path: string): Promise<Readable> {
    const m = this.member(path);
    if (!m) throw missing(path, this.label);
    return this.index.openStream(m);
  }
}
