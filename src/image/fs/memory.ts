/**
 * An in-memory FileSystemView for unit tests of catalogers and scanners. Every file is "captured".
 */
import { Readable } from 'node:stream';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlimsollError } from '../../util/errors.js';
import type { FileRecord, FileSystemView, ShadowedRecord } from './types.js';
import { normalizeEntryPath, resolveLinkTarget } from './paths.js';

export type MemoryEntry = string | Buffer | { symlink: string } | { dir: true } | { content: string | Buffer; mode?: number; layer?: number };

export class MemoryFS implements FileSystemView {
  private readonly records = new Map<string, FileRecord>();
  private readonly data = new Map<string, Buffer>();
  private tmp?: string;

  constructor(files: Record<string, MemoryEntry>, readonly layerDigest = 'sha256:' + '0'.repeat(64)) {
    for (const [p, e] of Object.entries(files)) {
      const rel = normalizeEntryPath(p);
      if (rel === null) throw new Error(`bad path ${p}`);
      const path = '/' + rel;
      const base = { path, mode: 0o644, size: 0, layerIndex: 0, layerDigest, captured: true } as const;
      if (typeof e === 'string' || Buffer.isBuffer(e)) {
        const buf = Buffer.from(e);
        this.records.set(path, { ...base, type: 'file', size: buf.length });
        this.data.set(path, buf);
      } else if ('symlink' in e) {
        this.records.set(path, { ...base, type: 'symlink', linkname: e.symlink, mode: 0o777 });
      } else if ('dir' in e) {
        this.records.set(path, { ...base, type: 'dir', mode: 0o755 });
      } else {
        const buf = Buffer.from(e.content);
        this.records.set(path, { ...base, type: 'file', size: buf.length, mode: e.mode ?? 0o644, layerIndex: e.layer ?? 0 });
        this.data.set(path, buf);
      }
    }
  }

  get(path: string): FileRecord | undefined {
    return this.records.get(path);
  }

  resolve(path: string): FileRecord | undefined {
    let rel = normalizeEntryPath(path) ?? '';
    for (let hops = 0; hops < 40; hops++) {
      // resolve intermediate directories that are symlinks
      const parts = rel.split('/');
      let changed = false;
      for (let i = 1; i < parts.length; i++) {
        const prefix = parts.slice(0, i).join('/');
        const r = this.records.get('/' + prefix);
        if (r?.type === 'symlink' && r.linkname !== undefined) {
          rel = [resolveLinkTarget(prefix, r.linkname), ...parts.slice(i)].filter(Boolean).join('/');
          changed = true;
          break;
        }
      }
      if (changed) continue;
      const r = this.records.get('/' + rel);
      if (!r) return undefined;
      if (r.type === 'symlink' && r.linkname !== undefined) {
        rel = resolveLinkTarget(rel, r.linkname);
        continue;
      }
      return r;
    }
    return undefined;
  }

  *list(): Iterable<FileRecord> {
    yield* [...this.records.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  async readFile(path: string): Promise<Buffer> {
    const r = this.resolve(path);
    const d = r && this.data.get(r.path);
    if (!d) throw new PlimsollError('NOT_FOUND', `${path}: no such file in the image`);
    return d;
  }

  async openFile(path: string): Promise<Readable> {
    return Readable.from([await this.readFile(path)]);
  }

  async localPath(path: string): Promise<string> {
    const d = await this.readFile(path);
    this.tmp ??= mkdtempSync(join(tmpdir(), 'plimsoll-memfs-'));
    const p = join(this.tmp, String(this.data.size) + '-' + path.replace(/[^A-Za-z0-9._-]/g, '_'));
    writeFileSync(p, d);
    return p;
  }

  *shadowed(): Iterable<ShadowedRecord> {
    /* none */
  }

  dispose(): void {
    if (this.tmp) rmSync(this.tmp, { recursive: true, force: true });
  }
}
