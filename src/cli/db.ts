/**
 * `plimsoll db import|update|status`: build, refresh and inspect the offline advisory database.
 * Parsing flags and printing only; the work is in src/vuln/db/.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import { PlimsollError } from '../util/errors.js';
import { AdvisoryDB, resolveDbPath } from '../vuln/db/index.js';
import type { DbStatus } from '../vuln/db/index.js';
import { importPaths } from '../vuln/db/import.js';
import type { ImportReport, SourceReport } from '../vuln/db/import.js';
import { updateFromMirror, DEFAULT_BASE_URL, DEFAULT_ECOSYSTEMS } from '../vuln/db/update.js';
import type { UpdateReport } from '../vuln/db/update.js';
import { abortActiveBuilds } from '../vuln/db/builder.js';

type Format = 'table' | 'json';

/** warnings printed per source in table mode (all are in --format json, up to 200 per source) */
const WARNINGS_SHOWN = 5;

function table(head: string[], rows: string[][], rightAlign: Set<number> = new Set()): string {
  const w = head.map((h, i) => Math.min(70, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  const line = (r: string[]): string =>
    r
      .map((c, i) => (i === r.length - 1 ? c : rightAlign.has(i) ? c.padStart(w[i]!) : c.padEnd(w[i]!)))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)].join('\n') + '\n';
}

function shortLocation(loc: string): string {
  return loc.length > 70 ? '…' + loc.slice(-69) : loc;
}

function sourceRows(sources: SourceReport[]): string {
  return table(
    ['SOURCE', 'KIND', 'RECORDS', 'WITHDRAWN', 'SKIPPED', 'DUPLICATES', 'WARNINGS'],
    sources.map((s) => [shortLocation(s.location), s.kind, String(s.records), String(s.withdrawn), String(s.skipped), String(s.duplicates), String(s.warnings)]),
    new Set([2, 3, 4, 5, 6]),
  );
}

function printWarnings(io: DbCommandIO, sources: SourceReport[], quiet: boolean): void {
  if (quiet) return;
  for (const s of sources) {
    for (const w of s.warningMessages.slice(0, WARNINGS_SHOWN)) io.stderr.write(`plimsoll: warning: ${w}\n`);
    if (s.warnings > WARNINGS_SHOWN) io.stderr.write(`plimsoll: warning: … ${s.warnings - WARNINGS_SHOWN} more for ${shortLocation(s.location)} (see --format json)\n`);
  }
}

function formatImport(r: ImportReport): string {
  const notes = r.sources.filter((s) => s.note).map((s) => `note: ${shortLocation(s.location)}: ${s.note}\n`);
  const ignored = r.ignored.length ? [`ignored ${r.ignored.length} file(s) that are not advisory data: ${r.ignored.slice(0, 5).join(', ')}${r.ignored.length > 5 ? ', …' : ''}\n`] : [];
  return (
    `imported ${r.sources.length} source(s) into ${r.dbPath} in ${r.seconds.toFixed(1)} s: the database now holds ${r.totals.advisories} advisories ` +
    `(${r.totals.affected} affected entries, ${r.totals.withdrawn} withdrawn excluded)\n` +
    `content digest ${r.contentDigest}\n\n` +
    sourceRows(r.sources) +
    (notes.length || ignored.length ? '\n' + [...notes, ...ignored].join('') : '')
  );
}

function formatUpdate(r: UpdateReport): string {
  const head = r.changed ? `updated ${r.dbPath} in ${r.seconds.toFixed(1)} s (content digest ${r.contentDigest})\n\n` : `${r.dbPath} is up to date\n\n`;
  return (
    head +
    table(
      ['ECOSYSTEM', 'STATUS', 'RECORDS', 'WITHDRAWN', 'WARNINGS', 'SOURCE'],
      r.ecosystems.map((e) => [e.ecosystem, e.status, e.report ? String(e.report.records) : '-', e.report ? String(e.report.withdrawn) : '-', e.report ? String(e.report.warnings) : '-', e.location]),
      new Set([2, 3, 4]),
    )
  );
}

export function formatStatus(s: DbStatus): string {
  const out: string[] = [];
  out.push(`database        ${s.path} (${(s.sizeBytes / (1 << 20)).toFixed(1)} MiB)`);
  out.push(`schema version  ${s.schemaVersion}`);
  out.push(`built at        ${s.builtAt ?? 'unknown'}${s.plimsollVersion ? ` by plimsoll ${s.plimsollVersion}` : ''}`);
  out.push(`content digest  ${s.contentDigest ?? 'unknown'}`);
  out.push(
    `totals          ${s.totals.advisories} advisories, ${s.totals.affected} affected entries, ${s.totals.aliases} aliases, ${s.totals.withdrawn} withdrawn (excluded), ${s.totals.malicious} malicious-package records`,
  );
  out.push('');
  out.push(
    table(
      ['SOURCE', 'KIND', 'RECORDS', 'WITHDRAWN', 'SKIPPED', 'WARNINGS', 'IMPORTED'],
      s.sources.map((x) => [shortLocation(x.location), x.kind, String(x.records), String(x.withdrawn), String(x.skipped), String(x.warnings), x.importedAt]),
      new Set([2, 3, 4, 5]),
    ),
  );
  out.push(
    table(
      ['ECOSYSTEM', 'RELEASE', 'ADVISORIES', 'PACKAGES'],
      s.ecosystems.map((e) => [e.ecosystem, e.release ?? '-', String(e.advisories), String(e.packages)]),
      new Set([2, 3]),
    ),
  );
  if (s.notes.length) out.push(s.notes.map((n) => `note: ${n}`).join('\n') + '\n');
  return out.join('\n');
}

/** Run a build with SIGINT/SIGTERM removing the temp file before exiting (the old DB stays as it was). */
async function withSignals<T>(f: () => Promise<T>): Promise<T> {
  const handler = (sig: NodeJS.Signals): void => {
    abortActiveBuilds();
    process.stderr.write(`plimsoll: interrupted (${sig}); the advisory database was not changed\n`);
    process.exit(130);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  try {
    return await f();
  } finally {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  }
}

/** Where the commands print (tests pass their own sinks). */
export interface DbCommandIO {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown; isTTY?: boolean };
}

export function registerDbCommand(program: Command, io: DbCommandIO = { stdout: process.stdout, stderr: process.stderr }): void {
  const db = program
    .command('db')
    .description('build, update and inspect the offline vulnerability advisory database')
    .addHelpText(
      'after',
      `
Database location: --db FILE, else $PLIMSOLL_DB, else $XDG_CACHE_HOME/plimsoll/db/advisories.db
(~/.cache/plimsoll/db/advisories.db). Every write builds a temp file next to it and renames it into
place, so an interrupted import or update leaves the previous database working.

Examples:
  plimsoll db import ./osv-data/              # OSV JSON/JSONL files, all.zip archives, Alpine secdb
  plimsoll db update --ecosystems Debian,npm  # download OSV per-ecosystem archives
  plimsoll db update --base-url /mnt/mirror   # air-gapped: <DIR>/<Ecosystem>/all.zip
  plimsoll db status --format json`,
    );

  db.command('import')
    .description('import advisories from files or directories (OSV JSON/JSONL, OSV all.zip, Alpine secdb, Debian tracker JSON)')
    .argument('<path...>', 'files or directories (searched recursively)')
    .option('--db <file>', 'database file (default: $PLIMSOLL_DB or the user cache directory)')
    .option('--fresh', 'start from an empty database instead of merging into the existing one')
    .addOption(new Option('-o, --format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (paths: string[], flags: { db?: string; fresh?: boolean; format: Format }) => {
      const quiet = Boolean(program.opts().quiet);
      const dbPath = resolveDbPath(flags.db);
      const report = await withSignals(() =>
        importPaths(dbPath, paths, {
          fresh: flags.fresh,
          onSource: (s) => {
            if (!quiet && io.stderr.isTTY) io.stderr.write(`plimsoll: imported ${shortLocation(s.location)}: ${s.records} advisories\n`);
          },
        }),
      );
      if (flags.format === 'json') io.stdout.write(JSON.stringify(report, null, 2) + '\n');
      else {
        io.stdout.write(formatImport(report));
        printWarnings(io, report.sources, quiet);
      }
    });

  db.command('update')
    .description('download OSV per-ecosystem archives (<base>/<Ecosystem>/all.zip) and rebuild the changed parts of the database')
    .option('--db <file>', 'database file (default: $PLIMSOLL_DB or the user cache directory)')
    .option('--base-url <url|dir>', `mirror base URL or local directory (default ${DEFAULT_BASE_URL})`)
    .option('--ecosystems <list>', `comma-separated OSV ecosystem names (default: those downloaded before, else ${DEFAULT_ECOSYSTEMS.join(',')})`)
    .option('--checksums <file>', 'sha256sum-format file with a digest for each <Ecosystem>/all.zip; a mismatch aborts the update')
    .option('--fresh', 'ignore cached validators and earlier imports: build the database from these downloads only')
    .option('--timeout <seconds>', 'abort a download after this many seconds without data', (v) => {
      const n = Number(v);
      if (!Number.isFinite(n) || n <= 0) throw new PlimsollError('USAGE', `--timeout: ${JSON.stringify(v)} is not a positive number of seconds`);
      return n;
    })
    .addOption(new Option('-o, --format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (flags: { db?: string; baseUrl?: string; ecosystems?: string; checksums?: string; fresh?: boolean; timeout?: number; format: Format }) => {
      const quiet = Boolean(program.opts().quiet);
      const dbPath = resolveDbPath(flags.db);
      const ecosystems = flags.ecosystems
        ?.split(',')
        .map((e) => e.trim())
        .filter((e) => e !== '');
      const report = await withSignals(() =>
        updateFromMirror(dbPath, {
          baseUrl: flags.baseUrl,
          ecosystems,
          checksumsFile: flags.checksums,
          fresh: flags.fresh,
          timeoutMs: flags.timeout ? flags.timeout * 1000 : undefined,
          log: (m) => {
            if (!quiet && io.stderr.isTTY) io.stderr.write(`plimsoll: ${m}\n`);
          },
        }),
      );
      if (flags.format === 'json') io.stdout.write(JSON.stringify(report, null, 2) + '\n');
      else {
        io.stdout.write(formatUpdate(report));
        printWarnings(
          io,
          report.ecosystems.flatMap((e) => (e.report ? [e.report] : [])),
          quiet,
        );
      }
    });

  db.command('status')
    .description('show what the database holds: build time, content digest, sources, counts per ecosystem')
    .option('--db <file>', 'database file (default: $PLIMSOLL_DB or the user cache directory)')
    .addOption(new Option('-o, --format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action((flags: { db?: string; format: Format }) => {
      const adb = AdvisoryDB.open(resolveDbPath(flags.db));
      try {
        const s = adb.status();
        io.stdout.write(flags.format === 'json' ? JSON.stringify(s, null, 2) + '\n' : formatStatus(s));
      } finally {
        adb.close();
      }
    });
}
