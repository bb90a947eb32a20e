/**
 * Reading OSV's per-ecosystem all.zip (one JSON record per member) with yauzl, bounded:
 *  - at most `maxEntries` members;
 *  - a member declaring more than `maxMemberBytes` is skipped with a warning (not inflated);
 *  - inflated bytes across the archive are capped by `maxTotalBytes` (a zip bomb fails the archive);
 *  - yauzl validates each member's size against the central directory and we check its CRC-32 (yauzl
 *    does not), so a truncated or corrupt archive fails as a whole: an integrity error, never a
 *    partial import.
 */
import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import type { Entry, ZipFile } from 'yauzl';
import { PlimsollError } from '../../util/errors.js';

export interface ZipLimits {
  maxEntries: number;
  maxMemberBytes: number;
  maxTotalBytes: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 5_000_000,
  maxMemberBytes: 32 * 1024 * 1024,
  maxTotalBytes: 16 * 1024 * 1024 * 1024,
};

export interface ZipMember {
  name: string;
  /** the member's bytes, or undefined when it was skipped (warning given) */
  data?: Buffer;
  warning?: string;
}

const OPTIONS: yauzl.Options = { lazyEntries: true, autoClose: false, decodeStrings: true, validateEntrySizes: true, strictFileNames: false };

function corrupt(path: string, e: unknown): PlimsollError {
  return new PlimsollError('PARSE_ERROR', `${path}: not a valid zip archive (${(e as Error).message ?? String(e)}); the download may be truncated or corrupt: fetch it again`, {
    cause: e,
  });
}

/**
 * Iterate the .json members of a zip file. Throws PlimsollError on a corrupt archive or a limit hit.
 */
export async function* readZipMembers(path: string, limits: ZipLimits = DEFAULT_ZIP_LIMITS): AsyncGenerator<ZipMember> {
  let zip: ZipFile;
  try {
    zip = await yauzl.openPromise(path, OPTIONS);
  } catch (e) {
    throw corrupt(path, e);
  }
  zip.on('error', () => undefined);
  let total = 0;
  let n = 0;
  try {
    if (zip.entryCount > limits.maxEntries) {
      throw new PlimsollError('PARSE_ERROR', `${path}: archive lists ${zip.entryCount} members, more than the ${limits.maxEntries} allowed; refusing it`);
    }
    const it = zip.eachEntry();
    for (;;) {
      let next: IteratorResult<Entry>;
      try {
        next = await it.next();
      } catch (e) {
        throw corrupt(path, e);
      }
      if (next.done) break;
      const entry = next.value;
      if (++n > limits.maxEntries) throw new PlimsollError('PARSE_ERROR', `${path}: more than ${limits.maxEntries} members; refusing it`);
      const name = entry.fileName;
      if (name.endsWith('/') || !name.toLowerCase().endsWith('.json')) continue;
      if (entry.uncompressedSize > limits.maxMemberBytes) {
        yield { name, warning: `${path}!${name}: member declares ${entry.uncompressedSize} bytes, more than the ${limits.maxMemberBytes}-byte limit per record; skipped` };
        continue;
      }
      if (total + entry.uncompressedSize > limits.maxTotalBytes) {
        throw new PlimsollError('PARSE_ERROR', `${path}: archive inflates to more than ${limits.maxTotalBytes} bytes; refusing it (zip bomb guard)`);
      }
      let data: Buffer;
      try {
        data = await readEntry(zip, entry, limits.maxMemberBytes);
      } catch (e) {
        throw corrupt(`${path}!${name}`, e);
      }
      total += data.length;
      yield { name, data };
    }
  } finally {
    zip.close();
  }
}

async function readEntry(zip: ZipFile, entry: Entry, max: number): Promise<Buffer> {
  const stream = await zip.openReadStreamPromise(entry);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) {
      stream.destroy();
      throw new Error(`member inflates past its ${max}-byte limit`);
    }
    chunks.push(chunk);
  }
  const data = Buffer.concat(chunks, size);
  // yauzl checks sizes but not CRC-32: verify it here so a corrupt member fails the archive
  if (crc32(data) >>> 0 !== entry.crc32 >>> 0) throw new Error(`CRC-32 mismatch (stored ${entry.crc32.toString(16)}, computed ${crc32(data).toString(16)})`);
  return data;
}
