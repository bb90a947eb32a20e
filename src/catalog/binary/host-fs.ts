/**
 * A FileSystemView over files of the host, mapped to image paths, for tests of catalogers that
 * read large real files (Go toolchain binaries, jars under /usr/share/java) through localPath()
 * without copying them into memory. Read-only; symlink records are given explicitly.
 */
import { createReadStream, readFileSync, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { FileRecord, FileSystemView, ShadowedRecord } from '../../image/fs/types.js';
import { PlimsollError } from '../../util/errors.js';

export type HostEntry = string | { symlink: string };

export class HostFS implements FileSystemView {
  private readonly records = new Map<string, FileRecord>();
  private readonly host = new Map<string, string>();

  /** `files` maps absolute image paths to host paths (or symlink targets) */
  constructor(files: Record<string, HostEntry>, layerDigest = 'sha256:' + '1'.repeat(64)) {
    for (const [path, e] of Object.entries(files)) {
      if (typeof e === 'string') {
        const st = statSync(e);
        this.records.set(path, { path, type: 'file', mode: st.mode & 0o7777, size: st.size, layerIndex: 0, layerDigest, captured: true });
        this.host.set(path, e);
      } else {
        this.records.set(path, { path, type: 'symlink', mode: 0o777, size: 0, linkname: e.symlink, layerIndex: 0, layerDigest, captured: false });
      }
    }
  }

  get(path: string): FileRecord | undefined {
    return this.records.get(path);
  }
  resolve(path: string): FileRecord | undefined {
    let r = this.records.get(path);
    for (let i = 0; r?.type === 'symlink' && i < 40; i++) {
      const t = r.linkname!;
      r = this.records.get(t.startsWith('/') ? t : path.slice(0, path.lastIndexOf('/') + 1) + t);
    }
    return r?.type === 'symlink' ? undefined : r;
  }
  *list(): Iterable<FileRecord> {
    yield* [...this.records.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }
  private hostPath(path: string): string {
    const r = this.resolve(path);
    const h = r && this.host.get(r.path);
    if (!h) throw new PlimsollError('NOT_FOUND', `${path}: no such file in the test view`);
    return h;
  }
  async readFile(path: string): Promise<Buffer> {
    return readFileSync(this.hostPath(path));
  }
  async openFile(path: string): Promise<Readable> {
    return createReadStream(this.hostPath(path));
  }
  async localPath(path: string): Promise<string> {
    return this.hostPath(path);
  }
  *shadowed(): Iterable<ShadowedRecord> {
    /* none */
  }
}
