/**
 * Thin Mach-O parsing (32/64-bit, either byte order): LC_SEGMENT / LC_SEGMENT_64 load commands and
 * their sections. Universal ("fat") binaries are not handled.
 */
import type { RandomAccessFile } from './file.js';
import { EXE_LIMITS, ExeFormatError, toNum, type ExeLayout, type ExeSection, type ExeSegment, cString } from './types.js';

const LC_SEGMENT = 0x1;
const LC_SEGMENT_64 = 0x19;
const VM_PROT_READ = 1;
const VM_PROT_WRITE = 2;
const VM_PROT_EXECUTE = 4;
const S_ZEROFILL = 0x1;
const S_GB_ZEROFILL = 0xc;
const S_THREAD_LOCAL_ZEROFILL = 0x12;

export async function parseMachO(file: RandomAccessFile): Promise<ExeLayout> {
  const hdr = await file.readExact(0, 32);
  if (!hdr) throw new ExeFormatError('Mach-O header truncated');
  const magicBE = hdr.readUInt32BE(0);
  const le = magicBE === 0xcefaedfe || magicBE === 0xcffaedfe;
  const is64 = magicBE === 0xfeedfacf || magicBE === 0xcffaedfe;
  const u32 = (b: Buffer, o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const u64 = (b: Buffer, o: number) => toNum(le ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o));
  const ncmds = u32(hdr, 16);
  const sizeofcmds = u32(hdr, 20);
  const hdrSize = is64 ? 32 : 28;
  if (sizeofcmds > EXE_LIMITS.maxLoadCommandBytes) throw new ExeFormatError(`Mach-O load commands claim ${sizeofcmds} bytes`);
  const cmds = await file.readExact(hdrSize, sizeofcmds);
  if (!cmds) throw new ExeFormatError(`Mach-O load commands (${sizeofcmds} bytes) run past the end of the ${file.size}-byte file`);

  const sections: ExeSection[] = [];
  const segments: ExeSegment[] = [];
  let dataStart: number | undefined;
  let off = 0;
  for (let i = 0; i < ncmds; i++) {
    if (off + 8 > cmds.length) throw new ExeFormatError(`Mach-O load command ${i} runs past the command area`);
    const cmd = u32(cmds, off);
    const size = u32(cmds, off + 4);
    if (size < 8 || off + size > cmds.length) throw new ExeFormatError(`Mach-O load command ${i} has bad size ${size}`);
    if (cmd === LC_SEGMENT_64 || cmd === LC_SEGMENT) {
      const w = cmd === LC_SEGMENT_64;
      const segHdr = w ? 72 : 56;
      const secSize = w ? 80 : 68;
      if (size < segHdr) throw new ExeFormatError(`Mach-O segment command ${i} too short`);
      const b = cmds.subarray(off, off + size);
      const segname = cString(b.subarray(8, 24), 0);
      const vmaddr = w ? u64(b, 24) : u32(b, 24);
      const fileoff = w ? u64(b, 40) : u32(b, 32);
      const filesize = w ? u64(b, 48) : u32(b, 36);
      const maxprot = u32(b, w ? 56 : 40);
      const initprot = u32(b, w ? 60 : 44);
      const nsects = u32(b, w ? 64 : 48);
      if (![vmaddr, fileoff, filesize].some(Number.isNaN)) {
        segments.push({
          vaddr: vmaddr,
          offset: fileoff,
          filesz: Math.max(0, Math.min(filesize, file.size - fileoff)),
          readable: (initprot & VM_PROT_READ) !== 0,
          writable: (initprot & VM_PROT_WRITE) !== 0,
          executable: (initprot & VM_PROT_EXECUTE) !== 0,
        });
        // Go's debug/buildinfo fallback: first non-empty segment mapped exactly read-write
        const RW = VM_PROT_READ | VM_PROT_WRITE;
        if (dataStart === undefined && vmaddr !== 0 && filesize !== 0 && initprot === RW && maxprot === RW) dataStart = vmaddr;
      }
      if (segHdr + nsects * secSize > size) throw new ExeFormatError(`Mach-O segment ${segname} claims ${nsects} sections that do not fit its command`);
      for (let s = 0; s < nsects; s++) {
        const sb = b.subarray(segHdr + s * secSize, segHdr + (s + 1) * secSize);
        const sectname = cString(sb.subarray(0, 16), 0);
        const sseg = cString(sb.subarray(16, 32), 0);
        const addr = w ? u64(sb, 32) : u32(sb, 32);
        const ssize = w ? u64(sb, 40) : u32(sb, 36);
        const offset = u32(sb, w ? 48 : 40);
        const flags = u32(sb, w ? 64 : 56);
        const type = flags & 0xff;
        const zerofill = type === S_ZEROFILL || type === S_GB_ZEROFILL || type === S_THREAD_LOCAL_ZEROFILL;
        if (Number.isNaN(addr) || Number.isNaN(ssize)) continue;
        sections.push({ name: sectname, segment: sseg, addr, offset, size: zerofill ? 0 : ssize });
      }
    }
    off += size;
  }
  return { format: 'macho', littleEndian: le, ptrSize: is64 ? 8 : 4, sections, segments, dataStart };
}
