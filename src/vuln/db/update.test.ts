/**
 * `db update` against a local HTTP mirror (node:http on 127.0.0.1) and a local directory, with archives
 * built in the test: conditional requests, partial updates, integrity failures, and the rename
 * discipline under SIGKILL.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TempDir } from '../../util/tmp.js';
import { isPlimsollError } from '../../util/errors.js';
import { AdvisoryDB } from './index.js';
import { updateFromMirror, parseChecksums } from './update.js';
import { osvZip } from './testing-zip.js';

const tmp = new TempDir('plimsoll-update-test-');

const rec = (id: string, eco: string, name: string, modified = '2024-01-01T00:00:00Z') => ({
  id,
  modified,
  affected: [{ package: { ecosystem: eco, name }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.0.0' }] }] }],
});

interface Served {
  body: Buffer;
  etag?: string;
  lastModified?: string;
}
const files = new Map<string, Served>();
const requests: { url: string; headers: IncomingHttpHeaders; status: number }[] = [];
let server: Server;
let base = '';

before(async () => {
  server = createServer((req, res) => {
    const f = files.get(req.url ?? '');
    const log = (status: number): void => void requests.push({ url: req.url ?? '', headers: req.headers, status });
    if (!f) {
      log(404);
      res.writeHead(404).end('not found');
      return;
    }
    const inm = req.headers['if-none-match'];
    const ims = req.headers['if-modified-since'];
    if ((f.etag && inm === f.etag) || (!f.etag && f.lastModified && ims === f.lastModified)) {
      log(304);
      res.writeHead(304).end();
      return;
    }
    log(200);
    const h: Record<string, string | number> = { 'content-type': 'application/zip', 'content-length': f.body.length };
    if (f.etag) h.etag = f.etag;
    if (f.lastModified) h['last-modified'] = f.lastModified;
    res.writeHead(200, h).end(f.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});
after(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  tmp.dispose();
});

const sha = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex');
const leftovers = (d: string): string[] => readdirSync(d).filter((f) => f.includes('.tmp-') || f.startsWith('.plimsoll-download-'));

test('conditional requests: 200 then 304 (ETag and Last-Modified), partial rebuild on change', async () => {
  const d = join(tmp.path, 'http');
  mkdirSync(d);
  const db = join(d, 'adv.db');
  files.set('/npm/all.zip', { body: osvZip([rec('GHSA-1', 'npm', 'left-pad'), rec('GHSA-2', 'npm', 'Right-Pad')]), etag: '"npm-v1"' });
  files.set('/PyPI/all.zip', { body: osvZip([rec('PYSEC-1', 'PyPI', 'Django')]), lastModified: 'Mon, 01 Jan 2024 00:00:00 GMT' });

  const first = await updateFromMirror(db, { baseUrl: base, ecosystems: ['npm', 'PyPI'] });
  assert.equal(first.changed, true);
  assert.deepEqual(
    first.ecosystems.map((e) => [e.ecosystem, e.status, e.report?.records]),
    [
      ['npm', 'updated', 2],
      ['PyPI', 'updated', 1],
    ],
  );
  let a = AdvisoryDB.open(db);
  const s1 = a.status();
  assert.equal(s1.totals.advisories, 3);
  assert.equal(s1.sources.find((s) => s.ecosystem === 'npm')!.etag, '"npm-v1"');
  assert.equal(s1.sources.find((s) => s.ecosystem === 'PyPI')!.lastModified, 'Mon, 01 Jan 2024 00:00:00 GMT');
  assert.equal(a.candidates('npm', undefined, 'right-pad')[0]!.advisoryId, 'GHSA-2');
  a.close();

  // nothing changed: 304s, database file untouched; ecosystems remembered from the first run
  const before = sha(db);
  requests.length = 0;
  const second = await updateFromMirror(db, { baseUrl: base });
  assert.equal(second.changed, false);
  assert.deepEqual(
    second.ecosystems.map((e) => e.status),
    ['not-modified', 'not-modified'],
  );
  assert.equal(sha(db), before);
  assert.equal(requests.find((r) => r.url === '/npm/all.zip')!.headers['if-none-match'], '"npm-v1"');
  assert.equal(requests.find((r) => r.url === '/PyPI/all.zip')!.headers['if-modified-since'], 'Mon, 01 Jan 2024 00:00:00 GMT');
  assert.deepEqual(
    requests.filter((r) => r.url.endsWith('all.zip')).map((r) => r.status),
    [304, 304],
  );

  // npm changes: its rows are replaced, PyPI's stay
  files.set('/npm/all.zip', { body: osvZip([rec('GHSA-1', 'npm', 'left-pad', '2024-02-01T00:00:00Z'), rec('GHSA-3', 'npm', 'up-pad')]), etag: '"npm-v2"' });
  const third = await updateFromMirror(db, { baseUrl: base });
  assert.deepEqual(
    third.ecosystems.map((e) => [e.ecosystem, e.status]),
    [
      ['npm', 'updated'],
      ['PyPI', 'not-modified'],
    ],
  );
  a = AdvisoryDB.open(db);
  try {
    assert.equal(a.advisory('GHSA-2'), undefined, 'records gone from the new archive are gone');
    assert.equal(a.advisory('GHSA-1')!.modified, '2024-02-01T00:00:00Z');
    assert.ok(a.advisory('GHSA-3'));
    assert.ok(a.advisory('PYSEC-1'));
    assert.equal(a.candidates('PyPI', undefined, 'django').length, 1);
    assert.equal(a.status().contentDigest, third.contentDigest);
  } finally {
    a.close();
  }
  assert.deepEqual(leftovers(d), []);
});

test('a corrupt archive on a later update leaves the database unchanged', async () => {
  const d = join(tmp.path, 'corrupt');
  mkdirSync(d);
  const db = join(d, 'adv.db');
  files.set('/Go/all.zip', { body: osvZip([rec('GO-1', 'Go', 'example.com/m')]), etag: '"go-1"' });
  await updateFromMirror(db, { baseUrl: base, ecosystems: ['Go'] });
  const before = sha(db);
  const good = osvZip([rec('GO-1', 'Go', 'example.com/m'), rec('GO-2', 'Go', 'example.com/n')]);
  files.set('/Go/all.zip', { body: good.subarray(0, good.length - 40), etag: '"go-2"' });
  await assert.rejects(updateFromMirror(db, { baseUrl: base }), (e: unknown) => isPlimsollError(e) && e.code === 'PARSE_ERROR' && /not a valid zip archive/.test(e.message));
  assert.equal(sha(db), before);
  const a = AdvisoryDB.open(db);
  assert.equal(a.status().totals.advisories, 1);
  assert.equal(a.status().sources[0]!.etag, '"go-1"', 'validators not advanced by a failed update');
  a.close();
  assert.deepEqual(leftovers(d), []);
  // the next good archive goes in
  files.set('/Go/all.zip', { body: good, etag: '"go-3"' });
  const ok = await updateFromMirror(db, { baseUrl: base });
  assert.equal(ok.ecosystems[0]!.report!.records, 2);
});

test('integrity: checksums file and sha256 sidecar must match; 404 names the ecosystem', async () => {
  const d = join(tmp.path, 'sums');
  mkdirSync(d);
  const db = join(d, 'adv.db');
  const body = osvZip([rec('RUSTSEC-1', 'crates.io', 'openssl')]);
  const digest = createHash('sha256').update(body).digest('hex');
  files.set('/crates.io/all.zip', { body, etag: '"c1"' });
  files.set('/crates.io/all.zip.sha256', { body: Buffer.from(`${'0'.repeat(64)}  all.zip\n`) });
  await assert.rejects(updateFromMirror(db, { baseUrl: base, ecosystems: ['crates.io'] }), (e: unknown) => isPlimsollError(e) && e.code === 'DIGEST_MISMATCH');
  assert.equal(existsSync(db), false);
  files.set('/crates.io/all.zip.sha256', { body: Buffer.from(`${digest}  all.zip\n`) });
  const r = await updateFromMirror(db, { baseUrl: base, ecosystems: ['crates.io'] });
  assert.equal(r.ecosystems[0]!.sha256, digest);

  const sums = join(d, 'SHA256SUMS');
  writeFileSync(sums, `${'1'.repeat(64)}  crates.io/all.zip\n`);
  files.set('/crates.io/all.zip', { body, etag: '"c2"' });
  await assert.rejects(updateFromMirror(db, { baseUrl: base, checksumsFile: sums }), /does not match the published/);
  writeFileSync(sums, `${digest} *./crates.io/all.zip\n`);
  assert.equal((await updateFromMirror(db, { baseUrl: base, checksumsFile: sums })).changed, true);
  writeFileSync(sums, `${digest}  Other/all.zip\n`);
  files.set('/crates.io/all.zip', { body, etag: '"c3"' });
  await assert.rejects(updateFromMirror(db, { baseUrl: base, checksumsFile: sums }), /no checksum for crates\.io\/all\.zip/);

  await assert.rejects(
    updateFromMirror(join(d, 'b.db'), { baseUrl: base, ecosystems: ['Nope'] }),
    (e: unknown) => isPlimsollError(e) && e.code === 'REGISTRY_ERROR' && /Nope\/all\.zip: HTTP 404; is the ecosystem name spelled/.test(e.message),
  );
  await assert.rejects(updateFromMirror(join(d, 'c.db'), { baseUrl: base, ecosystems: ['../etc'] }), /not an ecosystem name/);
  assert.deepEqual(parseChecksums(`${digest}  a/all.zip\nnoise\n`).get('a/all.zip'), digest);
});

test('a local directory works as the mirror (air-gapped)', async () => {
  const d = join(tmp.path, 'dir');
  const mirror = join(d, 'mirror');
  mkdirSync(join(mirror, 'Alpine'), { recursive: true });
  const zip = join(mirror, 'Alpine', 'all.zip');
  writeFileSync(zip, osvZip([rec('ALPINE-CVE-2024-1', 'Alpine:v3.20', 'busybox')]));
  const db = join(d, 'adv.db');
  const r1 = await updateFromMirror(db, { baseUrl: mirror, ecosystems: ['Alpine'] });
  assert.equal(r1.ecosystems[0]!.status, 'updated');
  const r2 = await updateFromMirror(db, { baseUrl: mirror });
  assert.deepEqual([r2.changed, r2.ecosystems[0]!.status], [false, 'not-modified']);
  writeFileSync(zip, osvZip([rec('ALPINE-CVE-2024-1', 'Alpine:v3.20', 'busybox'), rec('ALPINE-CVE-2024-2', 'Alpine:v3.20', 'musl')]));
  const r3 = await updateFromMirror(db, { baseUrl: `file://${mirror}` });
  assert.equal(r3.ecosystems[0]!.report!.records, 2);
  const a = AdvisoryDB.open(db);
  assert.equal(a.candidates('Alpine', '3.20', 'musl')[0]!.advisoryId, 'ALPINE-CVE-2024-2');
  a.close();
  await assert.rejects(updateFromMirror(db, { baseUrl: mirror, ecosystems: ['Debian'] }), /Debian\/all\.zip: not found in the local mirror/);
});

test('killed before the rename: the old database is intact and the leftover temp file is cleaned up', async () => {
  const d = join(tmp.path, 'kill');
  const mirror = join(d, 'mirror');
  mkdirSync(join(mirror, 'npm'), { recursive: true });
  const zip = join(mirror, 'npm', 'all.zip');
  writeFileSync(zip, osvZip([rec('GHSA-OLD', 'npm', 'a')]));
  const db = join(d, 'adv.db');
  await updateFromMirror(db, { baseUrl: mirror, ecosystems: ['npm'] });
  const before = sha(db);
  writeFileSync(zip, osvZip([rec('GHSA-NEW', 'npm', 'b')]));

  const script = join(d, 'child.mts');
  const updateModule = fileURLToPath(new URL('./update.ts', import.meta.url));
  writeFileSync(script, `import { updateFromMirror } from ${JSON.stringify(updateModule)};\nawait updateFromMirror(${JSON.stringify(db)}, { baseUrl: ${JSON.stringify(mirror)} });\n`);
  const child = spawn(process.execPath, ['--import', 'tsx', script], { env: { ...process.env, PLIMSOLL_TEST_HOOK: 'db-before-rename' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const temp = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString();
      const m = /plimsoll-test-hook:db-before-rename:(.+)\n/.exec(err);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`child exited ${code} before the hook: ${err}`)));
  });
  assert.ok(existsSync(temp), 'the complete new database sits in a temp file');
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));

  assert.equal(sha(db), before, 'target untouched');
  const a = AdvisoryDB.open(db);
  assert.ok(a.advisory('GHSA-OLD'));
  assert.equal(a.advisory('GHSA-NEW'), undefined);
  a.close();
  assert.ok(readdirSync(d).some((f) => f.includes('.tmp-')), 'the killed build left its temp file');
  // the next run removes it and completes
  const r = await updateFromMirror(db, { baseUrl: mirror });
  assert.equal(r.changed, true);
  assert.deepEqual(leftovers(d), []);
  const b = AdvisoryDB.open(db);
  assert.ok(b.advisory('GHSA-NEW'));
  b.close();
});
