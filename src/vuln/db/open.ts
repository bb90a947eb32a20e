/**
 * Opening a database file safely: missing file, a file that is not SQLite, a SQLite file that is not a
 * plimsoll advisory database, and schema versions newer or older than this build each get a message
 * that says what to do.
 */
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { PlimsollError } from '../../util/errors.js';
import { APPLICATION_ID, SCHEMA_VERSION } from './schema.js';

export type Sqlite = Database.Database;

export const BUILD_HINT = 'build one offline with `plimsoll db import DIR` (OSV JSON/JSONL files or all.zip archives) or download one with `plimsoll db update`';

export function openSqlite(path: string, opts: { readonly: boolean }): Sqlite {
  if (!existsSync(path)) {
    throw new PlimsollError('NOT_FOUND', `no advisory database at ${path}; ${BUILD_HINT}`);
  }
  let db: Sqlite;
  try {
    db = new Database(path, { readonly: opts.readonly, fileMustExist: true });
  } catch (e) {
    throw new PlimsollError('IO_ERROR', `cannot open advisory database ${path}: ${(e as Error).message}`, { cause: e });
  }
  try {
    checkSchema(db, path);
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}

/** Verify application_id and schema version; throws PlimsollError with an actionable message. */
export function checkSchema(db: Sqlite, path: string): number {
  let appId: number;
  try {
    appId = db.pragma('application_id', { simple: true }) as number;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
      throw new PlimsollError('PARSE_ERROR', `${path} is not an advisory database (not a SQLite file, or damaged); delete it and ${BUILD_HINT}`, { cause: e });
    }
    throw new PlimsollError('IO_ERROR', `cannot read advisory database ${path}: ${(e as Error).message}`, { cause: e });
  }
  if (appId !== APPLICATION_ID) {
    throw new PlimsollError('PARSE_ERROR', `${path} is a SQLite file but not a plimsoll advisory database; point --db elsewhere, or delete it and ${BUILD_HINT}`);
  }
  let version: number;
  try {
    const row = db.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).get() as { value: string } | undefined;
    version = Number(row?.value ?? NaN);
  } catch (e) {
    throw new PlimsollError('PARSE_ERROR', `${path}: advisory database is damaged (${(e as Error).message}); rebuild it: ${BUILD_HINT}`, { cause: e });
  }
  if (!Number.isInteger(version)) {
    throw new PlimsollError('PARSE_ERROR', `${path}: advisory database has no schema version (an interrupted or foreign build); rebuild it: ${BUILD_HINT}`);
  }
  if (version > SCHEMA_VERSION) {
    throw new PlimsollError('PARSE_ERROR', `DB schema v${version} is newer than this plimsoll supports (v${SCHEMA_VERSION}); upgrade plimsoll or rebuild the DB (${path})`);
  }
  if (version < SCHEMA_VERSION) {
    throw new PlimsollError('PARSE_ERROR', `DB schema v${version} is older than this plimsoll uses (v${SCHEMA_VERSION}); rebuild the DB (${path}) with \`plimsoll db import --fresh ...\` or \`plimsoll db update --fresh\``);
  }
  return version;
}
