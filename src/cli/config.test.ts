import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { registerConfigCommand } from './config.js';
import { DOCKERFILE_CHECKS, dockerfileHandler } from '../misconfig/dockerfile/index.js';
import type { ConfigHandler, ConfigInput } from '../misconfig/handlers.js';
import { readFileSync } from 'node:fs';

interface Run {
  stdout: string;
  stderr: string;
  code: number;
  error?: Error;
}

/** Runs `plimsoll config …` in-process with a fresh program. */
async function run(...args: string[]): Promise<Run> {
  return runWith({}, ...args);
}

async function runWith(o: { handlers?: ConfigHandler[]; stdin?: string }, ...args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const program = new Command();
  program.exitOverride().option('-q, --quiet');
  program.configureOutput({ writeOut: () => {}, writeErr: () => {} });
  registerConfigCommand(program, {
    ...(o.handlers ? { handlers: o.handlers } : {}),
    io: { out: (s) => void (stdout += s), err: (s) => void (stderr += s), readStdin: async () => o.stdin ?? '' },
  });
  const before = process.exitCode;
  process.exitCode = undefined;
  try {
    await program.parseAsync(['node', 'plimsoll', 'config', ...args]);
    return { stdout, stderr, code: typeof process.exitCode === 'number' ? process.exitCode : 0 };
  } catch (e) {
    return { stdout, stderr, code: -1, error: e as Error };
  } finally {
    process.exitCode = before;
  }
}

function fixture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'plimsoll-cfg-'));
  mkdirSync(join(dir, 'svc'));
  writeFileSync(join(dir, 'Dockerfile'), 'FROM alpine:latest\nENV DB_PASSWORD=correct-horse-battery\nRUN curl -fsSL https://x.example/i.sh | sh\nUSER app\nHEALTHCHECK NONE\n');
  writeFileSync(join(dir, 'svc/api.Dockerfile'), 'FROM debian:12@sha256:' + 'a'.repeat(64) + '\n# hadolint ignore=DL3008\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\nUSER 10001\nHEALTHCHECK CMD ["true"]\n');
  return dir;
}

test('table output: grouped by file, lines, ids with hadolint aliases, summary', async () => {
  const dir = fixture();
  try {
    const r = await run(dir);
    assert.equal(r.code, 0, r.error?.message);
    assert.match(r.stdout, new RegExp(`${dir}/Dockerfile \\(dockerfile: \\d+ findings`));
    assert.match(r.stdout, /\n  1 +MEDIUM +PLM-DF-001 \(DL3007\) +Base image uses the "latest" tag/);
    assert.match(r.stdout, /\n  3 +MEDIUM +PLM-DF-030 +Remote script piped into a shell/);
    assert.match(r.stdout, /2 files checked, \d+ findings \(1 high, /);
    assert.ok(!r.stdout.includes('correct-horse'), 'secret value printed');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('json output: documented shape, deterministic, redacted', async () => {
  const dir = fixture();
  try {
    const a = await run(dir, '-o', 'json');
    const b = await run(dir, '--format', 'json');
    assert.equal(a.stdout, b.stdout);
    assert.ok(!a.stdout.includes('correct-horse'));
    const doc = JSON.parse(a.stdout);
    assert.equal(doc.schema, 'https://plimsoll.dev/schema/config/v1');
    assert.equal(doc.tool.name, 'plimsoll');
    assert.equal(doc.summary.files, 2);
    assert.deepEqual(doc.results.map((r: { file: string; type: string }) => [r.file.slice(dir.length + 1), r.type]), [['Dockerfile', 'dockerfile'], ['svc/api.Dockerfile', 'dockerfile']]);
    const secret = doc.results[0].findings.find((f: { id: string }) => f.id === 'PLM-DF-020');
    assert.deepEqual(Object.keys(secret), ['id', 'severity', 'title', 'description', 'remediation', 'target', 'evidence']);
    assert.equal(secret.target.line, 2);
    assert.equal(secret.evidence, 'ENV DB_PASSWORD=co****');
    assert.deepEqual(doc.results[1].findings.map((f: { id: string }) => f.id), [], 'the pinned, ignored file is clean');
    assert.equal(doc.summary.findings, doc.results[0].findings.length);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sarif output: rules with security-severity, results with relative locations', async () => {
  const dir = fixture();
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    const r = await run('.', '-o', 'sarif');
    const log = JSON.parse(r.stdout);
    assert.equal(log.version, '2.1.0');
    const run0 = log.runs[0];
    const ids = run0.tool.driver.rules.map((x: { id: string }) => x.id);
    assert.deepEqual(ids, [...ids].sort());
    const latest = run0.tool.driver.rules.find((x: { id: string }) => x.id === 'PLM-DF-001');
    assert.equal(latest.properties['security-severity'], '5.5');
    assert.ok(latest.properties.tags.includes('DL3007'));
    const res = run0.results.find((x: { ruleId: string }) => x.ruleId === 'PLM-DF-030');
    assert.deepEqual(res.locations[0].physicalLocation.artifactLocation, { uri: 'Dockerfile', uriBaseId: '%SRCROOT%' });
    assert.equal(res.locations[0].physicalLocation.region.startLine, 3);
    for (const x of run0.results) assert.equal(ids[x.ruleIndex], x.ruleId);
    assert.ok(!r.stdout.includes('correct-horse'));
  } finally {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--severity filters, --fail-on and --exit-code set the exit code', async () => {
  const dir = fixture();
  try {
    const high = JSON.parse((await run(dir, '-o', 'json', '--severity', 'HIGH,critical')).stdout);
    assert.deepEqual(high.results.flatMap((r: { findings: { id: string }[] }) => r.findings.map((f) => f.id)), ['PLM-DF-020']);
    assert.equal((await run(dir, '--fail-on', 'medium')).code, 1);
    assert.equal((await run(dir, '--fail-on', 'critical')).code, 0);
    assert.equal((await run(dir, '--fail-on', 'low', '--exit-code', '7')).code, 7);
    assert.equal((await run(dir, '--exit-code', '4')).code, 4, '--exit-code alone fails on any finding');
    assert.equal((await run(dir, '--severity', 'critical', '--exit-code', '4')).code, 0);
    assert.equal((await run(dir, '--fail-on', 'medium', '--ignore', 'PLM-DF-001,PLM-DF-030,DL3057,PLM-DF-020')).code, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('parse errors: reported in the output, exit code 3', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'plimsoll-cfg-'));
  try {
    writeFileSync(join(dir, 'Dockerfile'), 'FROM alpine:3\nFOO bar\n');
    const r = await run(dir);
    assert.equal(r.code, 3);
    assert.match(r.stdout, /line 2: parse error: unknown instruction "FOO"/);
    const j = await run(dir, '-o', 'json', '-q');
    assert.equal(j.code, 3);
    assert.deepEqual(JSON.parse(j.stdout).results[0].errors, [{ line: 2, message: 'unknown instruction "FOO"' }]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('usage and input errors', async () => {
  const dir = fixture();
  try {
    assert.match((await run(dir, '--fail-on', 'severe')).error?.message ?? '', /--fail-on: unknown severity "severe"/);
    assert.match((await run(dir, '--severity', 'hi')).error?.message ?? '', /unknown severity "hi"/);
    assert.match((await run(dir, '--exit-code', 'x')).error?.message ?? '', /--exit-code/);
    const missing = await run(join(dir, 'missing'));
    assert.equal((missing.error as { code?: string })?.code, 'SOURCE_NOT_FOUND');
    // An explicitly named file is sniffed by content when its name is not a Dockerfile name.
    writeFileSync(join(dir, 'build.txt'), '# comment\nARG V=1\nFROM alpine:latest\n');
    const sniffed = await run(join(dir, 'build.txt'));
    assert.match(sniffed.stdout, /PLM-DF-001/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('standard input: - is sniffed and linted', async () => {
  const r = await runWith({ stdin: 'FROM alpine:latest\n' }, '-', '-o', 'json');
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.results[0].file, '-');
  assert.ok(doc.results[0].findings.some((f: { id: string }) => f.id === 'PLM-DF-001'));
  const bad = await runWith({ stdin: 'hello\n' }, '-');
  assert.match(bad.error?.message ?? '', /standard input is not a recognized configuration file/);
});

test('a second handler plugs in: batch lintMany, its own CLI option, notApplicable files dropped', async () => {
  const dir = fixture();
  const seen: { inputs: string[]; opts: Record<string, unknown>; walked: boolean }[] = [];
  const fake: ConfigHandler = {
    kind: 'fake',
    checks: [{ id: 'FAKE-1', aliases: [], severity: 'high', title: 'fake', description: 'd', remediation: 'r', references: [] }],
    maxBytes: 1000,
    matchesPath: (p) => p.endsWith('.fake'),
    lint: () => ({ findings: [], errors: [] }),
    lintMany: (inputs: readonly ConfigInput[], opts, walked) => {
      seen.push({ inputs: inputs.map((i) => i.text), opts, walked });
      return inputs.map((i) =>
        i.text === 'skip'
          ? { file: i.file, kind: 'fake', findings: [], errors: [], notApplicable: true }
          : { file: i.file, kind: 'fake', errors: [], findings: [{ id: 'FAKE-1', severity: 'high', title: 'fake', description: 'cross-file', remediation: 'r', target: { file: i.file, line: 1 } }] },
      );
    },
    cliOptions: [{ flags: '--level <x>', description: 'a handler option', key: 'level', parse: (v) => v.toUpperCase() }],
  };
  try {
    writeFileSync(join(dir, 'a.fake'), 'one');
    writeFileSync(join(dir, 'svc/b.fake'), 'skip');
    const r = await runWith({ handlers: [dockerfileHandler, fake] }, dir, '-o', 'json', '--level', 'strict', '--fail-on', 'high');
    assert.equal(r.code, 1);
    assert.deepEqual(seen, [{ inputs: ['one', 'skip'], opts: { level: 'STRICT' }, walked: true }]);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(doc.results.map((x: { file: string; type: string }) => [x.file.slice(dir.length + 1), x.type]), [['Dockerfile', 'dockerfile'], ['a.fake', 'fake'], ['svc/api.Dockerfile', 'dockerfile']]);
    const sarif = JSON.parse((await runWith({ handlers: [dockerfileHandler, fake] }, dir, '-o', 'sarif')).stdout);
    const rule = sarif.runs[0].tool.driver.rules.find((x: { id: string }) => x.id === 'FAKE-1');
    assert.deepEqual(rule.properties.tags, ['security', 'fake']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('docs/config-format.md lists every Dockerfile check', { skip: false }, () => {
  const doc = readFileSync(new URL('../../docs/config-format.md', import.meta.url), 'utf8');
  for (const c of DOCKERFILE_CHECKS) {
    assert.ok(doc.includes(`| ${c.id} |`), `${c.id} missing from docs/config-format.md`);
    for (const a of c.aliases) assert.ok(doc.includes(a), `${a} missing`);
  }
});
