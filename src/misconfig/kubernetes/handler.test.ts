import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKubernetesCandidate, kubernetesHandler, lintManifests, looksLikeKubernetes, parsePssFlag } from './handler.js';
import { deployment, podWith } from './testing.js';
import { isPlimsollError } from '../../util/errors.js';

test('--pss LEVEL[:VERSION]', () => {
  assert.deepEqual(parsePssFlag('restricted'), { level: 'restricted', version: 'latest' });
  assert.deepEqual(parsePssFlag('baseline:v1.30'), { level: 'baseline', version: 'v1.30' });
  for (const bad of ['strict', 'baseline:1.30', 'restricted:v1.30:x', '']) {
    assert.throws(() => parsePssFlag(bad), (e: unknown) => isPlimsollError(e) && e.code === 'USAGE', bad);
  }
});

test('file selection: manifests by extension, well-known non-manifests skipped, content sniffing', () => {
  for (const p of ['deploy.yaml', 'k8s/app.yml', 'list.json', 'charts/x/templates/svc.yaml']) assert.ok(isKubernetesCandidate(p), p);
  for (const p of ['package.json', 'sub/tsconfig.build.json', 'charts/x/Chart.yaml', 'charts/x/values.yaml', 'values-prod.yaml', 'docker-compose.yml', '.github/workflows/ci.yml', 'README.md', 'schema/x.schema.json']) {
    assert.ok(!isKubernetesCandidate(p), p);
  }
  assert.ok(looksLikeKubernetes('# c\napiVersion: v1\nkind: Pod\n'));
  assert.ok(looksLikeKubernetes('{"kind": "List", "apiVersion": "v1", "items": []}'));
  assert.ok(!looksLikeKubernetes('name: x\nversion: 1\n'));
});

test('lintMany checks files together (cross-file rules) and splits results per file', () => {
  const ns = 'apiVersion: v1\nkind: ResourceQuota\nmetadata: {name: q, namespace: prod}\nspec: {hard: {pods: "5"}}\n';
  const app = deployment(podWith('image: nginx'), { namespace: 'prod' });
  const files = kubernetesHandler.lintMany(
    [
      { file: 'quota.yaml', text: ns },
      { file: 'app.yaml', text: app },
      { file: 'values.yaml', text: 'replicas: 2\n' },
    ],
    { pss: { level: 'baseline', version: 'latest' }, ignore: ['PLM-K8S-010'] },
    true,
  );
  assert.deepEqual(files.map((f) => [f.file, f.objects.length, f.errors.length, f.notApplicable ?? false]), [
    ['quota.yaml', 1, 0, false],
    ['app.yaml', 1, 0, false],
    ['values.yaml', 0, 0, true],
  ]);
  const appIds = files[1]!.findings.map((f) => f.id);
  assert.ok(!appIds.includes('PLM-K8S-006'), 'the ResourceQuota in the other file counts');
  assert.ok(appIds.includes('PLM-K8S-011'));
  assert.ok(!appIds.includes('PLM-K8S-010'), '--ignore');
  assert.ok(!files[1]!.objects[0]!.findings.some((f) => f.id === 'PLM-K8S-010'));
  assert.equal(files[1]!.objects[0]!.pss?.allowed, true);
  // Named explicitly (not walked), a non-Kubernetes file is an error.
  const single = lintManifests([{ file: 'values.yaml', text: 'replicas: 2\n' }]);
  assert.equal(single[0]!.errors.length, 1);
  // The per-file ConfigHandler.lint sees one file only.
  const one = kubernetesHandler.lint(app, 'app.yaml', {});
  assert.ok(one.findings.some((f) => f.id === 'PLM-K8S-006'));
  assert.ok(kubernetesHandler.checks.some((c) => c.id === 'PLM-K8S-PSS-privileged'));
});
