import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deployment, findings, GOOD_CONTAINER } from '../testing.js';

const pod = (fields: string, container = GOOD_CONTAINER): string => deployment(`${fields}\ncontainers:\n- ${container.split('\n').join('\n  ')}`);

test('PLM-K8S-020: the service account token is mounted unless disabled', () => {
  const f = findings(pod('serviceAccountName: web'), 'PLM-K8S-020');
  assert.equal(f.length, 1);
  assert.match(f[0]!.description, /service account "web"/);
  assert.equal(f[0]!.target.path, 'spec.template.spec');
  const explicit = findings(pod('automountServiceAccountToken: true'), 'PLM-K8S-020');
  assert.equal(explicit[0]!.target.path, 'spec.template.spec.automountServiceAccountToken');
  assert.equal(findings(pod('automountServiceAccountToken: false'), 'PLM-K8S-020').length, 0);
});

test('PLM-K8S-020: a ServiceAccount with automountServiceAccountToken: false among the inputs covers its pods', () => {
  const sa = (name: string, ns = ''): string =>
    `---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: ${name}${ns ? `, namespace: ${ns}` : ''}}\nautomountServiceAccountToken: false\n`;
  assert.equal(findings(pod('serviceAccountName: web') + sa('web'), 'PLM-K8S-020').length, 0);
  assert.equal(findings(pod('serviceAccountName: web') + sa('other'), 'PLM-K8S-020').length, 1);
  assert.equal(findings(pod('') + sa('default'), 'PLM-K8S-020').length, 0, 'pods without serviceAccountName use "default"');
  assert.equal(findings(pod('serviceAccountName: web') + sa('web', 'elsewhere'), 'PLM-K8S-020').length, 1);
  // The pod's explicit true wins over the ServiceAccount.
  assert.equal(findings(pod('serviceAccountName: web\nautomountServiceAccountToken: true') + sa('web'), 'PLM-K8S-020').length, 1);
});

test('PLM-K8S-021/022/023: host namespaces', () => {
  const cases: Array<[string, string]> = [
    ['PLM-K8S-021', 'hostPID'],
    ['PLM-K8S-022', 'hostIPC'],
    ['PLM-K8S-023', 'hostNetwork'],
  ];
  for (const [id, field] of cases) {
    const f = findings(pod(`automountServiceAccountToken: false\n${field}: true`), id);
    assert.equal(f.length, 1, id);
    assert.equal(f[0]!.target.path, `spec.template.spec.${field}`);
    assert.equal(f[0]!.target.line, 13);
    assert.equal(findings(pod(`automountServiceAccountToken: false\n${field}: false`), id).length, 0, id);
    assert.equal(findings(pod('automountServiceAccountToken: false'), id).length, 0, id);
    // kubectl reads YAML 1.1 booleans: `yes` is true.
    assert.equal(findings(pod(`automountServiceAccountToken: false\n${field}: yes`), id).length, 1, `${id} yes`);
  }
});

test('PLM-K8S-024: root filesystem must be read-only', () => {
  const writable = GOOD_CONTAINER.replace('readOnlyRootFilesystem: true', 'readOnlyRootFilesystem: false');
  const f = findings(pod('automountServiceAccountToken: false', writable), 'PLM-K8S-024');
  assert.equal(f.length, 1);
  assert.equal(f[0]!.target.path, 'spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem');
  const unset = GOOD_CONTAINER.replace('  readOnlyRootFilesystem: true', '  runAsNonRoot: true');
  assert.equal(findings(pod('automountServiceAccountToken: false', unset), 'PLM-K8S-024')[0]!.target.path, 'spec.template.spec.containers[0].securityContext');
  assert.equal(findings(pod('automountServiceAccountToken: false'), 'PLM-K8S-024').length, 0);
});
