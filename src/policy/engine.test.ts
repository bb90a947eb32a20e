import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { compilePolicy, loadPolicyDocs, PolicyLoadError } from './load.js';
import { evaluatePolicy } from './engine.js';
import { toResource } from './resources.js';
import type { EvalRequest, JsonObject } from './types.js';

const policy = (yaml: string) => compilePolicy(parse(yaml) as JsonObject);
const res = (yaml: string) => toResource(parse(yaml) as JsonObject)!;
const run = (p: ReturnType<typeof policy>, r: string, extra: Partial<EvalRequest> = {}) => evaluatePolicy(p, { resource: res(r), ...extra });

const POD = `
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: prod, labels: {app: web}}
spec:
  containers:
  - {name: a, image: nginx:latest, securityContext: {privileged: true}}
  - {name: b, image: redis:7}
`;

test('pattern rule: fail message, Enforce action, autogen for Deployments', () => {
  const p = policy(`
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: no-latest}
spec:
  validationFailureAction: Enforce
  rules:
  - name: tag
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      message: "no latest in {{request.object.metadata.name}}"
      pattern: {spec: {containers: [{image: "!*:latest"}]}}
`);
  assert.deepEqual(p.rules.map((r) => r.name), ['tag', 'autogen-tag', 'autogen-cronjob-tag']);
  const r = run(p, POD);
  assert.equal(r.rules.length, 1);
  assert.equal(r.rules[0]!.status, 'fail');
  assert.equal(r.rules[0]!.failureAction, 'Enforce');
  assert.equal(r.rules[0]!.message, 'validation error: no latest in web. rule tag failed at path /spec/containers/0/image/');
  const d = run(p, `{apiVersion: apps/v1, kind: Deployment, metadata: {name: d}, spec: {template: {spec: {containers: [{name: a, image: "x:1"}]}}}}`);
  assert.deepEqual(d.rules.map((x) => [x.rule, x.status]), [['autogen-tag', 'pass']]);
  assert.deepEqual(d.notMatched.sort(), ['autogen-cronjob-tag', 'tag']);
});

test('deny with preconditions, context variable and message substitution', () => {
  const p = policy(`
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: replicas}
spec:
  rules:
  - name: max
    match: {any: [{resources: {kinds: [Deployment]}}]}
    context:
    - name: limit
      variable: {value: 3}
    preconditions:
      all: [{key: "{{request.operation}}", operator: AnyIn, value: [CREATE, UPDATE]}]
    validate:
      message: "{{request.object.spec.replicas}} > {{limit}}"
      deny:
        conditions:
          any: [{key: "{{request.object.spec.replicas}}", operator: GreaterThan, value: "{{limit}}"}]
`);
  const d = (n: number) => `{apiVersion: apps/v1, kind: Deployment, metadata: {name: d}, spec: {replicas: ${n}}}`;
  assert.deepEqual(run(p, d(5)).rules.map((r) => [r.status, r.message]), [['fail', '5 > 3']]);
  assert.equal(run(p, d(2)).rules[0]!.status, 'pass');
  assert.equal(run(p, d(5), { operation: 'DELETE' }).rules[0]!.status, 'skip');
});

test('foreach with element variables and nested foreach', () => {
  const p = policy(`
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: fe}
spec:
  rules:
  - name: images
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      message: bad image
      foreach:
      - list: request.object.spec.containers
        deny:
          conditions:
            any: [{key: "{{element.image}}", operator: Equals, value: "*:latest"}]
`);
  const r = run(p, POD).rules[0]!;
  assert.equal(r.status, 'fail');
  assert.equal(r.message, 'validation failure: bad image');
  assert.equal(run(p, `{apiVersion: v1, kind: Pod, metadata: {name: x}, spec: {containers: []}}`).rules[0]!.status, 'skip');
});

test('podSecurity subrule with control exclusion by image', () => {
  const mk = (exclude: string) =>
    policy(`
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: pss}
spec:
  rules:
  - name: baseline
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      podSecurity:
        level: baseline
        version: latest
        ${exclude}
`);
  const r = run(mk(''), POD).rules[0]!;
  assert.equal(r.status, 'fail');
  assert.deepEqual(r.podSecurityChecks?.map((c) => c.check), ['privileged']);
  assert.equal(run(mk('exclude: [{controlName: "Privileged Containers", images: ["nginx*"]}]'), POD).rules[0]!.status, 'pass');
  assert.equal(run(mk('exclude: [{controlName: "Privileged Containers", images: ["other*"]}]'), POD).rules[0]!.status, 'fail');
});

test('explain trace records the deciding step', () => {
  const p = policy(`
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: x}
spec:
  rules:
  - name: r
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate: {pattern: {spec: {containers: [{(image): "*:latest", name: "must-*"}]}}}
`);
  const r = run(p, POD, { explain: true }).rules[0]!;
  assert.equal(r.status, 'fail');
  assert.ok(r.trace?.some((t) => t.step === 'pattern' && t.detail.includes('/spec/containers/0/name/')));
});

test('bad policies: clear errors naming policy and rule, others still load', () => {
  const docs = parse(`[
    {apiVersion: kyverno.io/v1, kind: ClusterPolicy, metadata: {name: bad-jmes}, spec: {rules: [{name: r1, match: {any: [{resources: {kinds: [Pod]}}]}, validate: {deny: {conditions: [{key: "{{ request.[ }}", operator: Equals, value: 1}]}}}]}},
    {apiVersion: kyverno.io/v1, kind: ClusterPolicy, metadata: {name: bad-field}, spec: {rulez: []}},
    {apiVersion: kyverno.io/v1, kind: ClusterPolicy, metadata: {name: bad-anchor}, spec: {rules: [{name: r2, match: {any: [{resources: {kinds: [Pod]}}]}, validate: {pattern: {spec: {"(image": 1}}}}]}},
    {apiVersion: kyverno.io/v1, kind: ClusterPolicy, metadata: {name: good}, spec: {rules: [{name: ok, match: {any: [{resources: {kinds: [Pod]}}]}, validate: {pattern: {spec: {containers: [{image: "*"}]}}}}]}}
  ]`) as JsonObject[];
  const out = loadPolicyDocs(docs.map((doc) => ({ doc, source: 'x.yaml' })));
  assert.deepEqual(out.policies.map((p) => p.name), ['bad-jmes', 'bad-anchor', 'good']);
  assert.match(out.errors[0]!.message, /policy bad-field .*unknown field "rulez"/);
  const jm = out.policies[0]!.errors[0]!;
  assert.ok(jm instanceof PolicyLoadError);
  assert.equal(jm.rule, 'r1');
  assert.match(jm.message, /invalid JMESPath/);
  assert.match(out.policies[1]!.errors[0]!.message, /rule r2 .*invalid anchor "\(image"/);
  assert.equal(out.policies[2]!.rules.length, 3);
});

test('namespaced Policy applies only in its namespace', () => {
  const p = policy(`
apiVersion: kyverno.io/v1
kind: Policy
metadata: {name: np, namespace: prod}
spec:
  rules:
  - name: r
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate: {deny: {}}
`);
  assert.equal(run(p, POD).rules[0]!.status, 'fail');
  assert.equal(run(p, POD.replace('namespace: prod', 'namespace: dev')).rules.length, 0);
});
