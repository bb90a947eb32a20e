/**
 * RPM header blobs, as stored one per row in rpmdb.sqlite's Packages table (rpm's lib/header.c,
 * "headerImport"). All integers are big-endian:
 *
 *   int32 il                 number of index entries
 *   int32 dl                 size of the data store
 *   il × { int32 tag, int32 type, int32 offset, int32 count }
 *   dl bytes of data         entry values live at data[offset]
 *
 * The first entry is usually a region tag (63, HEADER_IMMUTABLE) describing the signed part; entries
 * after the region ("dribbles", e.g. install time) may repeat a tag, and then the later one wins, as
 * in rpm. We never trust a count or an offset: every read is checked against the data store, and a
 * violation throws RpmHeaderError, which the cataloger turns into a warning for that row.
 */

export class RpmHeaderError extends Error {
  override readonly name = 'RpmHeaderError';
}

/** rpm's own limits (lib/header_internal.h) */
const HEADER_TAGS_MAX = 0xffff;
const HEADER_DATA_MAX = 0x0fffffff;
/** Real headers are at most a few MB (tens of thousands of files); refuse absurd rows early. */
const MAX_BLOB = 64 * 1024 * 1024;

export const RpmType = {
  NULL: 0,
  CHAR: 1,
  INT8: 2,
  INT16: 3,
  INT32: 4,
  INT64: 5,
  STRING: 6,
  BIN: 7,
  STRING_ARRAY: 8,
  I18NSTRING: 9,
} as const;

export const RpmTag = {
  NAME: 1000,
  VERSION: 1001,
  RELEASE: 1002,
  EPOCH: 1003,
  SUMMARY: 1004,
  BUILDTIME: 1006,
  INSTALLTIME: 1008,
  SIZE: 1009,
  VENDOR: 1011,
  LICENSE: 1014,
  ARCH: 1022,
  OLDFILENAMES: 1027,
  SOURCERPM: 1044,
  DIRINDEXES: 1116,
  BASENAMES: 1117,
  DIRNAMES: 1118,
  LONGSIZE: 5009,
  MODULARITYLABEL: 5096,
} as const;

export type RpmValue = string | string[] | number[] | bigint[] | Buffer;

interface Entry {
  tag: number;
  type: number;
  offset: number;
  count: number;
}

/** Parsed header: lazily decoded entries by tag. */
export class RpmHeader {
  private readonly entries = new Map<number, Entry>();

  constructor(private readonly data: Buffer, entries: Entry[]) {
    for (const e of entries) this.entries.set(e.tag, e);
  }

  has(tag: number): boolean {
    return this.entries.has(tag);
  }

  /** A STRING / I18NSTRING (first) / single STRING_ARRAY value. */
  string(tag: number): string | undefined {
    const e = this.entries.get(tag);
    if (!e) return undefined;
    if (e.type === RpmType.STRING || e.type === RpmType.I18NSTRING || e.type === RpmType.STRING_ARRAY) {
      return this.strings(e, e.type === RpmType.STRING ? 1 : Math.min(e.count, 1))[0];
    }
    throw new RpmHeaderError(`tag ${tag} has type ${e.type}, expected a string`);
  }

  stringArray(tag: number): string[] | undefined {
    const e = this.entries.get(tag);
    if (!e) return undefined;
    if (e.type !== RpmType.STRING_ARRAY && e.type !== RpmType.I18NSTRING && e.type !== RpmType.STRING) {
      throw new RpmHeaderError(`tag ${tag} has type ${e.type}, expected a string array`);
    }
    return this.strings(e, e.type === RpmType.STRING ? 1 : e.count);
  }

  /** INT8/INT16/INT32 values as numbers (unsigned, as rpm prints them). */
  ints(tag: number): number[] | undefined {
    const e = this.entries.get(tag);
    if (!e) return undefined;
    const width = e.type === RpmType.INT32 ? 4 : e.type === RpmType.INT16 ? 2 : e.type === RpmType.INT8 || e.type === RpmType.CHAR ? 1 : 0;
    if (width === 0) throw new RpmHeaderError(`tag ${tag} has type ${e.type}, expected an integer`);
    this.checkSpan(e, width * e.count);
    const out = new Array<number>(e.count);
    for (let i = 0; i < e.count; i++) {
      const at = e.offset + i * width;
      out[i] = width === 4 ? this.data.readUInt32BE(at) : width === 2 ? this.data.readUInt16BE(at) : this.data.readUInt8(at);
    }
    return out;
  }

  int(tag: number): number | undefined {
    return this.ints(tag)?.[0];
  }

  /** INT64 first value (LONGSIZE). */
  int64(tag: number): bigint | undefined {
    const e = this.entries.get(tag);
    if (!e) return undefined;
    if (e.type !== RpmType.INT64) throw new RpmHeaderError(`tag ${tag} has type ${e.type}, expected int64`);
    if (e.count < 1) return undefined;
    this.checkSpan(e, 8);
    return this.data.readBigUInt64BE(e.offset);
  }

  private checkSpan(e: Entry, bytes: number): void {
    if (e.offset + bytes > this.data.length) {
      throw new RpmHeaderError(`tag ${e.tag}: ${bytes} bytes at offset ${e.offset} run past the ${this.data.length}-byte data store`);
    }
  }

  private strings(e: Entry, count: number): string[] {
    const out: string[] = [];
    let at = e.offset;
    for (let i = 0; i < count; i++) {
      const nul = this.data.indexOf(0, at);
      if (nul < 0) throw new RpmHeaderError(`tag ${e.tag}: string ${i + 1} of ${count} is not NUL-terminated inside the data store`);
      out.push(this.data.toString('utf8', at, nul));
      at = nul + 1;
    }
    return out;
  }
}

/** Parse one header blob (without the 8-byte "magic" that on-disk .rpm headers have). */
export function parseRpmHeader(blob: Buffer): RpmHeader {
  if (blob.length < 8) throw new RpmHeaderError(`blob of ${blob.length} bytes is too short for a header`);
  if (blob.length > MAX_BLOB) throw new RpmHeaderError(`blob of ${blob.length} bytes is larger than any real package header`);
  const il = blob.readUInt32BE(0);
  const dl = blob.readUInt32BE(4);
  if (il < 1 || il > HEADER_TAGS_MAX) throw new RpmHeaderError(`index count ${il} is out of range`);
  if (dl > HEADER_DATA_MAX) throw new RpmHeaderError(`data size ${dl} is out of range`);
  const dataStart = 8 + il * 16;
  if (dataStart + dl > blob.length) throw new RpmHeaderError(`header says ${il} entries and ${dl} data bytes but the blob has only ${blob.length} bytes`);
  const data = blob.subarray(dataStart, dataStart + dl);
  const entries: Entry[] = [];
  for (let i = 0; i < il; i++) {
    const at = 8 + i * 16;
    const tag = blob.readUInt32BE(at);
    const type = blob.readUInt32BE(at + 4);
    const offset = blob.readInt32BE(at + 8);
    const count = blob.readUInt32BE(at + 12);
    if (type > RpmType.I18NSTRING) throw new RpmHeaderError(`entry ${i} (tag ${tag}) has unknown type ${type}`);
    // region tags (61-63) point at a trailer with a negative offset; we do not need them
    if (tag >= 61 && tag <= 63) continue;
    if (offset < 0 || offset >= dl) throw new RpmHeaderError(`entry ${i} (tag ${tag}) has offset ${offset} outside the ${dl}-byte data store`);
    // every element takes at least one byte, so no count can exceed what is left of the store
    if (count < 1 || count > dl - offset) throw new RpmHeaderError(`entry ${i} (tag ${tag}) has count ${count}`);
    entries.push({ tag, type, offset, count });
  }
  return new RpmHeader(data, entries);
}

/** Files of a package: DIRNAMES[DIRINDEXES[i]] + BASENAMES[i], or the old flat OLDFILENAMES. */
export function headerFiles(h: RpmHeader): string[] {
  const base = h.stringArray(RpmTag.BASENAMES);
  if (base) {
    const dirs = h.stringArray(RpmTag.DIRNAMES) ?? [];
    const idx = h.ints(RpmTag.DIRINDEXES) ?? [];
    if (idx.length !== base.length) throw new RpmHeaderError(`${base.length} file basenames but ${idx.length} directory indexes`);
    const out = new Array<string>(base.length);
    for (let i = 0; i < base.length; i++) {
      const d = dirs[idx[i]!];
      if (d === undefined) throw new RpmHeaderError(`file ${i} points at directory ${idx[i]} of ${dirs.length}`);
      out[i] = d + base[i];
    }
    return out;
  }
  return h.stringArray(RpmTag.OLDFILENAMES) ?? [];
}
