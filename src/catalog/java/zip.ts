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

/** the shared decompression budget ran out: stop reading anything more from this file */
export class ZipBudgetError extends ZipLimitError {
  override name = 'ZipBudgetError';
}

/** shared by an archive and everything nested in it */
export interface ZipBudget {
  /** the initial inflate allowance, for messages */
  total: number;
  /** bytes still allowed to be inflated */
  inflateRemaining: number;
  /** set once a read was refused for lack of budget */
  exhausted: boolean;
  /** nested archives still allowed to be opened */
  nestedRemaining: number;
}

const OPTIONS: yauzl.Options = {
  lazyEntries: true,
  autoClose: false,
  // names are decoded here rather than by yauzl, which aborts the whole listing on the first
  // "../x" or "/x" name: a hostile archive could hide every later entry behind one
  decodeStrings: false,
  // reject entries whose data does not match the sizes the central directory declares
  validateEntrySizes: true,
  strictFileNames: false,
};

/** an entry with its decoded name */
export interface ZipItem {
  name: string;
  entry: Entry;
}

function decodeName(e: Entry): string {
  const raw = e.fileName as unknown as Buffer;
  // UTF-8 flag / Info-ZIP unicode path extra field, else CP437; backslashes become slashes
  return yauzl.getFileNameLowLevel(e.generalPurposeBitFlag, raw, e.extraFields, false);
}

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
  async walk(maxEntries: number, visit: (item: ZipItem) => void): Promise<{ complete: boolean; listed: number; error?: Error }> {
    let n = 0;
    try {
      for await (const entry of this.zip.eachEntry()) {
        if (n >= maxEntries) return { complete: false, listed: n };
        n++;
        visit({ name: decodeName(entry), entry });
      }
      return { complete: true, listed: n };
    } catch (err) {
      return { complete: false, listed: n, error: err instanceof Error ? err : new Error(String(err)) };
    }
  }

  /**
   * Read one entry fully, at most `max` bytes (declared and actual), charging `budget`.
   * Throws ZipLimitError when a limit is hit, or yauzl's error (bad data, unsupported method).
   */
  async read(item: ZipItem, max: number, budget: ZipBudget): Promise<Buffer> {
    const { entry, name } = item;
    if (entry.uncompressedSize > max) throw new ZipLimitError(`declares ${entry.uncompressedSize} bytes, more than the ${max}-byte limit`);
    if (budget.exhausted || entry.uncompressedSize > budget.inflateRemaining) {
      budget.exhausted = true;
      throw new ZipBudgetError(`the decompression budget for this archive (${budget.total} bytes) is exhausted`);
    }
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
        if (total > max) return fail(new ZipLimitError(`inflates past the ${max}-byte limit`));
        if (budget.inflateRemaining < 0) {
          budget.exhausted = true;
          return fail(new ZipBudgetError(`the decompression budget for this archive (${budget.total} bytes) is exhausted`));
        }
        chunks.push(c);
      });
      stream.on('error', (err: Error) => fail(err));
      stream.on('end', () => {
        if (settled) return;
        settled = true;
        resolve(Buffer.concat(chunks, total));
      });
      stream.on('close', () => fail(new Error(`${name}: stream closed before its end`)));
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
