/**
 * Read side of the advisory database: the query API the matcher uses.
 *
 *   const db = AdvisoryDB.open(path);                       // read-only by default
 *   db.candidates('Debian', '12', 'openssl')                // AffectedRow[] for one package
 *   db.candidatesBatch('npm', undefined, names)             // Map<name as given, AffectedRow[]>
 *   db.advisory('GHSA-...')                                 // AdvisoryRow (display fields, severity)
 *   db.idsForAlias('CVE-2023-0286')                         // advisories that are or alias that id
 *   db.status(); db.close();
 *
 * Names are normalised here (osv/ecosystem.ts normalizePackageName), so pass them as the package
 * manager writes them. Ecosystem bases are matched case-insensitively ("pypi" finds "PyPI").
 *
 * Release semantics for distributions: rows carry eco_release ("12", "3.20", "22.04"; see
 * releaseForDistro()). With a release, candidates() returns that release's rows plus release-less
 * rows (e.g. the unstable line of a Debian tracker entry), except that a release-specific row of the
 * same advisory and package replaces the release-less one. Without a release, every row of the
 * package is returned (language ecosystems have no releases).
 */
import { statSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { PlimsollError } from '../../util/errors.js';
import { canonicalEcosystemBase, normalizePackageName } from '../osv/ecosystem.js';
import type { SeverityEntry, SeverityLevel } from '../osv/severity.js';
import type { OsvRecord } from '../osv/types.js';
import { openSqlite } from './open.js';
import type { Sqlite } from './open.js';
import type { AffectedNote, StoredRange } from './rows.js';

export type { AffectedNote, StoredRange } from './rows.js';
import { resolveDbPath } from './paths.js';
import { BUILD_HINT } from './open.js';
export { defaultDbPath, resolveDbPath } from './paths.js';
export { SCHEMA_VERSION } from './schema.js';
export { BUILD_HINT } from './open.js';

/** One affected[] entry of one advisory, ready for version matching. */
export interface AffectedRow {
  advisoryId: string;
  /** full OSV ecosystem as published ("Ubuntu:Pro:16.04:LTS") */
  ecosystem: string;
  ecoBase: string;
  ecoRelease: string | null;
  /** normalised name (the lookup key) */
  name: string;
  /** name as the advisory wrote it */
  nameRaw: string;
  purl: string | null;
  /** ECOSYSTEM and SEMVER ranges; events in published order (sort them with the ecosystem's comparator) */
  ranges: StoredRange[];
  /** explicit affected versions ([] when none) */
  versions: string[];
  ecosystemSpecific: Record<string, unknown> | null;
  databaseSpecific: Record<string, unknown> | null;
  /** data problems recorded at import: git ranges ignored, unparsable versions, no comparator, ... */
  notes: AffectedNote[];
  /** advisory-level fields repeated for convenience */
  severity: SeverityLevel | null;
  score: number | null;
  malicious: boolean;
}

export interface AdvisoryRow {
  id: string;
  summary: string | null;
  details: string | null;
  published: string | null;
  modified: string;
  aliases: string[];
  related: string[];
  severity: SeverityLevel | null;
  score: number | null;
  vector: string | null;
  /** what decided `severity` ("cvss_v3.1", "ubuntu:high", "ghsa:MODERATE", "malicious") */
  severitySource: string | null;
  /** every rating the record carries */
  severities: SeverityEntry[];
  references: { type: string; url: string }[];
  databaseSpecific: Record<string, unknown> | null;
  malicious: boolean;
  /** location of the input this advisory came from */
  source: string;
}

export interface SourceStatus {
  location: string;
  kind: string;
  ecosystem: string | null;
  records: number;
  withdrawn: number;
  skipped: number;
  duplicates: number;
  warnings: number;
  etag: string | null;
  lastModified: string | null;
  sha256: string | null;
  bytes: number | null;
  importedAt: string;
  note: string | null;
}

export interface EcosystemStatus {
  ecosystem: string;
  release: string | null;
  advisories: number;
  packages: number;
  rows: number;
}

export interface DbStatus {
  path: string;
  sizeBytes: number;
  schemaVersion: number;
  builtAt: string | null;
  contentDigest: string | null;
  plimsollVersion: string | null;
  totals: { advisories: number; affected: number; aliases: number; withdrawn: number; malicious: number; sources: number };
  sources: SourceStatus[];
  ecosystems: EcosystemStatus[];
  /** things a user should know about the contents (formats not imported, ...) */
  notes: string[];
}

type AffectedDbRow = {
  advisory_id: string;
  ecosystem: string;
  eco_base: string;
  eco_release: string | null;
  name: string;
  name_raw: string;
  purl: string | null;
  ranges: string;
  versions: string | null;
  ecosystem_specific: string | null;
  database_specific: string | null;
  notes: string | null;
  severity: SeverityLevel | null;
  score: number | null;
  malicious: number;
};

const AFFECTED_COLS = `f.advisory_id, f.ecosystem, f.eco_base, f.eco_release, f.name, f.name_raw, f.purl, f.ranges, f.versions, f.ecosystem_specific, f.database_specific, f.notes, a.severity, a.score, a.malicious`;

function toAffected(r: AffectedDbRow): AffectedRow {
  return {
    advisoryId: r.advisory_id,
    ecosystem: r.ecosystem,
    ecoBase: r.eco_base,
    ecoRelease: r.eco_release,
    name: r.name,
    nameRaw: r.name_raw,
    purl: r.purl,
    ranges: JSON.parse(r.ranges) as StoredRange[],
    versions: r.versions ? (JSON.parse(r.versions) as string[]) : [],
    ecosystemSpecific: r.ecosystem_specific ? (JSON.parse(r.ecosystem_specific) as Record<string, unknown>) : null,
    databaseSpecific: r.database_specific ? (JSON.parse(r.database_specific) as Record<string, unknown>) : null,
    notes: r.notes ? (JSON.parse(r.notes) as AffectedNote[]) : [],
    severity: r.severity,
    score: r.score,
    malicious: r.malicious === 1,
  };
}

/** Apply release precedence: drop release-less rows shadowed by a release-specific row of the same advisory+name. */
function applyPrecedence(rows: AffectedDbRow[]): AffectedDbRow[] {
  if (!rows.some((r) => r.eco_release === null) || !rows.some((r) => r.eco_release !== null)) return rows;
  const specific = new Set(rows.filter((r) => r.eco_release !== null).map((r) => `${r.advisory_id}\u0000${r.name}`));
  return rows.filter((r) => r.eco_release !== null || !specific.has(`${r.advisory_id}\u0000${r.name}`));
}

type AdvisoryDbRow = {
  id: string;
  summary: string | null;
  details: string | null;
  published: string | null;
  modified: string;
  aliases: string;
  related: string | null;
  severity: SeverityLevel | null;
  score: number | null;
  vector: string | null;
  severity_source: string | null;
  severities: string | null;
  refs: string | null;
  database_specific: string | null;
  malicious: number;
  location: string;
};

function toAdvisory(r: AdvisoryDbRow): AdvisoryRow {
  return {
    id: r.id,
    summary: r.summary,
    details: r.details,
    published: r.published,
    modified: r.modified,
    aliases: JSON.parse(r.aliases) as string[],
    related: r.related ? (JSON.parse(r.related) as string[]) : [],
    severity: r.severity,
    score: r.score,
    vector: r.vector,
    severitySource: r.severity_source,
    severities: r.severities ? (JSON.parse(r.severities) as SeverityEntry[]) : [],
    references: r.refs ? (JSON.parse(r.refs) as { type: string; url: string }[]) : [],
    databaseSpecific: r.database_specific ? (JSON.parse(r.database_specific) as Record<string, unknown>) : null,
    malicious: r.malicious === 1,
    source: r.location,
  };
}

const BATCH = 500;

export class AdvisoryDB {
  readonly path: string;
  private db: Sqlite | undefined;
  private readonly baseCache = new Map<string, string>();
  private readonly q: ReturnType<AdvisoryDB['prepare']>;

  private constructor(path: string, db: Sqlite) {
    this.path = path;
    this.db = db;
    this.q = this.prepare();
  }

  /**
   * Open a database. Throws PlimsollError: NOT_FOUND (no file: says how to build one), PARSE_ERROR
   * (not a plimsoll database, damaged, or a schema newer/older than this build).
   */
  static open(path: string, opts: { readonly?: boolean } = {}): AdvisoryDB {
    return new AdvisoryDB(path, openSqlite(path, { readonly: opts.readonly ?? true }));
  }

  private get sql(): Sqlite {
    if (!this.db) throw new PlimsollError('INTERNAL', `advisory database ${this.path} used after close()`);
    return this.db;
  }

  private prepare() {
    const db = this.db!;
    return {
      byName: db.prepare(`SELECT ${AFFECTED_COLS} FROM affected f JOIN advisories a ON a.id = f.advisory_id WHERE f.eco_base = ? AND f.name = ? ORDER BY f.advisory_id, f.rowid`),
      byRelease: db.prepare(
        `SELECT ${AFFECTED_COLS} FROM affected f JOIN advisories a ON a.id = f.advisory_id WHERE f.eco_base = ? AND f.name = ? AND (f.eco_release = ? OR f.eco_release IS NULL) ORDER BY f.advisory_id, f.rowid`,
      ),
      byNames: db.prepare(
        `SELECT ${AFFECTED_COLS} FROM affected f JOIN advisories a ON a.id = f.advisory_id WHERE f.eco_base = ? AND f.name IN (SELECT value FROM json_each(?)) ORDER BY f.advisory_id, f.rowid`,
      ),
      byNamesRelease: db.prepare(
        `SELECT ${AFFECTED_COLS} FROM affected f JOIN advisories a ON a.id = f.advisory_id WHERE f.eco_base = ? AND f.name IN (SELECT value FROM json_each(?)) AND (f.eco_release = ? OR f.eco_release IS NULL) ORDER BY f.advisory_id, f.rowid`,
      ),
      advisory: db.prepare(
        `SELECT a.id, a.summary, a.details, a.published, a.modified, a.aliases, a.related, a.severity, a.score, a.vector, a.severity_source, a.severities, a.refs, a.database_specific, a.malicious, s.location
         FROM advisories a JOIN sources s ON s.id = a.source_id WHERE a.id = ?`,
      ),
      advisories: db.prepare(
        `SELECT a.id, a.summary, a.details, a.published, a.modified, a.aliases, a.related, a.severity, a.score, a.vector, a.severity_source, a.severities, a.refs, a.database_specific, a.malicious, s.location
         FROM advisories a JOIN sources s ON s.id = a.source_id WHERE a.id IN (SELECT value FROM json_each(?))`,
      ),
      idsForAliases: db.prepare(
        `SELECT id AS alias, id FROM advisories WHERE id IN (SELECT value FROM json_each(?)) UNION SELECT alias, id FROM aliases WHERE alias IN (SELECT value FROM json_each(?))`,
      ),
      raw: db.prepare(`SELECT raw FROM advisories WHERE id = ?`),
      idsForAlias: db.prepare(`SELECT id FROM advisories WHERE id = ? UNION SELECT id FROM aliases WHERE alias = ? ORDER BY 1`),
      aliasesOf: db.prepare(`SELECT alias AS x FROM aliases WHERE id = ? AND kind <> 'related' UNION SELECT id AS x FROM aliases WHERE alias = ? AND kind <> 'related' ORDER BY 1`),
      hasBase: db.prepare(`SELECT 1 FROM affected WHERE eco_base = ? LIMIT 1`),
      baseNoCase: db.prepare(`SELECT eco_base FROM affected WHERE eco_base = ? COLLATE NOCASE LIMIT 1`),
      releases: db.prepare(`SELECT DISTINCT eco_release FROM affected WHERE eco_base = ? AND eco_release IS NOT NULL ORDER BY eco_release`),
    };
  }

  /**
   * Ecosystem base as stored. Known OSV ecosystems are stored in canonical spelling ("pypi" -> "PyPI");
   * unknown ones as the advisory wrote them, so those fall back to a case-insensitive lookup.
   */
  private base(ecosystemBase: string): string {
    const hit = this.baseCache.get(ecosystemBase);
    if (hit) return hit;
    let stored = canonicalEcosystemBase(ecosystemBase);
    if (!this.q.hasBase.get(stored)) {
      const row = this.q.baseNoCase.get(stored) as { eco_base: string } | undefined;
      if (row) stored = row.eco_base;
    }
    this.baseCache.set(ecosystemBase, stored);
    return stored;
  }

  /** Affected rows for one package (see the module comment for release semantics). */
  candidates(ecosystemBase: string, release: string | undefined, name: string): AffectedRow[] {
    const base = this.base(ecosystemBase);
    const n = normalizePackageName(base, name);
    const rows = (release === undefined ? this.q.byName.all(base, n) : this.q.byRelease.all(base, n, release)) as AffectedDbRow[];
    return (release === undefined ? rows : applyPrecedence(rows)).map(toAffected);
  }

  /**
   * Affected rows for many packages of one ecosystem at once. Keys are the names as given; names with
   * no rows map to []. One query per 500 names.
   */
  candidatesBatch(ecosystemBase: string, release: string | undefined, names: Iterable<string>): Map<string, AffectedRow[]> {
    const base = this.base(ecosystemBase);
    const out = new Map<string, AffectedRow[]>();
    const byNorm = new Map<string, string[]>();
    for (const name of names) {
      if (out.has(name)) continue;
      out.set(name, []);
      const n = normalizePackageName(base, name);
      const list = byNorm.get(n);
      if (list) list.push(name);
      else byNorm.set(n, [name]);
    }
    const norms = [...byNorm.keys()];
    for (let i = 0; i < norms.length; i += BATCH) {
      const chunk = JSON.stringify(norms.slice(i, i + BATCH));
      const rows = (release === undefined ? this.q.byNames.all(base, chunk) : this.q.byNamesRelease.all(base, chunk, release)) as AffectedDbRow[];
      const grouped = new Map<string, AffectedDbRow[]>();
      for (const r of rows) {
        const g = grouped.get(r.name);
        if (g) g.push(r);
        else grouped.set(r.name, [r]);
      }
      for (const [n, g] of grouped) {
        const parsed = (release === undefined ? g : applyPrecedence(g)).map(toAffected);
        for (const original of byNorm.get(n) ?? []) out.set(original, parsed);
      }
    }
    return out;
  }

  /** Releases present for an ecosystem base (e.g. to tell "no data for Alpine 3.21"). */
  releases(ecosystemBase: string): string[] {
    return (this.q.releases.all(this.base(ecosystemBase)) as { eco_release: string }[]).map((r) => r.eco_release);
  }

  /** One advisory's display fields, or undefined. */
  advisory(id: string): AdvisoryRow | undefined {
    const r = this.q.advisory.get(id) as AdvisoryDbRow | undefined;
    return r ? toAdvisory(r) : undefined;
  }

  /** Many advisories in one indexed query per 500 ids (the matcher's hot path). */
  advisories(ids: Iterable<string>): Map<string, AdvisoryRow> {
    const out = new Map<string, AdvisoryRow>();
    const list = [...new Set(ids)];
    for (let i = 0; i < list.length; i += BATCH) {
      const rows = this.q.advisories.all(JSON.stringify(list.slice(i, i + BATCH))) as AdvisoryDbRow[];
      for (const r of rows) out.set(r.id, toAdvisory(r));
    }
    return out;
  }

  /** idsForAlias for many aliases at once: alias → advisory ids. */
  idsForAliases(aliases: Iterable<string>): Map<string, string[]> {
    const out = new Map<string, string[]>();
    const list = [...new Set(aliases)];
    for (const a of list) out.set(a, []);
    for (let i = 0; i < list.length; i += BATCH) {
      const chunk = JSON.stringify(list.slice(i, i + BATCH));
      const rows = this.q.idsForAliases.all(chunk, chunk) as { alias: string; id: string }[];
      for (const r of rows) {
        const l = out.get(r.alias)!;
        if (!l.includes(r.id)) l.push(r.id);
      }
    }
    for (const l of out.values()) l.sort();
    return out;
  }

  /** The record exactly as imported (converted records: the OSV form plimsoll built). */
  record(id: string): OsvRecord | undefined {
    const r = this.q.raw.get(id) as { raw: Buffer } | undefined;
    return r ? (JSON.parse(inflateRawSync(r.raw).toString('utf8')) as OsvRecord) : undefined;
  }

  /** Advisory ids that are `alias` or list it as an alias/upstream id (e.g. every record for a CVE). */
  idsForAlias(alias: string): string[] {
    return (this.q.idsForAlias.all(alias, alias) as { id: string }[]).map((r) => r.id);
  }

  /** Ids connected to `id` one hop either way: its aliases and the advisories that alias it. */
  aliasesOf(id: string): string[] {
    return (this.q.aliasesOf.all(id, id) as { x: string }[]).map((r) => r.x);
  }

  status(): DbStatus {
    const db = this.sql;
    const meta = new Map((db.prepare(`SELECT key, value FROM meta`).all() as { key: string; value: string }[]).map((r) => [r.key, r.value]));
    const count = (sql: string): number => (db.prepare(sql).get() as { n: number }).n;
    const sources = (db.prepare(`SELECT * FROM sources ORDER BY location`).all() as Record<string, unknown>[]).map(
      (s): SourceStatus => ({
        location: s.location as string,
        kind: s.kind as string,
        ecosystem: (s.ecosystem as string | null) ?? null,
        records: s.records as number,
        withdrawn: s.withdrawn as number,
        skipped: s.skipped as number,
        duplicates: s.duplicates as number,
        warnings: s.warnings as number,
        etag: (s.etag as string | null) ?? null,
        lastModified: (s.last_modified as string | null) ?? null,
        sha256: (s.sha256 as string | null) ?? null,
        bytes: (s.bytes as number | null) ?? null,
        importedAt: s.imported_at as string,
        note: (s.note as string | null) ?? null,
      }),
    );
    const ecosystems = (
      db
        .prepare(
          `SELECT eco_base, eco_release, COUNT(DISTINCT advisory_id) AS adv, COUNT(DISTINCT name) AS pkgs, COUNT(*) AS n FROM affected GROUP BY eco_base, eco_release ORDER BY eco_base, eco_release`,
        )
        .all() as { eco_base: string; eco_release: string | null; adv: number; pkgs: number; n: number }[]
    ).map((r) => ({ ecosystem: r.eco_base, release: r.eco_release, advisories: r.adv, packages: r.pkgs, rows: r.n }));
    const notes: string[] = [];
    for (const s of sources) if (s.kind.startsWith('skipped:')) notes.push(`${s.location}: ${s.note ?? 'not imported'}`);
    let sizeBytes = 0;
    try {
      sizeBytes = statSync(this.path).size;
    } catch {
      /* raced with a rename: size unknown */
    }
    return {
      path: this.path,
      sizeBytes,
      schemaVersion: Number(meta.get('schema_version')),
      builtAt: meta.get('built_at') ?? null,
      contentDigest: meta.get('content_digest') ?? null,
      plimsollVersion: meta.get('plimsoll_version') ?? null,
      totals: {
        advisories: count(`SELECT COUNT(*) AS n FROM advisories`),
        affected: count(`SELECT COUNT(*) AS n FROM affected`),
        aliases: count(`SELECT COUNT(*) AS n FROM aliases`),
        withdrawn: count(`SELECT COUNT(*) AS n FROM withdrawn`),
        malicious: count(`SELECT COUNT(*) AS n FROM advisories WHERE malicious = 1`),
        sources: sources.length,
      },
      sources,
      ecosystems,
      notes,
    };
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
  }
}

/**
 * Open the database a command should use: --db if given, else $PLIMSOLL_DB, else the user cache
 * location. plimsoll ships no advisory data; when there is no database the error says where it looked
 * and how to build one (offline from files, or by download).
 */
export function openAdvisoryDb(dbFlag?: string): AdvisoryDB {
  const path = resolveDbPath(dbFlag);
  try {
    return AdvisoryDB.open(path);
  } catch (e) {
    if (e instanceof PlimsollError && e.code === 'NOT_FOUND' && !dbFlag) {
      throw new PlimsollError(
        'NOT_FOUND',
        `no advisory database at ${path} (the default location; set --db FILE or $PLIMSOLL_DB to use another); ${BUILD_HINT}`,
        { cause: e },
      );
    }
    throw e;
  }
}
