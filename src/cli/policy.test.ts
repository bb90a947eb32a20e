import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { registerPolicyCommand } from './policy.js';

async function cli(args: string[]): Promise<{ out: string; code: number }> {
  const program = new Command().name('plimsoll').exitOverride();
  registerPolicyCommand(program);
  let out = '';
  const write = process.stdout.write.bind(process.stdout);
  const errWrite = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string) => ((out += s), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => ((out += s), true)) as typeof process.stderr.write;
  const before = process.exitCode;
  process.exitCode = 0;
  try {
    await program.parseAsync(['node', 'plimsoll', ...args]);
    return { out, code: Number(process.exitCode ?? 0) };
  } finally {
    process.stdout.write = write;
    process.stderr.write = errWrite;
    process.exitCode = before;
  }
}

test('policy apply: table, json, policy-report, Enforce exit code, bad policy reported', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'plimsoll-cli-policy-'));
  try {
    writeFileSync(
      join(dir, 'p.yaml'),
      `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: no-latest}
spec:
  rules:
  - name: tag
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      failureAction: Enforce
      pattern: {spec: {containers: [{image: "!*:latest"}]}}
---
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: broken}
spec: {rules: [{name: r, match: {any: [{resources: {kinds: [Pod]}}]}, validate: {pattern: {spec: {"X(host": 1}}}}]}
`,
    );
    writeFileSync(join(dir, 'ok.yaml'), `apiVersion: v1\nkind: Pod\nmetadata: {name: ok}\nspec: {containers: [{name: c, image: "nginx:1"}]}\n`);
    writeFileSync(join(dir, 'bad.yaml'), `apiVersion: v1\nkind: Pod\nmetadata: {name: bad}\nspec: {containers: [{name: c, image: "nginx:latest"}]}\n`);
    const ok = await cli(['policy', 'apply', join(dir, 'p.yaml'), '--resource', join(dir, 'ok.yaml')]);
    assert.match(ok.out, /policy broken rule r .*invalid anchor/);
    assert.match(ok.out, /no-latest\s+tag\s+Pod\/default\/ok\s+pass/);
    assert.equal(ok.code, 3, 'a policy failed to load');
    const bad = await cli(['policy', 'apply', join(dir, 'p.yaml'), '-r', join(dir, 'bad.yaml'), '-o', 'json']);
    assert.equal(bad.code, 1);
    const json = JSON.parse(bad.out.slice(bad.out.indexOf('{'))) as { results: { result: string }[]; summary: { fail: number } };
    assert.equal(json.summary.fail, 1);
    const rep = await cli(['policy', 'apply', join(dir, 'p.yaml'), '-r', join(dir, 'bad.yaml'), '-o', 'policy-report']);
    const report = JSON.parse(rep.out.slice(rep.out.indexOf('{'))) as { apiVersion: string; kind: string; summary: { fail: number } };
    assert.equal(report.apiVersion, 'wgpolicyk8s.io/v1alpha2');
    assert.equal(report.kind, 'PolicyReport');
    assert.equal(report.summary.fail, 1);
    writeFileSync(
      join(dir, 'kyverno-test.yaml'),
      `name: t\npolicies: [p.yaml]\nresources: [ok.yaml, bad.yaml]\nresults:\n- {policy: no-latest, rule: tag, resource: bad, kind: Pod, status: fail}\n- {policy: no-latest, rule: tag, resource: ok, kind: Pod, status: fail}\n`,
    );
    const t = await cli(['policy', 'test', dir, '--format', 'json']);
    assert.equal(t.code, 1);
    const tj = JSON.parse(t.out) as { results: { resource: string; expected: string; actual: string; ok: boolean }[]; summary: { passed: number; failed: number } };
    assert.deepEqual(tj.results.map((r) => [r.resource, r.actual, r.ok]), [['bad', 'fail', true], ['ok', 'pass', false]]);
    assert.deepEqual([tj.summary.passed, tj.summary.failed], [1, 1]);
    const table = await cli(['policy', 'test', dir, '--explain']);
    assert.match(table.out, /Test Summary: 1 tests passed and 1 tests failed/);
    assert.match(table.out, /pattern: failed at \/spec\/containers\/0\/image\//);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
