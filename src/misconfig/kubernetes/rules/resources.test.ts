import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, deployment, findings, podWith } from '../testing.js';

const noResources = deployment(podWith('resources: {}'));

test('PLM-K8S-001..005: missing requests and limits are reported per container and resource', () => {
  const r = check(noResources).findings;
  for (const id of ['PLM-K8S-001', 'PLM-K8S-002', 'PLM-K8S-003', 'PLM-K8S-004', 'PLM-K8S-005']) {
    const f = r.filter((x) => x.id === id);
    assert.equal(f.length, 1, id);
    assert.equal(f[0]!.target.path, 'spec.template.spec.containers[0].resources');
    assert.match(f[0]!.description, /container "app" of Deployment "web"/);
  }
  assert.match(r.find((x) => x.id === 'PLM-K8S-004')!.description, /resources\.limits\.memory/);
});

test('PLM-K8S-001..005: a fully specified container passes', () => {
  const r = check(deployment(podWith())).findings;
  for (const id of ['PLM-K8S-001', 'PLM-K8S-002', 'PLM-K8S-003', 'PLM-K8S-004', 'PLM-K8S-005']) {
    assert.equal(r.filter((x) => x.id === id).length, 0, id);
  }
});

test('a request defaults to the limit: limits alone satisfy the request rules', () => {
  const y = deployment(podWith('resources:\n  limits: {cpu: 1, memory: 1Gi, ephemeral-storage: 1Gi}'));
  const ids = check(y).findings.map((f) => f.id);
  assert.ok(!ids.includes('PLM-K8S-001') && !ids.includes('PLM-K8S-002'));
});

test('init containers are checked, ephemeral containers are not', () => {
  const y = deployment(`automountServiceAccountToken: false
initContainers:
- name: setup
  image: busybox:1.36
containers:
- name: app
  image: busybox:1.36
  resources: {limits: {cpu: 1, memory: 1Gi, ephemeral-storage: 1Gi}}
ephemeralContainers:
- name: debug
  image: busybox:1.36`);
  const f = findings(y, 'PLM-K8S-004');
  assert.equal(f.length, 1);
  assert.equal(f[0]!.target.path, 'spec.template.spec.initContainers[0]');
  assert.match(f[0]!.description, /init container "setup"/);
});

test('a Container LimitRange in the same namespace supplies the missing values', () => {
  const lr = `apiVersion: v1
kind: LimitRange
metadata: {name: defaults, namespace: prod}
spec:
  limits:
  - type: Container
    default: {cpu: 500m, memory: 256Mi}
    defaultRequest: {cpu: 100m}
`;
  const dep = deployment(podWith('resources: {}'), { namespace: 'prod' });
  const ids = check(`${dep}---\n${lr}`).findings.map((f) => f.id);
  assert.ok(!ids.includes('PLM-K8S-001') && !ids.includes('PLM-K8S-002') && !ids.includes('PLM-K8S-003') && !ids.includes('PLM-K8S-004'));
  assert.ok(ids.includes('PLM-K8S-005'), 'ephemeral-storage has no default');
  // A LimitRange of another namespace does not help.
  const other = check(`${deployment(podWith('resources: {}'), { namespace: 'dev' })}---\n${lr}`).findings.map((f) => f.id);
  assert.ok(other.includes('PLM-K8S-004'));
});

test('PLM-K8S-006/007: namespaces with workloads need a ResourceQuota and a LimitRange', () => {
  const dep = deployment(podWith(), { namespace: 'prod' });
  const f6 = findings(dep, 'PLM-K8S-006');
  assert.equal(f6.length, 1);
  assert.match(f6[0]!.description, /namespace "prod" has 1 workload \(Deployment\/web\) but has no ResourceQuota/);
  assert.equal(f6[0]!.target.path, 'metadata.namespace');
  assert.equal(f6[0]!.target.line, 5);
  assert.equal(findings(dep, 'PLM-K8S-007').length, 1);
  const quota = `---
apiVersion: v1
kind: ResourceQuota
metadata: {name: q, namespace: prod}
spec: {hard: {pods: "10"}}
---
apiVersion: v1
kind: LimitRange
metadata: {name: l, namespace: prod}
spec: {limits: [{type: Container, max: {cpu: "2"}}]}
`;
  assert.equal(findings(dep + quota, 'PLM-K8S-006').length, 0);
  assert.equal(findings(dep + quota, 'PLM-K8S-007').length, 0);
  // No workloads, no namespace findings.
  assert.equal(findings('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: prod}\n', 'PLM-K8S-006').length, 0);
});

test('namespace findings are reported on the Namespace object when it is among the inputs', () => {
  const ns = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: prod\n---\n';
  const f = findings(ns + deployment(podWith(), { namespace: 'prod' }), 'PLM-K8S-006');
  assert.equal(f.length, 1);
  assert.equal(f[0]!.target.object?.kind, 'Namespace');
  assert.equal(f[0]!.target.path, 'metadata.name');
  assert.equal(f[0]!.target.line, 4);
});

test('PLM-K8S-006/007 also cover namespaces declared among the inputs without workloads', () => {
  const ns = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: empty\n';
  const f = findings(ns, 'PLM-K8S-006');
  assert.equal(f.length, 1);
  assert.match(f[0]!.description, /namespace "empty" is declared but has no ResourceQuota/);
  assert.equal(findings(ns, 'PLM-K8S-007').length, 1);
  assert.equal(findings(ns, 'PLM-K8S-040').length, 0, 'network isolation is about namespaces with workloads');
});
