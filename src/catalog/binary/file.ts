/**
 * Bounded random access to a local file: the executable parsers read headers and single sections
 * with positioned reads instead of loading a (possibly 500 MB) binary into memory.
 */
import { open, type FileHandle } from 'node:fs/promises';

export class RandomAccessFile {
  private constructor(
    private readonly fh: FileHandle,
    /** file size in bytes at open time */
    readonly size: number,
  ) {}

  static async open(path: string): Promise<RandomAccessFile> {
    const fh = await open(path, 'r');
    try {
      const st = await fh.stat();
      return new RandomAccessFile(fh, st.size);
    } catch (e) {
      await fh.close();
      throw e;
    }
  }

  /**
   * Read up to `length` bytes at `offset`. Returns fewer bytes when the range runs past the end of
   * the file (callers check the length), never throws for out-of-range offsets.
   */
  async read(offset: number, length: number): Promise<Buffer> {
    if (!Number.isSafeInteger(offset) || offset < 0 || offset >= this.size || length <= 0) return Buffer.alloc(0);
    const n = Math.min(length, this.size - offset);
    const buf = Buffer.allocUnsafe(n);
    let got = 0;
    while (got < n) {
      const { bytesRead } = await this.fh.read(buf, got, n - got, offset + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return got === n ? buf : buf.subarray(0, got);
  }

  /** Read exactly `length` bytes or return undefined (range outside the file). */
  async readExact(offset: number, length: number): Promise<Buffer | undefined> {
    const b = await this.read(offset, length);
    return b.length === length ? b : undefined;
  }

  async close(): Promise<void> {
    await this.fh.close().catch(() => undefined);
  }
}
