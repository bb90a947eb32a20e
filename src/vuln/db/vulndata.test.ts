/**
 * Imports the real advisory data in ../shared/vulndata (skipped when absent) and checks counts against
 * an independent count taken straight from the files.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TempDir } from '../../util/tmp.js';
import { importPaths } from './import.js';
import { AdvisoryDB } from './index.js';

const DATA = fileURLToPath(new URL('../../../../shared/vulndata/', import.meta.url));
const skip = !existsSync(DATA) && `shared corpora absent: ${DATA}`;
const tmp = new TempDir('plimsoll-vulndata-test-');
after(() => tmp.dispose());

type Rec = { id: string; withdrawn?: string; affected?: { package?: { ecosystem: string } }[] };

/** Oracle: non-withdrawn ids and distinct advisories per ecosystem base, counted from the file. */
function expected(file: string): { ids: Set<string>; withdrawn: number; perBase: Map<string, number> } {
  const ids = new Set<string>();
  const perBase = new Map<string, number>();
  let withdrawn = 0;
  for (const line of readFileSync(join(DATA, file), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const r = JSON.parse(line) as Rec;
    if (r.withdrawn) {
      withdrawn++;
      continue;
    }
    ids.add(r.id);
    const bases = new Set((r.affected ?? []).map((a) => a.package!.ecosystem.split(':')[0]!));
    for (const b of bases) perBase.set(b, (perBase.get(b) ?? 0) + 1);
  }
  return { ids, withdrawn, perBase };
}

function basesOf(db: AdvisoryDB): Map<string, number> {
  // per (base, release) advisory counts summed over releases: equal to the per-base count when each
  // advisory names one release of a base (true for these files except Ubuntu, which is skipped)
  const m = new Map<string, number>();
  for (const e of db.status().ecosystems) m.set(e.ecosystem, (m.get(e.ecosystem) ?? 0) + e.advisories);
  return m;
}

const OSV_FILES = ['crates.jsonl', 'go.jsonl', 'pypi.jsonl', 'malicious.jsonl', 'ghsa.jsonl', 'ubuntu.jsonl', 'debian-osv.jsonl', 'debian12.jsonl'];

for (const file of OSV_FILES) {
  test(`import ${file}: counts per ecosystem, withdrawn excluded`, { skip }, async () => {
    const dbPath = join(tmp.path, `${file}.db`);
    const report = await importPaths(dbPath, [join(DATA, file)], { fresh: true });
    const want = expected(file);
    const src = report.sources[0]!;
    assert.equal(report.sources.length, 1);
    assert.equal(src.kind, 'osv-jsonl');
    assert.equal(src.records, want.ids.size);
    assert.equal(src.withdrawn, want.withdrawn);
    assert.equal(src.skipped, 0);
    const db = AdvisoryDB.open(dbPath);
    try {
      const st = db.status();
      assert.equal(st.totals.advisories, want.ids.size);
      assert.equal(st.totals.withdrawn, want.withdrawn);
      // releases are counted separately in status; for single-release files the sums equal the oracle
      const got = basesOf(db);
      for (const [base, n] of want.perBase) {
        if (base === 'Ubuntu') continue; // one advisory spans several releases there
        assert.equal(got.get(base), n, `${file}: ${base}`);
      }
    } finally {
      db.close();
    }
  });
}

test('Go: withdrawn records are absent, aliases resolve both ways, stdlib indexed', { skip }, async () => {
  const dbPath = join(tmp.path, 'go.jsonl.db');
  if (!existsSync(dbPath)) await importPaths(dbPath, [join(DATA, 'go.jsonl')], { fresh: true });
  const withdrawnId = readFileSync(join(DATA, 'go.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Rec)
    .find((r) => r.withdrawn)!.id;
  const db = AdvisoryDB.open(dbPath);
  try {
    assert.equal(db.advisory(withdrawnId), undefined);
    assert.deepEqual(db.idsForAlias('CVE-2020-36567'), ['GO-2020-0001']);
    assert.deepEqual(db.aliasesOf('GO-2020-0001'), ['CVE-2020-36567', 'GHSA-6vm3-jj99-7229']);
    assert.deepEqual(db.idsForAlias('GO-2020-0001'), ['GO-2020-0001']);
    const gin = db.candidates('Go', undefined, 'github.com/gin-gonic/gin');
    assert.ok(gin.some((r) => r.advisoryId === 'GO-2020-0001'));
    assert.deepEqual(gin.find((r) => r.advisoryId === 'GO-2020-0001')!.ranges, [
      {
        type: 'SEMVER',
        events: [
          { kind: 'introduced', version: '0' },
          { kind: 'fixed', version: '1.6.0' },
        ],
      },
    ]);
    assert.ok(db.candidates('Go', undefined, 'stdlib').length > 100);
  } finally {
    db.close();
  }
});

test('whole directory: every source, severity, Alpine rows, GHSA name case, determinism', { skip }, async () => {
  const dbPath = join(tmp.path, 'all.db');
  const report = await importPaths(dbPath, [DATA], { fresh: true });
  const kinds = new Map(report.sources.map((s) => [s.location.slice(DATA.length), s.kind]));
  assert.equal(kinds.get('alpine-secdb-legacy.jsonl'), 'alpine-secdb');
  assert.equal(kinds.get('alpine-secdb-v3.20-main.jsonl'), 'alpine-secdb');
  assert.equal(kinds.get('debian-tracker.jsonl'), 'debian-tracker');
  assert.equal(kinds.get('debian-dsa-list.txt'), 'skipped:debian-dsa-list');
  assert.equal(kinds.get('debian-dla-list.txt'), 'skipped:debian-dsa-list');
  assert.deepEqual(report.ignored, [join(DATA, 'SOURCES.md')]);

  const db = AdvisoryDB.open(dbPath);
  try {
    // severity: CVSS 3.1 vector scored
    const text = db.advisory('GHSA-599f-7c49-w659')!;
    assert.deepEqual([text.severity, text.score, text.severitySource], ['critical', 9.8, 'cvss_v3.1']);
    assert.deepEqual(db.idsForAlias('CVE-2022-42889'), ['GHSA-599f-7c49-w659']);
    // RustSec CVSS 3.0
    assert.deepEqual([db.advisory('RUSTSEC-2016-0001')!.severity, db.advisory('RUSTSEC-2016-0001')!.score], ['high', 8.1]);
    // Ubuntu: vendor priority decides, CVSS still reported
    const u = db.advisory('CVE-2023-0286')!;
    assert.deepEqual([u.severity, u.severitySource, u.score], ['high', 'ubuntu:high', 7.4]);
    assert.equal(db.advisory('UBUNTU-CVE-2025-38094')!.severitySource, 'ubuntu:medium');
    assert.deepEqual(db.aliasesOf('UBUNTU-CVE-2025-38094'), ['CVE-2025-38094'], 'OSV 1.7 upstream ids are aliases too');
    // malicious
    const mal = db.advisory('MAL-2024-11183')!;
    assert.equal(mal.malicious, true);
    const solana = db.candidates('npm', undefined, '@solana/web3.js');
    assert.ok(solana.some((r) => r.advisoryId === 'MAL-2024-11183' && r.malicious));
    // GHSA published "Axios": found under the registry's lower-case name
    assert.deepEqual(
      db.candidates('npm', undefined, 'axios').map((r) => r.advisoryId),
      ['GHSA-8hc4-vh64-cxmj', 'GHSA-wf5p-g6vw-rhxx'],
    );
    assert.equal(db.candidates('npm', undefined, 'axios')[0]!.nameRaw, 'Axios');
    // PyPI: PEP 503
    assert.ok(db.candidates('PyPI', undefined, 'Jinja2').some((r) => r.advisoryId === 'GHSA-h5c8-rqwp-cp95'));
    // PyPI GIT ranges ignored with a reason
    const pysec = db.candidates('pypi', undefined, 'beaker').find((r) => r.notes.some((n) => n.kind === 'git-range-ignored'));
    assert.ok(pysec, 'a PYSEC record with a GIT range');
    assert.ok(pysec.ranges.every((r) => r.type === 'ECOSYSTEM'));
    // unparsable version kept with a note
    const steam = db.candidates('PyPI', undefined, 'steam').find((r) => r.advisoryId === 'PYSEC-2019-125')!;
    assert.ok(steam.notes.some((n) => n.kind === 'unparsable-version' && n.version === '2019-09-12'));
    // Alpine secdb: busybox/openssl rows per release
    const bb320 = db.candidates('Alpine', '3.20', 'busybox');
    assert.ok(bb320.some((r) => r.advisoryId === 'ALPINE-CVE-2023-42363' && r.ecosystem === 'Alpine:v3.20'));
    assert.ok(bb320.every((r) => r.ecoRelease === '3.20'));
    const bb33 = db.candidates('Alpine', '3.3', 'busybox').map((r) => r.advisoryId);
    assert.ok(bb33.includes('ALPINE-CVE-2016-6301'));
    const cve = db.advisory('ALPINE-CVE-2017-16544')!;
    assert.deepEqual(cve.aliases, ['CVE-2017-16544']);
    const rec = db.record('ALPINE-CVE-2017-16544')!;
    const ecos = new Set(rec.affected!.map((a) => a.package!.ecosystem));
    assert.ok(ecos.has('Alpine:v3.3') && ecos.has('Alpine:v3.20'), 'legacy and v3.20 rows merged into one advisory');
    assert.ok(db.candidates('Alpine', '3.20', 'openssl').some((r) => r.advisoryId === 'ALPINE-CVE-2023-0286'));
    assert.deepEqual(db.idsForAlias('CVE-2023-0286'), ['ALPINE-CVE-2023-0286', 'CVE-2023-0286', 'DEBIAN-CVE-2023-0286', 'RUSTSEC-2023-0006']);
    // Debian: tracker release-less line vs release rows
    const zlib12 = db.candidates('Debian', '12', 'zlib').map((r) => r.advisoryId);
    assert.ok(zlib12.includes('DEBIAN-CVE-2023-45853'), 'unstable line applies to a release without its own line');
    assert.deepEqual(db.releases('Alpine').includes('3.20'), true);
    assert.deepEqual(db.status().notes.filter((n) => /DSA\/DLA/.test(n)).length, 2);
  } finally {
    db.close();
  }

  // determinism: same inputs in another order -> same content digest
  const files = readdirSync(DATA)
    .filter((f) => f.endsWith('.jsonl'))
    .map((f) => join(DATA, f))
    .reverse();
  const again = await importPaths(join(tmp.path, 'reversed.db'), files, { fresh: true });
  assert.equal(again.contentDigest, report.contentDigest);
  // re-importing the same location replaces that source: digest unchanged
  const merged = await importPaths(dbPath, [join(DATA, 'ghsa.jsonl')]);
  assert.equal(merged.contentDigest, report.contentDigest);
});
