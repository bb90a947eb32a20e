/**
 * `plimsoll config` end to end: Kubernetes' own Pod Security fixtures classified through the CLI's
 * JSON report (every object listed with its verdict), and Dockerfiles and manifests in one run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
const CLI = join(ROOT, 'src/cli/main.ts');
const PSS = resolve(ROOT, '../shared/corpora/pod-security');
const skip = existsSync(PSS) ? undefined : 'shared corpora absent: ../shared/corpora/pod-security';

function run(args: string[], input?: string): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8', cwd: ROOT, timeout: 300_000, input, maxBuffer: 256 << 20 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

test('Pod Security fixtures (latest) classified exactly as Kubernetes does, through the CLI', { skip }, (t) => {
  for (const level of ['baseline', 'restricted']) {
    let right = 0;
    let total = 0;
    for (const verdict of ['pass', 'fail']) {
      const dir = join(PSS, level, 'v1.37', verdict);
      const r = run(['config', dir, '--pss', `${level}:latest`, '-o', 'json']);
      assert.ok(r.status === 0 || r.status === 1, r.stderr);
      const doc = JSON.parse(r.stdout);
      const objects = doc.results.flatMap((x: { objects?: unknown[] }) => x.objects ?? []) as Array<{ file: string; kind: string; name: string; pss: { level: string; allowed: boolean } }>;
      assert.ok(objects.length > 0);
      for (const o of objects) {
        total++;
        if (o.pss.allowed === (verdict === 'pass')) right++;
        else t.diagnostic(`miss: ${level} ${verdict} ${o.file}`);
      }
    }
    t.diagnostic(`${level} latest: ${right}/${total}`);
    assert.equal(right, total);
  }
});

test('a Dockerfile and a manifest in one directory; stdin; --fail-on', () => {
  const dir = mkdtempSync(join(tmpdir(), 'plimsoll-config-'));
  try {
    writeFileSync(join(dir, 'Dockerfile'), 'FROM debian:latest\nRUN apt-get update && apt-get install -y curl\nUSER root\n');
    writeFileSync(
      join(dir, 'deploy.yaml'),
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      hostNetwork: true\n      containers:\n      - name: web\n        image: nginx\n        securityContext: {privileged: true}\n',
    );
    const r = run(['config', dir, '-o', 'json']);
    assert.equal(r.status, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    const types = doc.results.map((x: { type: string }) => x.type).sort();
    assert.deepEqual(types, ['dockerfile', 'kubernetes']);
    const all = doc.results.flatMap((x: { findings: Array<{ id: string; aliases?: string[]; target: { line?: number; path?: string } }> }) => x.findings);
    assert.ok(all.some((f: { aliases?: string[] }) => f.aliases?.includes('DL3007')), 'latest base image');
    assert.ok(all.every((f: { target: { line?: number } }) => typeof f.target.line === 'number'), 'every finding has a line');
    assert.ok(all.some((f: { id: string; target: { path?: string } }) => f.id === 'PLM-K8S-023' && f.target.path?.includes('hostNetwork')));
    assert.equal(run(['config', dir, '--fail-on', 'high']).status, 1);
    const stdin = run(['config', '-', '-o', 'json', '--pss', 'baseline'], readFileSyncUtf8(join(dir, 'deploy.yaml')));
    const objs = JSON.parse(stdin.stdout).results.flatMap((x: { objects?: Array<{ pss: { allowed: boolean } }> }) => x.objects ?? []);
    assert.equal(objs.length, 1);
    assert.equal(objs[0].pss.allowed, false);
    const sarif = JSON.parse(run(['config', dir, '-o', 'sarif']).stdout);
    assert.equal(sarif.version, '2.1.0');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function readFileSyncUtf8(p: string): string {
  return spawnSync('cat', [p], { encoding: 'utf8' }).stdout;
}
