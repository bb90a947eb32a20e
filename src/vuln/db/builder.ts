/**
 * Writes a database: a temp file next to the target (fresh, or a copy of the current database), one
 * transaction, prepared statements, then fsync and an atomic rename. Until commit() renames, the old
 * database is untouched; abort() (or a crash) leaves only a temp file that the next build removes.
 *
 * Identity and duplicates (the same advisory id from two inputs, e.g. a GHSA record in both the npm
 * and the Maven all.zip):
 *  - identical content: kept once;
 *  - different content: the newer `modified` wins; on a tie the later input wins (a warning names both);
 *  - a withdrawn record removes an equal-or-older copy and blocks older copies imported later;
 *  - converted advisories (Alpine secdb) are "merged": the same id from several inputs accumulates
 *    affected rows (one advisory per CVE across Alpine releases).
 * Each source owns its rows; importing the same location again replaces exactly that source's rows.
 */
import { closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { PlimsollError } from '../../util/errors.js';
import { VERSION } from '../../version.js';
import { DDL, LOOKUP_INDEX_DDL, APPLICATION_ID, SCHEMA_VERSION } from './schema.js';
import { checkSchema } from './open.js';
import type { Sqlite } from './open.js';
import { removeStaleTemps, tempPathFor } from './paths.js';
import { contentHash, recordToRows } from './rows.js';
import type { AdvisoryData } from './rows.js';
import { parseOsvRecord } from '../osv/types.js';
import type { OsvRecord } from '../osv/types.js';

export interface SourceInfo {
  location: string;
  kind: string;
  ecosystem?: string | null;
  etag?: string | null;
  lastModified?: string | null;
  sha256?: string | null;
  bytes?: number | null;
  note?: string | null;
}

export interface SourceCounts {
  records: number;
  withdrawn: number;
  skipped: number;
  duplicates: number;
  warnings: number;
}

export interface CommitResult {
  contentDigest: string;
  /** totals in the finished database */
  totals: { advisories: number; affected: number; withdrawn: number };
  /** advisories per source location in the finished database (after duplicates and merges) */
  sourceRecords: Map<string, number>;
}

/** Warnings kept per source for the report (all are counted). */
export const MAX_KEPT_WARNINGS = 200;

type AdvRow = { id: string; modified: string; content_hash: string; merged: number; source_id: number; location: string };

/** Compare RFC 3339 timestamps; missing/invalid sort first. */
export function compareModified(a: string, b: string): number {
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  const na = Number.isNaN(ta) ? -Infinity : ta;
  const nb = Number.isNaN(tb) ? -Infinity : tb;
  return na < nb ? -1 : na > nb ? 1 : 0;
}

export function nowIso(): string {
  const epoch = process.env.SOURCE_DATE_EPOCH;
  const d = epoch && /^\d+$/.test(epoch) ? new Date(Number(epoch) * 1000) : new Date();
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Builds in progress in this process (so a signal handler can remove their temp files). */
const ACTIVE = new Set<DbBuilder>();

/** Abort every build in progress (for SIGINT/SIGTERM handlers in the CLI). */
export function abortActiveBuilds(): void {
  for (const b of [...ACTIVE]) b.abort();
}

export class DbBuilder {
  readonly target: string;
  readonly tempPath: string;
  private db: Sqlite | undefined;
  private readonly st: ReturnType<DbBuilder['prepare']>;
  private readonly mergedTouched = new Set<string>();
  private finished = false;

  private constructor(target: string, tempPath: string, db: Sqlite) {
    this.target = target;
    this.tempPath = tempPath;
    this.db = db;
    this.st = this.prepare();
    ACTIVE.add(this);
  }

  /**
   * Start a build for `target`. fresh: an empty database; otherwise a copy of the existing one (which
   * must have this plimsoll's schema; see open.ts for the messages).
   */
  static create(target: string, opts: { fresh: boolean }): DbBuilder {
    mkdirSync(dirname(target), { recursive: true });
    removeStaleTemps(target);
    const temp = tempPathFor(target);
    const copy = !opts.fresh && existsSync(target);
    let db: Sqlite | undefined;
    try {
      if (copy) {
        // validate before copying so a foreign or newer file gets the clear message
        const probe = new Database(target, { readonly: true, fileMustExist: true });
        try {
          checkSchema(probe, target);
        } finally {
          probe.close();
        }
        copyFileSync(target, temp);
      }
      db = new Database(temp);
      // The temp file is private and deleted on any failure, so no rollback journal is needed.
      // better-sqlite3 runs SQLite in defensive mode, which refuses journal_mode=OFF; lift it for
      // this one pragma only.
      db.unsafeMode(true);
      db.pragma('journal_mode = OFF');
      db.unsafeMode(false);
      db.pragma('synchronous = OFF');
      db.pragma('locking_mode = EXCLUSIVE');
      db.pragma('temp_store = MEMORY');
      db.pragma('cache_size = -65536');
      if (!copy) {
        db.pragma(`application_id = ${APPLICATION_ID}`);
        db.pragma(`user_version = ${SCHEMA_VERSION}`);
        db.exec(DDL);
        db.prepare(`INSERT INTO meta(key, value) VALUES ('schema_version', ?)`).run(String(SCHEMA_VERSION));
      }
      db.exec('BEGIN');
      return new DbBuilder(target, temp, db);
    } catch (e) {
      db?.close();
      rmSync(temp, { force: true });
      if (e instanceof PlimsollError) throw e;
      throw new PlimsollError('IO_ERROR', `cannot create advisory database next to ${target}: ${(e as Error).message}`, { cause: e });
    }
  }

  private get sql(): Sqlite {
    if (!this.db) throw new PlimsollError('INTERNAL', 'advisory database builder used after commit/abort');
    return this.db;
  }

  private prepare() {
    const db = this.db!;
    return {
      sourceByLocation: db.prepare(`SELECT id FROM sources WHERE location = ?`),
      sourcesByEcosystem: db.prepare(`SELECT location FROM sources WHERE ecosystem = ? AND kind = 'osv-zip'`),
      insertSource: db.prepare(
        `INSERT INTO sources(location, kind, ecosystem, etag, last_modified, sha256, bytes, imported_at, note) VALUES (@location, @kind, @ecosystem, @etag, @lastModified, @sha256, @bytes, @importedAt, @note)`,
      ),
      finishSource: db.prepare(`UPDATE sources SET kind = @kind, withdrawn = @withdrawn, skipped = @skipped, duplicates = @duplicates, warnings = @warnings, note = @note WHERE id = @id`),
      getAdv: db.prepare(`SELECT a.id, a.modified, a.content_hash, a.merged, a.source_id, s.location FROM advisories a JOIN sources s ON s.id = a.source_id WHERE a.id = ?`),
      getWithdrawn: db.prepare(`SELECT modified FROM withdrawn WHERE id = ?`),
      putWithdrawn: db.prepare(`INSERT OR REPLACE INTO withdrawn(id, source_id, modified, withdrawn) VALUES (?, ?, ?, ?)`),
      delWithdrawn: db.prepare(`DELETE FROM withdrawn WHERE id = ?`),
      insertAdv: db.prepare(
        `INSERT INTO advisories(id, source_id, summary, details, published, modified, aliases, related, severity, score, vector, severity_source, severities, refs, database_specific, malicious, merged, content_hash, raw)
         VALUES (@id, @sourceId, @summary, @details, @published, @modified, @aliases, @related, @severity, @score, @vector, @severitySource, @severities, @refs, @databaseSpecific, @malicious, @merged, @contentHash, @raw)`,
      ),
      insertAlias: db.prepare(`INSERT OR IGNORE INTO aliases(alias, id, kind) VALUES (?, ?, ?)`),
      insertAffected: db.prepare(
        `INSERT INTO affected(advisory_id, source_id, ecosystem, eco_base, eco_release, name, name_raw, purl, ranges, versions, ecosystem_specific, database_specific, notes)
         VALUES (@advisoryId, @sourceId, @ecosystem, @ecoBase, @ecoRelease, @name, @nameRaw, @purl, @ranges, @versions, @ecosystemSpecific, @databaseSpecific, @notes)`,
      ),
      delAdv: db.prepare(`DELETE FROM advisories WHERE id = ?`),
      delAliases: db.prepare(`DELETE FROM aliases WHERE id = ?`),
      delAffectedOf: db.prepare(`DELETE FROM affected WHERE advisory_id = ?`),
    };
  }

  /** Locations of downloaded per-ecosystem sources for `ecosystem` (any base URL). */
  zipSourcesFor(ecosystem: string): string[] {
    return (this.st.sourcesByEcosystem.all(ecosystem) as { location: string }[]).map((r) => r.location);
  }

  /** Remove a source and every row it owns. Returns false when there was no such source. */
  removeSource(location: string): boolean {
    const row = this.st.sourceByLocation.get(location) as { id: number } | undefined;
    if (!row) return false;
    const db = this.sql;
    const id = row.id;
    // merged (converted) advisories with rows from this source: their raw copy must be rebuilt
    const touched = db.prepare(`SELECT DISTINCT f.advisory_id AS id FROM affected f JOIN advisories a ON a.id = f.advisory_id WHERE f.source_id = ? AND a.merged = 1`).all(id) as { id: string }[];
    db.prepare(`DELETE FROM affected WHERE source_id = ?`).run(id);
    // merged advisories owned by this source that still have rows from other sources change owner
    db.prepare(
      `UPDATE advisories SET source_id = (SELECT MIN(f.source_id) FROM affected f WHERE f.advisory_id = advisories.id)
       WHERE source_id = ? AND merged = 1 AND EXISTS (SELECT 1 FROM affected f WHERE f.advisory_id = advisories.id)`,
    ).run(id);
    for (const t of touched) this.mergedTouched.add(t.id);
    // everything else this source owns goes
    db.prepare(`DELETE FROM aliases WHERE id IN (SELECT id FROM advisories WHERE source_id = ?)`).run(id);
    db.prepare(`DELETE FROM advisories WHERE source_id = ?`).run(id);
    db.prepare(`DELETE FROM withdrawn WHERE source_id = ?`).run(id);
    db.prepare(`DELETE FROM sources WHERE id = ?`).run(id);
    return true;
  }

  /** Begin a source (replacing any earlier import of the same location). */
  beginSource(info: SourceInfo): SourceWriter {
    this.removeSource(info.location);
    const res = this.st.insertSource.run({
      location: info.location,
      kind: info.kind,
      ecosystem: info.ecosystem ?? null,
      etag: info.etag ?? null,
      lastModified: info.lastModified ?? null,
      sha256: info.sha256 ?? null,
      bytes: info.bytes ?? null,
      importedAt: nowIso(),
      note: info.note ?? null,
    });
    return new SourceWriter(this, Number(res.lastInsertRowid), info);
  }

  /** @internal used by SourceWriter */
  store(src: SourceWriter, rec: OsvRecord, text: string, where: string, merge: boolean): void {
    const st = this.st;
    const c = src.counts;
    if (rec.withdrawn) {
      c.withdrawn++;
      const w = st.getWithdrawn.get(rec.id) as { modified: string } | undefined;
      if (w && compareModified(w.modified, rec.modified) > 0) return;
      const existing = st.getAdv.get(rec.id) as AdvRow | undefined;
      if (existing && compareModified(existing.modified, rec.modified) > 0) {
        src.warn(`${where}: withdrawn copy of ${rec.id} is older than the one from ${existing.location}; kept that one`);
        return;
      }
      if (existing) this.deleteAdvisory(rec.id);
      st.putWithdrawn.run(rec.id, src.id, rec.modified, rec.withdrawn);
      return;
    }
    const w = st.getWithdrawn.get(rec.id) as { modified: string } | undefined;
    if (w) {
      if (compareModified(w.modified, rec.modified) >= 0) {
        c.duplicates++;
        return;
      }
      st.delWithdrawn.run(rec.id);
    }
    const data = recordToRows(rec, text, where);
    for (const msg of data.warnings) src.warn(msg);
    for (const eco of data.unknownEcosystems) src.unknownEcosystem(eco, where);
    const existing = st.getAdv.get(rec.id) as AdvRow | undefined;
    if (existing) {
      if (merge && existing.merged) {
        for (const a of data.aliases) st.insertAlias.run(a, rec.id, 'alias');
        this.insertAffected(data, src.id);
        this.mergedTouched.add(rec.id);
        src.counts.records++;
        return;
      }
      c.duplicates++;
      if (existing.content_hash === data.contentHash) return;
      if (compareModified(rec.modified, existing.modified) < 0) {
        src.warn(`${where}: ${rec.id} is older (modified ${rec.modified || 'unset'}) than the copy from ${existing.location}; kept that one`);
        return;
      }
      src.warn(`${where}: ${rec.id} replaces the ${existing.modified === rec.modified ? 'equally dated' : 'older'} copy from ${existing.location}`);
      this.deleteAdvisory(rec.id);
    }
    this.insertAdvisory(data, src.id, merge);
    src.counts.records++;
  }

  private deleteAdvisory(id: string): void {
    this.st.delAffectedOf.run(id);
    this.st.delAliases.run(id);
    this.st.delAdv.run(id);
    this.mergedTouched.delete(id);
  }

  private insertAdvisory(d: AdvisoryData, sourceId: number, merged: boolean): void {
    const s = d.severity;
    this.st.insertAdv.run({
      id: d.id,
      sourceId,
      summary: d.summary,
      details: d.details,
      published: d.published,
      modified: d.modified,
      aliases: JSON.stringify([...d.aliases, ...d.upstream]),
      related: d.related.length ? JSON.stringify(d.related) : null,
      severity: s.level,
      score: s.score,
      vector: s.vector,
      severitySource: s.source,
      severities: s.entries.length ? JSON.stringify(s.entries) : null,
      refs: d.references ? JSON.stringify(d.references) : null,
      databaseSpecific: d.databaseSpecific ? JSON.stringify(d.databaseSpecific) : null,
      malicious: d.malicious ? 1 : 0,
      merged: merged ? 1 : 0,
      contentHash: d.contentHash,
      raw: d.raw,
    });
    for (const a of d.aliases) this.st.insertAlias.run(a, d.id, 'alias');
    for (const a of d.upstream) this.st.insertAlias.run(a, d.id, 'upstream');
    for (const a of d.related) this.st.insertAlias.run(a, d.id, 'related');
    this.insertAffected(d, sourceId);
    if (merged) this.mergedTouched.add(d.id);
  }

  private insertAffected(d: AdvisoryData, sourceId: number): void {
    for (const a of d.affected) {
      this.st.insertAffected.run({
        advisoryId: d.id,
        sourceId,
        ecosystem: a.ecosystem,
        ecoBase: a.ecoBase,
        ecoRelease: a.ecoRelease,
        name: a.name,
        nameRaw: a.nameRaw,
        purl: a.purl,
        ranges: JSON.stringify(a.ranges),
        versions: a.versions ? JSON.stringify(a.versions) : null,
        ecosystemSpecific: a.ecosystemSpecific ? JSON.stringify(a.ecosystemSpecific) : null,
        databaseSpecific: a.databaseSpecific ? JSON.stringify(a.databaseSpecific) : null,
        notes: a.notes.length ? JSON.stringify(a.notes) : null,
      });
    }
  }

  /** @internal */
  finishSource(src: SourceWriter, kind: string, note: string | null): void {
    const c = src.counts;
    this.st.finishSource.run({ id: src.id, kind, withdrawn: c.withdrawn, skipped: c.skipped, duplicates: c.duplicates, warnings: c.warnings, note });
  }

  /**
   * Rebuild the stored raw record and content hash of merged (converted) advisories from their
   * current affected rows, so both are independent of import order.
   */
  private refreshMerged(): void {
    const db = this.sql;
    const getAdv = db.prepare(`SELECT raw FROM advisories WHERE id = ?`);
    const rows = db.prepare(`SELECT ecosystem, name_raw, ranges, versions, ecosystem_specific, database_specific FROM affected WHERE advisory_id = ?`);
    const aliasesOf = db.prepare(`SELECT alias FROM aliases WHERE id = ? AND kind = 'alias' ORDER BY alias`);
    const upd = db.prepare(`UPDATE advisories SET raw = ?, content_hash = ?, aliases = ? WHERE id = ?`);
    const del = db.prepare(`DELETE FROM advisories WHERE id = ?`);
    for (const id of [...this.mergedTouched].sort()) {
      const adv = getAdv.get(id) as { raw: Buffer } | undefined;
      if (!adv) continue;
      const aff = rows.all(id) as { ecosystem: string; name_raw: string; ranges: string; versions: string | null; ecosystem_specific: string | null; database_specific: string | null }[];
      if (aff.length === 0) {
        del.run(id);
        this.st.delAliases.run(id);
        continue;
      }
      const base = JSON.parse(inflate(adv.raw)) as OsvRecord;
      const affected = aff
        .map((r) => ({
          package: { ecosystem: r.ecosystem, name: r.name_raw },
          ranges: (JSON.parse(r.ranges) as { type: string; events: { kind: string; version: string }[] }[]).map((rg) => ({
            type: rg.type,
            events: rg.events.map((e) => ({ [e.kind]: e.version })),
          })),
          ...(r.versions ? { versions: JSON.parse(r.versions) as string[] } : {}),
          ...(r.ecosystem_specific ? { ecosystem_specific: JSON.parse(r.ecosystem_specific) as object } : {}),
          ...(r.database_specific ? { database_specific: JSON.parse(r.database_specific) as object } : {}),
        }))
        .map((a) => ({ key: JSON.stringify(a), a }))
        .sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0))
        .filter((x, i, arr) => i === 0 || arr[i - 1]!.key !== x.key)
        .map((x) => x.a);
      const aliases = (aliasesOf.all(id) as { alias: string }[]).map((r) => r.alias);
      const text = JSON.stringify({ ...base, aliases, affected });
      upd.run(deflateRawSync(Buffer.from(text), { level: 1 }), contentHash(text), JSON.stringify(aliases), id);
    }
    this.mergedTouched.clear();
  }

  /** Deterministic digest of the content: sha256 over sorted (id, modified, content hash). */
  private contentDigest(): string {
    const h = createHash('sha256');
    for (const r of this.sql.prepare(`SELECT id, modified, content_hash FROM advisories ORDER BY id`).iterate() as IterableIterator<{ id: string; modified: string; content_hash: string }>) {
      h.update(`${r.id}\u0000${r.modified}\u0000${r.content_hash}\n`);
    }
    return `sha256:${h.digest('hex')}`;
  }

  /**
   * Finish: recount, write meta, close, fsync, and atomically rename over the target.
   */
  async commit(): Promise<CommitResult> {
    const db = this.sql;
    let digest: string;
    let result: CommitResult;
    try {
      this.refreshMerged();
      db.exec(`UPDATE sources SET records = (SELECT COUNT(*) FROM (SELECT id FROM advisories WHERE source_id = sources.id UNION SELECT advisory_id FROM affected WHERE source_id = sources.id))`);
      digest = this.contentDigest();
      const count = (sql: string): string => String((db.prepare(sql).get() as { n: number }).n);
      const meta: Record<string, string> = {
        schema_version: String(SCHEMA_VERSION),
        built_at: nowIso(),
        content_digest: digest,
        plimsoll_version: VERSION,
        advisories: count(`SELECT COUNT(*) AS n FROM advisories`),
        affected: count(`SELECT COUNT(*) AS n FROM affected`),
        withdrawn: count(`SELECT COUNT(*) AS n FROM withdrawn`),
      };
      const put = db.prepare(`INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)`);
      for (const [k, v] of Object.entries(meta)) put.run(k, v);
      result = {
        contentDigest: digest,
        totals: { advisories: Number(meta.advisories), affected: Number(meta.affected), withdrawn: Number(meta.withdrawn) },
        sourceRecords: new Map((db.prepare(`SELECT location, records FROM sources`).all() as { location: string; records: number }[]).map((r) => [r.location, r.records])),
      };
      db.exec(LOOKUP_INDEX_DDL);
      db.exec('COMMIT');
      db.exec('ANALYZE');
      db.pragma('journal_mode = DELETE');
      db.close();
      this.db = undefined;
      const fd = openSync(this.tempPath, 'r+');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    } catch (e) {
      this.abort();
      if (e instanceof PlimsollError) throw e;
      throw new PlimsollError('IO_ERROR', `writing advisory database ${this.tempPath} failed: ${(e as Error).message}`, { cause: e });
    }
    await testHook('db-before-rename', this.tempPath);
    try {
      renameSync(this.tempPath, this.target);
      this.finished = true;
      ACTIVE.delete(this);
    } catch (e) {
      this.abort();
      throw new PlimsollError('IO_ERROR', `cannot replace ${this.target}: ${(e as Error).message}`, { cause: e });
    }
    try {
      const dfd = openSync(dirname(this.target), 'r');
      try {
        fsyncSync(dfd);
      } finally {
        closeSync(dfd);
      }
    } catch {
      /* directory fsync is best effort (not supported everywhere) */
    }
    return result;
  }

  /** Drop the temp file; the target is left as it was. Safe to call more than once. */
  abort(): void {
    ACTIVE.delete(this);
    try {
      this.db?.close();
    } catch {
      /* already failing */
    }
    this.db = undefined;
    if (!this.finished) {
      for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(this.tempPath + suffix, { force: true });
    }
  }

  /** Bytes written so far (for progress). */
  tempSize(): number {
    try {
      return statSync(this.tempPath).size;
    } catch {
      return 0;
    }
  }
}

export class SourceWriter {
  readonly counts: SourceCounts = { records: 0, withdrawn: 0, skipped: 0, duplicates: 0, warnings: 0 };
  readonly warnings: string[] = [];
  private readonly unknown = new Set<string>();
  constructor(
    private readonly builder: DbBuilder,
    readonly id: number,
    readonly info: SourceInfo,
  ) {}

  warn(msg: string): void {
    this.counts.warnings++;
    if (this.warnings.length < MAX_KEPT_WARNINGS) this.warnings.push(msg);
  }

  /** A record that could not be read or validated: counted as skipped, with a warning. */
  skip(msg: string): void {
    this.counts.skipped++;
    this.warn(msg);
  }

  unknownEcosystem(base: string, where: string): void {
    if (this.unknown.has(base)) return;
    this.unknown.add(base);
    this.warn(`${where}: ecosystem ${JSON.stringify(base.slice(0, 60))} is not in the OSV ecosystem list; records kept as-is (no version comparator: only exact versions can match)`);
  }

  /** Validate and store one parsed JSON value that should be an OSV record. */
  addOsv(value: unknown, where: string): void {
    let rec: OsvRecord;
    try {
      rec = parseOsvRecord(value, where);
    } catch (e) {
      this.skip((e as Error).message);
      return;
    }
    this.addRecord(rec, JSON.stringify(value), where, false);
  }

  /** Store a record already in OSV shape (converted records pass merge = true). */
  addRecord(rec: OsvRecord, text: string, where: string, merge: boolean): void {
    this.builder.store(this, rec, text, where, merge);
  }

  finish(kind?: string, note?: string | null): void {
    this.builder.finishSource(this, kind ?? this.info.kind, note ?? this.info.note ?? null);
  }
}

export function inflate(raw: Buffer): string {
  return inflateRawSync(raw).toString('utf8');
}

/**
 * Test seam: when PLIMSOLL_TEST_HOOK names this point, print a marker on stderr and wait forever,
 * so a test can kill the process at a known moment (used to prove the rename discipline).
 */
async function testHook(point: string, detail: string): Promise<void> {
  if (process.env.PLIMSOLL_TEST_HOOK !== point) return;
  process.stderr.write(`plimsoll-test-hook:${point}:${detail}\n`);
  await new Promise<never>(() => setInterval(() => undefined, 1 << 30));
}
