/**
 * `db update`: fetch OSV's per-ecosystem archives (`<base>/<Ecosystem>/all.zip`, the layout of the
 * osv-vulnerabilities bucket) and rebuild the affected sources of the database atomically.
 *
 * Steps, in this order, so that any failure leaves the old database untouched and working:
 *  1. for each ecosystem, a conditional request (If-None-Match / If-Modified-Since from the validators
 *     stored with that source); 304 -> nothing to do for it. A local directory as base works the same
 *     (air-gapped mirrors): "not modified" when the file's sha256 equals the stored one;
 *  2. downloads go to a private temp directory next to the database, hashed while written, capped in
 *     size, and checked against `--checksums FILE` (sha256sum format) or a `<url>.sha256` sidecar when
 *     the mirror has one;
 *  3. if anything changed: copy the database to a temp file, replace each changed source's rows from
 *     its archive (the archive must parse completely: a corrupt zip aborts the whole update), then
 *     fsync and rename over the database.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { PlimsollError } from '../../util/errors.js';
import { DbBuilder } from './builder.js';
import { ingestZip } from './import.js';
import type { SourceReport } from './import.js';
import { openSqlite } from './open.js';
import { removeStaleDownloads } from './paths.js';
import { DEFAULT_ZIP_LIMITS } from './zip.js';
import type { ZipLimits } from './zip.js';

export const DEFAULT_BASE_URL = 'https://osv-vulnerabilities.storage.googleapis.com';

/** Ecosystems fetched when neither --ecosystems nor earlier downloads say otherwise. */
export const DEFAULT_ECOSYSTEMS: readonly string[] = ['Debian', 'Ubuntu', 'Alpine', 'npm', 'PyPI', 'Maven', 'Go', 'crates.io', 'RubyGems', 'Packagist', 'NuGet'];

export const DEFAULT_MAX_DOWNLOAD_BYTES = 4 * 1024 * 1024 * 1024;

export interface UpdateOptions {
  /** http(s) URL or local directory (or file:// URL); default DEFAULT_BASE_URL */
  baseUrl?: string;
  ecosystems?: string[];
  /** sha256sum-format file listing `<Ecosystem>/all.zip` digests */
  checksumsFile?: string;
  /** ignore stored validators and build a new database from the downloads only */
  fresh?: boolean;
  /** idle timeout per request (no bytes for this long aborts it) */
  timeoutMs?: number;
  maxDownloadBytes?: number;
  zipLimits?: ZipLimits;
  /** progress/log lines */
  log?: (msg: string) => void;
}

export type EcosystemOutcome = {
  ecosystem: string;
  location: string;
  status: 'updated' | 'not-modified';
  bytes?: number;
  sha256?: string;
  report?: SourceReport;
};

export interface UpdateReport {
  dbPath: string;
  changed: boolean;
  contentDigest: string | null;
  ecosystems: EcosystemOutcome[];
  seconds: number;
}

interface StoredValidators {
  etag: string | null;
  last_modified: string | null;
  sha256: string | null;
}

type Fetched =
  | { status: 'not-modified' }
  | { status: 'ok'; path: string; sha256: string; bytes: number; etag: string | null; lastModified: string | null };

function isHttp(base: string): boolean {
  return /^https?:\/\//i.test(base);
}

function locationFor(base: string, ecosystem: string): string {
  if (isHttp(base)) return `${base.replace(/\/+$/, '')}/${encodeURIComponent(ecosystem)}/all.zip`;
  return join(base, ecosystem, 'all.zip');
}

function validEcosystemName(e: string): boolean {
  return e.length > 0 && e.length <= 100 && !/[/\\]/.test(e) && e !== '.' && e !== '..' && !/[\u0000-\u001f]/.test(e);
}

/** Parse a sha256sum-style file: "<hex>  <path>" (or "<hex> *<path>") per line. */
export function parseChecksums(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^([0-9a-fA-F]{64})\s+\*?(.+?)\s*$/.exec(line.trim());
    if (m) out.set(m[2]!.replace(/^\.\//, ''), m[1]!.toLowerCase());
  }
  return out;
}

function readValidators(dbPath: string, fresh: boolean): { byLocation: Map<string, StoredValidators>; ecosystems: string[] } {
  const byLocation = new Map<string, StoredValidators>();
  const ecosystems: string[] = [];
  if (fresh || !existsSync(dbPath)) return { byLocation, ecosystems };
  const db = openSqlite(dbPath, { readonly: true });
  try {
    for (const r of db.prepare(`SELECT location, ecosystem, etag, last_modified, sha256 FROM sources WHERE kind = 'osv-zip' OR ecosystem IS NOT NULL`).all() as (StoredValidators & {
      location: string;
      ecosystem: string | null;
    })[]) {
      byLocation.set(r.location, r);
      if (r.ecosystem && !ecosystems.includes(r.ecosystem)) ecosystems.push(r.ecosystem);
    }
  } finally {
    db.close();
  }
  return { byLocation, ecosystems };
}

/** Hashing, counting, size-capping pass-through. */
class Meter extends Transform {
  readonly hash = createHash('sha256');
  bytes = 0;
  constructor(
    private readonly max: number,
    private readonly what: string,
    private readonly onData: () => void,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null, d?: Buffer) => void): void {
    this.bytes += chunk.length;
    this.onData();
    if (this.bytes > this.max) {
      cb(new PlimsollError('REGISTRY_ERROR', `${this.what}: larger than the ${this.max}-byte download limit; refusing it`));
      return;
    }
    this.hash.update(chunk);
    cb(null, chunk);
  }
}

async function fetchHttp(url: string, prior: StoredValidators | undefined, dest: string, opts: { timeoutMs: number; maxBytes: number }): Promise<Fetched> {
  const ctrl = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => ctrl.abort(new Error(`no data for ${opts.timeoutMs / 1000} s`)), opts.timeoutMs);
  };
  const headers: Record<string, string> = { 'user-agent': 'plimsoll (advisory db update)' };
  if (prior?.etag) headers['if-none-match'] = prior.etag;
  if (prior?.last_modified) headers['if-modified-since'] = prior.last_modified;
  arm();
  try {
    let res: Response;
    try {
      res = await fetch(url, { headers, signal: ctrl.signal, redirect: 'follow' });
    } catch (e) {
      throw new PlimsollError('REGISTRY_ERROR', `cannot download ${url}: ${(e as Error).cause ? String(((e as Error).cause as Error).message ?? (e as Error).cause) : (e as Error).message}; check the network or use --base-url DIR with a local mirror`, { cause: e });
    }
    if (res.status === 304) {
      await res.body?.cancel();
      return { status: 'not-modified' };
    }
    if (res.status === 404 || res.status === 403) {
      await res.body?.cancel();
      throw new PlimsollError('REGISTRY_ERROR', `${url}: HTTP ${res.status}; is the ecosystem name spelled as in the OSV bucket (e.g. "crates.io", "PyPI", "Debian")?`);
    }
    if (res.status !== 200 || !res.body) {
      await res.body?.cancel();
      throw new PlimsollError('REGISTRY_ERROR', `${url}: HTTP ${res.status} ${res.statusText}; try again later`);
    }
    // with a content-encoding, fetch decodes the body and Content-Length counts the encoded bytes
    const encoded = (res.headers.get('content-encoding') ?? 'identity').toLowerCase() !== 'identity';
    const declared = encoded ? NaN : Number(res.headers.get('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > opts.maxBytes) {
      await res.body.cancel();
      throw new PlimsollError('REGISTRY_ERROR', `${url}: ${declared} bytes, more than the ${opts.maxBytes}-byte download limit; refusing it`);
    }
    const meter = new Meter(opts.maxBytes, url, arm);
    try {
      await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>), meter, createWriteStream(dest, { mode: 0o600 }));
    } catch (e) {
      if (e instanceof PlimsollError) throw e;
      throw new PlimsollError('REGISTRY_ERROR', `download of ${url} failed: ${(e as Error).message}; the database was not changed`, { cause: e });
    }
    if (Number.isFinite(declared) && declared !== meter.bytes) {
      throw new PlimsollError('REGISTRY_ERROR', `download of ${url} is truncated (${meter.bytes} of ${declared} bytes); the database was not changed`);
    }
    return { status: 'ok', path: dest, sha256: meter.hash.digest('hex'), bytes: meter.bytes, etag: res.headers.get('etag'), lastModified: res.headers.get('last-modified') };
  } finally {
    if (timer) clearTimeout(timer);
  }
}

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) h.update(chunk);
  return h.digest('hex');
}

async function fetchLocal(path: string, prior: StoredValidators | undefined): Promise<Fetched> {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new PlimsollError('SOURCE_NOT_FOUND', `${path}: not found in the local mirror (expected <DIR>/<Ecosystem>/all.zip, the OSV bucket layout)`);
  }
  if (!st.isFile()) throw new PlimsollError('SOURCE_UNSUPPORTED', `${path}: not a regular file`);
  const sha256 = await sha256File(path);
  if (prior?.sha256 === sha256) return { status: 'not-modified' };
  return { status: 'ok', path, sha256, bytes: st.size, etag: null, lastModified: st.mtime.toUTCString() };
}

/** A mirror's `<location>.sha256` sidecar, if it has one. */
async function sidecar(location: string, timeoutMs: number): Promise<string | undefined> {
  let text: string | undefined;
  if (isHttp(location)) {
    try {
      const res = await fetch(`${location}.sha256`, { signal: AbortSignal.timeout(timeoutMs) });
      if (res.status !== 200) {
        await res.body?.cancel();
        return undefined;
      }
      text = (await res.text()).slice(0, 4096);
    } catch {
      return undefined;
    }
  } else if (existsSync(`${location}.sha256`)) {
    text = readFileSync(`${location}.sha256`, 'utf8').slice(0, 4096);
  }
  const m = text ? /^\s*([0-9a-fA-F]{64})\b/.exec(text) : null;
  return m ? m[1]!.toLowerCase() : undefined;
}

export async function updateFromMirror(dbPath: string, opts: UpdateOptions = {}): Promise<UpdateReport> {
  const t0 = process.hrtime.bigint();
  const log = opts.log ?? (() => undefined);
  let base = opts.baseUrl ?? DEFAULT_BASE_URL;
  if (/^file:\/\//i.test(base)) base = fileURLToPath(base);
  if (!isHttp(base)) {
    base = resolve(base);
    if (!existsSync(base)) throw new PlimsollError('SOURCE_NOT_FOUND', `--base-url ${base}: no such directory (expected a local mirror laid out as <DIR>/<Ecosystem>/all.zip)`);
  }
  const fresh = opts.fresh ?? false;
  const stored = readValidators(dbPath, fresh);
  const ecosystems = opts.ecosystems && opts.ecosystems.length > 0 ? opts.ecosystems : stored.ecosystems.length > 0 ? stored.ecosystems : [...DEFAULT_ECOSYSTEMS];
  for (const e of ecosystems) if (!validEcosystemName(e)) throw new PlimsollError('USAGE', `--ecosystems: ${JSON.stringify(e)} is not an ecosystem name`);
  const checksums = opts.checksumsFile ? parseChecksums(readFileSync(opts.checksumsFile, 'utf8')) : undefined;
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const maxBytes = opts.maxDownloadBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES;

  mkdirSync(dirname(dbPath), { recursive: true });
  removeStaleDownloads(dirname(dbPath));
  const dl = join(dirname(dbPath), `.plimsoll-download-${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(dl, { mode: 0o700 });
  const outcomes: EcosystemOutcome[] = [];
  const pending: { ecosystem: string; location: string; fetched: Extract<Fetched, { status: 'ok' }> }[] = [];
  try {
    for (const ecosystem of ecosystems) {
      const location = locationFor(base, ecosystem);
      const prior = fresh ? undefined : stored.byLocation.get(location);
      log(`checking ${location}`);
      const fetched = isHttp(base)
        ? await fetchHttp(location, prior, join(dl, `${pending.length}.zip`), { timeoutMs, maxBytes })
        : await fetchLocal(location, prior);
      if (fetched.status === 'not-modified') {
        outcomes.push({ ecosystem, location, status: 'not-modified' });
        continue;
      }
      const expected = checksums ? checksums.get(`${ecosystem}/all.zip`) : await sidecar(location, timeoutMs);
      if (checksums && !expected) {
        throw new PlimsollError('PARSE_ERROR', `${opts.checksumsFile}: no checksum for ${ecosystem}/all.zip; the database was not changed`);
      }
      if (expected && expected !== fetched.sha256) {
        throw new PlimsollError('DIGEST_MISMATCH', `${location}: sha256 ${fetched.sha256} does not match the published ${expected}; the database was not changed`);
      }
      pending.push({ ecosystem, location, fetched });
    }
    if (pending.length === 0 && existsSync(dbPath)) {
      return { dbPath, changed: false, contentDigest: null, ecosystems: outcomes, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
    }
    const builder = DbBuilder.create(dbPath, { fresh });
    let digest: string;
    try {
      for (const p of pending) {
        // a mirror switch: drop this ecosystem's archive from any other base
        for (const other of builder.zipSourcesFor(p.ecosystem)) if (other !== p.location) builder.removeSource(other);
        log(`importing ${p.location}`);
        const report = await ingestZip(
          builder,
          p.fetched.path,
          { location: p.location, kind: 'osv-zip', ecosystem: p.ecosystem, etag: p.fetched.etag, lastModified: p.fetched.lastModified, sha256: p.fetched.sha256, bytes: p.fetched.bytes },
          opts.zipLimits ?? DEFAULT_ZIP_LIMITS,
        );
        outcomes.push({ ecosystem: p.ecosystem, location: p.location, status: 'updated', bytes: p.fetched.bytes, sha256: p.fetched.sha256, report });
      }
      const result = await builder.commit();
      digest = result.contentDigest;
      for (const o of outcomes) if (o.report) o.report.records = result.sourceRecords.get(o.location) ?? o.report.records;
    } catch (e) {
      builder.abort();
      throw e;
    }
    const order = new Map(ecosystems.map((e, i) => [e, i]));
    outcomes.sort((a, b) => order.get(a.ecosystem)! - order.get(b.ecosystem)!);
    return { dbPath, changed: true, contentDigest: digest, ecosystems: outcomes, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
  } finally {
    rmSync(dl, { recursive: true, force: true });
  }
}
