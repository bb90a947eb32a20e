/**
 * Locate and decode the build information the Go linker embeds in every executable since Go 1.13
 * (module info) — the data `go version -m` prints. Layout (cmd/link, debug/buildinfo):
 *
 *   a 32-byte header, 16-byte aligned, at the start of the ".go.buildinfo" section (ELF;
 *   "__go_buildinfo" on Mach-O) or near the start of the writable data segment:
 *     [0:14]  magic "\xff Go buildinf:"
 *     [14]    pointer size (4 or 8)
 *     [15]    flags: bit 0 = big-endian (old format), bit 1 = strings are inline (Go >= 1.18)
 *   Go >= 1.18: two uvarint-length-prefixed strings follow the header: the toolchain version
 *     ("go1.19.8") and the module info.
 *   Go < 1.18: header[16:] holds two pointers to Go string headers {data ptr, len} for
 *     runtime.buildVersion and runtime.modinfo; they are virtual addresses, resolved through the
 *     loadable segments.
 *   The module info is framed by two 16-byte sentinels which are stripped.
 */
import type { Executable } from '../binary/executable.js';
import { ExeFormatError } from '../binary/executable.js';

const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const HEADER_SIZE = 32;
const ALIGN = 16;
/**
 * Go's reader looks at the first 64 KiB from the data start. Without section headers (stripped
 * with sstrip and the like) we scan further into the data segment, bounded: every non-Go
 * executable pays for this scan, so it stays small.
 */
const FIRST_WINDOW = 64 * 1024;
const MAX_SCAN_NO_SECTIONS = 4 * 1024 * 1024;
/** module info of the largest real programs is well under 1 MiB */
export const MAX_STRING = 8 * 1024 * 1024;

export interface RawGoBuildInfo {
  /** toolchain version as embedded, e.g. "go1.19.8" or "go1.23.1 X:nocoverageredesign" */
  goVersion: string;
  /** module info with sentinels stripped ("" when the binary was built without modules) */
  modinfo: string;
  /** which header format was found */
  format: 'inline' | 'pointer';
}

/**
 * Returns undefined when the executable carries no Go build info (not a Go program). Throws
 * ExeFormatError when the header is found but its contents are inconsistent.
 */
export async function readGoBuildInfo(exe: Executable): Promise<RawGoBuildInfo | undefined> {
  const found = await findHeader(exe);
  if (!found) return undefined;
  const { header, fileOffset } = found;
  const ptrSize = header[14];
  const flags = header[15];
  let version: Buffer;
  let mod: Buffer;
  let format: RawGoBuildInfo['format'];
  if (flags & 2) {
    format = 'inline';
    const v = await readInlineString(exe, fileOffset + HEADER_SIZE);
    const m = await readInlineString(exe, v.next);
    version = v.bytes;
    mod = m.bytes;
  } else {
    format = 'pointer';
    if (ptrSize !== 4 && ptrSize !== 8) throw new ExeFormatError(`Go build info has pointer size ${ptrSize}`);
    const bigEndian = flags !== 0;
    const readPtr = (b: Buffer, o: number): number => {
      if (ptrSize === 4) return bigEndian ? b.readUInt32BE(o) : b.readUInt32LE(o);
      const v = bigEndian ? b.readBigUInt64BE(o) : b.readBigUInt64LE(o);
      return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : NaN;
    };
    version = await readGoString(exe, readPtr(header, 16), ptrSize, readPtr);
    mod = await readGoString(exe, readPtr(header, 16 + ptrSize), ptrSize, readPtr);
  }
  const goVersion = version.toString('utf8');
  if (goVersion === '') return undefined; // same rule as debug/buildinfo: no version, not Go
  // Strip the sentinels (cmd/go/internal/modload infoStart/infoEnd): 16 bytes each, and the
  // module info proper ends with a newline right before the trailing sentinel.
  let modinfo = '';
  if (mod.length >= 33 && mod[mod.length - 17] === 0x0a) modinfo = mod.subarray(16, mod.length - 16).toString('utf8');
  return { goVersion, modinfo, format };
}

async function findHeader(exe: Executable): Promise<{ header: Buffer; fileOffset: number } | undefined> {
  // 1. the dedicated section, when section headers are present
  const sec = exe.section('.go.buildinfo') ?? exe.section('__go_buildinfo');
  if (sec) {
    const hit = await scan(exe, sec.offset, sec.addr || sec.offset, FIRST_WINDOW);
    if (hit) return hit;
  }
  // 2. start of the writable data (stripped section headers, PE, old toolchains)
  const start = exe.layout.dataStart;
  if (start !== undefined) {
    const loc = exe.addrToOffset(start);
    const limit = exe.layout.sections.length > 0 ? FIRST_WINDOW : MAX_SCAN_NO_SECTIONS;
    if (loc) return scan(exe, loc.offset, start, Math.min(loc.available, limit));
  }
  return undefined;
}

/** Search `length` bytes at `offset` for the magic at a 16-byte aligned virtual address. */
async function scan(exe: Executable, offset: number, vaddr: number, length: number): Promise<{ header: Buffer; fileOffset: number } | undefined> {
  const CHUNK = FIRST_WINDOW;
  for (let pos = 0; pos < length; pos += CHUNK) {
    // overlap chunks by a header so a header straddling a boundary is seen
    const buf = await exe.file.read(offset + pos, Math.min(CHUNK + HEADER_SIZE, length - pos));
    let i = buf.indexOf(MAGIC);
    while (i >= 0 && i < CHUNK) {
      if ((vaddr + pos + i) % ALIGN === 0 && buf.length - i >= HEADER_SIZE) {
        return { header: Buffer.from(buf.subarray(i, i + HEADER_SIZE)), fileOffset: offset + pos + i };
      }
      i = buf.indexOf(MAGIC, i + 1);
    }
    if (buf.length < CHUNK) break;
  }
  return undefined;
}

/** uvarint length followed by that many bytes, at a file offset */
async function readInlineString(exe: Executable, offset: number): Promise<{ bytes: Buffer; next: number }> {
  const head = await exe.file.read(offset, 10);
  let len = 0;
  let shift = 0;
  let n = 0;
  for (;;) {
    if (n >= head.length || n >= 10) throw new ExeFormatError('Go build info string length is truncated');
    const b = head[n++];
    len += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) break;
    shift += 7;
  }
  if (len > MAX_STRING) throw new ExeFormatError(`Go build info string claims ${len} bytes (limit ${MAX_STRING})`);
  const bytes = await exe.file.readExact(offset + n, len);
  if (!bytes) throw new ExeFormatError('Go build info string runs past the end of the file');
  return { bytes, next: offset + n + len };
}

/** a Go string header {ptr, len} at a virtual address, then the bytes it points to */
async function readGoString(exe: Executable, addr: number, ptrSize: number, readPtr: (b: Buffer, o: number) => number): Promise<Buffer> {
  if (Number.isNaN(addr)) throw new ExeFormatError('Go build info pointer out of range');
  const hdr = await exe.readVirtual(addr, 2 * ptrSize);
  if (!hdr) throw new ExeFormatError(`Go build info string header at 0x${addr.toString(16)} is not in the file`);
  const dataAddr = readPtr(hdr, 0);
  const len = readPtr(hdr, ptrSize);
  if (Number.isNaN(dataAddr) || Number.isNaN(len)) throw new ExeFormatError('Go build info string pointer out of range');
  if (len === 0) return Buffer.alloc(0);
  if (len > MAX_STRING) throw new ExeFormatError(`Go build info string claims ${len} bytes (limit ${MAX_STRING})`);
  const data = await exe.readVirtual(dataAddr, len);
  if (!data) throw new ExeFormatError(`Go build info string data at 0x${dataAddr.toString(16)} is not in the file`);
  return data;
}
