import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, deployment, findings, GOOD_CONTAINER, podWith } from '../testing.js';
import { looksLikeSecretName } from './hygiene.js';

test('PLM-K8S-050/051: long-running containers need liveness and readiness probes', () => {
  const noProbes = GOOD_CONTAINER.split('\n').filter((l) => !l.includes('Probe')).join('\n');
  const y = deployment(`automountServiceAccountToken: false\ncontainers:\n- ${noProbes.split('\n').join('\n  ')}`);
  const live = findings(y, 'PLM-K8S-050');
  assert.equal(live.length, 1);
  assert.equal(live[0]!.target.path, 'spec.template.spec.containers[0]');
  assert.equal(findings(y, 'PLM-K8S-051').length, 1);
  assert.equal(findings(deployment(podWith()), 'PLM-K8S-050').length, 0);
  assert.equal(findings(deployment(podWith()), 'PLM-K8S-051').length, 0);
  // Jobs run to completion: no probes needed.
  const job = `apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec:\n  template:\n    spec:\n      containers:\n      - {name: c, image: "busybox:1"}\n`;
  assert.equal(findings(job, 'PLM-K8S-050').length, 0);
});

test('PLM-K8S-052: referenced ConfigMaps and Secrets should be immutable', () => {
  const d = deployment(
    podWith(
      'envFrom:\n- configMapRef: {name: settings}\nenv:\n- name: TOKEN\n  valueFrom: {secretKeyRef: {name: creds, key: token}}',
      'volumes:\n- name: certs\n  secret: {secretName: tls}',
    ),
  );
  const cm = (kind: string, name: string, extra = ''): string => `---\napiVersion: v1\nkind: ${kind}\nmetadata:\n  name: ${name}\n${extra}data: {}\n`;
  const y = d + cm('ConfigMap', 'settings') + cm('Secret', 'creds') + cm('Secret', 'tls', 'immutable: true\n') + cm('ConfigMap', 'unused');
  const f = findings(y, 'PLM-K8S-052');
  assert.deepEqual(f.map((x) => x.target.object?.name).sort(), ['creds', 'settings']);
  assert.equal(f[0]!.severity, 'info');
  const settings = f.find((x) => x.target.object?.name === 'settings')!;
  assert.match(settings.description, /used by Deployment\/web \(envFrom of "app"\)/);
  assert.equal(settings.target.path, 'metadata.name');
  // Explicit `immutable: false` points at that line.
  const explicit = findings(d + cm('ConfigMap', 'settings', 'immutable: false\n'), 'PLM-K8S-052');
  assert.equal(explicit[0]!.target.path, 'immutable');
});

test('PLM-K8S-053: secrets in env literals are reported and redacted', () => {
  const secret = 'hunter2-very-secret-value';
  const y = deployment(podWith(`env:\n- name: DB_PASSWORD\n  value: ${secret}\n- name: apiKey\n  value: abcdefghijklmnop\n- name: PASSWORD_FILE\n  value: /run/secrets/pw\n- name: TOKEN\n  valueFrom: {secretKeyRef: {name: s, key: k}}\n- name: LOG_LEVEL\n  value: debug-verbose`));
  const r = check(y);
  const f = r.findings.filter((x) => x.id === 'PLM-K8S-053');
  assert.equal(f.length, 2);
  assert.equal(f[0]!.target.path, 'spec.template.spec.containers[0].env[0].value');
  assert.equal(f[0]!.severity, 'high');
  assert.equal(f[0]!.evidence, 'DB_PASSWORD=hu****** (25 chars, redacted)');
  // The secret appears nowhere in the result.
  assert.ok(!JSON.stringify(r).includes(secret));
  assert.ok(!JSON.stringify(r).includes('abcdefghijklmnop'));
  // Placeholders and references are not secrets.
  const ph = deployment(podWith('env:\n- name: DB_PASSWORD\n  value: $(OTHER_VAR)\n- name: API_TOKEN\n  value: ""\n- name: SECRET\n  value: "{{ .Values.secret }}"'));
  assert.equal(findings(ph, 'PLM-K8S-053').length, 0);
});

test('secret-looking env var names', () => {
  for (const n of ['DB_PASSWORD', 'PASSWORD', 'apiKey', 'GITHUB_TOKEN', 'AWS_SECRET_ACCESS_KEY', 'client-secret', 'SENTRY_DSN', 'dbPassword']) {
    assert.ok(looksLikeSecretName(n), n);
  }
  for (const n of ['PASSWORD_FILE', 'SECRET_NAME', 'TOKEN_TTL', 'LOG_LEVEL', 'PASSTHROUGH', 'TOKENIZER_MODEL', 'AWS_ACCESS_KEY_ID', 'KEYCLOAK_URL']) {
    assert.ok(!looksLikeSecretName(n), n);
  }
});
