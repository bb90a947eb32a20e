/**
 * Stream every layer of an image once and build the squashed filesystem view. Consumers say which
 * files they want captured (catalogers) and may observe every entry of every layer (scanners that
 * also look at deleted files). Nothing is extracted to disk except captured files larger than the
 * in-memory limit, which go to plimsoll's temp dir.
 */
import { lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract as tarExtract, type Header } from 'tar-stream';
import { PlimsollError, isPlimsollError } from '../../util/errors.js';
import type { Image, LayerBlob, LayerEntryHeader, ProgressSink } from '../types.js';
import { noProgress } from '../types.js';
import { decompressor, peek, sniffCompression, SizeGuard } from '../decompress.js';
import { ContentStore, type ContentRef } from './content.js';
import { SquashedFS, type StoredRecord } from './squashed.js';
import { normalizeEntryPath } from './paths.js';

/** Something that observes every entry of every layer (e.g. a secret scanner). */
export interface LayerObserver {
  /** return true to receive this entry's content */
  wants(path: string, header: LayerEntryHeader): boolean;
  /** called with the captured content of a wanted regular file */
  onFile(layer: LayerRef, header: LayerEntryHeader, content: ContentRef): Promise<void> | void;
}

export interface LayerRef {
  index: number;
  digest: string;
}

export interface BuildOptions {
  /** return true to capture this file's content into the squashed view */
  want: (path: string, header: LayerEntryHeader) => boolean;
  observers?: LayerObserver[];
  store: ContentStore;
  progress?: ProgressSink;
  /** maximum decompressed bytes of one layer (decompression-bomb guard); default 64 GiB */
  maxLayerSize?: number;
  /** layers read at once (download + decompress + parse); default 2 or $PLIMSOLL_LAYER_CONCURRENCY */
  concurrency?: number;
  /** maximum decompressed/compressed ratio once past 1 GiB; default 1000 */
  maxRatio?: number;
}

export interface BuildResult {
  fs: SquashedFS;
  warnings: string[];
  stats: { layers: number; entries: number; bytes: number; capturedFiles: number };
}

const WH_PREFIX = '.wh.';
const WH_OPAQUE = '.wh..wh..opq';

function layerDigestOf(l: LayerBlob): string {
  return l.diffId ?? l.digest;
}

function headerType(t: Header['type']): LayerEntryHeader['type'] {
  switch (t) {
    case 'file':
    case 'contiguous-file':
      return 'file';
    case 'directory':
      return 'dir';
    case 'symlink':
      return 'symlink';
    case 'link':
      return 'hardlink';
    case 'character-device':
      return 'char';
    case 'block-device':
      return 'block';
    case 'fifo':
      return 'fifo';
    default:
      return 'other';
  }
}

export async function buildFilesystem(image: Image, opts: BuildOptions): Promise<BuildResult> {
  const fs = new SquashedFS(opts.store);
  const warnings: string[] = [];
  const stats = { layers: 0, entries: 0, bytes: 0, capturedFiles: 0 };
  if (image.rootDir !== undefined) {
    await walkRootDir(image.rootDir, fs, opts, stats);
    stats.layers = 1;
    return { fs, warnings, stats };
  }
  // Layers are read (downloaded, decompressed, parsed, wanted files captured) concurrently, then
  // applied to the squashed view strictly in order: whiteouts only ever affect lower layers.
  const concurrency = Math.max(1, opts.concurrency ?? Number(process.env.PLIMSOLL_LAYER_CONCURRENCY ?? 2));
  const reads: Array<Promise<LayerRead>> = [];
  let next = 0;
  const failed = { error: undefined as unknown };
  const startRead = (): void => {
    if (next >= image.layers.length || failed.error !== undefined) return;
    const layer = image.layers[next++]!;
    const p = readLayer(image, layer, opts, stats);
    p.catch((e) => {
      failed.error ??= e;
    });
    reads.push(p);
  };
  for (let i = 0; i < concurrency; i++) startRead();
  for (let i = 0; i < image.layers.length; i++) {
    if (i >= reads.length) startRead();
    let r: LayerRead;
    try {
      r = await reads[i]!;
    } catch (e) {
      // let the other in-flight reads settle before reporting, so nothing writes after we return
      await Promise.allSettled(reads);
      throw e;
    }
    startRead();
    applyRead(fs, r);
    stats.layers++;
  }
  return { fs, warnings, stats };
}

interface PendingEntry {
  rel: string;
  rec: StoredRecord;
}

interface LayerRead {
  index: number;
  whiteouts: string[];
  opaques: string[];
  entries: PendingEntry[];
}

function applyRead(fs: SquashedFS, r: LayerRead): void {
  for (const d of r.opaques) fs.opaque(d, r.index);
  for (const w of r.whiteouts) fs.whiteout(w, r.index);
  for (const e of r.entries) {
    const rec = e.rec;
    if (rec.type === 'hardlink' && !rec.content && rec.linkname) {
      // hardlink to a file of a lower layer: share its content if it was captured
      const target = fs.stored(rec.linkname.slice(1));
      if (target?.content && target.type === 'file') {
        rec.content = target.content;
        rec.captured = true;
        rec.size = target.size;
      }
    }
    fs.put(e.rel, rec);
  }
}

async function readLayer(image: Image, layer: LayerBlob, opts: BuildOptions, stats: BuildResult['stats']): Promise<LayerRead> {
  const where = `layer ${layer.index + 1}/${image.layers.length} (${layer.digest})`;
  const progress = opts.progress ?? noProgress;
  const pid = `layer-${layer.index}`;
  progress.start(pid, `layer ${layer.index + 1}/${image.layers.length} ${layer.digest.slice(7, 19)}`, layer.size);

  const raw = await layer.open();
  raw.on('data', (c: Buffer) => progress.advance(pid, c.length));
  const head = await peek(raw, 4);
  const comp = sniffCompression(head);
  const dec = decompressor(comp);
  const limit = opts.maxLayerSize ?? 64 * 1024 ** 3;
  const ratio = opts.maxRatio ?? 1000;
  const compressedSize = layer.size ?? 0;
  const effectiveLimit = comp === 'none' || compressedSize === 0 ? limit : Math.min(limit, Math.max(1024 ** 3, compressedSize * ratio));
  const guard = new SizeGuard(effectiveLimit, where);
  const extract = tarExtract();

  const ldigest = layerDigestOf(layer);
  const lref: LayerRef = { index: layer.index, digest: ldigest };
  const whiteouts: string[] = [];
  const opaques: string[] = [];
  const entries: PendingEntry[] = [];

  const consume = (async () => {
    for await (const entry of extract) {
      const h = entry.header;
      stats.entries++;
      const rawName = h.name;
      if (rawName.startsWith('/')) {
        entry.resume();
        throw new PlimsollError('PATH_TRAVERSAL', `${where}: tar entry "${rawName}" has an absolute path; refusing a hostile layer`);
      }
      const rel = normalizeEntryPath(rawName);
      if (rel === null) {
        entry.resume();
        throw new PlimsollError('PATH_TRAVERSAL', `${where}: tar entry "${rawName}" climbs above the image root with ".."; refusing a hostile layer`);
      }
      if (rel === '') {
        entry.resume();
        continue;
      }
      const slash = rel.lastIndexOf('/');
      const base = slash < 0 ? rel : rel.slice(slash + 1);
      if (base.startsWith(WH_PREFIX)) {
        entry.resume();
        const dir = slash < 0 ? '' : rel.slice(0, slash);
        if (base === WH_OPAQUE) opaques.push(dir);
        else {
          const target = base.slice(WH_PREFIX.length);
          if (target === '' || target === '.' || target === '..') {
            throw new PlimsollError('PATH_TRAVERSAL', `${where}: malformed whiteout entry "${rawName}"`);
          }
          whiteouts.push(dir === '' ? target : dir + '/' + target);
        }
        continue;
      }
      const type = headerType(h.type);
      let linkname: string | undefined;
      if (type === 'hardlink') {
        const ln = h.linkname ?? '';
        const t = ln.startsWith('/') ? null : normalizeEntryPath(ln);
        if (t === null || t === '') {
          entry.resume();
          throw new PlimsollError('LINK_ESCAPE', `${where}: hardlink "${rawName}" points outside the image root ("${ln}"); refusing a hostile layer`);
        }
        linkname = '/' + t;
      } else if (type === 'symlink') {
        linkname = h.linkname ?? '';
      }
      const header: LayerEntryHeader = {
        path: rel,
        type,
        mode: h.mode ?? 0,
        size: type === 'file' ? h.size ?? 0 : 0,
        uid: h.uid,
        gid: h.gid,
        mtime: h.mtime,
        linkname,
      };
      const rec: StoredRecord = {
        path: '/' + rel,
        type,
        mode: header.mode,
        size: header.size,
        uid: h.uid,
        gid: h.gid,
        linkname,
        layerIndex: layer.index,
        layerDigest: ldigest,
        captured: false,
      };
      if (type === 'file') {
        stats.bytes += header.size;
        const want = opts.want(rel, header);
        const obs = opts.observers?.filter((o) => o.wants(rel, header)) ?? [];
        if (want || obs.length) {
          const content = await opts.store.capture(entry as unknown as Readable, header.size);
          stats.capturedFiles++;
          if (want) {
            rec.content = content;
            rec.captured = true;
          }
          for (const o of obs) await o.onFile(lref, header, content);
        } else {
          entry.resume();
          await new Promise<void>((res, rej) => {
            entry.once('end', res);
            entry.once('error', rej);
          });
        }
      } else {
        if (type === 'hardlink' && linkname) {
          // same inode as an earlier entry (this layer's or a lower one): share its content
          const target = entries.findLast((e) => e.rel === linkname!.slice(1))?.rec;
          if (target?.content && opts.want(rel, { ...header, type: 'file', size: target.size })) {
            rec.content = target.content;
            rec.captured = true;
            rec.size = target.size;
          }
        }
        entry.resume();
      }
      entries.push({ rel, rec });
    }
  })();

  const chain: Array<NodeJS.ReadableStream | NodeJS.WritableStream> = [raw];
  if (dec) chain.push(dec);
  chain.push(guard);
  try {
    await Promise.all([
      pipeline([...(chain as [Readable, ...NodeJS.WritableStream[]]), extract as unknown as NodeJS.WritableStream]),
      consume,
    ]);
  } catch (e) {
    raw.destroy();
    extract.destroy();
    throw translateLayerError(e, where);
  } finally {
    progress.done(pid);
  }

  return { index: layer.index, whiteouts, opaques, entries };
}

function translateLayerError(e: unknown, where: string): PlimsollError {
  if (isPlimsollError(e)) return e;
  const err = e as NodeJS.ErrnoException;
  const msg = err?.message ?? String(e);
  if (err?.code === 'Z_BUF_ERROR' || /unexpected end of (file|data)/i.test(msg) || /premature close/i.test(msg)) {
    return new PlimsollError('LAYER_TRUNCATED', `${where}: the layer stream ended early (${msg}); the blob is truncated`, { cause: e });
  }
  if (err?.code === 'Z_DATA_ERROR' || /incorrect header check|invalid (block|distance|stored)/i.test(msg)) {
    return new PlimsollError('LAYER_CORRUPT', `${where}: the compressed layer is corrupt (${msg})`, { cause: e });
  }
  if (/tar|header|checksum/i.test(msg)) {
    return new PlimsollError('LAYER_CORRUPT', `${where}: not a valid tar stream (${msg})`, { cause: e });
  }
  return new PlimsollError('LAYER_CORRUPT', `${where}: could not read the layer (${msg})`, { cause: e });
}

/**
 * dir: sources — walk a root filesystem on the host without following symlinks. Synchronous fs
 * calls: a rootfs has tens of thousands of entries and a thread-pool round trip per lstat costs
 * more than the call itself; nothing else runs while the walk does.
 */
async function walkRootDir(root: string, fs: SquashedFS, opts: BuildOptions, stats: BuildResult['stats']): Promise<void> {
  const ldigest = `dir:${root}`;
  const lref: LayerRef = { index: 0, digest: ldigest };
  let rootSt;
  try {
    rootSt = lstatSync(root);
  } catch (e) {
    throw new PlimsollError('SOURCE_NOT_FOUND', `${root}: cannot read the root filesystem directory (${(e as Error).message})`);
  }
  if (!rootSt.isDirectory()) throw new PlimsollError('SOURCE_UNSUPPORTED', `${root}: not a directory`);
  const rootDev = rootSt.dev;
  const stack: string[] = [''];
  while (stack.length) {
    const rel = stack.pop()!;
    const hostDir = rel === '' ? root : join(root, rel);
    let names: string[];
    try {
      names = readdirSync(hostDir);
    } catch {
      continue; // unreadable directory: keep going
    }
    names.sort();
    for (const name of names) {
      const r = rel === '' ? name : rel + '/' + name;
      const host = join(root, r);
      let st;
      try {
        st = lstatSync(host);
      } catch {
        continue;
      }
      stats.entries++;
      const type: LayerEntryHeader['type'] = st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : st.isCharacterDevice() ? 'char' : st.isBlockDevice() ? 'block' : st.isFIFO() ? 'fifo' : 'other';
      let linkname: string | undefined;
      if (type === 'symlink') {
        try {
          linkname = readlinkSync(host);
        } catch {
          linkname = '';
        }
      }
      const header: LayerEntryHeader = { path: r, type, mode: st.mode & 0o7777, size: type === 'file' ? st.size : 0, uid: st.uid, gid: st.gid, mtime: st.mtime, linkname };
      const rec: StoredRecord = { path: '/' + r, type, mode: header.mode, size: header.size, uid: st.uid, gid: st.gid, linkname, layerIndex: 0, layerDigest: ldigest, captured: false };
      if (type === 'file') {
        stats.bytes += st.size;
        const content: ContentRef = { kind: 'host', path: host, size: st.size };
        if (opts.want(r, header)) {
          rec.content = content;
          rec.captured = true;
          stats.capturedFiles++;
        }
        for (const o of opts.observers ?? []) if (o.wants(r, header)) await o.onFile(lref, header, content);
      }
      fs.put(r, rec);
      // do not cross into other mounted filesystems (e.g. a /proc bind mount inside the rootfs)
      if (type === 'dir' && st.dev === rootDev) stack.push(r);
    }
  }
}
