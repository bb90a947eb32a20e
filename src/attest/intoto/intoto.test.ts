import { test } from 'node:test';
import assert from 'node:assert/strict';
import { digestSubject, makeStatement, parseStatement, statementCoversDigest } from './statement.js';
import { PredicateTypes, predicateProblems, resolvePredicateType } from './predicates.js';
import { PlimsollError } from '../../util/errors.js';

const D = 'sha256:' + 'ab'.repeat(32);

test('statements: v1 about an OCI digest; subject matching is exact', () => {
  const st = makeStatement([digestSubject('reg/app', D)], PredicateTypes.cosignCustom, { Data: 'x' });
  assert.equal(st._type, 'https://in-toto.io/Statement/v1');
  assert.deepEqual(st.subject, [{ name: 'reg/app', digest: { sha256: 'ab'.repeat(32) } }]);
  assert.ok(statementCoversDigest(st, D));
  assert.ok(!statementCoversDigest(st, 'sha256:' + 'ab'.repeat(31) + 'ac'));
  assert.ok(!statementCoversDigest(st, 'sha512:' + 'ab'.repeat(64)));
  const back = parseStatement(Buffer.from(JSON.stringify(st)), 's');
  assert.deepEqual(back, st);
  assert.throws(() => parseStatement(Buffer.from(JSON.stringify({ ...st, subject: [{ name: 'x', digest: { sha256: 'zz' } }] })), 's', 'VERIFY_FAILED'), (e: unknown) => e instanceof PlimsollError && e.code === 'VERIFY_FAILED' && /subject\[0\].digest.sha256: digest is not valid hex/.test(e.message));
});

test('--type names, URIs and typos', () => {
  assert.equal(resolvePredicateType('slsaprovenance'), 'https://slsa.dev/provenance/v1');
  assert.equal(resolvePredicateType('slsaprovenance02'), 'https://slsa.dev/provenance/v0.2');
  assert.equal(resolvePredicateType('CycloneDX'), 'https://cyclonedx.org/bom');
  assert.equal(resolvePredicateType('spdxjson'), 'https://spdx.dev/Document');
  assert.equal(resolvePredicateType('vuln'), 'https://cosign.sigstore.dev/attestation/vuln/v1');
  assert.equal(resolvePredicateType('openvex'), 'https://openvex.dev/ns');
  assert.equal(resolvePredicateType('custom'), 'https://cosign.sigstore.dev/attestation/v1');
  assert.equal(resolvePredicateType('https://example.com/TestResult/v1'), 'https://example.com/TestResult/v1');
  assert.throws(() => resolvePredicateType('cyclondx'), (e: unknown) => e instanceof PlimsollError && e.code === 'USAGE' && /unknown predicate type "cyclondx"/.test(e.message));
  assert.throws(() => resolvePredicateType('not a uri'), /unknown predicate type/);
});

test('predicate structure per type', () => {
  assert.deepEqual(predicateProblems(PredicateTypes.cyclonedx, { bomFormat: 'CycloneDX', specVersion: '1.6' }), []);
  assert.equal(predicateProblems(PredicateTypes.cyclonedx, { spdxVersion: 'SPDX-2.3' }).length, 2);
  assert.equal(predicateProblems(PredicateTypes.spdx, { bomFormat: 'CycloneDX' }).length, 1);
  assert.equal(predicateProblems(PredicateTypes.openvex, { '@context': 'https://openvex.dev/ns/v0.2.0', statements: [] }).length, 0);
  assert.equal(predicateProblems(PredicateTypes.cosignVuln, { scanner: {} }).length, 1);
  assert.equal(predicateProblems('https://example.com/x', { anything: 1 }).length, 0);
  assert.equal(predicateProblems('https://example.com/x', [1]).length, 1);
});
