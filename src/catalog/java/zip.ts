/**
 * Bounded zip access over yauzl for Java archives. Every read has a size cap, the total inflated
 * bytes per top-level archive share one budget, and entry listing stops after a maximum count, so
 * hostile archives (zip bombs, lying sizes, looping nesting, billions of entries) cost bounded time
 * and memory. Failures surface as ZipLimitError / yauzl errors for the caller to turn into warnings.
 */
import yauzl from 'yauzl';
import type { Entry, ZipFile } from 'yauzl';

export class ZipLimitError extends Error {
  override name = 'ZipLimitError';
}

/** shared by an archive and everything nested in it */
export interface ZipBudget {
  /** bytes still allowed to be inflated */
  inflateRemaining: number;
  /** nested archives still allowed to be opened */
  nestedRemaining: number;
}

const OPTIONS: yauzl.Options = {
  lazyEntries: true,
  autoClose: false,
  decodeStrings: true,
  // reject entries whose data does not match the sizes the central directory declares
  validateEntrySizes: true,
  strictFileNames: false,
};

export class ZipArchive {
  private constructor(private readonly zip: ZipFile) {
    // late errors from the underlying reader must never become unhandled 'error' events
    zip.on('error', () => undefined);
  }

  static async openFile(path: string): Promise<ZipArchive> {
    return new ZipArchive(await yauzl.openPromise(path, OPTIONS));
  }

  static async openBuffer(buf: Buffer): Promise<ZipArchive> {
    return new ZipArchive(await yauzl.fromBufferPromise(buf, OPTIONS));
  }

  /** declared number of entries (from the end of central directory record) */
  get entryCount(): number {
    return this.zip.entryCount;
  }

  /**
   * Walk the central directory, calling `visit` for each entry, up to `maxEntries`. Returns
   * whether the listing was complete, or the error that cut it short (entries before it were
   * still visited).
   */
  async walk(maxEntries: number, visit: (e: Entry) => void): Promise<{ complete: boolean; error?: Error }> {
    let n = 0;
    try {
      for await (const e of this.zip.eachEntry()) {
        if (++n > maxEntries) return { complete: false };
        visit(e);
      }
      return { complete: true };
    } catch (err) {
      return { complete: false, error: err instanceof Error ? err : new Error(String(err)) };
    }
  }

  /**
   * Read one entry fully, at most `max` bytes (declared and actual), charging `budget`.
   * Throws ZipLimitError when a limit is hit, or yauzl's error (bad data, unsupported method).
   */
  async read(entry: Entry, max: number, budget: ZipBudget): Promise<Buffer> {
    if (entry.uncompressedSize > max) throw new ZipLimitError(`${entry.fileName} declares ${entry.uncompressedSize} bytes, more than the ${max}-byte limit`);
    if (entry.uncompressedSize > budget.inflateRemaining) throw new ZipLimitError(`${entry.fileName}: decompression budget for this archive exhausted`);
    const stream = await this.zip.openReadStreamPromise(entry);
    return new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let total = 0;
      let settled = false;
      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        stream.destroy();
        reject(err);
      };
      stream.on('data', (c: Buffer) => {
        total += c.length;
        budget.inflateRemaining -= c.length;
        if (total > max) return fail(new ZipLimitError(`${entry.fileName} inflates past the ${max}-byte limit`));
        if (budget.inflateRemaining < 0) return fail(new ZipLimitError(`${entry.fileName}: decompression budget for this archive exhausted`));
        chunks.push(c);
      });
      stream.on('error', (err: Error) => fail(err));
      stream.on('end', () => {
        if (settled) return;
        settled = true;
        resolve(Buffer.concat(chunks, total));
      });
      stream.on('close', () => fail(new Error(`${entry.fileName}: stream closed before its end`)));
    });
  }

  close(): void {
    try {
      this.zip.close();
    } catch {
      /* already closed */
    }
  }
}

export type { Entry };
