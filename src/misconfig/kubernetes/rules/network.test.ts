import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, deployment, findings, podWith } from '../testing.js';
import { defaultDeny } from './network.js';

const policy = (spec: string, ns = 'prod'): string =>
  `---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: ${ns}}\nspec:\n${spec.replace(/^/gm, '  ')}\n`;
const dep = deployment(podWith(), { namespace: 'prod' });

test('PLM-K8S-040/041: default-deny NetworkPolicies per namespace', () => {
  assert.equal(findings(dep, 'PLM-K8S-040').length, 1);
  assert.equal(findings(dep, 'PLM-K8S-041').length, 1);
  const both = policy('podSelector: {}\npolicyTypes: [Ingress, Egress]');
  assert.equal(findings(dep + both, 'PLM-K8S-040').length, 0);
  assert.equal(findings(dep + both, 'PLM-K8S-041').length, 0);
  const ingressOnly = policy('podSelector: {}\npolicyTypes: [Ingress]');
  assert.equal(findings(dep + ingressOnly, 'PLM-K8S-040').length, 0);
  assert.equal(findings(dep + ingressOnly, 'PLM-K8S-041').length, 1);
  // Another namespace's policy does not count.
  assert.equal(findings(dep + policy('podSelector: {}\npolicyTypes: [Ingress, Egress]', 'dev'), 'PLM-K8S-040').length, 1);
});

test('default deny: selector, policyTypes defaulting, allow-all rules', () => {
  const p = (spec: unknown) => defaultDeny({ spec });
  assert.deepEqual(p({ podSelector: {} }), { ingress: true, egress: false }, 'policyTypes defaults to Ingress');
  assert.deepEqual(p({ podSelector: {}, egress: [] }), { ingress: true, egress: true }, 'egress present: Egress implied');
  assert.deepEqual(p({ podSelector: { matchLabels: { app: 'x' } }, policyTypes: ['Ingress'] }), { ingress: false, egress: false });
  assert.deepEqual(p({ podSelector: {}, policyTypes: ['Ingress'], ingress: [{}] }), { ingress: false, egress: false }, '`- {}` allows all');
  assert.deepEqual(
    p({ podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{ from: [{ podSelector: {} }] }], egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] }),
    { ingress: true, egress: true },
    'isolating policies with narrow allow rules still deny by default',
  );
  assert.deepEqual(p(null), { ingress: false, egress: false });
});

test('PLM-K8S-042: NodePort and LoadBalancer Services', () => {
  const svc = (type: string): string => `apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  type: ${type}\n  ports: [{port: 80}]\n`;
  const np = findings(svc('NodePort'), 'PLM-K8S-042');
  assert.equal(np.length, 1);
  assert.equal(np[0]!.target.path, 'spec.type');
  assert.equal(np[0]!.target.line, 5);
  assert.equal(findings(svc('LoadBalancer'), 'PLM-K8S-042').length, 1);
  assert.equal(findings(svc('ClusterIP'), 'PLM-K8S-042').length, 0);
  assert.equal(findings(svc('ExternalName'), 'PLM-K8S-042').length, 0);
});

test('PLM-K8S-043: Ingress without TLS, or hosts not covered by it', () => {
  const ing = (tls: string): string =>
    `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i}\nspec:\n${tls}  rules:\n  - host: a.example.com\n  - host: b.other.org\n`;
  const none = findings(ing(''), 'PLM-K8S-043');
  assert.equal(none.length, 1);
  assert.match(none[0]!.description, /no spec\.tls/);
  const partial = findings(ing('  tls: [{hosts: ["*.example.com"], secretName: t}]\n'), 'PLM-K8S-043');
  assert.equal(partial.length, 1);
  assert.equal(partial[0]!.target.path, 'spec.rules[1].host');
  assert.equal(partial[0]!.evidence, 'b.other.org');
  assert.equal(findings(ing('  tls: [{hosts: [a.example.com, b.other.org], secretName: t}]\n'), 'PLM-K8S-043').length, 0);
  assert.equal(findings(ing('  tls: [{secretName: t}]\n'), 'PLM-K8S-043').length, 0, 'tls without hosts covers all');
});

test('PLM-K8S-044: container ports must be targeted by a Service selecting the pod', () => {
  const d = deployment(podWith('ports:\n- {containerPort: 8080, name: http}\n- {containerPort: 9090}'), { labels: '{app: web, tier: fe}' });
  const svc = (selector: string, ports: string): string => `---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  selector: ${selector}\n  ports: ${ports}\n`;
  assert.equal(findings(d, 'PLM-K8S-044').length, 2, 'no Service at all');
  const byName = findings(d + svc('{app: web}', '[{port: 80, targetPort: http}]'), 'PLM-K8S-044');
  assert.equal(byName.length, 1);
  assert.equal(byName[0]!.target.path, 'spec.template.spec.containers[0].ports[1]');
  assert.match(byName[0]!.description, /port 9090\/TCP/);
  assert.equal(findings(d + svc('{app: web}', '[{port: 80, targetPort: http}, {port: 9090}]'), 'PLM-K8S-044').length, 0, 'targetPort defaults to port');
  assert.equal(findings(d + svc('{app: other}', '[{port: 8080}, {port: 9090}]'), 'PLM-K8S-044').length, 2, 'selector must match');
  assert.equal(findings(d + svc('{app: web}', '[{port: 8080, protocol: UDP}, {port: 9090}]'), 'PLM-K8S-044').length, 1, 'protocol must match');
});

test('PLM-K8S-045: hostPort', () => {
  const f = findings(deployment(podWith('ports:\n- {containerPort: 80, hostPort: 8080}')), 'PLM-K8S-045');
  assert.equal(f.length, 1);
  assert.equal(f[0]!.target.path, 'spec.template.spec.containers[0].ports[0].hostPort');
  assert.equal(findings(deployment(podWith('ports:\n- {containerPort: 80}')), 'PLM-K8S-045').length, 0);
});

test('Ingress and Service rules ignore look-alike kinds of other API groups', () => {
  const r = check('apiVersion: example.com/v1\nkind: Ingress\nmetadata: {name: i}\nspec: {}\n---\napiVersion: example.com/v1\nkind: Service\nmetadata: {name: s}\nspec: {type: NodePort}\n');
  assert.deepEqual(r.findings, []);
});
