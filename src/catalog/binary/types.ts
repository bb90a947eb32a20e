/** Format-neutral executable layout types shared by the ELF, Mach-O and PE parsers. */

export type ExecutableFormat = 'elf' | 'macho' | 'pe';

export interface ExeSection {
  name: string;
  /** Mach-O segment name ("__DATA"); empty for ELF/PE */
  segment: string;
  /** virtual address (0 when the section is not loaded) */
  addr: number;
  /** file offset of the section's bytes */
  offset: number;
  /** bytes of the section present in the file (0 for NOBITS/zerofill) */
  size: number;
}

export interface ExeSegment {
  vaddr: number;
  /** file offset */
  offset: number;
  /** bytes backed by the file */
  filesz: number;
  readable: boolean;
  writable: boolean;
  executable: boolean;
}

export interface ExeLayout {
  format: ExecutableFormat;
  littleEndian: boolean;
  /** 4 or 8 */
  ptrSize: 4 | 8;
  sections: ExeSection[];
  segments: ExeSegment[];
  /**
   * Virtual address of the start of initialized writable data (where Go's linker puts its build
   * info when there is no dedicated section), if the format tells.
   */
  dataStart?: number;
}

/** The file claims to be an executable of a known format but its headers are inconsistent. */
export class ExeFormatError extends Error {
  override name = 'ExeFormatError';
}

/** Limits on header tables so a hostile header cannot make us allocate or loop without bound. */
export const EXE_LIMITS = {
  maxSections: 65_536,
  maxSegments: 65_536,
  maxLoadCommandBytes: 16 * 1024 * 1024,
  maxSectionNameTable: 4 * 1024 * 1024,
} as const;

/** Convert a header integer (number or bigint) to a safe JS number, or NaN if it does not fit. */
export function toNum(v: number | bigint): number {
  if (typeof v === 'number') return v;
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : NaN;
}

/** NUL-terminated string at `off` of a string table (empty when out of range) */
export function cString(tbl: Buffer, off: number): string {
  if (off >= tbl.length) return '';
  let end = tbl.indexOf(0, off);
  if (end < 0) end = tbl.length;
  return tbl.toString('latin1', off, end);
}
