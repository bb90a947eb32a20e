import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAllDocuments } from 'yaml';
import { extractPodTemplate, WORKLOAD_KINDS } from './workloads.js';
import { evaluatePod, podSecurityMessage } from './pss/index.js';

const podSpec = { containers: [{ name: 'app', image: 'nginx', securityContext: { privileged: true } }] };
const template = { metadata: { labels: { app: 'x' }, annotations: { a: 'b' } }, spec: podSpec };

test('pod templates and their field paths for every workload kind', () => {
  const cases: Array<[unknown, string, string]> = [
    [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', annotations: { a: 'b' } }, spec: podSpec }, 'spec', 'metadata'],
    [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'p' }, spec: { template } }, 'spec.template.spec', 'spec.template.metadata'],
    [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'p' }, spec: { template } }, 'spec.template.spec', 'spec.template.metadata'],
    [{ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'p' }, spec: { template } }, 'spec.template.spec', 'spec.template.metadata'],
    [{ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'p' }, spec: { template } }, 'spec.template.spec', 'spec.template.metadata'],
    [{ apiVersion: 'extensions/v1beta1', kind: 'DaemonSet', metadata: { name: 'p' }, spec: { template } }, 'spec.template.spec', 'spec.template.metadata'],
    [{ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'p' }, spec: { template } }, 'spec.template.spec', 'spec.template.metadata'],
    [
      { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'p' }, spec: { schedule: '* * * * *', jobTemplate: { spec: { template } } } },
      'spec.jobTemplate.spec.template.spec',
      'spec.jobTemplate.spec.template.metadata',
    ],
    [{ apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'p' }, spec: { template } }, 'spec.template.spec', 'spec.template.metadata'],
    [{ apiVersion: 'v1', kind: 'PodTemplate', metadata: { name: 'p' }, template }, 'template.spec', 'template.metadata'],
    [{ kind: 'Deployment', metadata: { name: 'p' }, spec: { template } }, 'spec.template.spec', 'spec.template.metadata'], // no apiVersion
  ];
  assert.equal(new Set(cases.map((c) => (c[0] as { kind: string }).kind)).size, WORKLOAD_KINDS.length);
  for (const [object, specPath, metadataPath] of cases) {
    const t = extractPodTemplate(object);
    assert.ok(t, JSON.stringify(object));
    assert.equal(t.name, 'p');
    assert.equal(t.spec, podSpec);
    assert.deepEqual(t.metadata?.annotations, { a: 'b' });
    assert.equal(t.specPath, specPath);
    assert.equal(t.metadataPath, metadataPath);
    const r = evaluatePod(t, 'baseline', 'latest', t);
    assert.deepEqual(r.violations[0]?.fieldPaths, [`${specPath}.containers[0].securityContext.privileged`]);
  }
});

test('non-workloads, foreign API groups and malformed objects give null', () => {
  for (const o of [
    null,
    'Deployment',
    [],
    { kind: 'ConfigMap', apiVersion: 'v1', data: {} },
    { kind: 'Job', apiVersion: 'batch.volcano.sh/v1alpha1', spec: { template } },
    { kind: 'Deployment', apiVersion: 'apps.openshift.io/v1', spec: { template } },
    { kind: 'Pod', apiVersion: 'apps/v1', spec: podSpec },
    { kind: 'ReplicationController', apiVersion: 'v1', spec: {} },
    { kind: 'toString' },
    { kind: '__proto__' },
  ]) {
    assert.equal(extractPodTemplate(o), null, JSON.stringify(o));
  }
  // Kinds that embed the template by value are still evaluated (as an empty pod) when it is missing.
  const empty = extractPodTemplate({ kind: 'Deployment', apiVersion: 'apps/v1', metadata: { name: 'd', namespace: 'ns' }, spec: {} });
  assert.ok(empty);
  assert.equal(empty.spec, undefined);
  assert.equal(empty.namespace, 'ns');
  assert.equal(evaluatePod(empty, 'restricted', 'latest', empty).allowed, true);
});

test('end to end from a multi-document manifest', () => {
  const docs = parseAllDocuments(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    metadata:
      annotations:
        container.apparmor.security.beta.kubernetes.io/web: unconfined
    spec:
      hostNetwork: true
      containers:
      - name: web
        image: nginx
        ports: [{containerPort: 80, hostPort: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
`).map((d) => d.toJS() as unknown);
  const messages = docs
    .map((d) => extractPodTemplate(d))
    .filter((t) => t !== null)
    .map((t) => podSecurityMessage(evaluatePod(t, 'baseline', 'v1.30', t), 'baseline', 'v1.30'));
  assert.deepEqual(messages, [
    'would violate PodSecurity "baseline:v1.30": forbidden AppArmor profile ' +
      '(annotation must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/web="unconfined""), ' +
      'host namespaces (hostNetwork=true), hostPort (container "web" uses hostPort 80)',
  ]);
});
