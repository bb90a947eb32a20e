import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluatePolicy, parsePolicy } from './policy.js';
import { parsePath, resolvePath } from './path.js';
import { PlimsollError } from '../../util/errors.js';

const vulnStatement = (severities: string[]) => ({
  _type: 'https://in-toto.io/Statement/v1',
  subject: [{ name: 'img', digest: { sha256: 'a'.repeat(64) } }],
  predicateType: 'https://cosign.sigstore.dev/attestation/vuln/v1',
  predicate: { scanner: { uri: 'x', result: { matches: severities.map((s, i) => ({ vulnerability: { id: `CVE-${i}`, severity: s } })) } } },
});
const provenance = {
  predicateType: 'https://slsa.dev/provenance/v1',
  predicate: {
    buildDefinition: { buildType: 'https://actions.github.io/buildtypes/workflow/v1', externalParameters: { workflow: { repository: 'https://github.com/acme/app', ref: 'refs/heads/main', path: '.github/workflows/build.yml' } } },
    runDetails: { builder: { id: 'https://github.com/actions/runner/github-hosted' } },
  },
};

test('paths: names, indexes, wildcards, quoted keys; missing is not empty', () => {
  const doc = { a: { 'b.c': [1, 2], list: [], o: { x: 1, y: 2 } } };
  assert.deepEqual(resolvePath(doc, parsePath('a["b.c"][*]', 't')), { values: [1, 2], missing: [] });
  assert.deepEqual(resolvePath(doc, parsePath('a["b.c"][1]', 't')).values, [2]);
  assert.deepEqual(resolvePath(doc, parsePath('a.list[*]', 't')), { values: [], missing: [] });
  assert.deepEqual(resolvePath(doc, parsePath('a.o[*]', 't')).values, [1, 2]);
  assert.deepEqual(resolvePath(doc, parsePath('a.nope[*]', 't')), { values: [], missing: ['a.nope'] });
  assert.throws(() => parsePath('.a', 't'), /must start with a field name/);
  assert.throws(() => parsePath('a..b', 't'), /expected a field name/);
  assert.throws(() => parsePath('a["x', 't'), /unterminated/);
});

test('"no critical vulnerabilities" passes and fails as it should; a typo in the path fails closed', () => {
  const policy = parsePolicy(
    `rules:
  - name: no critical
    path: predicate.scanner.result.matches[*].vulnerability.severity
    quantifier: none
    equals: critical
    ignoreCase: true
`,
    'p.yaml',
  );
  assert.equal(evaluatePolicy(policy, vulnStatement(['High', 'Low'])).passed, true);
  assert.equal(evaluatePolicy(policy, vulnStatement([])).passed, true);
  const bad = evaluatePolicy(policy, vulnStatement(['High', 'Critical']));
  assert.equal(bad.passed, false);
  assert.match(bad.results[0]!.detail, /1 value of .* satisfy equals "critical"/);
  const typo = parsePolicy(`{"rules":[{"path":"predicate.scanner.result.matchez[*].vulnerability.severity","quantifier":"none","equals":"Critical"}]}`, 'p.json');
  const r = evaluatePolicy(typo, vulnStatement(['Critical']));
  assert.equal(r.passed, false);
  assert.match(r.results[0]!.detail, /matchez is missing/);
});

test('"built by builder X from repo Y", SBOM present, and the other checks', () => {
  const policy = parsePolicy(
    `rules:
  - path: predicate.runDetails.builder.id
    equals: https://github.com/actions/runner/github-hosted
  - path: predicate.buildDefinition.externalParameters.workflow.repository
    oneOf: [https://github.com/acme/app, https://github.com/acme/lib]
  - path: predicate.buildDefinition.externalParameters.workflow.ref
    matches: refs/(heads/main|tags/v.*)
  - path: predicate.buildDefinition.externalParameters.workflow.path
    contains: workflows/
  - path: predicate.buildDefinition.internalParameters
    exists: false
`,
    'p',
  );
  const ok = evaluatePolicy(policy, provenance);
  assert.equal(ok.passed, true, JSON.stringify(ok.results));
  const other = structuredClone(provenance);
  other.predicate.buildDefinition.externalParameters.workflow.repository = 'https://github.com/evil/app';
  other.predicate.buildDefinition.externalParameters.workflow.ref = 'refs/heads/main-evil';
  const r = evaluatePolicy(policy, other);
  assert.deepEqual(r.results.map((x) => x.passed), [true, false, false, true, true]);
  assert.match(r.results[1]!.detail, /evil\/app.*does not satisfy oneOf/);

  const sbom = parsePolicy('rules:\n  - {name: SBOM present, path: "predicate.components[*]", count: {min: 1}}\n  - {path: predicate.bomFormat, equals: CycloneDX}\n', 's');
  assert.equal(evaluatePolicy(sbom, { predicate: { bomFormat: 'CycloneDX', components: [{ name: 'x' }] } }).passed, true);
  assert.equal(evaluatePolicy(sbom, { predicate: { bomFormat: 'CycloneDX', components: [] } }).passed, false);
  assert.equal(evaluatePolicy(sbom, { predicate: { bomFormat: 'CycloneDX' } }).passed, false);
  const num = parsePolicy('rules:\n  - {path: "predicate.scores[*]", lessThan: 9}\n  - {path: "predicate.scores[*]", quantifier: any, greaterThan: 5}\n', 'n');
  assert.equal(evaluatePolicy(num, { predicate: { scores: [1, 7] } }).passed, true);
  assert.equal(evaluatePolicy(num, { predicate: { scores: [1, 9.8] } }).passed, false);
  assert.equal(evaluatePolicy(num, { predicate: { scores: [] } }).passed, false, 'all over nothing fails');
});

test('policy files with mistakes are usage errors, not silent passes', () => {
  const usage = (text: string, re: RegExp) => assert.throws(() => parsePolicy(text, 'p'), (e: unknown) => e instanceof PlimsollError && e.code === 'USAGE' && re.test(e.message));
  usage('rules: []', /non-empty "rules"/);
  usage('rules:\n  - {path: a, equal: 1}', /unknown key "equal"/);
  usage('rules:\n  - {path: a}', /exactly one check/);
  usage('rules:\n  - {path: a, equals: 1, exists: true}', /exactly one check .*has exists, equals/);
  usage('rules:\n  - {path: a, matches: "("}', /invalid regular expression/);
  usage('rules:\n  - {path: a, equals: 1, quantifier: most}', /quantifier/);
  usage('rule:\n  - {path: a, equals: 1}', /non-empty "rules"|unknown top-level/);
  usage('{', /not valid YAML/);
});
