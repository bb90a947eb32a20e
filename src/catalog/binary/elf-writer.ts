/**
 * Write small, well-formed ELF images for tests: named sections, each optionally mapped by its own
 * PT_LOAD segment at a chosen virtual address. Not used by the product at run time.
 */

export interface ElfSectionSpec {
  name: string;
  data: Buffer;
  /** virtual address: when set, a PT_LOAD segment maps exactly this section */
  addr?: number;
  /** segment flags (PF_R=4, PF_W=2, PF_X=1); default read-write */
  segmentFlags?: number;
}

export interface ElfSpec {
  bits: 32 | 64;
  bigEndian?: boolean;
  sections: ElfSectionSpec[];
  /** leave out the section header table (like `sstrip`) */
  stripSectionHeaders?: boolean;
  /** e_machine; default x86-64 / i386 */
  machine?: number;
}

export function buildElf(spec: ElfSpec): Buffer {
  const is64 = spec.bits === 64;
  const le = !spec.bigEndian;
  const ehsize = is64 ? 64 : 52;
  const phentsize = is64 ? 56 : 32;
  const shentsize = is64 ? 64 : 40;
  const mapped = spec.sections.filter((s) => s.addr !== undefined);
  const phoff = ehsize;
  let off = align(phoff + mapped.length * phentsize, 16);

  // section name table
  const names: Buffer[] = [Buffer.from([0])];
  let namesLen = 1;
  const nameOff = (n: string) => {
    const o = namesLen;
    const b = Buffer.from(n + '\0', 'latin1');
    names.push(b);
    namesLen += b.length;
    return o;
  };
  const placed = spec.sections.map((s) => {
    const o = off;
    off = align(off + s.data.length, 16);
    return { ...s, offset: o, nameIdx: nameOff(s.name) };
  });
  const shstrNameIdx = nameOff('.shstrtab');
  const shstrtab = Buffer.concat(names);
  const shstrOff = off;
  off = align(off + shstrtab.length, 16);
  const shoff = spec.stripSectionHeaders ? 0 : off;
  const shnum = spec.stripSectionHeaders ? 0 : placed.length + 2; // null + sections + shstrtab
  const total = off + shnum * shentsize;
  const b = Buffer.alloc(total);

  const w16 = (o: number, v: number) => (le ? b.writeUInt16LE(v, o) : b.writeUInt16BE(v, o));
  const w32 = (o: number, v: number) => (le ? b.writeUInt32LE(v, o) : b.writeUInt32BE(v, o));
  const wA = (o: number, v: number) => (is64 ? (le ? b.writeBigUInt64LE(BigInt(v), o) : b.writeBigUInt64BE(BigInt(v), o)) : w32(o, v));

  b.set([0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, le ? 1 : 2, 1], 0);
  w16(16, 2); // ET_EXEC
  w16(18, spec.machine ?? (is64 ? 62 : 3));
  w32(20, 1);
  if (is64) {
    wA(32, mapped.length ? phoff : 0);
    wA(40, shoff);
    w16(52, ehsize);
    w16(54, phentsize);
    w16(56, mapped.length);
    w16(58, shentsize);
    w16(60, shnum);
    w16(62, shnum ? placed.length + 1 : 0);
  } else {
    w32(28, mapped.length ? phoff : 0);
    w32(32, shoff);
    w16(40, ehsize);
    w16(42, phentsize);
    w16(44, mapped.length);
    w16(46, shentsize);
    w16(48, shnum);
    w16(50, shnum ? placed.length + 1 : 0);
  }

  let pi = 0;
  for (const s of placed) {
    s.data.copy(b, s.offset);
    if (s.addr === undefined) continue;
    const p = phoff + pi++ * phentsize;
    const flags = s.segmentFlags ?? 6;
    w32(p, 1); // PT_LOAD
    if (is64) {
      w32(p + 4, flags);
      wA(p + 8, s.offset);
      wA(p + 16, s.addr);
      wA(p + 24, s.addr);
      wA(p + 32, s.data.length);
      wA(p + 40, s.data.length);
      wA(p + 48, 16);
    } else {
      w32(p + 4, s.offset);
      w32(p + 8, s.addr);
      w32(p + 12, s.addr);
      w32(p + 16, s.data.length);
      w32(p + 20, s.data.length);
      w32(p + 24, flags);
      w32(p + 28, 16);
    }
  }
  shstrtab.copy(b, shstrOff);

  if (shnum) {
    const sh = (i: number, name: number, type: number, addr: number, offset: number, size: number) => {
      const o = shoff + i * shentsize;
      w32(o, name);
      w32(o + 4, type);
      if (is64) {
        wA(o + 16, addr);
        wA(o + 24, offset);
        wA(o + 32, size);
        wA(o + 48, 1);
      } else {
        w32(o + 12, addr);
        w32(o + 16, offset);
        w32(o + 20, size);
        w32(o + 32, 1);
      }
    };
    placed.forEach((s, i) => sh(i + 1, s.nameIdx, 1 /* PROGBITS */, s.addr ?? 0, s.offset, s.data.length));
    sh(placed.length + 1, shstrNameIdx, 3 /* STRTAB */, 0, shstrOff, shstrtab.length);
  }
  return b;
}

function align(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}
