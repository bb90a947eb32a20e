/**
 * npm run bench:scan — the advisory DB and the matcher, each against a simple peer in the same run:
 *   1. import of the whole of ../shared/vulndata vs parse-only (read + JSON.parse every record);
 *   2. matching an SBOM of 2,000 packages with the indexed batch lookup vs a simple full-table pass
 *      (read every affected row once and evaluate every package against the rows of its name).
 * The 2,000 packages are real names from the DB (npm, PyPI, Go, crates.io, Debian:12) at versions
 * taken from their advisories' own range events, so most of them hit advisories.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TempDir } from '../src/util/tmp.js';
import { importPaths } from '../src/vuln/db/import.js';
import { AdvisoryDB } from '../src/vuln/db/index.js';
import { matchPackages } from '../src/vuln/match/index.js';
import { openSqlite } from '../src/vuln/db/open.js';
import { makePackage, purl } from '../src/sbom/package.js';
import type { Package, PackageType, Ecosystem } from '../src/sbom/model.js';
import { evaluateRange } from '../src/vuln/match/range.js';
import { schemeForEcosystem } from '../src/vuln/versions/index.js';

const data = new URL('../../shared/vulndata/', import.meta.url).pathname;
if (!existsSync(data)) {
  console.error('../shared/vulndata is absent: nothing to benchmark');
  process.exit(2);
}
const TYPE_BASE: Record<string, string> = { npm: 'npm', pypi: 'PyPI', golang: 'Go', cargo: 'crates.io', deb: 'Debian' };
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const time = async <T>(f: () => Promise<T> | T): Promise<{ s: number; v: T }> => {
  let best = Infinity;
  let v!: T;
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    v = await f();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return { s: best, v };
};
const tmp = new TempDir('plimsoll-bench-scan-');
try {
  const files = readdirSync(data).filter((f) => f.endsWith('.jsonl')).map((f) => join(data, f));
  const parse = await time(() => {
    let n = 0;
    for (const f of files) for (const l of readFileSync(f, 'utf8').split('\n')) if (l.trim()) n += JSON.parse(l) ? 1 : 0;
    return n;
  });
  let k = 0;
  const imp = await time(async () => importPaths(join(tmp.path, `db${k++}.db`), [data], { fresh: true }));
  const dbPath = join(tmp.path, `db${k - 1}.db`);
  console.log(`1. import of ../shared/vulndata (${parse.v} records), best of ${RUNS}`);
  console.log(`   parse-only peer        ${parse.s.toFixed(2)} s`);
  console.log(`   plimsoll db import     ${imp.s.toFixed(2)} s   ratio ${(imp.s / parse.s).toFixed(1)}x vs parse-only`);

  // ---- 2,000 packages --------------------------------------------------------------------------
  const raw = openSqlite(dbPath, { readonly: true });
  const rows = raw.prepare(`SELECT eco_base, eco_release, name_raw, ranges FROM affected WHERE eco_base IN ('npm','PyPI','Go','crates.io','Debian') ORDER BY advisory_id`).all() as Array<{ eco_base: string; eco_release: string | null; name_raw: string; ranges: string }>;
  raw.close();
  const TYPE: Record<string, [PackageType, Ecosystem]> = { npm: ['npm', 'npm'], PyPI: ['pypi', 'PyPI'], Go: ['golang', 'Go'], 'crates.io': ['cargo', 'crates.io'], Debian: ['deb', 'Debian'] };
  const packages: Package[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    if (packages.length >= 2000) break;
    const ev = (JSON.parse(r.ranges) as Array<{ events: Array<{ kind: string; version: string }> }>).flatMap((x) => x.events).find((e) => e.kind !== 'introduced' || e.version !== '0');
    if (!ev || seen.has(r.eco_base + r.name_raw)) continue;
    seen.add(r.eco_base + r.name_raw);
    const [type, ecosystem] = TYPE[r.eco_base]!;
    packages.push(makePackage({ name: r.name_raw, version: ev.version, type, ecosystem, purl: purl(type, undefined, r.name_raw.replace(/\//g, '%2F'), ev.version), licenses: [], locations: [{ path: `/bench/${packages.length}`, layerDigest: '', layerIndex: 0 }], foundBy: 'bench', ...(type === 'deb' ? { source: { name: r.name_raw, version: ev.version } } : {}) }));
  }
  const distro = { id: 'debian', versionId: '12' };
  const db = AdvisoryDB.open(dbPath);
  const indexed = await time(() => matchPackages(db, packages, distro));
  // simple full-table pass: every affected row read, grouped by name, every package evaluated
  const full = await time(() => {
    const r2 = openSqlite(dbPath, { readonly: true });
    const all = r2.prepare(`SELECT advisory_id, eco_base, eco_release, name, ranges FROM affected`).all() as Array<{ advisory_id: string; eco_base: string; eco_release: string | null; name: string; ranges: string }>;
    r2.close();
    let hits = 0;
    for (const p of packages) {
      const base = TYPE_BASE[p.type]!;
      const scheme = schemeForEcosystem(base)!;
      let inst;
      try {
        inst = scheme.parse(p.version.replace(/^v/, ''));
      } catch {
        continue;
      }
      for (const row of all) {
        if (row.eco_base !== base || row.name.toLowerCase() !== p.name.toLowerCase()) continue;
        if (base === 'Debian' && row.eco_release && row.eco_release !== '12') continue;
        for (const rg of JSON.parse(row.ranges)) {
          try {
            if (evaluateRange(scheme, inst, rg).affected) {
              hits++;
              break;
            }
          } catch {
            /* skip */
          }
        }
      }
    }
    return hits;
  });
  db.close();
  console.log(`\n2. matching an SBOM of ${packages.length} packages, best of ${RUNS}`);
  console.log(`   full-table pass        ${full.s.toFixed(3)} s   (${full.v} affected rows)`);
  console.log(`   plimsoll indexed match ${indexed.s.toFixed(3)} s   (${indexed.v.findings.length} findings)  ratio ${(indexed.s / full.s).toFixed(2)}x vs full-table (${(full.s / indexed.s).toFixed(1)}x faster)`);
} finally {
  tmp.dispose();
}
