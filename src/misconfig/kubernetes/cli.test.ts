/**
 * `plimsoll config` with the Kubernetes handler plugged in (the way src/misconfig/registry.ts will
 * list it): --pss, stdin, formats, exit codes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { registerConfigCommand } from '../../cli/config.js';
import { kubernetesHandler } from './handler.js';
import { deployment, podWith } from './testing.js';

async function run(args: string[], stdin = ''): Promise<{ out: string; err: string; code: number | undefined }> {
  let out = '';
  let err = '';
  const program = new Command().exitOverride().option('-q, --quiet');
  registerConfigCommand(program, {
    handlers: [kubernetesHandler],
    io: { out: (s) => void (out += s), err: (s) => void (err += s), readStdin: async () => stdin },
  });
  const saved = process.exitCode;
  process.exitCode = undefined;
  try {
    await program.parseAsync(['node', 'plimsoll', 'config', ...args]);
    return { out, err, code: process.exitCode as number | undefined };
  } finally {
    process.exitCode = saved;
  }
}

const manifest = deployment(podWith('image: nginx'), { namespace: 'prod' });

test('config - (helm template | plimsoll config -) with --pss and JSON output', async () => {
  const r = await run(['-', '--pss', 'restricted', '-o', 'json'], manifest);
  const doc = JSON.parse(r.out) as { results: Array<{ file: string; type: string; findings: Array<{ id: string; target: { line?: number; path?: string; object?: { kind?: string } } }> }> };
  assert.equal(doc.results[0]!.file, '-');
  assert.equal(doc.results[0]!.type, 'kubernetes');
  const ids = doc.results[0]!.findings.map((f) => f.id);
  assert.ok(ids.includes('PLM-K8S-011'));
  assert.ok(ids.includes('PLM-K8S-PSS-allowPrivilegeEscalation'));
  const img = doc.results[0]!.findings.find((f) => f.id === 'PLM-K8S-011')!;
  assert.equal(img.target.path, 'spec.template.spec.containers[0].image');
  assert.equal(img.target.object?.kind, 'Deployment');
  assert.equal(r.code, undefined);
});

test('config --fail-on and --ignore apply to Kubernetes findings', async () => {
  assert.equal((await run(['-', '--fail-on', 'medium'], manifest)).code, 1);
  const ignored = await run(['-', '--fail-on', 'medium', '--ignore', 'PLM-K8S-011,PLM-K8S-040'], manifest);
  assert.equal(ignored.code, undefined, ignored.out);
});

test('config rejects a bad --pss value as a usage error', async () => {
  await assert.rejects(run(['-', '--pss', 'strict'], manifest), /--pss/);
});
