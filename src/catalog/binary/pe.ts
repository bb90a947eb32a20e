/**
 * PE/COFF parsing (PE32 and PE32+): section table with virtual addresses (image base applied) and
 * file offsets. Long section names ("/123") are resolved through the COFF string table.
 */
import type { RandomAccessFile } from './file.js';
import { ExeFormatError, toNum, type ExeLayout, type ExeSection, type ExeSegment, cString } from './types.js';

const IMAGE_SCN_CNT_CODE = 0x20;
const IMAGE_SCN_CNT_INITIALIZED_DATA = 0x40;
const IMAGE_SCN_MEM_EXECUTE = 0x20000000;
const IMAGE_SCN_MEM_READ = 0x40000000;
const IMAGE_SCN_MEM_WRITE = 0x80000000;
const IMAGE_SCN_ALIGN_32BYTES = 0x600000;

export async function parsePe(file: RandomAccessFile): Promise<ExeLayout | undefined> {
  const dos = await file.readExact(0, 64);
  if (!dos) return undefined; // "MZ" text file, not an executable
  const peOff = dos.readUInt32LE(0x3c);
  const sig = await file.readExact(peOff, 24);
  if (!sig || sig.readUInt32BE(0) !== 0x50450000) return undefined; // DOS stub only, or not PE at all
  const nsects = sig.readUInt16LE(6);
  const symtab = sig.readUInt32LE(12);
  const nsyms = sig.readUInt32LE(16);
  const optSize = sig.readUInt16LE(20);
  const opt = await file.readExact(peOff + 24, optSize);
  if (!opt || optSize < 2) throw new ExeFormatError('PE optional header truncated');
  const magic = opt.readUInt16LE(0);
  let imageBase: number;
  let is64: boolean;
  if (magic === 0x10b && optSize >= 32) {
    is64 = false;
    imageBase = opt.readUInt32LE(28);
  } else if (magic === 0x20b && optSize >= 32) {
    is64 = true;
    imageBase = toNum(opt.readBigUInt64LE(24));
  } else {
    throw new ExeFormatError(`PE optional header magic 0x${magic.toString(16)} unknown`);
  }
  if (Number.isNaN(imageBase)) throw new ExeFormatError('PE image base out of range');
  const tbl = await file.readExact(peOff + 24 + optSize, nsects * 40);
  if (!tbl) throw new ExeFormatError(`PE section table (${nsects} entries) runs past the end of the ${file.size}-byte file`);

  // COFF string table for long section names (Go writes ".go.buildinfo"-style names there)
  let strtab: Buffer | undefined;
  const strtabName = async (off: number): Promise<string> => {
    if (!symtab) return '';
    if (!strtab) {
      const at = symtab + nsyms * 18;
      const len = (await file.readExact(at, 4))?.readUInt32LE(0) ?? 0;
      strtab = await file.read(at, Math.min(len, 1 << 20));
    }
    return cString(strtab, off);
  };

  const sections: ExeSection[] = [];
  const segments: ExeSegment[] = [];
  let dataStart: number | undefined;
  for (let i = 0; i < nsects; i++) {
    const b = tbl.subarray(i * 40, (i + 1) * 40);
    let name = cString(b.subarray(0, 8), 0);
    if (/^\/\d+$/.test(name)) name = await strtabName(Number(name.slice(1)));
    const vsize = b.readUInt32LE(8);
    const va = b.readUInt32LE(12);
    const rawSize = b.readUInt32LE(16);
    const rawPtr = b.readUInt32LE(20);
    const ch = b.readUInt32LE(36);
    const vaddr = imageBase + va;
    // bytes in the file: SizeOfRawData is file-aligned padding, VirtualSize the real size
    const filesz = Math.max(0, Math.min(vsize || rawSize, rawSize, file.size - rawPtr));
    sections.push({ name, segment: '', addr: vaddr, offset: rawPtr, size: rawPtr ? filesz : 0 });
    if (rawPtr) {
      segments.push({
        vaddr,
        offset: rawPtr,
        filesz,
        readable: (ch & IMAGE_SCN_MEM_READ) !== 0,
        writable: (ch & IMAGE_SCN_MEM_WRITE) !== 0,
        executable: (ch & (IMAGE_SCN_MEM_EXECUTE | IMAGE_SCN_CNT_CODE)) !== 0,
      });
    }
    // Go's debug/buildinfo: the first initialized read-write data section
    if (dataStart === undefined && va !== 0 && vsize !== 0 && (ch & ~IMAGE_SCN_ALIGN_32BYTES) >>> 0 === (IMAGE_SCN_CNT_INITIALIZED_DATA | IMAGE_SCN_MEM_READ | IMAGE_SCN_MEM_WRITE) >>> 0) {
      dataStart = vaddr;
    }
  }
  return { format: 'pe', littleEndian: true, ptrSize: is64 ? 8 : 4, sections, segments, dataStart };
}
