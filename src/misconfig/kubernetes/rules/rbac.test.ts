import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findings } from '../testing.js';

const role = (rules: string, kind = 'ClusterRole'): string =>
  `apiVersion: rbac.authorization.k8s.io/v1\nkind: ${kind}\nmetadata: {name: r${kind === 'Role' ? ', namespace: app' : ''}}\nrules:\n${rules}`;

test('PLM-K8S-030: wildcard verbs or resources', () => {
  const verbs = findings(role('- apiGroups: [""]\n  resources: [pods]\n  verbs: ["*"]\n'), 'PLM-K8S-030');
  assert.equal(verbs.length, 1);
  assert.equal(verbs[0]!.target.path, 'rules[0].verbs');
  assert.equal(verbs[0]!.target.line, 7);
  const res = findings(role('- apiGroups: [apps]\n  resources: ["*"]\n  verbs: [get]\n', 'Role'), 'PLM-K8S-030');
  assert.equal(res[0]!.target.path, 'rules[0].resources');
  assert.match(res[0]!.description, /Role "r" in namespace "app" grants "\*" resources/);
  assert.equal(findings(role('- apiGroups: [""]\n  resources: [pods]\n  verbs: [get, list]\n'), 'PLM-K8S-030').length, 0);
});

test('PLM-K8S-031: read access to secrets', () => {
  for (const verbs of ['[get]', '[list]', '[watch]', '["*"]', '[get, list, watch]']) {
    assert.equal(findings(role(`- apiGroups: [""]\n  resources: [secrets]\n  verbs: ${verbs}\n`), 'PLM-K8S-031').length, 1, verbs);
  }
  // Not read, not core, or `get` of named secrets only.
  assert.equal(findings(role('- apiGroups: [""]\n  resources: [secrets]\n  verbs: [create, delete]\n'), 'PLM-K8S-031').length, 0);
  assert.equal(findings(role('- apiGroups: [example.com]\n  resources: [secrets]\n  verbs: [get]\n'), 'PLM-K8S-031').length, 0);
  assert.equal(findings(role('- apiGroups: [""]\n  resources: [secrets]\n  resourceNames: [tls]\n  verbs: [get]\n'), 'PLM-K8S-031').length, 0);
  assert.equal(findings(role('- apiGroups: [""]\n  resources: [secrets]\n  resourceNames: [tls]\n  verbs: [get, list]\n'), 'PLM-K8S-031').length, 1);
  assert.equal(findings(role('- apiGroups: [""]\n  resources: [configmaps]\n  verbs: [get]\n'), 'PLM-K8S-031').length, 0);
});

test('PLM-K8S-032: bindings to cluster-admin', () => {
  const binding = (kind: string, roleName: string): string =>
    `apiVersion: rbac.authorization.k8s.io/v1\nkind: ${kind}\nmetadata: {name: b}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: ${roleName}\nsubjects:\n- {kind: ServiceAccount, name: ci, namespace: tools}\n`;
  const crb = findings(binding('ClusterRoleBinding', 'cluster-admin'), 'PLM-K8S-032');
  assert.equal(crb.length, 1);
  assert.equal(crb[0]!.severity, 'critical');
  assert.equal(crb[0]!.target.line, 7);
  assert.match(crb[0]!.description, /whole cluster to ServiceAccount "ci"/);
  assert.equal(findings(binding('RoleBinding', 'cluster-admin'), 'PLM-K8S-032').length, 1);
  assert.equal(findings(binding('ClusterRoleBinding', 'view'), 'PLM-K8S-032').length, 0);
});

test('PLM-K8S-033: escalate, bind and impersonate', () => {
  for (const v of ['escalate', 'bind', 'impersonate']) {
    const f = findings(role(`- apiGroups: [rbac.authorization.k8s.io]\n  resources: [clusterroles]\n  verbs: [${v}]\n`), 'PLM-K8S-033');
    assert.equal(f.length, 1, v);
    assert.match(f[0]!.description, new RegExp(`grants ${v}`));
  }
  assert.equal(findings(role('- apiGroups: [rbac.authorization.k8s.io]\n  resources: [clusterroles]\n  verbs: [get]\n'), 'PLM-K8S-033').length, 0);
});

test('RBAC rules ignore objects of other API groups and malformed rules', () => {
  const other = 'apiVersion: example.com/v1\nkind: ClusterRole\nmetadata: {name: r}\nrules:\n- verbs: ["*"]\n  resources: ["*"]\n';
  assert.equal(findings(other, 'PLM-K8S-030').length, 0);
  const broken = role('- verbs: "*"\n  resources: 5\n- null\n- [1, 2]\n');
  assert.equal(findings(broken, 'PLM-K8S-030').length, 0);
});
