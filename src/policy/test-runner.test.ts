import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findTestFiles, runTestFile, summarize } from './test-runner.js';

function fixture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'plimsoll-policy-test-'));
  writeFileSync(
    join(dir, 'policy.yaml'),
    `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: require-team}
spec:
  rules:
  - name: team-label
    match: {any: [{resources: {kinds: [Pod]}}]}
    exclude: {any: [{resources: {namespaces: [kube-system]}}]}
    validate:
      message: team label required
      pattern: {metadata: {labels: {team: "?*"}}}
  - name: cm-check
    match: {any: [{resources: {kinds: [Pod]}}]}
    context: [{name: settings, configMap: {name: settings, namespace: default}}]
    validate:
      deny: {conditions: [{key: "{{settings.data.block}}", operator: Equals, value: "yes"}]}
`,
  );
  writeFileSync(
    join(dir, 'resources.yaml'),
    `apiVersion: v1
kind: Pod
metadata: {name: good, labels: {team: a}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Pod
metadata: {name: bad, namespace: apps}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Pod
metadata: {name: sys, namespace: kube-system}
spec: {containers: [{name: c, image: x}]}
`,
  );
  writeFileSync(join(dir, 'cluster.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: default}\ndata: {block: "no"}\n`);
  writeFileSync(
    join(dir, 'kyverno-test.yaml'),
    `apiVersion: cli.kyverno.io/v1alpha1
kind: Test
metadata: {name: t}
policies: [policy.yaml]
resources: [resources.yaml]
clusterResources: [cluster.yaml]
results:
- {policy: require-team, rule: team-label, kind: Pod, resources: [good], result: pass}
- {policy: require-team, rule: team-label, kind: Pod, resources: [apps/bad], result: fail}
- {policy: require-team, rule: team-label, kind: Pod, resources: [sys], result: skip}
- {policy: require-team, rule: cm-check, kind: Pod, resources: [default/good], result: pass}
- {policy: require-team, rule: team-label, kind: Pod, resources: [missing], result: pass}
- {policy: require-team, rule: nope, kind: Pod, resources: [good], result: pass}
`,
  );
  return dir;
}

test('runs a Kyverno CLI test file and reports met/unmet expectations', () => {
  const dir = fixture();
  try {
    const files = findTestFiles(dir);
    assert.equal(files.length, 1);
    const r = runTestFile(files[0]!, { explain: true });
    assert.equal(r.error, undefined);
    assert.deepEqual(
      r.rows.map((x) => [x.resource, x.actual, x.ok]),
      [
        ['good', 'pass', true],
        ['apps/bad', 'fail', true],
        ['sys', 'skip', true],
        ['default/good', 'pass', true],
        ['missing', 'not found', false],
        ['good', 'not found', false],
      ],
    );
    assert.match(r.rows[5]!.reason, /rule nope not found/);
    assert.ok(r.rows[1]!.trace?.length);
    assert.deepEqual(summarize([r]), { files: 1, total: 6, passed: 4, failed: 2, unsupported: 0 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
