/**
 * A format-neutral view of an executable (ELF, Mach-O, PE): its named sections and its loadable
 * segments, enough to find a named section (".go.buildinfo", ".dep-v0") and to translate virtual
 * addresses to file offsets (pre-1.18 Go build info stores pointers). Only headers are read when
 * opening; section contents are read on demand with positioned reads.
 */
import { RandomAccessFile } from './file.js';
import { parseElf } from './elf.js';
import { parseMachO } from './macho.js';
import { parsePe } from './pe.js';
import { ExeFormatError, type ExecutableFormat, type ExeLayout, type ExeSection } from './types.js';

export * from './types.js';

export class Executable {
  private constructor(
    readonly file: RandomAccessFile,
    readonly layout: ExeLayout,
  ) {}

  get format(): ExecutableFormat {
    return this.layout.format;
  }
  get size(): number {
    return this.file.size;
  }

  /**
   * Open `path` and parse its headers. Returns undefined when the file is not an ELF, Mach-O (thin)
   * or PE executable (scripts, data files, fat Mach-O). Throws ExeFormatError when the magic
   * matches but the headers are corrupt or truncated; I/O errors propagate.
   */
  static async open(path: string): Promise<Executable | undefined> {
    const file = await RandomAccessFile.open(path);
    try {
      const head = await file.read(0, 64);
      let layout: ExeLayout | undefined;
      if (head.length >= 4 && head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46) {
        layout = await parseElf(file);
      } else if (head.length >= 4 && isMachOMagic(head.readUInt32BE(0))) {
        layout = await parseMachO(file);
      } else if (head.length >= 2 && head[0] === 0x4d && head[1] === 0x5a) {
        layout = await parsePe(file);
      }
      if (!layout) {
        await file.close();
        return undefined;
      }
      return new Executable(file, layout);
    } catch (e) {
      await file.close();
      throw e;
    }
  }

  async close(): Promise<void> {
    await this.file.close();
  }

  /** first section with this name (and Mach-O segment, when given) that has bytes in the file */
  section(name: string, segment?: string): ExeSection | undefined {
    return this.layout.sections.find((s) => s.name === name && (segment === undefined || s.segment === segment) && s.size > 0);
  }

  /**
   * Read a whole section. Returns undefined when absent; throws ExeFormatError when it is larger
   * than `maxBytes` or runs past the end of the file.
   */
  async readSection(name: string, maxBytes: number, segment?: string): Promise<Buffer | undefined> {
    const s = this.section(name, segment);
    if (!s) return undefined;
    if (s.size > maxBytes) throw new ExeFormatError(`section ${name} is ${s.size} bytes, more than the ${maxBytes}-byte limit`);
    const b = await this.file.readExact(s.offset, s.size);
    if (!b) throw new ExeFormatError(`section ${name} (offset ${s.offset}, ${s.size} bytes) lies outside the ${this.size}-byte file`);
    return b;
  }

  /** file offset of a virtual address, and how many file-backed bytes follow it in its segment */
  addrToOffset(addr: number): { offset: number; available: number } | undefined {
    for (const seg of this.layout.segments) {
      if (seg.filesz > 0 && addr >= seg.vaddr && addr < seg.vaddr + seg.filesz) {
        const delta = addr - seg.vaddr;
        return { offset: seg.offset + delta, available: seg.filesz - delta };
      }
    }
    return undefined;
  }

  /** Read `length` bytes at a virtual address; undefined if not fully file-backed. */
  async readVirtual(addr: number, length: number): Promise<Buffer | undefined> {
    const loc = this.addrToOffset(addr);
    if (!loc || loc.available < length) return undefined;
    return this.file.readExact(loc.offset, length);
  }
}

function isMachOMagic(m: number): boolean {
  // MH_MAGIC / MH_MAGIC_64 in either byte order. FAT_MAGIC (0xcafebabe) is deliberately absent:
  // it is also the magic of Java class files, and universal binaries are rare in Linux images.
  return m === 0xfeedface || m === 0xfeedfacf || m === 0xcefaedfe || m === 0xcffaedfe;
}
