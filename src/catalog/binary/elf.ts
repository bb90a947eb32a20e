/**
 * ELF header, program header and section header parsing (32/64-bit, either byte order), per the
 * System V gABI. Only the fields needed to locate sections and map virtual addresses are read.
 */
import type { RandomAccessFile } from './file.js';
import { EXE_LIMITS, cString, ExeFormatError, toNum, type ExeLayout, type ExeSection, type ExeSegment } from './types.js';

const PT_LOAD = 1;
const PF_X = 1;
const PF_W = 2;
const PF_R = 4;
const SHT_NOBITS = 8;
const SHN_XINDEX = 0xffff;
const PN_XNUM = 0xffff;

interface Reader {
  u16(b: Buffer, o: number): number;
  u32(b: Buffer, o: number): number;
  /** address-sized field (4 or 8 bytes) */
  addr(b: Buffer, o: number): number;
}

function reader(is64: boolean, le: boolean): Reader {
  const u16 = (b: Buffer, o: number) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
  const u32 = (b: Buffer, o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const u64 = (b: Buffer, o: number) => toNum(le ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o));
  return { u16, u32, addr: is64 ? u64 : u32 };
}

export async function parseElf(file: RandomAccessFile): Promise<ExeLayout> {
  const ident = await file.readExact(0, 16);
  if (!ident) throw new ExeFormatError('ELF header truncated');
  const cls = ident[4];
  const data = ident[5];
  if (cls !== 1 && cls !== 2) throw new ExeFormatError(`unknown ELF class ${cls}`);
  if (data !== 1 && data !== 2) throw new ExeFormatError(`unknown ELF data encoding ${data}`);
  const is64 = cls === 2;
  const le = data === 1;
  const r = reader(is64, le);
  const ehsize = is64 ? 64 : 52;
  const eh = await file.readExact(0, ehsize);
  if (!eh) throw new ExeFormatError('ELF header truncated');

  const phoff = r.addr(eh, is64 ? 32 : 28);
  const shoff = r.addr(eh, is64 ? 40 : 32);
  const o = is64 ? 54 : 42; // e_phentsize
  const phentsize = r.u16(eh, o);
  let phnum = r.u16(eh, o + 2);
  const shentsize = r.u16(eh, o + 4);
  let shnum = r.u16(eh, o + 6);
  let shstrndx = r.u16(eh, o + 8);
  const shdrSize = is64 ? 64 : 40;
  const phdrSize = is64 ? 56 : 32;
  if (Number.isNaN(phoff) || Number.isNaN(shoff)) throw new ExeFormatError('ELF header offsets out of range');

  // Extended numbering: section 0 holds the real counts when they overflow 16 bits.
  if (shoff !== 0 && (shnum === 0 || shstrndx === SHN_XINDEX || phnum === PN_XNUM)) {
    if (shentsize < shdrSize) throw new ExeFormatError(`ELF section header size ${shentsize} too small`);
    const s0 = await file.readExact(shoff, shdrSize);
    if (!s0) throw new ExeFormatError(`ELF section header table at ${shoff} lies outside the ${file.size}-byte file`);
    if (shnum === 0) shnum = toNum(r.addr(s0, is64 ? 32 : 20));
    if (shstrndx === SHN_XINDEX) shstrndx = r.u32(s0, is64 ? 40 : 24);
    if (phnum === PN_XNUM) phnum = r.u32(s0, is64 ? 44 : 28);
  }

  const segments: ExeSegment[] = [];
  if (phoff !== 0 && phnum > 0) {
    if (phentsize < phdrSize || phentsize > 256) throw new ExeFormatError(`ELF program header entry size ${phentsize} is implausible`);
    if (phnum > EXE_LIMITS.maxSegments) throw new ExeFormatError(`ELF claims ${phnum} program headers`);
    const tbl = await file.readExact(phoff, phnum * phentsize);
    if (!tbl) throw new ExeFormatError(`ELF program header table (offset ${phoff}, ${phnum} entries) lies outside the ${file.size}-byte file`);
    for (let i = 0; i < phnum; i++) {
      const b = i * phentsize;
      if (r.u32(tbl, b) !== PT_LOAD) continue;
      const flags = is64 ? r.u32(tbl, b + 4) : r.u32(tbl, b + 24);
      const offset = is64 ? r.addr(tbl, b + 8) : r.addr(tbl, b + 4);
      const vaddr = is64 ? r.addr(tbl, b + 16) : r.addr(tbl, b + 8);
      const filesz = is64 ? r.addr(tbl, b + 32) : r.addr(tbl, b + 16);
      if ([offset, vaddr, filesz].some(Number.isNaN)) continue;
      segments.push({
        vaddr,
        offset,
        // a segment claiming bytes past EOF is clipped; reads past EOF fail cleanly anyway
        filesz: Math.max(0, Math.min(filesz, file.size - offset)),
        readable: (flags & PF_R) !== 0,
        writable: (flags & PF_W) !== 0,
        executable: (flags & PF_X) !== 0,
      });
    }
  }

  const sections: ExeSection[] = [];
  if (shoff !== 0 && shnum > 0) {
    if (shentsize < shdrSize || shentsize > 256) throw new ExeFormatError(`ELF section header entry size ${shentsize} is implausible`);
    if (shnum > EXE_LIMITS.maxSections) throw new ExeFormatError(`ELF claims ${shnum} sections`);
    const tbl = await file.readExact(shoff, shnum * shentsize);
    if (!tbl) throw new ExeFormatError(`ELF section header table (offset ${shoff}, ${shnum} entries) lies outside the ${file.size}-byte file`);
    const field = (i: number) => {
      const b = i * shentsize;
      return {
        name: r.u32(tbl, b),
        type: r.u32(tbl, b + 4),
        addr: r.addr(tbl, b + (is64 ? 16 : 12)),
        offset: r.addr(tbl, b + (is64 ? 24 : 16)),
        size: r.addr(tbl, b + (is64 ? 32 : 20)),
      };
    };
    let names: Buffer = Buffer.alloc(0);
    if (shstrndx > 0 && shstrndx < shnum) {
      const s = field(shstrndx);
      if (s.type !== SHT_NOBITS && !Number.isNaN(s.offset) && !Number.isNaN(s.size)) {
        names = await file.read(s.offset, Math.min(s.size, EXE_LIMITS.maxSectionNameTable));
      }
    }
    for (let i = 1; i < shnum; i++) {
      const s = field(i);
      if ([s.addr, s.offset, s.size].some(Number.isNaN)) continue;
      const inFile = s.type !== SHT_NOBITS;
      sections.push({ name: cString(names, s.name), segment: '', addr: s.addr, offset: s.offset, size: inFile ? s.size : 0 });
    }
  }

  // Go's debug/buildinfo: without a .go.buildinfo section, the blob sits near the start of the
  // first writable, non-executable PT_LOAD segment.
  const dataSeg = segments.find((s) => s.writable && !s.executable);
  return { format: 'elf', littleEndian: le, ptrSize: is64 ? 8 : 4, sections, segments, dataStart: dataSeg?.vaddr };
}
