import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkManifests } from './check.js';
import { readManifestInputs } from './load.js';
import { KUBERNETES_RULES } from './rules/index.js';
import { check, deployment, podWith } from './testing.js';
import { isPlimsollError } from '../../util/errors.js';

test('a directory with one broken file: the others are still checked and the error names the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'plimsoll-k8s-'));
  try {
    writeFileSync(join(dir, '01-ns.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata: {name: prod}\n');
    writeFileSync(join(dir, '02-broken.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\n  bad: [\n');
    writeFileSync(join(dir, '03-app.yaml'), deployment('containers:\n- {name: app, image: "nginx:latest"}', { namespace: 'prod' }));
    writeFileSync(join(dir, '04-values.yaml'), 'replicaCount: 2\n');
    const { inputs, errors: readErrors } = await readManifestInputs([dir]);
    assert.deepEqual(readErrors, []);
    const r = checkManifests(inputs);
    assert.deepEqual(
      r.errors.map((e) => [e.file.replace(dir, 'D'), e.code]),
      [
        ['D/02-broken.yaml', 'YAML_SYNTAX'],
        ['D/04-values.yaml', 'NOT_KUBERNETES'],
      ],
    );
    assert.deepEqual(r.objects.map((o) => `${o.file.replace(dir, 'D')}#${o.document} ${o.kind}/${o.name}`), ['D/01-ns.yaml#0 Namespace/prod', 'D/03-app.yaml#0 Deployment/web']);
    const app = r.findings.filter((f) => f.target.file.endsWith('03-app.yaml'));
    assert.ok(app.some((f) => f.id === 'PLM-K8S-011' && f.target.line === 14 && f.target.path === 'spec.template.spec.containers[0].image'));
    // The namespace findings are reported on the Namespace object in the other file.
    const quota = r.findings.find((f) => f.id === 'PLM-K8S-006')!;
    assert.ok(quota.target.file.endsWith('01-ns.yaml'));
    assert.deepEqual(quota.target.object, { apiVersion: 'v1', kind: 'Namespace', name: 'prod', index: 0 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every workload kind yields its pod template and field paths', () => {
  const pod = 'containers: [{name: c, image: "x:1", securityContext: {privileged: true}}]\nhostIPC: true';
  const indent = (s: string, n: number): string => s.replace(/^/gm, ' '.repeat(n));
  const tpl = (n: number): string => `${' '.repeat(n)}template:\n${' '.repeat(n + 2)}spec:\n${indent(pod, n + 4)}`;
  const docs = [
    `apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n${indent(pod, 2)}`,
    `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: b}\nspec:\n${tpl(2)}`,
    `apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: c}\nspec:\n${tpl(2)}`,
    `apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: d}\nspec:\n${tpl(2)}`,
    `apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: e}\nspec:\n${tpl(2)}`,
    `apiVersion: v1\nkind: ReplicationController\nmetadata: {name: f}\nspec:\n${tpl(2)}`,
    `apiVersion: batch/v1\nkind: Job\nmetadata: {name: g}\nspec:\n${tpl(2)}`,
    `apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: h}\nspec:\n  schedule: "* * * * *"\n  jobTemplate:\n    spec:\n${tpl(6)}`,
    `apiVersion: v1\nkind: PodTemplate\nmetadata: {name: i}\n${tpl(0)}`,
  ];
  const r = check(docs.join('\n---\n'), { pss: { level: 'baseline', version: 'latest' } });
  assert.deepEqual(r.errors, []);
  const expected = ['spec', 'spec.template.spec', 'spec.template.spec', 'spec.template.spec', 'spec.template.spec', 'spec.template.spec', 'spec.template.spec', 'spec.jobTemplate.spec.template.spec', 'template.spec'];
  r.objects.forEach((o, i) => {
    const ipc = o.findings.find((f) => f.id === 'PLM-K8S-022');
    assert.equal(ipc?.target.path, `${expected[i]}.hostIPC`, o.kind);
    assert.equal(o.pss?.allowed, false, o.kind);
    assert.deepEqual(o.pss?.violations.map((v) => v.check), ['hostNamespaces', 'privileged'], o.kind);
    const priv = o.findings.find((f) => f.id === 'PLM-K8S-PSS-privileged')!;
    assert.equal(priv.target.path, `${expected[i]}.containers[0].securityContext.privileged`, o.kind);
    assert.equal(priv.severity, 'high');
  });
});

test('--pss: every checked object is listed; pod templates carry the verdict with lines', () => {
  const good = deployment(
    podWith('securityContext:\n  readOnlyRootFilesystem: true\n  allowPrivilegeEscalation: false\n  runAsNonRoot: true\n  capabilities: {drop: [ALL]}\n  seccompProfile: {type: RuntimeDefault}'),
    { name: 'good' },
  );
  const bad = deployment('containers:\n- name: app\n  image: "x:1"\n  securityContext: {allowPrivilegeEscalation: true}', { name: 'bad' });
  const cmap = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: x}\n';
  const text = `${good}---\n${bad}---\n${cmap}`;
  const apeLine = text.split('\n').findIndex((l) => l.includes('allowPrivilegeEscalation: true')) + 1;
  const r = check(text, { pss: { level: 'restricted', version: 'v1.30' } });
  assert.deepEqual(r.objects.map((o) => [o.kind, o.name, o.document, o.pss?.allowed]), [
    ['Deployment', 'good', 0, true],
    ['Deployment', 'bad', 1, false],
    ['ConfigMap', 'c', 2, undefined],
  ]);
  const v = r.objects[1]!.pss!;
  assert.equal(v.level, 'restricted');
  assert.equal(v.version, 'v1.30');
  const ape = v.violations.find((x) => x.check === 'allowPrivilegeEscalation')!;
  assert.deepEqual(ape.fieldPaths, ['spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation']);
  assert.equal(ape.line, apeLine);
  const f = r.findings.find((x) => x.id === 'PLM-K8S-PSS-allowPrivilegeEscalation')!;
  assert.equal(f.target.line, apeLine);
  assert.match(f.description, /violates PodSecurity "restricted:v1\.30": allowPrivilegeEscalation != false/);
  // Without --pss no verdicts and no PSS findings.
  const plain = check(`${good}---\n${bad}`);
  assert.ok(plain.objects.every((o) => o.pss === undefined));
  assert.ok(!plain.findings.some((x) => x.id.startsWith('PLM-K8S-PSS-')));
  // The JSON form holds the same.
  const json = JSON.parse(JSON.stringify(r));
  assert.equal(json.objects[1].pss.violations[0].check, v.violations[0]!.check);
});

test('invalid --pss values are usage errors', () => {
  for (const pss of [{ level: 'strict', version: 'latest' }, { level: 'baseline', version: '1.30' }]) {
    assert.throws(
      () => checkManifests([], { pss: pss as never }),
      (e: unknown) => isPlimsollError(e) && e.code === 'USAGE',
    );
  }
});

test('findings are deterministic and every rule id is unique and documented', () => {
  const y = deployment(podWith('image: nginx\nresources: {}'));
  assert.deepEqual(check(y).findings, check(y).findings);
  const ids = KUBERNETES_RULES.map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const r of KUBERNETES_RULES) {
    assert.match(r.id, /^PLM-K8S-(\d{3}|PSS-\w+)$/);
    assert.ok(r.title && r.description && r.remediation, r.id);
    assert.ok(r.references.length > 0 && r.references.every((u) => u.startsWith('https://kubernetes.io/docs/')), r.id);
  }
});

test('hostile shapes: wrong types everywhere never crash a rule', () => {
  const weird = [
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: [1], namespace: {a: 1}}\nspec: {template: {metadata: {labels: [x]}, spec: {containers: {a: 1}, initContainers: [null, 1, "x", {ports: 5, env: {x: 1}, resources: [1]}], volumes: "x"}}}',
    'apiVersion: v1\nkind: Pod\nmetadata: null\nspec: []',
    'apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {selector: [1], ports: {a: 1}, type: [NodePort]}',
    'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: n}\nspec: {podSelector: [], policyTypes: Ingress, ingress: {x: 1}}',
    'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: b}\nroleRef: [cluster-admin]\nsubjects: {a: 1}',
    'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i}\nspec: {tls: {a: 1}, rules: [{host: 5}]}',
    'apiVersion: v1\nkind: List\nitems: [{apiVersion: v1, kind: Pod, spec: {containers: [{env: [{name: PASSWORD, value: {x: 1}}]}]}}]',
  ];
  const r = check(weird.join('\n---\n'), { pss: { level: 'restricted', version: 'latest' }, allowedRegistries: ['ghcr.io'] });
  assert.deepEqual(r.errors.filter((e) => e.code === 'CHECK_FAILED'), []);
  assert.equal(r.objects.length, 7);
});

test('the plimsoll.dev/ignore annotation exempts an object from the listed rules', () => {
  const y = deployment(podWith('image: nginx')).replace('  name: web\n', '  name: web\n  annotations:\n    plimsoll.dev/ignore: "PLM-K8S-011, plm-k8s-010"\n');
  const ids = check(y).findings.map((f) => f.id);
  assert.ok(!ids.includes('PLM-K8S-011') && !ids.includes('PLM-K8S-010'));
  assert.ok(check(deployment(podWith('image: nginx'))).findings.some((f) => f.id === 'PLM-K8S-011'));
});

test('hostile pods: containers and findings per object are capped, with an error saying so', () => {
  const y = `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n${'  - {}\n'.repeat(1500)}`;
  const r = check(y, { pss: { level: 'restricted', version: 'latest' } });
  const namespaceLevel = new Set(['PLM-K8S-006', 'PLM-K8S-007', 'PLM-K8S-040', 'PLM-K8S-041']);
  assert.equal(r.objects[0]!.findings.filter((f) => !namespaceLevel.has(f.id)).length, 1000);
  assert.deepEqual(r.errors.map((e) => e.code), ['TOO_LARGE', 'TOO_LARGE']);
  assert.match(r.errors[0]!.message, /more than 1000 containers in one list; 500 were not checked/);
  assert.match(r.errors[1]!.message, /more than 1000 findings/);
  for (const v of r.objects[0]!.pss!.violations) assert.ok(v.detail.length <= 1001 && v.fieldPaths.length <= 50);
});
