/**
 * The advisory database schema (SQLite). One file, rebuilt or copied-and-modified into a temp file and
 * renamed over the old one, so readers only ever see a complete database.
 *
 * Tables:
 *  meta        key/value: schema_version, built_at, content_digest, plimsoll_version, counts.
 *  sources     one row per input (file, directory of OSV JSON files, downloaded all.zip) with counts
 *              and the HTTP validators (etag, last_modified) used by conditional updates.
 *  advisories  one row per advisory id: display fields, normalised severity, raw record (deflated).
 *  aliases     (alias, id, kind) for lookups both ways; kind = alias | upstream | related.
 *  affected    one row per (advisory, affected[] entry): the lookup key (eco_base, eco_release, name)
 *              and the ranges/versions the matcher evaluates, as compact JSON.
 *  withdrawn   ids of withdrawn records seen (excluded from advisories), so a later import of an
 *              older, non-withdrawn copy does not resurrect them.
 *
 * Bump SCHEMA_VERSION on any incompatible change; open() refuses newer files with a clear message and
 * older ones with "rebuild".
 */
export const SCHEMA_VERSION = 1;

/** PRAGMA application_id: marks a SQLite file as a plimsoll advisory database ("PLMS"). */
export const APPLICATION_ID = 0x504c4d53;

export const DDL = `
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE sources (
  id            INTEGER PRIMARY KEY,
  location      TEXT NOT NULL UNIQUE,   -- absolute path or URL
  kind          TEXT NOT NULL,          -- osv-jsonl | osv-json | osv-dir | osv-zip | alpine-secdb | debian-tracker | skipped:<why> | mixed
  ecosystem     TEXT,                   -- for downloaded per-ecosystem zips
  records       INTEGER NOT NULL DEFAULT 0,  -- advisories stored from this source
  withdrawn     INTEGER NOT NULL DEFAULT 0,
  skipped       INTEGER NOT NULL DEFAULT 0,  -- unparsable / invalid records
  duplicates    INTEGER NOT NULL DEFAULT 0,  -- ids already present (identical, older or newer)
  warnings      INTEGER NOT NULL DEFAULT 0,
  etag          TEXT,
  last_modified TEXT,
  sha256        TEXT,
  bytes         INTEGER,
  imported_at   TEXT NOT NULL,
  note          TEXT
);

CREATE TABLE advisories (
  id                TEXT PRIMARY KEY,
  source_id         INTEGER NOT NULL,
  summary           TEXT,
  details           TEXT,
  published         TEXT,
  modified          TEXT NOT NULL,
  aliases           TEXT NOT NULL,       -- JSON array (aliases + upstream)
  related           TEXT,                -- JSON array or NULL
  severity          TEXT,                -- critical | high | medium | low | none | NULL (unknown)
  score             REAL,
  vector            TEXT,
  severity_source   TEXT,
  severities        TEXT,                -- JSON: every rating found (SeverityEntry[])
  refs              TEXT,                -- JSON references
  database_specific TEXT,                -- JSON or NULL
  malicious         INTEGER NOT NULL DEFAULT 0,
  merged            INTEGER NOT NULL DEFAULT 0,  -- converted advisory whose affected rows may come from several sources
  content_hash      TEXT NOT NULL,
  raw               BLOB NOT NULL        -- deflate-raw of the record's JSON
);
CREATE INDEX advisories_source ON advisories(source_id);

CREATE TABLE aliases (
  alias TEXT NOT NULL,
  id    TEXT NOT NULL,
  kind  TEXT NOT NULL,
  PRIMARY KEY (alias, id)
) WITHOUT ROWID;
CREATE INDEX aliases_id ON aliases(id);

CREATE TABLE affected (
  rowid             INTEGER PRIMARY KEY,
  advisory_id       TEXT NOT NULL,
  source_id         INTEGER NOT NULL,
  ecosystem         TEXT NOT NULL,       -- as published: 'Debian:12', 'Ubuntu:Pro:16.04:LTS'
  eco_base          TEXT NOT NULL,       -- canonical base: 'Debian'
  eco_release       TEXT,                -- normalised release: '12', '3.20', '16.04'; NULL if none
  name              TEXT NOT NULL,       -- normalised per ecosystem (see osv/ecosystem.ts)
  name_raw          TEXT NOT NULL,
  purl              TEXT,
  ranges            TEXT NOT NULL,       -- JSON [{type, events:[{kind, version}]}] (GIT ranges removed)
  versions          TEXT,                -- JSON array or NULL
  ecosystem_specific TEXT,
  database_specific TEXT,
  notes             TEXT                 -- JSON [{kind, ...}] or NULL: git range ignored, unparsable version, ...
);
CREATE INDEX affected_advisory ON affected(advisory_id);

CREATE TABLE withdrawn (
  id        TEXT PRIMARY KEY,
  source_id INTEGER NOT NULL,
  modified  TEXT NOT NULL,
  withdrawn TEXT NOT NULL
) WITHOUT ROWID;
`;

/**
 * Lookup indexes on affected. A fresh build creates them after loading (faster than maintaining them
 * row by row); every build ends with these statements, so a copied database keeps them.
 */
export const LOOKUP_INDEX_DDL = `
CREATE INDEX IF NOT EXISTS affected_name ON affected(eco_base, name);
CREATE INDEX IF NOT EXISTS affected_release ON affected(eco_base, eco_release, name);
CREATE INDEX IF NOT EXISTS affected_source ON affected(source_id);
`;
