/**
 * Random access to the members of one tar file without extracting it.
 *
 * `TarIndex.open(path)` walks the archive once, reading only the 512-byte headers (plus PAX / GNU
 * long-name records) and seeking over member data, and records for every member its name, type,
 * link target, data offset and size. Members are then read in place: small ones into memory with a
 * size cap, large ones as `fs.createReadStream(path, { start, end })`.
 *
 * Tar layout (POSIX ustar, with the GNU and PAX extensions image tools write):
 *   - a member is a 512-byte header followed by its data, padded to a multiple of 512 bytes;
 *   - header fields are NUL/space terminated ASCII; numbers are octal, or GNU base-256 when the
 *     top bit of the first byte is set (sizes over 8 GiB);
 *   - typeflag 'x' (PAX) and 'L'/'K' (GNU long name/link) members describe the NEXT member;
 *   - the archive ends with two zero blocks (we also accept a clean EOF at a header boundary).
 *
 * Archive members are looked up by normalized name; symlinks and hardlinks inside the archive
 * (docker save dedups identical layers with `<id>/layer.tar -> ../<other>/layer.tar`) are followed
 * within the archive only: a link that leaves the archive root is a LINK_ESCAPE error.
 */
import { open as openFile, type FileHandle } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { PlimsollError } from '../../util/errors.js';

export type TarMemberType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';

export interface TarMember {
  /** normalized name: no leading "./" or "/", no "." segments, no trailing "/" */
  name: string;
  type: TarMemberType;
  /** link target as written (symlink) or archive path (hardlink) */
  linkname?: string;
  /** byte offset of the member's (first) header */
  headerOffset: number;
  /** byte offset of the member's data */
  dataOffset: number;
  size: number;
}

export interface TarIndexLimits {
  /** most members an archive may have (a docker archive has a handful per layer) */
  maxMembers: number;
  /** largest PAX / GNU long-name record we read into memory */
  maxMetaSize: number;
}

const DEFAULT_LIMITS: TarIndexLimits = { maxMembers: 200_000, maxMetaSize: 1 << 20 };
const BLOCK = 512;
const MAX_LINK_HOPS = 40;

/** Normalize an archive path; null when it climbs above the archive root or is absolute. */
export function normalizeArchivePath(p: string): string | null {
  if (p.startsWith('/')) return null;
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length === 0) return null;
      out.pop();
      continue;
    }
    out.push(seg);
  }
  return out.join('/');
}

/** Read a NUL-terminated string field. */
function field(buf: Buffer, off: number, len: number): string {
  const end = buf.indexOf(0, off);
  return buf.toString('utf8', off, end === -1 || end > off + len ? off + len : end);
}

/** Parse a numeric header field: octal text, or GNU base-256 (top bit of the first byte set). */
function numeric(buf: Buffer, off: number, len: number): number | null {
  const first = buf[off]!;
  if (first & 0x80) {
    if (first === 0xff) return null; // negative base-256 value: never valid for a size
    let v = first & 0x7f;
    for (let i = 1; i < len; i++) {
      v = v * 256 + buf[off + i]!;
      if (v > Number.MAX_SAFE_INTEGER) return null;
    }
    return v;
  }
  const s = buf.toString('latin1', off, off + len).replace(/[\0 ]+$/, '').replace(/^ +/, '');
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) return null;
  const v = parseInt(s, 8);
  return Number.isSafeInteger(v) ? v : null;
}

function checksumOk(h: Buffer): boolean {
  const stored = numeric(h, 148, 8);
  if (stored === null) return false;
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : h[i]!;
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return stored === unsigned || stored === signed;
}

/** PAX extended header records: "<len> <key>=<value>\n" repeated. Returns null when malformed. */
function parsePax(data: Buffer): Map<string, string> | null {
  const out = new Map<string, string>();
  let pos = 0;
  while (pos < data.length) {
    if (data[pos] === 0) break; // trailing NUL padding
    const sp = data.indexOf(0x20, pos);
    if (sp === -1 || sp - pos > 20) return null;
    const len = Number(data.toString('latin1', pos, sp));
    if (!Number.isSafeInteger(len) || len <= sp - pos + 1 || pos + len > data.length) return null;
    const rec = data.toString('utf8', sp + 1, pos + len);
    if (!rec.endsWith('\n')) return null;
    const eq = rec.indexOf('=');
    if (eq === -1) return null;
    out.set(rec.slice(0, eq), rec.slice(eq + 1, -1));
    pos += len;
  }
  return out;
}

export class TarIndex {
  private readonly members = new Map<string, TarMember>();

  private constructor(
    /** the tar file on disk */
    readonly path: string,
    /** how to name the archive in messages */
    readonly label: string,
    readonly fileSize: number,
  ) {}

  /** Index the archive at `path`. Fails clearly on a truncated or corrupt archive. */
  static async open(path: string, label = path, limits: Partial<TarIndexLimits> = {}): Promise<TarIndex> {
    const lim = { ...DEFAULT_LIMITS, ...limits };
    let fh: FileHandle;
    try {
      fh = await openFile(path, 'r');
    } catch (e) {
      throw fsError(e, label);
    }
    try {
      const st = await fh.stat();
      if (!st.isFile()) throw new PlimsollError('SOURCE_UNSUPPORTED', `${label} is not a regular file; expected a tar archive`);
      const idx = new TarIndex(path, label, st.size);
      await idx.scan(fh, lim);
      return idx;
    } finally {
      await fh.close().catch(() => undefined);
    }
  }

  private corrupt(offset: number, problem: string): PlimsollError {
    return new PlimsollError('LAYER_CORRUPT', `${this.label} is not a valid tar archive: ${problem} (at byte ${offset}); the file is corrupt or not a tar file`);
  }

  /** `what` is e.g. 'member "a/layer.tar"' or 'the header at byte 1024' */
  private truncated(what: string, needed: number): PlimsollError {
    return new PlimsollError(
      'LAYER_TRUNCATED',
      `${this.label} is truncated: ${what} needs ${needed} bytes but the file has ${this.fileSize}; the archive was cut short (re-create or re-download it)`,
    );
  }

  private async readAt(fh: FileHandle, offset: number, length: number): Promise<Buffer> {
    const buf = Buffer.alloc(length);
    let got = 0;
    while (got < length) {
      const { bytesRead } = await fh.read(buf, got, length - got, offset + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return got === length ? buf : buf.subarray(0, got);
  }

  private async scan(fh: FileHandle, lim: TarIndexLimits): Promise<void> {
    let off = 0;
    let count = 0;
    // pending extension records that apply to the next real member
    let pax: Map<string, string> | null = null;
    let longName: string | null = null;
    let longLink: string | null = null;

    for (;;) {
      if (off === this.fileSize) {
        if (pax || longName !== null || longLink !== null) throw this.truncated(`the member after the extended header at byte ${off - BLOCK}`, off + BLOCK);
        return; // clean EOF at a header boundary: accept a missing end-of-archive marker
      }
      const h = await this.readAt(fh, off, BLOCK);
      if (h.length < BLOCK) throw this.truncated(`the header at byte ${off}`, off + BLOCK);
      if (h.every((b) => b === 0)) {
        if (pax || longName !== null || longLink !== null) throw this.corrupt(off, 'an extended header is not followed by a member');
        return; // end-of-archive marker
      }
      if (!checksumOk(h)) throw this.corrupt(off, 'header checksum mismatch');
      const rawSize = numeric(h, 124, 12);
      if (rawSize === null) throw this.corrupt(off, 'unreadable size field');
      const typeflag = String.fromCharCode(h[156]!);
      const magic = h.toString('latin1', 257, 263);
      const isUstar = magic === 'ustar\0';
      const dataOffset = off + BLOCK;

      if (typeflag === 'x' || typeflag === 'g' || typeflag === 'L' || typeflag === 'K') {
        // extension records: their data is the record itself, sized by the header
        const metaNext = dataOffset + Math.ceil(rawSize / BLOCK) * BLOCK;
        if (dataOffset + rawSize > this.fileSize) throw this.truncated(`the extended header at byte ${off}`, dataOffset + rawSize);
        if (typeflag === 'g') {
          // global PAX header: nothing here affects member lookup
          off = metaNext;
          continue;
        }
        if (rawSize > lim.maxMetaSize) throw this.corrupt(off, `an extended header of ${rawSize} bytes exceeds the ${lim.maxMetaSize}-byte limit`);
        const data = await this.readAt(fh, dataOffset, rawSize);
        if (typeflag === 'x') {
          const p = parsePax(data);
          if (!p) throw this.corrupt(off, 'malformed PAX extended header');
          pax = p;
        } else {
          const s = field(data, 0, data.length);
          if (typeflag === 'L') longName = s;
          else longLink = s;
        }
        off = metaNext;
        continue;
      }

      let name = field(h, 0, 100);
      if (isUstar) {
        const prefix = field(h, 345, 155);
        if (prefix) name = prefix + '/' + name;
      }
      let linkname = field(h, 157, 100);
      // Header-only types (links, devices, dirs, fifos) own no data whatever their size field says,
      // as in Go's archive/tar; everything else (regular, contiguous, sparse, unknown) does.
      const headerOnly = '123456'.includes(typeflag);
      let size = headerOnly ? 0 : rawSize;
      if (longName !== null) name = longName;
      if (longLink !== null) linkname = longLink;
      if (pax) {
        const pp = pax.get('path');
        if (pp !== undefined) name = pp;
        const pl = pax.get('linkpath');
        if (pl !== undefined) linkname = pl;
        const ps = pax.get('size');
        if (ps !== undefined && !headerOnly) {
          if (!/^[0-9]+$/.test(ps) || !Number.isSafeInteger(Number(ps))) throw this.corrupt(off, `bad PAX size ${JSON.stringify(ps.slice(0, 30))}`);
          size = Number(ps);
        }
      }
      pax = null;
      longName = null;
      longLink = null;

      const type: TarMemberType =
        typeflag === '0' || typeflag === '\0' || typeflag === '7'
          ? 'file'
          : typeflag === '1'
            ? 'hardlink'
            : typeflag === '2'
              ? 'symlink'
              : typeflag === '5'
                ? 'dir'
                : 'other';
      if (dataOffset + size > this.fileSize) throw this.truncated(`member "${name}"`, dataOffset + size);

      if (++count > lim.maxMembers) throw this.corrupt(off, `more than ${lim.maxMembers} members; refusing an archive this large`);
      const norm = normalizeArchivePath(name);
      // Names that leave the archive root can never be referenced by a valid manifest; they are
      // skipped (lookups of such paths are rejected with PATH_TRAVERSAL before reaching here).
      if (norm !== null && norm !== '') this.add({ name: norm, type, headerOffset: off, dataOffset, size: type === 'file' ? size : 0, linkname }, type);
      off = dataOffset + Math.ceil(size / BLOCK) * BLOCK;
    }
  }

  /** Record a member; later members replace earlier ones, as on extraction. */
  private add(m: TarMember, type: TarMemberType): void {
    if (type !== 'symlink' && type !== 'hardlink') {
      delete m.linkname;
      this.members.set(m.name, m);
      return;
    }
    if (type === 'hardlink') {
      // A hardlink shares the inode of the file extracted earlier under its target name: bind it
      // to that member's data now (a later member reusing the target name must not change it).
      const target = normalizeArchivePath(m.linkname ?? '');
      if (target === m.name) return; // a link to itself (an archive that lists a file twice): no-op
      const t = target === null ? undefined : this.members.get(target);
      if (t && t.type === 'file') {
        this.members.set(m.name, { ...m, type: 'file', dataOffset: t.dataOffset, size: t.size });
        return;
      }
    }
    this.members.set(m.name, m); // resolved (and escape-checked) lazily
  }

  /** All members in archive order (later duplicates replace earlier ones). */
  list(): TarMember[] {
    return [...this.members.values()];
  }

  /** The member stored under exactly this (normalized) name, links not followed. */
  get(name: string): TarMember | undefined {
    const n = normalizeArchivePath(name);
    return n === null ? undefined : this.members.get(n);
  }

  /**
   * Find the regular-file member for an archive path, following symlinks (relative to the link's
   * directory, also for intermediate directories) and hardlinks (archive-root paths), within the
   * archive only. Returns undefined when it does not exist; throws PATH_TRAVERSAL / LINK_ESCAPE.
   */
  resolve(name: string): TarMember | undefined {
    const start = normalizeArchivePath(name);
    if (start === null) {
      throw new PlimsollError('PATH_TRAVERSAL', `${this.label}: the path "${name}" points outside the archive; refusing a hostile reference`);
    }
    let parts = start === '' ? [] : start.split('/');
    let hops = 0;
    // Walk component by component so a symlinked directory in the middle is followed too.
    for (let i = 0; i < parts.length; ) {
      const prefix = parts.slice(0, i + 1).join('/');
      const m = this.members.get(prefix);
      if (m && (m.type === 'symlink' || m.type === 'hardlink')) {
        if (++hops > MAX_LINK_HOPS) {
          throw new PlimsollError('LINK_ESCAPE', `${this.label}: too many levels of links resolving "${name}" (a link loop)`);
        }
        const target = m.linkname ?? '';
        let joined: string | null;
        if (m.type === 'hardlink') {
          joined = normalizeArchivePath(target);
        } else {
          const dir = parts.slice(0, i).join('/');
          joined = target.startsWith('/') ? null : normalizeArchivePath(dir ? `${dir}/${target}` : target);
        }
        if (joined === null) {
          throw new PlimsollError(
            'LINK_ESCAPE',
            `${this.label}: member "${prefix}" is a ${m.type} to "${target}", which points outside the archive; refusing a hostile archive`,
          );
        }
        parts = [...(joined === '' ? [] : joined.split('/')), ...parts.slice(i + 1)];
        i = 0;
        continue;
      }
      i++;
    }
    const m = this.members.get(parts.join('/'));
    return m && m.type === 'file' ? m : undefined;
  }

  /** Read a regular member into memory, refusing more than `maxBytes`. */
  async readSmall(member: TarMember, maxBytes: number, what: string): Promise<Buffer> {
    if (member.size > maxBytes) {
      throw new PlimsollError(
        'MANIFEST_INVALID',
        `${what} is ${member.size} bytes, over the ${maxBytes}-byte limit for a metadata document; refusing to read it into memory`,
      );
    }
    let fh: FileHandle;
    try {
      fh = await openFile(this.path, 'r');
    } catch (e) {
      throw fsError(e, this.label);
    }
    try {
      const buf = await this.readAt(fh, member.dataOffset, member.size);
      if (buf.length !== member.size) throw this.truncated(`member "${member.name}"`, member.dataOffset + member.size);
      return buf;
    } finally {
      await fh.close().catch(() => undefined);
    }
  }

  /** Stream a regular member's bytes in place. I/O errors surface as IO_ERROR on the stream. */
  openStream(member: TarMember): Readable {
    if (member.size === 0) return Readable.from([]);
    const rs = createReadStream(this.path, { start: member.dataOffset, end: member.dataOffset + member.size - 1, highWaterMark: 1 << 20 });
    return rs;
  }
}

/** Map a Node fs error on the archive to a PlimsollError a user can act on. */
export function fsError(e: unknown, label: string): PlimsollError {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return new PlimsollError('SOURCE_NOT_FOUND', `${label} does not exist`, { cause: e });
  if (code === 'EACCES' || code === 'EPERM') return new PlimsollError('IO_ERROR', `${label} is not readable (permission denied)`, { cause: e });
  if (code === 'EISDIR') return new PlimsollError('SOURCE_UNSUPPORTED', `${label} is a directory, expected a file`, { cause: e });
  const msg = e instanceof Error ? e.message : String(e);
  return new PlimsollError('IO_ERROR', `reading ${label} failed: ${msg}`, { cause: e });
}
