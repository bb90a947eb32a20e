/**
 * Interop on real third-party data (../shared/corpora/sigstore, see its README/SOURCES):
 *   - cosign's encrypted keys decrypt with their passwords and sign; the SEC1-inside key and wrong
 *     passwords fail as cosign fails; cosign import-key-pair fixtures are accepted/refused as cosign does;
 *   - a plimsoll-generated key decrypts by cosign's scheme, re-implemented here from the spec;
 *   - containers/image's cosign simple-signing signatures verify (or not) with their keys;
 *   - DSSE protocol vectors and the protocol.md example;
 *   - in-toto Statement / ResourceDescriptor / SLSA v1 validation vectors;
 *   - every sigstore-conformance bundle-verify case, offline with its trusted root (count printed);
 *   - identity-policy variants; the npm publish bundle (key + Rekor SET); cosign's OCI attestation bundle.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPrivateKey, createPublicKey, scryptSync } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { xsalsa20poly1305 } from '@noble/ciphers/salsa.js';
import { PlimsollError } from '../src/util/errors.js';
import { generateKeyPair, loadPrivateKey, loadPublicKey, VerificationKey } from '../src/attest/keys/index.js';
import { envelopeFromJSON, pae, verifyEnvelope } from '../src/attest/dsse/index.js';
import { predicateProblems, PredicateTypes, resourceDescriptorProblems, slsaProvenanceV1Problems, statementProblems } from '../src/attest/intoto/index.js';
import { verifySimpleSigning } from '../src/attest/verify/simple-signing.js';
import { verifyBlob } from '../src/attest/verify/blob.js';
import { BundleVerifier, type BundleTrust } from '../src/attest/verify/bundle-verifier.js';
import { loadTrustedRoot } from '../src/attest/verify/trusted-root.js';
import { exact, regexp } from '../src/attest/verify/identity.js';
import { parseBundle } from '../src/attest/bundle/bundle.js';
import { parseStatement, statementCoversDigest } from '../src/attest/intoto/statement.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
const CORPUS = resolve(ROOT, '../shared/corpora/sigstore');
const skip = !existsSync(CORPUS) && `shared corpora absent: ${CORPUS}`;
const C = (...p: string[]) => join(CORPUS, ...p);
const read = (...p: string[]) => readFileSync(C(...p));
const tsv = (...p: string[]) => {
  const [head, ...rows] = read(...p).toString('utf8').trimEnd().split('\n');
  const cols = head!.split('\t');
  return rows.map((r) => Object.fromEntries(r.split('\t').map((v, i) => [cols[i], v])) as Record<string, string>);
};
const isCode = (c: string, re?: RegExp) => (e: unknown) => e instanceof PlimsollError && e.code === c && (!re || re.test(e.message));

test('cosign encrypted keys: decrypt with "hello", sign, verify with the derived .pub; SEC1 inside and wrong passwords fail', { skip }, async () => {
  for (const f of ['pemsigstorekey', 'pemcosignkey']) {
    const key = await loadPrivateKey(read('cosign/keys/encrypted', `${f}.key`).toString(), f, async () => 'hello');
    const pub = loadPublicKey(read('cosign/keys/encrypted', `${f}.pub`), `${f}.pub`);
    assert.equal(key.hint, pub.hint, f);
    const msg = Buffer.from('{"critical":{}}');
    assert.ok(pub.verify(msg, key.sign(msg)), f);
    await assert.rejects(loadPrivateKey(read('cosign/keys/encrypted', `${f}.key`).toString(), f, async () => 'wrong'), isCode('PASSWORD_WRONG'));
  }
  await assert.rejects(loadPrivateKey(read('cosign/keys/encrypted/pemcosigneckey.key').toString(), 'ec', async () => 'hello'), isCode('KEY_INVALID', /SEC1 EC key, not PKCS#8/));
  await assert.rejects(loadPrivateKey(read('cosign/keys/encrypted/pemcosigneckey.key').toString(), 'ec', async () => 'wrong'), isCode('PASSWORD_WRONG'));
});

test('cosign import-key-pair fixtures: accepted and refused as KEYS.tsv says', { skip }, async () => {
  const rows = tsv('cosign/keys/KEYS.tsv').filter((r) => r.file!.startsWith('import/') && r.cosign_operation!.startsWith('ImportKeyPair'));
  let right = 0;
  const misses: string[] = [];
  for (const r of rows) {
    let ok = true;
    let why = '';
    try {
      await loadPrivateKey(read('cosign/keys', r.file!).toString(), r.file!, async () => 'hello');
    } catch (e) {
      ok = false;
      why = (e as Error).message;
      assert.ok(e instanceof PlimsollError && e.code === 'KEY_INVALID', `${r.file}: ${why}`);
    }
    const want = r.expected === 'ok';
    if (ok === want) right++;
    else misses.push(`${r.file}: expected ${r.expected}, got ${ok ? 'ok' : why}`);
  }
  console.log(`cosign import fixtures: ${right}/${rows.length} as cosign${misses.length ? `; misses: ${misses.join('; ')}` : ''}`);
  assert.equal(right, rows.length, misses.join('\n'));
  assert.equal(rows.length, 14);
});

test("a plimsoll key pair decrypts by cosign's scheme (independent implementation from the spec)", { skip }, () => {
  const pair = generateKeyPair('interop-pass');
  // ENCRYPTED SIGSTORE PRIVATE KEY → base64 JSON {kdf:{name:scrypt,params:{N,r,p},salt},cipher:{name:nacl/secretbox,nonce},ciphertext}
  const m = /^-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n([\s\S]+)\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n$/.exec(pair.privatePem);
  assert.ok(m);
  const j = JSON.parse(Buffer.from(m[1]!.replace(/\n/g, ''), 'base64').toString('utf8'));
  const { N, r, p } = j.kdf.params;
  const key = scryptSync(Buffer.from('interop-pass'), Buffer.from(j.kdf.salt, 'base64'), 32, { N, r, p, maxmem: 256 * N * r });
  const der = xsalsa20poly1305(key, Buffer.from(j.cipher.nonce, 'base64')).decrypt(Buffer.from(j.ciphertext, 'base64'));
  // the same layout the cosign corpus key uses
  const corpus = JSON.parse(Buffer.from(read('cosign/keys/encrypted/pemsigstorekey.key').toString().split('\n').filter((l) => l && !l.startsWith('-----')).join(''), 'base64').toString());
  assert.deepEqual(Object.keys(j), Object.keys(corpus));
  assert.deepEqual(j.kdf.params, corpus.kdf.params);
  const pub = createPublicKey(createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' })).export({ format: 'pem', type: 'spki' });
  assert.equal(pub, pair.publicPem);
});

test('containers/image cosign simple-signing signatures: key cases of CASES.tsv', { skip }, () => {
  const F = (...p: string[]) => C('simple-signing/containers-image/fixtures', ...p);
  const sigFile = (path: string) => {
    const b = readFileSync(path);
    const prefix = Buffer.from('\x00sigstore-json\n');
    assert.ok(b.subarray(0, prefix.length).equals(prefix));
    const j = JSON.parse(b.subarray(prefix.length).toString());
    return { mediaType: j.mimeType as string, payload: Buffer.from(j.payload, 'base64'), annotations: (j.annotations ?? {}) as Record<string, string> };
  };
  const digestOf = (dir: string) => 'sha256:' + createHash('sha256').update(readFileSync(F(dir, 'manifest.json'))).digest('hex');
  const cosignPub = loadPublicKey(readFileSync(F('cosign.pub')), 'cosign.pub');
  const cosign2Pub = loadPublicKey(readFileSync(F('cosign2.pub')), 'cosign2.pub');
  const check = (layer: ReturnType<typeof sigFile>, key: VerificationKey, digest: string) => {
    try {
      verifySimpleSigning(layer, key, digest, 'sig');
      return 'accept';
    } catch (e) {
      assert.ok(e instanceof PlimsollError && e.code === 'VERIFY_FAILED', String(e));
      return 'reject';
    }
  };
  const valid = sigFile(F('dir-img-cosign-valid/signature-1'));
  const cases: [string, string, string][] = [
    ['key-valid', check(valid, cosignPub, digestOf('dir-img-cosign-valid')), 'accept'],
    ['key-valid-2-sigs #1', check(sigFile(F('dir-img-cosign-valid-2/signature-1')), cosignPub, digestOf('dir-img-cosign-valid-2')), 'accept'],
    ['key-valid-2-sigs #2', check(sigFile(F('dir-img-cosign-valid-2/signature-2')), cosignPub, digestOf('dir-img-cosign-valid-2')), 'accept'],
    ['key-wrong-key', check(sigFile(F('unknown-cosign-key.signature')), cosignPub, digestOf('dir-img-cosign-valid')), 'reject'],
    ['key-mixed #1', check(sigFile(F('dir-img-cosign-mixed/signature-1')), cosignPub, digestOf('dir-img-cosign-mixed')), 'reject'],
    ['key-mixed #2', check(sigFile(F('dir-img-cosign-mixed/signature-2')), cosignPub, digestOf('dir-img-cosign-mixed')), 'accept'],
    ['key-invalid-signature', check({ ...valid, annotations: { ...valid.annotations, 'dev.cosignproject.cosign/signature': Buffer.from('invalid signature').toString('base64') } }, cosignPub, digestOf('dir-img-cosign-valid')), 'reject'],
    ['key-no-signature-annotation', check({ ...valid, annotations: {} }, cosignPub, digestOf('dir-img-cosign-valid')), 'reject'],
    ['key-manifest-digest-error', check(sigFile(F('dir-img-cosign-manifest-digest-error/signature-1')), cosignPub, digestOf('dir-img-cosign-manifest-digest-error')), 'reject'],
    ['key-modified-manifest', check(sigFile(F('dir-img-cosign-modified-manifest/signature-1')), cosignPub, digestOf('dir-img-cosign-modified-manifest')), 'reject'],
    ['other-attachment', check(sigFile(F('dir-img-cosign-other-attachment/signature-1')), cosignPub, digestOf('dir-img-cosign-other-attachment')), 'reject'],
    ['key-rekor-valid (signature)', check(sigFile(F('dir-img-cosign-key-rekor-valid/signature-1')), cosign2Pub, digestOf('dir-img-cosign-key-rekor-valid')), 'accept'],
    ['key-rekor-wrong-key', check(sigFile(F('dir-img-cosign-key-rekor-valid/signature-1')), cosignPub, digestOf('dir-img-cosign-key-rekor-valid')), 'reject'],
  ];
  const misses = cases.filter(([, got, want]) => got !== want);
  console.log(`containers/image simple-signing key cases: ${cases.length - misses.length}/${cases.length}${misses.length ? `; misses: ${misses.map((m) => m[0]).join(', ')}` : ''}`);
  assert.deepEqual(misses, []);
});

test('DSSE protocol vectors (9) and the protocol.md ECDSA example', { skip }, () => {
  const v = JSON.parse(read('dsse/vectors.json').toString());
  const keys: Record<string, VerificationKey> = {};
  for (const [id, k] of Object.entries(v.keys as Record<string, { public: string }>)) {
    keys[id] = new VerificationKey(createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(k.public, 'hex').toString('base64url') }, format: 'jwk' }), id);
  }
  let right = 0;
  for (const vec of v.vectors) {
    const env = envelopeFromJSON(vec.envelope, vec.id);
    if (vec.id !== 'payload-type-swapped') assert.equal(pae(env.payloadType, env.payload).toString('hex'), vec.pae, vec.id);
    let got = 'accept';
    try {
      verifyEnvelope(env, { keys: vec.trustedKeys.map((id: string) => ({ key: keys[id]!, keyid: id })), threshold: vec.threshold, payloadTypes: vec.supportedPayloadTypes }, vec.id);
    } catch (e) {
      assert.ok(e instanceof PlimsollError && e.code === 'VERIFY_FAILED', String(e));
      got = 'reject';
    }
    if (got === vec.expect) right++;
    else assert.fail(`${vec.id}: expected ${vec.expect}, got ${got}`);
  }
  console.log(`DSSE vectors: ${right}/${v.vectors.length}`);
  const ex = JSON.parse(read('dsse/protocol-example.json').toString());
  const key = loadPublicKey(ex.key.publicKeyPem_derived, 'protocol example');
  assert.equal(pae(ex.payloadType, Buffer.from(ex.serializedBody)).toString(), ex.pae);
  verifyEnvelope(envelopeFromJSON(ex.envelope, 'example'), { keys: [{ key }], payloadTypes: [ex.payloadType] }, 'example'); // raw r‖s signature
  const der = { ...ex.envelope, signatures: [{ sig: ex.signatureDerBase64_derived }] };
  verifyEnvelope(envelopeFromJSON(der, 'example'), { keys: [{ key }], payloadTypes: [ex.payloadType] }, 'example'); // DER form
});

test('in-toto validation vectors: Statement, ResourceDescriptor, SLSA provenance v1', { skip }, () => {
  const v = JSON.parse(read('in-toto/validation-vectors.json').toString());
  let right = 0;
  for (const c of v.cases) {
    const problems = c.kind === 'Statement' ? statementProblems(c.input) : c.kind === 'ResourceDescriptor' ? resourceDescriptorProblems(c.input, 'rd') : slsaProvenanceV1Problems(c.input);
    const got = problems.length ? 'invalid' : 'valid';
    assert.equal(got, c.expect, `${c.kind} ${c.name}: ${JSON.stringify(problems)}`);
    if (c.error) assert.equal(problems[0]!.error, c.error, `${c.kind} ${c.name}`);
    if (c.error_message) assert.equal(problems[0]!.message, c.error_message, `${c.kind} ${c.name}`);
    right++;
  }
  console.log(`in-toto validation vectors: ${right}/${v.cases.length}`);
  // real statements from bundles in the corpus are valid
  for (const f of readdirSync(C('in-toto/statements')).filter((n) => n.endsWith('.json'))) assert.deepEqual(statementProblems(JSON.parse(read('in-toto/statements', f).toString())), [], f);
  // OpenVEX documents with a context pass the openvex predicate check; cosign's SBOM/vuln predicates pass theirs
  for (const f of ['spec/spec-examples/01-minimal-document.json', 'vexctl/examples-openvex/demo.vex.json']) assert.deepEqual(predicateProblems(PredicateTypes.openvex, JSON.parse(read('openvex', f).toString())), [], f);
  assert.deepEqual(predicateProblems(PredicateTypes.cyclonedx, JSON.parse(read('cosign/testdata/test/testdata/bom-go-mod.cyclonedx.json').toString())), []);
  assert.deepEqual(predicateProblems(PredicateTypes.spdx, JSON.parse(read('cosign/testdata/test/testdata/bom-go-mod.spdx.json').toString())), []);
  assert.deepEqual(predicateProblems(PredicateTypes.cosignVuln, JSON.parse(read('cosign/testdata/test/testdata/attestations/vuln-predicate.json').toString())), []);
  // the SLSA v1 examples: the GitHub Actions one is complete; the draft GCB one has no runDetails.builder
  const slsa = (f: string) => slsaProvenanceV1Problems(JSON.parse(read('in-toto/slsa-examples', f).toString()).predicate);
  assert.deepEqual(slsa('github-actions-workflow-v1-example.json'), []);
  assert.deepEqual(slsa('gcb-triggered-build-v1-example.json').map((p) => p.error), ['ErrBuilderRequired']);
});

const DEFAULT_ID = 'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';
const DEFAULT_ISSUER = 'https://token.actions.githubusercontent.com';
const PROD_ROOT = () => loadTrustedRoot(read('trust/production/targets/trusted_root.json'), 'production trusted_root.json');

test('sigstore-conformance bundle-verify: every case gives its expected result offline', { skip }, () => {
  const base = C('conformance/bundle-verify');
  const cases = readdirSync(base).filter((n) => statSync(join(base, n)).isDirectory()).sort();
  const misses: string[] = [];
  let right = 0;
  for (const c of cases) {
    const d = join(base, c);
    const expectPass = !c.endsWith('_fail');
    let passed = false;
    let why = '';
    try {
      const root = existsSync(join(d, 'trusted_root.json')) ? loadTrustedRoot(readFileSync(join(d, 'trusted_root.json')), `${c}/trusted_root.json`) : PROD_ROOT();
      const artifact = readFileSync(existsSync(join(d, 'artifact')) ? join(d, 'artifact') : join(base, 'a.txt'));
      const trust: BundleTrust = existsSync(join(d, 'key.pub'))
        ? { kind: 'key', key: loadPublicKey(readFileSync(join(d, 'key.pub')), `${c}/key.pub`), trustedRoot: root }
        : {
            kind: 'keyless',
            trustedRoot: root,
            identity: {
              subject: exact(existsSync(join(d, 'identity')) ? readFileSync(join(d, 'identity'), 'utf8').trim() : DEFAULT_ID),
              issuer: exact(existsSync(join(d, 'issuer')) ? readFileSync(join(d, 'issuer'), 'utf8').trim() : DEFAULT_ISSUER),
            },
          };
      verifyBlob(artifact, readFileSync(join(d, 'bundle.sigstore.json')), trust, c);
      passed = true;
    } catch (e) {
      // failing is fine for _fail cases, but only with a PlimsollError carrying a reason (never a crash)
      assert.ok(e instanceof PlimsollError, `${c}: not a PlimsollError: ${(e as Error)?.stack}`);
      why = e.message;
    }
    if (passed === expectPass) right++;
    else misses.push(`${c}: expected ${expectPass ? 'pass' : 'fail'}, got ${passed ? 'pass' : `fail (${why})`}`);
  }
  console.log(`sigstore-conformance bundle-verify: ${right}/${cases.length} right${misses.length ? `\nmisses:\n  ${misses.join('\n  ')}` : ' (no misses)'}`);
  assert.equal(cases.length, 70);
  assert.deepEqual(misses, []);
});

test('identity policy variants over conformance bundles (exact match, regexp, issuer)', { skip }, () => {
  const rows = tsv('conformance-derived/identity-policy.tsv');
  let right = 0;
  for (const r of rows) {
    const d = resolve(C('conformance-derived'), r.bundle_case_dir!);
    const root = existsSync(join(d, 'trusted_root.json')) ? loadTrustedRoot(readFileSync(join(d, 'trusted_root.json')), 'root') : PROD_ROOT();
    const artifact = readFileSync(existsSync(join(d, 'artifact')) ? join(d, 'artifact') : C('conformance/bundle-verify/a.txt'));
    const subject = r.identity_match === 'regexp' ? regexp(r.identity!, 'identity') : exact(r.identity!);
    let got = 'pass';
    try {
      verifyBlob(artifact, readFileSync(join(d, 'bundle.sigstore.json')), { kind: 'keyless', trustedRoot: root, identity: { subject, issuer: exact(r.issuer!) } }, r.variant!);
    } catch (e) {
      assert.ok(e instanceof PlimsollError);
      got = 'fail';
    }
    assert.equal(got, r.expected, `${r.variant}: ${r.reason}`);
    right++;
  }
  console.log(`identity policy variants: ${right}/${rows.length}`);
});

test('npm publish bundle (v0.1, npm registry key, Rekor SET) and cosign OCI attestation bundle (v0.3 DSSE, keyless)', { skip }, () => {
  const keys = JSON.parse(read('trust/production/targets/registry.npmjs.org/keys.json').toString()).keys as { keyUsage: string; publicKey: { rawBytes: string } }[];
  const npmKey = loadPublicKey(Buffer.from(keys.find((k) => k.keyUsage === 'npm:attestations')!.publicKey.rawBytes, 'base64'), 'npm attestations key');
  const npm = parseBundle(read('real-bundles/sigstore-go/bundle-publish.json'), 'bundle-publish.json');
  const r = new BundleVerifier({ kind: 'key', key: npmKey, trustedRoot: PROD_ROOT() }).verify(npm, undefined, 'bundle-publish.json');
  assert.equal(r.transparencyLog, 'verified');
  assert.equal(r.content.kind, 'dsse');
  const st = parseStatement((r.content as { payload: Buffer }).payload, 'npm statement');
  assert.equal(st.subject[0]!.name, 'pkg:npm/sigstore@1.3.0');
  // key-only (no trusted root): the signature still verifies; a different key does not
  new BundleVerifier({ kind: 'key', key: npmKey }).verify(npm, undefined, 'bundle-publish.json');
  const other = loadPublicKey(read('cosign/keys/encrypted/pemsigstorekey.pub'), 'other');
  assert.throws(() => new BundleVerifier({ kind: 'key', key: other }).verify(npm, undefined, 'bundle-publish.json'), isCode('VERIFY_FAILED', /does not verify with the given key/));

  const pgi = loadTrustedRoot(read('cosign/testdata/pkg/cosign/testdata/trusted_root_pgi.json'), 'trusted_root_pgi.json');
  const oci = parseBundle(read('cosign/testdata/pkg/cosign/testdata/oci-attestation.sigstore.json'), 'oci-attestation');
  const id = { subject: exact('cody@soyland.com'), issuer: exact('https://github.com/login/oauth') };
  const v = new BundleVerifier({ kind: 'keyless', trustedRoot: pgi, identity: id }).verify(oci, undefined, 'oci-attestation');
  assert.deepEqual(v.signer, { kind: 'certificate', subjectAlternativeName: 'cody@soyland.com', issuer: 'https://github.com/login/oauth' });
  const ost = parseStatement((v.content as { payload: Buffer }).payload, 'oci statement');
  assert.ok(statementCoversDigest(ost, 'sha256:732112270d7e59418a8c080b134b24cabd67d250d0d0147a97ed95ba5c280aa4'));
  assert.ok(!statementCoversDigest(ost, 'sha256:' + '0'.repeat(64)));
  assert.throws(() => new BundleVerifier({ kind: 'keyless', trustedRoot: pgi, identity: { ...id, subject: exact('cody@soyland.co') } }).verify(oci, undefined, 'oci'), isCode('VERIFY_FAILED', /does not match "cody@soyland.co"/));
});
