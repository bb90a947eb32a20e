/**
 * Advisory database benchmark: import of all of ../shared/vulndata, against a parse-only peer (read
 * every file and JSON.parse every record: the floor any importer pays), and lookups of 2,000 packages.
 *
 *   node --import tsx bench/db.ts [VULNDATA_DIR] [--runs N]
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TempDir } from '../src/util/tmp.js';
import { importPaths } from '../src/vuln/db/import.js';
import { AdvisoryDB } from '../src/vuln/db/index.js';

const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 3;
const dataArg = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--runs');
const data = resolve(dataArg ?? fileURLToPath(new URL('../../shared/vulndata', import.meta.url)));
if (!existsSync(data)) {
  process.stderr.write(`[bench] ${data} is absent; pass the vulndata directory as the first argument\n`);
  process.exit(2);
}

function best<T>(n: number, f: () => Promise<T> | T): Promise<{ seconds: number; value: T }> {
  return (async () => {
    let bestS = Infinity;
    let value!: T;
    for (let i = 0; i < n; i++) {
      const t0 = process.hrtime.bigint();
      value = await f();
      const s = Number(process.hrtime.bigint() - t0) / 1e9;
      if (s < bestS) bestS = s;
    }
    return { seconds: bestS, value };
  })();
}

const tmp = new TempDir('plimsoll-bench-db-');
try {
  const files = readdirSync(data).filter((f) => f.endsWith('.jsonl'));
  const peer = await best(runs, () => {
    let n = 0;
    for (const f of files) for (const line of readFileSync(join(data, f), 'utf8').split('\n')) if (line.trim()) (JSON.parse(line), n++);
    return n;
  });
  let i = 0;
  const imp = await best(runs, () => importPaths(join(tmp.path, `run${i++}.db`), [data], { fresh: true }));
  const dbPath = imp.value.dbPath;
  const advisories = imp.value.totals.advisories;

  const db = AdvisoryDB.open(dbPath);
  const names: [string, string | undefined, string][] = [];
  // 2,000 realistic lookups: names that exist in the DB, spread over ecosystems, plus misses
  const rows = (db as unknown as { sql: import('better-sqlite3').Database }).sql
    .prepare(`SELECT DISTINCT eco_base, eco_release, name_raw FROM affected ORDER BY rowid LIMIT 1500`)
    .all() as { eco_base: string; eco_release: string | null; name_raw: string }[];
  for (const r of rows) names.push([r.eco_base, r.eco_release ?? undefined, r.name_raw]);
  while (names.length < 2000) names.push(['npm', undefined, `no-such-package-${names.length}`]);
  const single = await best(runs, () => {
    let hits = 0;
    for (const [e, rel, n] of names) hits += db.candidates(e, rel, n).length;
    return hits;
  });
  const batch = await best(runs, () => {
    const groups = new Map<string, string[]>();
    for (const [e, rel, n] of names) {
      const k = `${e}\u0000${rel ?? ''}`;
      (groups.get(k) ?? groups.set(k, []).get(k)!).push(n);
    }
    let hits = 0;
    for (const [k, ns] of groups) {
      const [e, rel] = k.split('\u0000');
      for (const v of db.candidatesBatch(e!, rel || undefined, ns).values()) hits += v.length;
    }
    return hits;
  });
  db.close();

  const rss = process.resourceUsage().maxRSS / 1024;
  const line = (label: string, s: number, extra = ''): string => `${label.padEnd(44)} ${s.toFixed(3).padStart(8)} s${extra}`;
  process.stdout.write(`vulndata: ${data} (${files.length} JSONL files, ${peer.value} lines); best of ${runs}\n`);
  process.stdout.write(line('peer: read + JSON.parse every record', peer.seconds) + '\n');
  process.stdout.write(line(`plimsoll db import (${advisories} advisories)`, imp.seconds, `  ratio ${(imp.seconds / peer.seconds).toFixed(2)}x vs peer`) + '\n');
  process.stdout.write(line(`candidates() x ${names.length} (${single.value} rows)`, single.seconds) + '\n');
  process.stdout.write(line(`candidatesBatch() for the same ${names.length}`, batch.seconds, `  ratio ${(batch.seconds / single.seconds).toFixed(2)}x vs single`) + '\n');
  process.stdout.write(`peak RSS ${rss.toFixed(0)} MB\n`);
} finally {
  tmp.dispose();
}
