/**
 * Round trip against the real Distribution registry (Debian docker-registry 2.8, no referrers API,
 * so the referrers tag schema is exercised) with images pushed by skopeo:
 *   key generate → sign → verify → provenance → attest (SLSA provenance, SBOM) → verify-attestation
 *   with policies; then tampering — the tag moved to another image, signatures and referrer
 *   listings copied onto it, payloads, signatures, envelopes and bundles modified, extra envelope
 *   signatures — each fails (or, for a foreign extra signature, is ignored) with a clear reason.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeOciLayout, type OciLayoutResult } from './helpers/oci-layout.js';
import { registrySkipReason, skopeoCopy, startRegistry, type RunningRegistry } from './helpers/registry.js';
import { sha256Digest } from '../src/util/digest.js';
import { MediaTypes, type ImageManifest } from '../src/image/types.js';
import { resolveTarget, type ImageTarget } from '../src/attest/target.js';
import { generateKeyPair, loadPrivateKey, loadPublicKey, writeKeyPair, type SigningKey } from '../src/attest/keys/index.js';
import { attestImage, signImage } from '../src/attest/sign/image.js';
import { ImageSignatureVerifier } from '../src/attest/verify/image.js';
import { AttestationVerifier } from '../src/attest/verify/attestation.js';
import { cosignManifest, cosignTag } from '../src/attest/cosign/layout.js';
import { parseEnvelope, serializeEnvelope, signEnvelope } from '../src/attest/dsse/index.js';
import { PredicateTypes } from '../src/attest/intoto/predicates.js';
import { bundleReferrerManifest, BundleAnnotations } from '../src/attest/bundle/oci.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
const CLI = join(ROOT, 'src/cli/main.ts');
const skip = registrySkipReason();
const PASSWORD = 'round-trip password';

function run(args: string[], env: NodeJS.ProcessEnv = {}): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8', cwd: ROOT, timeout: 180_000, env: { ...process.env, PLIMSOLL_PASSWORD: PASSWORD, ...env } });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const STATUS = ['hello', 'libc6', 'zlib1g'].map((p, i) => `Package: ${p}\nStatus: install ok installed\nVersion: 1.${i}-1\nArchitecture: amd64\nMaintainer: x <x@example.com>\n`).join('\n') + '\n';
const GITHUB_ENV = {
  GITHUB_ACTIONS: 'true',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_REPOSITORY: 'acme/app',
  GITHUB_REF: 'refs/heads/main',
  GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
  GITHUB_WORKFLOW_REF: 'acme/app/.github/workflows/release.yml@refs/heads/main',
  GITHUB_EVENT_NAME: 'push',
  RUNNER_ENVIRONMENT: 'github-hosted',
  GITHUB_RUN_ID: '77',
  GITHUB_RUN_ATTEMPT: '1',
};

describe('signatures and attestations against docker-registry', { skip }, () => {
  let work: string;
  let reg: RunningRegistry;
  let imgA: OciLayoutResult;
  let imgB: OciLayoutResult;
  let keyPath: string;
  let pubPath: string;
  let otherPub: string;
  let otherKeyPath: string;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'plimsoll-attest-'));
    reg = await startRegistry({ dir: work });
    imgA = await writeOciLayout(join(work, 'a'), { layers: [{ files: { 'etc/os-release': 'ID=debian\nVERSION_ID=12\nPRETTY_NAME="Debian 12"\n', 'var/lib/dpkg/status': STATUS } }] });
    imgB = await writeOciLayout(join(work, 'b'), { layers: [{ files: { 'etc/os-release': 'ID=debian\nVERSION_ID=12\n', 'srv/evil.txt': 'not the signed image' } }] });
    skopeoCopy(imgA.ref, `${reg.host}/app:v1`);
    const other = generateKeyPair('other');
    ({ keyPath: otherKeyPath, pubPath: otherPub } = await writeKeyPair(join(work, 'other'), other));
  });
  after(async () => {
    await reg?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('key generate → sign (tag resolved to digest; cosign .sig + referrers tag schema) → verify', async () => {
    const g = run(['key', 'generate', '--output-key-prefix', join(work, 'cosign')]);
    assert.equal(g.status, 0, g.stderr);
    keyPath = join(work, 'cosign.key');
    pubPath = join(work, 'cosign.pub');
    assert.match(readFileSync(keyPath, 'utf8'), /^-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----/);
    assert.ok(!g.stderr.includes(PASSWORD) && !g.stdout.includes(PASSWORD));

    const s = run(['sign', `${reg.host}/app:v1`, '--key', keyPath, '-a', 'team=blue']);
    assert.equal(s.status, 0, s.stderr);
    assert.equal(s.stdout.trim(), `${reg.host}/app@${imgA.digest}`);
    assert.match(s.stderr, new RegExp(`Resolved .*app:v1 to ${imgA.digest}; signing the digest`));
    assert.match(s.stderr, new RegExp(`cosign tag ${cosignTag(imgA.digest, 'sig')}`));
    assert.match(s.stderr, /referrers tag schema: sha256-/);

    // what is in the registry: the .sig manifest (one simple-signing layer) and the fallback index
    const t = await resolveTarget(`${reg.host}/app:v1`);
    const sig = await t.client.getManifest('app', cosignTag(imgA.digest, 'sig'));
    assert.equal(sig.parsed.kind, 'manifest');
    const layers = (sig.parsed as { manifest: ImageManifest }).manifest.layers;
    assert.equal(layers.length, 1);
    assert.equal(layers[0]!.mediaType, 'application/vnd.dev.cosign.simplesigning.v1+json');
    assert.ok(layers[0]!.annotations?.['dev.cosignproject.cosign/signature']);
    const idx = await t.client.getManifest('app', imgA.digest.replace(':', '-'));
    assert.equal(idx.parsed.kind, 'index');
    const refs = (idx.parsed as { index: { manifests: { artifactType?: string; annotations?: Record<string, string> }[] } }).index.manifests;
    assert.equal(refs.length, 1);
    assert.equal(refs[0]!.artifactType, 'application/vnd.dev.sigstore.bundle.v0.3+json');
    assert.equal(refs[0]!.annotations?.[BundleAnnotations.predicateType], PredicateTypes.cosignSign);

    const v = run(['verify', `${reg.host}/app:v1`, '--key', pubPath]);
    assert.equal(v.status, 0, v.stderr);
    const claims = JSON.parse(v.stdout) as { critical: { image: { 'docker-manifest-digest': string }; type: string }; optional: Record<string, string> }[];
    assert.equal(claims.length, 2);
    assert.deepEqual(claims.map((c) => c.critical.type).sort(), ['cosign container image signature', PredicateTypes.cosignSign]);
    for (const c of claims) {
      assert.equal(c.critical.image['docker-manifest-digest'], imgA.digest);
      assert.equal(c.optional.team, 'blue');
    }
    assert.match(v.stderr, /2 of 2 signatures verified/);

    const wrong = run(['verify', `${reg.host}/app:v1`, '--key', otherPub]);
    assert.equal(wrong.status, 1);
    assert.match(wrong.stderr, /no valid signature .*\n.*does not verify with the given key/);
    const usage = run(['verify', `${reg.host}/app:v1`]);
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /say what to trust/);
  });

  test('provenance + attest (SLSA provenance and SBOM) → verify-attestation with policies', () => {
    const prov = join(work, 'provenance.json');
    const p = run(['provenance', '--subject', `${reg.host}/app:v1`, '--output', prov, '--finished-on', '2024-05-01T12:00:00Z'], GITHUB_ENV);
    assert.equal(p.status, 0, p.stderr);
    const st = JSON.parse(readFileSync(prov, 'utf8'));
    assert.equal(st.predicateType, PredicateTypes.slsaProvenanceV1);
    assert.equal(st.subject[0].digest.sha256, imgA.digest.slice(7));

    const a1 = run(['attest', `${reg.host}/app:v1`, '--key', keyPath, '--type', 'slsaprovenance', '--predicate', prov]);
    assert.equal(a1.status, 0, a1.stderr);
    const a2 = run(['attest', `${reg.host}/app:v1`, '--key', keyPath, '--sbom']);
    assert.equal(a2.status, 0, a2.stderr);
    assert.match(a2.stderr, /SBOM: 3 packages/);

    // --scan without a report: plimsoll scans the image now (offline DB) and attests the result
    const ghsa = resolve(ROOT, '../shared/vulndata/ghsa.jsonl');
    if (existsSync(ghsa)) {
      const db = join(work, 'adv.db');
      assert.equal(run(['db', 'import', ghsa, '--db', db]).status, 0);
      const a3 = run(['attest', `${reg.host}/app:v1`, '--key', keyPath, '--scan', '--db', db]);
      assert.equal(a3.status, 0, a3.stderr);
      const vulnPolicy = join(work, 'vuln-policy.yaml');
      writeFileSync(vulnPolicy, 'rules:\n  - {name: no critical vulnerabilities, path: predicate.scanner.result.summary.critical, equals: 0}\n');
      const vv = run(['verify-attestation', `${reg.host}/app:v1`, '--key', pubPath, '--type', 'vuln', '--policy', vulnPolicy]);
      assert.equal(vv.status, 0, vv.stderr);
      assert.match(JSON.parse(vv.stdout)[0].predicate.scanner.db.version, /^sha256:/);
    }

    const sbomPolicy = join(work, 'sbom-policy.yaml');
    writeFileSync(sbomPolicy, 'rules:\n  - name: SBOM present\n    path: predicate.components[*]\n    count: {min: 3}\n  - name: hello is listed\n    path: predicate.components[*].name\n    quantifier: any\n    equals: hello\n');
    const vs = run(['verify-attestation', `${reg.host}/app:v1`, '--key', pubPath, '--type', 'cyclonedx', '--policy', sbomPolicy]);
    assert.equal(vs.status, 0, vs.stderr);
    const sboms = JSON.parse(vs.stdout);
    assert.equal(sboms.length, 2, 'found as cosign .att and as referrer');
    assert.equal(sboms[0].predicate.bomFormat, 'CycloneDX');

    const provPolicy = join(work, 'prov-policy.yaml');
    writeFileSync(
      provPolicy,
      'rules:\n  - {name: built on GitHub-hosted runners, path: predicate.runDetails.builder.id, equals: "https://github.com/actions/runner/github-hosted"}\n  - {name: from acme/app, path: predicate.buildDefinition.externalParameters.workflow.repository, equals: "https://github.com/acme/app"}\n  - {name: main branch, path: predicate.buildDefinition.externalParameters.workflow.ref, equals: refs/heads/main}\n',
    );
    const vp = run(['verify-attestation', `${reg.host}/app:v1`, '--key', pubPath, '--type', 'slsaprovenance', '--policy', provPolicy]);
    assert.equal(vp.status, 0, vp.stderr);
    assert.equal(JSON.parse(vp.stdout)[0].predicate.buildDefinition.resolvedDependencies[0].digest.gitCommit, GITHUB_ENV.GITHUB_SHA);

    const badPolicy = join(work, 'bad-policy.yaml');
    writeFileSync(badPolicy, 'rules:\n  - {name: from acme/other, path: predicate.buildDefinition.externalParameters.workflow.repository, equals: "https://github.com/acme/other"}\n');
    const vb = run(['verify-attestation', `${reg.host}/app:v1`, '--key', pubPath, '--type', 'slsaprovenance', '--policy', badPolicy]);
    assert.equal(vb.status, 1);
    assert.match(vb.stderr, /fail the policy .*from acme\/other: .*repository is "https:\/\/github.com\/acme\/app", which does not satisfy equals/);

    const none = run(['verify-attestation', `${reg.host}/app:v1`, '--key', pubPath, '--type', 'spdx']);
    assert.equal(none.status, 1);
    assert.match(none.stderr, /no valid https:\/\/spdx.dev\/Document attestation[\s\S]*other types exist: .*cyclonedx/);
    const unknown = run(['verify-attestation', `${reg.host}/app:v1`, '--key', pubPath, '--type', 'sbomz']);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown predicate type "sbomz"/);
    const unknownAttest = run(['attest', `${reg.host}/app:v1`, '--key', keyPath, '--type', 'provenanze', '--predicate', prov]);
    assert.equal(unknownAttest.status, 2);

    // a statement about another digest is refused at attest time (subject mismatch)
    const foreign = join(work, 'foreign.json');
    writeFileSync(foreign, JSON.stringify({ ...st, subject: [{ name: 'x', digest: { sha256: 'f'.repeat(64) } }] }));
    const fa = run(['attest', `${reg.host}/app:v1`, '--key', keyPath, '--predicate', foreign]);
    assert.equal(fa.status, 2);
    assert.match(fa.stderr, /subjects do not include sha256:/);
    // the wrong password fails closed, nothing is pushed
    const wp = run(['attest', `${reg.host}/app:v1`, '--key', keyPath, '--sbom'], { PLIMSOLL_PASSWORD: 'nope' });
    assert.equal(wp.status, 3);
    assert.match(wp.stderr, /password is wrong/);
  });

  test('multi-platform index: sign signs the index digest; attest --sbom --platform attests the platform image it catalogued', async () => {
    const osr = 'ID=debian\nVERSION_ID=12\n';
    const multi = await writeOciLayout(join(work, 'm'), {
      images: [
        { platform: { os: 'linux', architecture: 'amd64' }, layers: [{ files: { 'etc/os-release': osr, 'var/lib/dpkg/status': STATUS } }] },
        { platform: { os: 'linux', architecture: 'arm64' }, layers: [{ files: { 'etc/os-release': osr, 'var/lib/dpkg/status': STATUS.split('\n\n')[0] + '\n\n' } }] },
      ],
    });
    skopeoCopy(multi.ref, `${reg.host}/multi:v1`, ['--all']);
    const s = run(['sign', `${reg.host}/multi:v1`, '--key', keyPath]);
    assert.equal(s.status, 0, s.stderr);
    assert.equal(s.stdout.trim(), `${reg.host}/multi@${multi.digest}`);
    assert.equal(run(['verify', `${reg.host}/multi:v1`, '--key', pubPath]).status, 0);
    const arm = multi.images.find((i) => i.platform.architecture === 'arm64')!;
    const a = run(['attest', `${reg.host}/multi:v1`, '--key', keyPath, '--sbom', '--platform', 'linux/arm64']);
    assert.equal(a.status, 0, a.stderr);
    assert.equal(a.stdout.trim(), `${reg.host}/multi@${arm.manifestDigest}`);
    assert.match(a.stderr, /multi-platform index; the SBOM describes linux\/arm64 image/);
    const va = run(['verify-attestation', `${reg.host}/multi@${arm.manifestDigest}`, '--key', pubPath, '--type', 'cyclonedx']);
    assert.equal(va.status, 0, va.stderr);
    const names = (JSON.parse(va.stdout)[0].predicate.components as { name: string }[]).map((c) => c.name);
    assert.ok(names.includes('hello') && !names.includes('libc6'), `the arm64 image has only hello: ${names}`);
  });

  test('tampering with the image: the tag moved to another digest, then signatures and listings copied onto it', async () => {
    skopeoCopy(imgB.ref, `${reg.host}/app:v1`);
    const moved = run(['verify', `${reg.host}/app:v1`, '--key', pubPath]);
    assert.equal(moved.status, 1);
    assert.match(moved.stderr, new RegExp(`no signature found for .*${imgB.digest}.*the tag now points at other content`));
    const movedAtt = run(['verify-attestation', `${reg.host}/app:v1`, '--key', pubPath, '--type', 'cyclonedx']);
    assert.equal(movedAtt.status, 1);

    // an attacker copies the .sig/.att manifests and the referrers index onto the new digest's tags
    const t = await resolveTarget(`${reg.host}/app:v1`);
    assert.equal(t.digest, imgB.digest);
    for (const [from, to] of [
      [cosignTag(imgA.digest, 'sig'), cosignTag(imgB.digest, 'sig')],
      [cosignTag(imgA.digest, 'att'), cosignTag(imgB.digest, 'att')],
      [imgA.digest.replace(':', '-'), imgB.digest.replace(':', '-')],
    ] as const) {
      const m = await t.client.getManifest('app', from);
      await t.client.putManifest('app', to, m.bytes, m.mediaType);
    }
    const copied = run(['verify', `${reg.host}/app:v1`, '--key', pubPath]);
    assert.equal(copied.status, 1);
    assert.match(copied.stderr, new RegExp(`the signature is for ${imgA.digest}, but the image is ${imgB.digest}`));
    assert.match(copied.stderr, new RegExp(`refers to ${imgA.digest}, not to ${imgB.digest}`));
    const copiedAtt = run(['verify-attestation', `${reg.host}/app:v1`, '--key', pubPath, '--type', 'cyclonedx']);
    assert.equal(copiedAtt.status, 1);
    assert.match(copiedAtt.stderr, new RegExp(`the statement is about sha256:${imgA.digest.slice(7)}, not this image \\(${imgB.digest}\\)`));

    // by digest, the original image still verifies
    const pinned = run(['verify', `${reg.host}/app@${imgA.digest}`, '--key', pubPath]);
    assert.equal(pinned.status, 0, pinned.stderr);
  });

  describe('tampering with payloads, signatures, envelopes and bundles', () => {
    let key: SigningKey;
    let target: ImageTarget;
    const pub = () => loadPublicKey(readFileSync(pubPath), 'cosign.pub');

    before(async () => {
      skopeoCopy(imgA.ref, `${reg.host}/tamper:v1`);
      key = await loadPrivateKey(readFileSync(keyPath, 'utf8'), 'cosign.key', async () => PASSWORD);
      target = await resolveTarget(`${reg.host}/tamper:v1`);
      await signImage(target, key, { annotations: { team: 'blue' } });
      await attestImage(target, key, 'https://example.com/TestResult/v1', { passed: true });
    });

    /** Rewrite the only layer of a cosign manifest. */
    async function rewriteLayer(kind: 'sig' | 'att', change: (payload: Buffer, annotations: Record<string, string>) => { payload: Buffer; annotations: Record<string, string> }): Promise<void> {
      const tag = cosignTag(target.digest, kind);
      const m = await target.client.getManifest('tamper', tag);
      const layer = (m.parsed as { manifest: ImageManifest }).manifest.layers[0]!;
      const payload = await target.client.getBlobBytes('tamper', layer, 1 << 20);
      const next = change(payload, { ...(layer.annotations ?? {}) });
      const digest = sha256Digest(next.payload);
      await target.client.uploadBlob('tamper', digest, next.payload);
      const built = cosignManifest([{ mediaType: layer.mediaType, digest, size: next.payload.length, annotations: next.annotations }]);
      await target.client.uploadBlob('tamper', built.configDescriptor.digest, built.config);
      await target.client.putManifest('tamper', tag, built.bytes, MediaTypes.ociManifest);
    }

    async function sigVerdicts() {
      return (await new ImageSignatureVerifier(target, { kind: 'key', key: pub() }).verify()).verdicts;
    }

    test('a modified simple-signing payload and a modified signature fail; the referrer signature still verifies', async () => {
      const originalSig = await target.client.getManifest('tamper', cosignTag(target.digest, 'sig'));
      await rewriteLayer('sig', (p, a) => ({ payload: Buffer.from(p.toString().replace('"team":"blue"', '"team":"red"')), annotations: a }));
      let v = await sigVerdicts();
      assert.deepEqual(v.map((x) => [x.scheme, x.ok]), [['cosign-tag', false], ['referrer', true]]);
      assert.match((v[0] as { reason: string }).reason, /does not verify with the given key/);

      await target.client.putManifest('tamper', cosignTag(target.digest, 'sig'), originalSig.bytes, originalSig.mediaType);
      await rewriteLayer('sig', (p, a) => {
        const sig = Buffer.from(a['dev.cosignproject.cosign/signature']!, 'base64');
        sig[sig.length - 2]! ^= 0x40;
        return { payload: p, annotations: { ...a, 'dev.cosignproject.cosign/signature': sig.toString('base64') } };
      });
      v = await sigVerdicts();
      assert.equal(v[0]!.ok, false);
      assert.match((v[0] as { reason: string }).reason, /does not verify with the given key/);
      assert.equal(v[1]!.ok, true);
    });

    test('a modified DSSE envelope fails; extra signatures: a foreign one beside the valid one is ignored, foreign ones alone fail', async () => {
      const verifyAtt = async () => (await new AttestationVerifier(target, { kind: 'key', key: pub() }, 'https://example.com/TestResult/v1').verify()).verdicts;
      const original = await target.client.getManifest('tamper', cosignTag(target.digest, 'att'));
      const restore = () => target.client.putManifest('tamper', cosignTag(target.digest, 'att'), original.bytes, original.mediaType);
      assert.deepEqual((await verifyAtt()).map((x) => x.ok), [true, true]);

      await rewriteLayer('att', (p, a) => {
        const env = parseEnvelope(p, 'env');
        return { payload: serializeEnvelope({ ...env, payload: Buffer.from(env.payload.toString().replace('"passed":true', '"passed":false')) }), annotations: a };
      });
      let v = await verifyAtt();
      assert.equal(v[0]!.ok, false);
      assert.match((v[0] as { reason: string }).reason, /DSSE envelope rejected: none of its 1 signature verifies with the given key/);

      const otherKey = await loadPrivateKey(readFileSync(otherKeyPath, 'utf8'), 'other.key', async () => 'other');
      await restore();
      await rewriteLayer('att', (p, a) => {
        const env = parseEnvelope(p, 'env');
        const foreign = signEnvelope(env.payloadType, env.payload, otherKey).signatures;
        return { payload: serializeEnvelope({ ...env, signatures: [...foreign, ...env.signatures] }), annotations: a };
      });
      v = await verifyAtt();
      assert.equal(v[0]!.ok, true);
      assert.equal((v[0] as { ignoredSignatures: number }).ignoredSignatures, 1);

      await restore();
      await rewriteLayer('att', (p, a) => {
        const env = parseEnvelope(p, 'env');
        const forged = Buffer.from(env.payload.toString().replace('"passed":true', '"passed":false'));
        return { payload: serializeEnvelope(signEnvelope(env.payloadType, forged, otherKey)), annotations: a };
      });
      v = await verifyAtt();
      assert.equal(v[0]!.ok, false);
      assert.match((v[0] as { reason: string }).reason, /none of its 1 signature verifies with the given key/);
      await restore();
    });

    test('a modified referrer bundle and a bundle with two signatures fail', async () => {
      const indexTag = target.digest.replace(':', '-');
      const idx = await target.client.getManifest('tamper', indexTag);
      const entries = (idx.parsed as { index: { manifests: { digest: string; annotations?: Record<string, string> }[] } }).index.manifests;
      const attRef = entries.find((e) => e.annotations?.[BundleAnnotations.predicateType] === 'https://example.com/TestResult/v1')!;
      const refManifest = await target.client.getManifest('tamper', attRef.digest);
      const layer = (refManifest.parsed as { manifest: ImageManifest }).manifest.layers[0]!;
      const bundle = JSON.parse((await target.client.getBlobBytes('tamper', layer, 1 << 20)).toString());

      const publish = async (b: unknown) => {
        const bytes = Buffer.from(JSON.stringify(b));
        await target.client.uploadBlob('tamper', sha256Digest(bytes), bytes);
        const built = bundleReferrerManifest(target.descriptor, bytes, attRef.annotations ?? {});
        await target.client.putManifest('tamper', built.digest, built.bytes, MediaTypes.ociManifest);
        const index = { schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests: entries.map((e) => (e.digest === attRef.digest ? { ...e, digest: built.digest, size: built.bytes.length } : e)) };
        await target.client.putManifest('tamper', indexTag, Buffer.from(JSON.stringify(index)), MediaTypes.ociIndex);
      };
      const verifyAtt = async () => (await new AttestationVerifier(target, { kind: 'key', key: pub() }, 'https://example.com/TestResult/v1').verify()).verdicts.find((x) => x.scheme === 'referrer')!;

      const payload = Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString().replace('"passed":true', '"passed":false');
      await publish({ ...bundle, dsseEnvelope: { ...bundle.dsseEnvelope, payload: Buffer.from(payload).toString('base64') } });
      let v = await verifyAtt();
      assert.equal(v.ok, false);
      assert.match((v as { reason: string }).reason, /the DSSE signature does not verify with the given key/);

      await publish({ ...bundle, dsseEnvelope: { ...bundle.dsseEnvelope, signatures: [...bundle.dsseEnvelope.signatures, ...bundle.dsseEnvelope.signatures] } });
      v = await verifyAtt();
      assert.equal(v.ok, false);
      assert.match((v as { reason: string }).reason, /carries 2 signatures; a Sigstore bundle holds exactly one/);

      await target.client.putManifest('tamper', indexTag, idx.bytes, idx.mediaType);
      assert.equal((await verifyAtt()).ok, true);
    });
  });
});
