/**
 * The signing commands without a registry: key generate, sign-blob / verify-blob with keys (ours and
 * cosign's), keyless verify-blob of a Sigstore conformance bundle against its trusted root, usage
 * errors and password handling.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
const CLI = join(ROOT, 'src/cli/main.ts');
const CORPUS = resolve(ROOT, '../shared/corpora/sigstore');
const noCorpus = !existsSync(CORPUS) && `shared corpora absent: ${CORPUS}`;
let work: string;

function run(args: string[], env: NodeJS.ProcessEnv = {}): { status: number; stdout: string; stderr: string } {
  const base = { ...process.env };
  delete base.PLIMSOLL_PASSWORD;
  delete base.COSIGN_PASSWORD;
  const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8', cwd: ROOT, timeout: 120_000, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

before(() => {
  work = mkdtempSync(join(tmpdir(), 'plimsoll-attest-cli-'));
});
after(() => rmSync(work, { recursive: true, force: true }));

test('key generate: password from the environment, 0600 private key, no overwrite; no password and no terminal is a usage error', () => {
  const prefix = join(work, 'k');
  const none = run(['key', 'generate', '--output-key-prefix', prefix]);
  assert.equal(none.status, 2);
  assert.match(none.stderr, /a password is needed .*PLIMSOLL_PASSWORD/);
  assert.ok(!existsSync(`${prefix}.key`));
  const ok = run(['key', 'generate', '--output-key-prefix', prefix], { COSIGN_PASSWORD: 's3cret-pw' });
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(statSync(`${prefix}.key`).mode & 0o777, 0o600);
  assert.ok(!(ok.stdout + ok.stderr).includes('s3cret-pw'));
  const again = run(['key', 'generate', '--output-key-prefix', prefix], { PLIMSOLL_PASSWORD: 'x' });
  assert.equal(again.status, 2);
  assert.match(again.stderr, /already exists/);
});

test('sign-blob / verify-blob with a plimsoll key: the bundle verifies; another file, another key, a modified bundle do not', () => {
  const prefix = join(work, 'b');
  assert.equal(run(['key', 'generate', '--output-key-prefix', prefix], { PLIMSOLL_PASSWORD: 'pw' }).status, 0);
  const file = join(work, 'release.tar');
  writeFileSync(file, 'release artifact\n');
  const bundle = join(work, 'release.sigstore.json');
  const s = run(['sign-blob', file, '--key', `${prefix}.key`, '--bundle', bundle], { PLIMSOLL_PASSWORD: 'pw' });
  assert.equal(s.status, 0, s.stderr);
  const b = JSON.parse(readFileSync(bundle, 'utf8'));
  assert.equal(b.mediaType, 'application/vnd.dev.sigstore.bundle.v0.3+json');
  assert.equal(b.messageSignature.signature, s.stdout.trim());
  assert.ok(b.verificationMaterial.publicKey.hint);

  const v = run(['verify-blob', file, '--key', `${prefix}.pub`, '--bundle', bundle]);
  assert.equal(v.status, 0, v.stderr);
  assert.match(v.stderr, /Verified OK.*no transparency log checked/);

  const other = join(work, 'other.tar');
  writeFileSync(other, 'release artifacT\n');
  const vo = run(['verify-blob', other, '--key', `${prefix}.pub`, '--bundle', bundle]);
  assert.equal(vo.status, 1);
  assert.match(vo.stderr, /message digest .* is not the artifact's/);

  assert.equal(run(['key', 'generate', '--output-key-prefix', join(work, 'c')], { PLIMSOLL_PASSWORD: 'pw' }).status, 0);
  const vk = run(['verify-blob', file, '--key', join(work, 'c.pub'), '--bundle', bundle]);
  assert.equal(vk.status, 1);
  assert.match(vk.stderr, /does not verify with the given key \(the bundle names key .*; the given key is/);

  const sig = Buffer.from(b.messageSignature.signature, 'base64');
  sig[10]! ^= 1;
  const bad = join(work, 'bad.sigstore.json');
  writeFileSync(bad, JSON.stringify({ ...b, messageSignature: { ...b.messageSignature, signature: sig.toString('base64') } }));
  const vb = run(['verify-blob', file, '--key', `${prefix}.pub`, '--bundle', bad]);
  assert.equal(vb.status, 1);
  assert.match(vb.stderr, /does not verify/);
  const vw = run(['sign-blob', file, '--key', `${prefix}.key`, '--bundle', bundle], { PLIMSOLL_PASSWORD: 'wrong' });
  assert.equal(vw.status, 3);
});

test("cosign's encrypted key signs with COSIGN_PASSWORD and verifies with its public key", { skip: noCorpus }, () => {
  const file = join(work, 'x.txt');
  writeFileSync(file, 'x');
  const bundle = join(work, 'x.sigstore.json');
  const key = join(CORPUS, 'cosign/keys/encrypted/pemsigstorekey.key');
  assert.equal(run(['sign-blob', file, '--key', key, '--bundle', bundle], { COSIGN_PASSWORD: 'hello' }).status, 0);
  assert.equal(run(['verify-blob', file, '--key', join(CORPUS, 'cosign/keys/encrypted/pemsigstorekey.pub'), '--bundle', bundle]).status, 0);
  const wrong = run(['sign-blob', file, '--key', key, '--bundle', bundle], { COSIGN_PASSWORD: 'hellO' });
  assert.equal(wrong.status, 3);
  assert.ok(!wrong.stderr.includes('hellO'));
});

test('keyless verify-blob of a Sigstore conformance bundle offline: right identity passes, others fail, half a policy is a usage error', { skip: noCorpus }, () => {
  const d = join(CORPUS, 'conformance/bundle-verify');
  const args = ['verify-blob', join(d, 'a.txt'), '--bundle', join(d, 'happy-path-v0.3/bundle.sigstore.json'), '--trusted-root', join(CORPUS, 'trust/production/targets/trusted_root.json')];
  const id = 'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';
  const ok = run([...args, '--certificate-identity', id, '--certificate-oidc-issuer', 'https://token.actions.githubusercontent.com']);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stderr, /Verified OK: .* signed by https:\/\/github.com\/sigstore-conformance.*transparency log verified/);
  const re = run([...args, '--certificate-identity-regexp', '^https://github\\.com/sigstore-conformance/', '--certificate-oidc-issuer', 'https://token.actions.githubusercontent.com']);
  assert.equal(re.status, 0, re.stderr);
  const wrong = run([...args, '--certificate-identity', id.replace('main', 'evil'), '--certificate-oidc-issuer', 'https://token.actions.githubusercontent.com']);
  assert.equal(wrong.status, 1);
  assert.match(wrong.stderr, /certificate identity is ".*@refs\/heads\/main", which does not match/);
  const half = run([...args, '--certificate-identity', id]);
  assert.equal(half.status, 2);
  assert.match(half.stderr, /needs both --certificate-identity .* and --certificate-oidc-issuer/);
  const badRoot = run(['verify-blob', join(d, 'a.txt'), '--bundle', join(d, 'trust-root-tlog-missing-validity-start_fail/bundle.sigstore.json'), '--trusted-root', join(d, 'trust-root-tlog-missing-validity-start_fail/trusted_root.json'), '--certificate-identity', id, '--certificate-oidc-issuer', 'https://token.actions.githubusercontent.com']);
  assert.equal(badRoot.status, 1);
  assert.match(badRoot.stderr, /tlogs\[1\] has no validFor.start/);
});

test('help and usage errors', () => {
  for (const c of ['sign', 'verify', 'attest', 'verify-attestation', 'provenance', 'sign-blob', 'verify-blob']) {
    const h = run([c, '--help']);
    assert.equal(h.status, 0, c);
  }
  assert.match(run(['verify', '--help']).stdout, /--certificate-oidc-issuer/);
  assert.match(run(['attest', '--help']).stdout, /--sbom/);
  assert.equal(run(['sign', 'oci-dir:/tmp/x', '--key', '/nonexistent']).status, 2);
  const both = run(['verify-blob', 'f', '--bundle', 'b', '--key', 'k', '--certificate-identity', 'x']);
  assert.equal(both.status, 2);
  const p = run(['provenance', '--predicate-only', '--builder-id', 'https://ci.example.com/b', '--finished-on', '2024-01-01T00:00:00Z']);
  assert.equal(p.status, 0, p.stderr);
  const pred = JSON.parse(p.stdout);
  assert.equal(pred.runDetails.builder.id, 'https://ci.example.com/b');
  assert.equal(pred.runDetails.metadata.finishedOn, '2024-01-01T00:00:00Z');
});
