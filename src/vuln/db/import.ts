/**
 * `db import`: read advisory inputs into the database at `dbPath`.
 *
 * Default: merge into the existing database (copy it to a temp file, replace the rows of any source
 * imported again from the same location, add new sources, rename over). `fresh`: start from an empty
 * database. Either way one transaction, prepared statements, and an atomic rename at the end: an
 * error, Ctrl-C or kill leaves the previous database exactly as it was.
 *
 * Per-record problems (bad JSON line, record failing the OSV guard, unparsable version, unscorable
 * CVSS vector, unknown ecosystem) are warnings counted per source; a broken container (corrupt zip)
 * or an I/O error fails the whole import.
 */
import { basename } from 'node:path';
import { DbBuilder } from './builder.js';
import type { CommitResult, SourceInfo, SourceWriter } from './builder.js';
import { planInputs, readJsonFile, readJsonBuffer, readJsonlFile } from './inputs.js';
import type { InputItem, PlannedInput } from './inputs.js';
import { readZipMembers, DEFAULT_ZIP_LIMITS } from './zip.js';
import type { ZipLimits } from './zip.js';
import { AlpineSecdbCollector, isAlpineSecdb } from '../osv/alpine.js';
import { convertDebianTrackerEntry, isDebianTrackerEntry } from '../osv/debian-tracker.js';

export interface SourceReport {
  location: string;
  kind: string;
  /** advisories this source holds in the finished database (a merged Alpine advisory counts for each source with rows in it) */
  records: number;
  withdrawn: number;
  skipped: number;
  duplicates: number;
  warnings: number;
  /** the first warnings (all are counted in `warnings`) */
  warningMessages: string[];
  note?: string;
}

export interface ImportReport {
  dbPath: string;
  contentDigest: string;
  /** totals in the finished database (all sources, including ones imported earlier) */
  totals: { advisories: number; affected: number; withdrawn: number };
  sources: SourceReport[];
  /** files under directory arguments that are not advisory data */
  ignored: string[];
  seconds: number;
}

export interface ImportOptions {
  fresh?: boolean;
  zipLimits?: ZipLimits;
  /** called after each source with its report (progress) */
  onSource?: (r: SourceReport) => void;
}

/** Dispatches each value of one source to the right reader: OSV, Alpine secdb or Debian tracker. */
export class SourceIngest {
  private readonly alpine = new AlpineSecdbCollector();
  private readonly shapes = new Set<string>();
  constructor(readonly writer: SourceWriter) {}

  item(it: InputItem): void {
    if ('error' in it) {
      this.writer.skip(it.error);
      return;
    }
    const v = it.value;
    if (isAlpineSecdb(v)) {
      this.shapes.add('alpine-secdb');
      this.alpine.add(v, it.where);
    } else if (isDebianTrackerEntry(v)) {
      this.shapes.add('debian-tracker');
      const { record, warnings } = convertDebianTrackerEntry(v, it.where);
      for (const w of warnings) this.writer.warn(w);
      if (record) this.writer.addRecord(record, JSON.stringify(record), it.where, false);
    } else {
      this.shapes.add('osv');
      this.writer.addOsv(v, it.where);
    }
  }

  /** Flush converted content and close the source; returns its report. */
  finish(osvKind: string): SourceReport {
    for (const w of this.alpine.warnings) this.writer.warn(w);
    const label = basename(this.writer.info.location);
    for (const rec of this.alpine.records()) this.writer.addRecord(rec, JSON.stringify(rec), label, true);
    const kinds = [...this.shapes].map((s) => (s === 'osv' ? osvKind : s));
    const kind = kinds.length === 0 ? osvKind : kinds.length === 1 ? kinds[0]! : `mixed:${kinds.sort().join('+')}`;
    let note = this.writer.info.note ?? null;
    if (this.alpine.notAffected > 0) note = `${note ? note + '; ' : ''}${this.alpine.notAffected} Alpine "0" (not affected) entries skipped`;
    this.writer.finish(kind, note);
    const c = this.writer.counts;
    return {
      location: this.writer.info.location,
      kind,
      records: c.records,
      withdrawn: c.withdrawn,
      skipped: c.skipped,
      duplicates: c.duplicates,
      warnings: c.warnings,
      warningMessages: [...this.writer.warnings],
      ...(note ? { note } : {}),
    };
  }
}

/** Read one zip archive into a source (shared with `db update`). Throws on a corrupt archive. */
export async function ingestZip(builder: DbBuilder, path: string, info: SourceInfo, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<SourceReport> {
  const ingest = new SourceIngest(builder.beginSource(info));
  const label = info.ecosystem ? `${info.ecosystem}/all.zip` : basename(info.location);
  for await (const m of readZipMembers(path, limits)) {
    if (m.warning) {
      ingest.writer.skip(m.warning);
      continue;
    }
    for (const it of readJsonBuffer(m.data!, `${label}!${m.name}`)) ingest.item(it);
  }
  return ingest.finish('osv-zip');
}

async function ingestInput(builder: DbBuilder, input: PlannedInput, limits: ZipLimits): Promise<SourceReport> {
  const info: SourceInfo = { location: input.location, kind: input.kind, note: input.note ?? null };
  switch (input.kind) {
    case 'zip':
      return ingestZip(builder, input.location, { ...info, kind: 'osv-zip' }, limits);
    case 'jsonl': {
      const ingest = new SourceIngest(builder.beginSource({ ...info, kind: 'osv-jsonl' }));
      for await (const it of readJsonlFile(input.location)) ingest.item(it);
      return ingest.finish('osv-jsonl');
    }
    case 'json': {
      const ingest = new SourceIngest(builder.beginSource({ ...info, kind: 'osv-json' }));
      for await (const it of readJsonFile(input.location)) ingest.item(it);
      return ingest.finish('osv-json');
    }
    case 'json-dir': {
      const ingest = new SourceIngest(builder.beginSource({ ...info, kind: 'osv-dir' }));
      const prefix = input.location.endsWith('/') ? input.location : input.location + '/';
      for (const f of input.files ?? []) {
        for await (const it of readJsonFile(f, f.startsWith(prefix) ? f.slice(prefix.length) : f)) ingest.item(it);
      }
      return ingest.finish('osv-dir');
    }
    case 'debian-dsa-list':
    case 'unsupported': {
      const w = builder.beginSource({ ...info, kind: `skipped:${input.kind}` });
      return new SourceIngest(w).finish(`skipped:${input.kind}`);
    }
  }
}

/** Import PATHs into the database at dbPath (see the module comment for the rules). */
export async function importPaths(dbPath: string, paths: string[], opts: ImportOptions = {}): Promise<ImportReport> {
  const t0 = process.hrtime.bigint();
  const plan = await planInputs(paths);
  const builder = DbBuilder.create(dbPath, { fresh: opts.fresh ?? false });
  const sources: SourceReport[] = [];
  let result: CommitResult;
  try {
    for (const input of plan.inputs) {
      const r = await ingestInput(builder, input, opts.zipLimits ?? DEFAULT_ZIP_LIMITS);
      sources.push(r);
      opts.onSource?.(r);
    }
    result = await builder.commit();
  } catch (e) {
    builder.abort();
    throw e;
  }
  // a later source may have replaced records of an earlier one: report final counts
  for (const s of sources) s.records = result.sourceRecords.get(s.location) ?? s.records;
  return { dbPath, contentDigest: result.contentDigest, totals: result.totals, sources, ignored: plan.ignored, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}
