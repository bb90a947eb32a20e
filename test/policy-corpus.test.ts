/**
 * Runs `plimsoll policy test` semantics over the shared Kyverno corpora (the kyverno/policies
 * library and kyverno's own CLI tests), prints expected-results-met per folder and asserts a
 * floor. Rows for mutate/generate rules are counted separately (validate only is in scope).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findTestFiles, runTestFile, type TestFileResult } from '../src/policy/test-runner.js';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../shared/corpora/kyverno');
const POLICIES = resolve(root, 'policies');
const CLI_TESTS = resolve(root, 'cli-tests');

interface Tally {
  met: number;
  total: number;
  unsupported: number;
}

function tallyByFolder(base: string, results: TestFileResult[]): Map<string, Tally> {
  const out = new Map<string, Tally>();
  for (const r of results) {
    const folder = relative(base, r.file).split('/')[0]!;
    const t = out.get(folder) ?? { met: 0, total: 0, unsupported: 0 };
    for (const row of r.rows) {
      if (row.actual === 'unsupported') {
        t.unsupported++;
        continue;
      }
      t.total++;
      if (row.ok) t.met++;
    }
    out.set(folder, t);
  }
  return out;
}

function report(t: { diagnostic(m: string): void }, name: string, byFolder: Map<string, Tally>): Tally {
  const sum: Tally = { met: 0, total: 0, unsupported: 0 };
  for (const [folder, x] of [...byFolder.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    t.diagnostic(`${name}/${folder}: ${x.met}/${x.total} expected validate results met${x.unsupported ? ` (+${x.unsupported} mutate/generate rows not evaluated)` : ''}`);
    sum.met += x.met;
    sum.total += x.total;
    sum.unsupported += x.unsupported;
  }
  t.diagnostic(`${name} TOTAL: ${sum.met}/${sum.total} met (${sum.unsupported} mutate/generate rows not evaluated)`);
  return sum;
}

test('kyverno/policies library: expected results met', { skip: !existsSync(POLICIES) && `shared corpora absent: ${POLICIES}` }, (t) => {
  const results = findTestFiles(POLICIES).map((f) => runTestFile(f));
  const sum = report(t, 'policies', tallyByFolder(POLICIES, results));
  for (const r of results) for (const row of r.rows) if (!row.ok && row.actual !== 'unsupported') t.diagnostic(`miss: ${relative(POLICIES, r.file)} ${row.policy}/${row.rule} ${row.resource}: ${row.reason}`);
  assert.ok(results.length >= 200, `found ${results.length} test files`);
  // floor: every validate row except the istio tests whose rule name has a typo upstream
  assert.ok(sum.met >= 1739, `only ${sum.met}/${sum.total} met`);
});

test('kyverno CLI tests: expected results met, test-fail cases fail', { skip: !existsSync(CLI_TESTS) && `shared corpora absent: ${CLI_TESTS}` }, (t) => {
  const results = findTestFiles(CLI_TESTS).map((f) => runTestFile(f));
  const sum = report(t, 'cli-tests', tallyByFolder(CLI_TESTS, results));
  for (const r of results) for (const row of r.rows) if (!row.ok) t.diagnostic(`miss: ${relative(CLI_TESTS, r.file)} ${row.policy}/${row.rule} ${row.resource}: ${row.reason}`);
  assert.ok(sum.met >= 204, `only ${sum.met}/${sum.total} met`);
  // kyverno's negative tests must be reported as failing
  for (const name of ['missing-policy', 'missing-resource', 'missing-rule']) {
    const r = results.find((x) => x.file.includes(`test-fail/${name}/`));
    assert.ok(r, `test-fail/${name} found`);
    assert.ok(r.rows.some((row) => !row.ok), `test-fail/${name} must fail`);
  }
  // everything outside test-fail and the registry-dependent cases passes
  const offline = results.filter((r) => !r.file.includes('/test-fail/') && !r.file.includes('/registry/') && !r.file.includes('/context-foreach/'));
  const missed = offline.flatMap((r) => r.rows.filter((row) => !row.ok).map((row) => `${relative(CLI_TESTS, r.file)}: ${row.reason}`));
  assert.deepEqual(missed, []);
});
