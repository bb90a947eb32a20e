import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AlpineSecdbCollector, extractAlpineIds, isAlpineSecdb } from './alpine.js';
import { parseOsvRecord } from './types.js';

const shared = (f: string): string => fileURLToPath(new URL(`../../../../shared/vulndata/${f}`, import.meta.url));
const V320 = shared('alpine-secdb-v3.20-main.jsonl');
const LEGACY = shared('alpine-secdb-legacy.jsonl');

test('ids are extracted from free-text secfixes lines', () => {
  assert.deepEqual(extractAlpineIds('CVE-2021-42373'), { cves: ['CVE-2021-42373'], others: [] });
  assert.deepEqual(extractAlpineIds('CVE-2017-2616 (+ regression fix)').cves, ['CVE-2017-2616']);
  assert.deepEqual(extractAlpineIds('CVE_2019-2426').cves, ['CVE-2019-2426']);
  assert.deepEqual(extractAlpineIds('CVE 2018-16859').cves, ['CVE-2018-16859']);
  assert.deepEqual(extractAlpineIds('CVE-2017-8073.patch').cves, ['CVE-2017-8073']);
  assert.deepEqual(extractAlpineIds('CVE-2017-15597 XSA-236'), { cves: ['CVE-2017-15597'], others: ['XSA-236'] });
  assert.deepEqual(extractAlpineIds('CVE-????-?????  XSA-296'), { cves: [], others: ['XSA-296'] });
  assert.deepEqual(extractAlpineIds('CVE-2017-5753 CVE-2017-5715 XSA-254 XPTI').cves, ['CVE-2017-5753', 'CVE-2017-5715']);
  assert.deepEqual(extractAlpineIds('ALPINE-13661'), { cves: [], others: ['ALPINE-13661'] });
  assert.deepEqual(extractAlpineIds('wnpa-sec-2017-21').others, ['wnpa-sec-2017-21']);
});

test('per-package and document shapes convert to one advisory per id', () => {
  const c = new AlpineSecdbCollector();
  c.add({ name: 'busybox', distroversion: 'v3.20', reponame: 'main', secfixes: { '0': ['CVE-2021-42373'], '1.35.0-r7': ['ALPINE-13661', 'CVE-2022-28391'] } }, 'a:1');
  c.add({ distroversion: 'v3.11', reponame: 'main', packages: [{ pkg: { name: 'busybox', secfixes: { '1.30.1-r2': ['CVE-2019-5747'], '1.35.0-r7': ['CVE-2022-28391'] } } }] }, 'b:1');
  c.add({ distroversion: 'v3.3', reponame: 'community', packages: null }, 'c:1');
  c.add({ distroversion: 'v3.9', reponame: 'main', packages: [{ pkg: { name: 'heimdal', secfixes: { '7.4.0-r0': null, '7.5.0-r0': ['CVE-????-????'] } } }] }, 'd:1');
  const recs = c.records();
  assert.deepEqual(
    recs.map((r) => r.id),
    ['ALPINE-13661', 'ALPINE-CVE-2019-5747', 'ALPINE-CVE-2022-28391'],
  );
  assert.equal(c.notAffected, 1);
  const r = recs.find((x) => x.id === 'ALPINE-CVE-2022-28391')!;
  assert.deepEqual(r.aliases, ['CVE-2022-28391'], 'ids on separate lines are separate advisories');
  assert.deepEqual(
    r.affected!.map((a) => [a.package!.ecosystem, a.package!.name, a.ranges![0]!.events]),
    [
      ['Alpine:v3.11', 'busybox', [{ introduced: '0' }, { fixed: '1.35.0-r7' }]],
      ['Alpine:v3.20', 'busybox', [{ introduced: '0' }, { fixed: '1.35.0-r7' }]],
    ],
  );
  // converted records pass the OSV guard
  for (const rec of recs) parseOsvRecord(rec, 'converted');
  assert.equal(c.warnings.length, 1);
  assert.match(c.warnings[0]!, /names no recognisable vulnerability id/);
  assert.ok(isAlpineSecdb({ distroversion: 'v3.3', packages: null }));
  assert.ok(!isAlpineSecdb({ id: 'x', affected: [] }));
});

test('shared v3.20 secdb: busybox and openssl', { skip: !existsSync(V320) && `shared corpora absent: ${V320}` }, () => {
  const c = new AlpineSecdbCollector();
  readFileSync(V320, 'utf8')
    .split('\n')
    .filter(Boolean)
    .forEach((l, i) => c.add(JSON.parse(l), `v320:${i + 1}`));
  const recs = c.records();
  const affects = (id: string, name: string): string[] =>
    (recs.find((r) => r.id === id)?.affected ?? []).filter((a) => a.package!.name === name).map((a) => (a.ranges![0]!.events[1] as { fixed: string }).fixed);
  assert.deepEqual(affects('ALPINE-CVE-2023-42363', 'busybox'), ['1.36.1-r27']);
  assert.deepEqual(affects('ALPINE-CVE-2022-28391', 'busybox'), ['1.35.0-r7']);
  assert.equal(recs.find((r) => r.id === 'ALPINE-CVE-2021-42373'), undefined, '"0" entries are not affected');
  const openssl = recs.filter((r) => r.affected!.some((a) => a.package!.name === 'openssl'));
  assert.ok(openssl.length > 50, `openssl advisories: ${openssl.length}`);
  assert.ok(openssl.some((r) => r.id === 'ALPINE-CVE-2023-0286'));
  for (const r of recs) for (const a of r.affected!) assert.equal(a.package!.ecosystem, 'Alpine:v3.20');
});

test('shared legacy secdb converts every release document', { skip: !existsSync(LEGACY) && `shared corpora absent: ${LEGACY}` }, () => {
  const c = new AlpineSecdbCollector();
  readFileSync(LEGACY, 'utf8')
    .split('\n')
    .filter(Boolean)
    .forEach((l, i) => c.add(JSON.parse(l), `legacy:${i + 1}`));
  assert.equal(c.packages, 1652);
  const recs = c.records();
  const ecos = new Set(recs.flatMap((r) => r.affected!.map((a) => a.package!.ecosystem)));
  assert.deepEqual([...ecos].sort(), ['Alpine:v3.10', 'Alpine:v3.11', 'Alpine:v3.3', 'Alpine:v3.4', 'Alpine:v3.5', 'Alpine:v3.6', 'Alpine:v3.7', 'Alpine:v3.8', 'Alpine:v3.9']);
  const bb = recs.find((r) => r.id === 'ALPINE-CVE-2017-16544')!;
  assert.ok(bb.affected!.some((a) => a.package!.ecosystem === 'Alpine:v3.3' && a.package!.name === 'busybox'));
});
