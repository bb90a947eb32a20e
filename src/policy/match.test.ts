import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileMatch, matchRule, parseKindSelector, type MatchInput } from './match.js';
import { toResource } from './resources.js';

function input(obj: object, extra: Partial<MatchInput> = {}): MatchInput {
  const r = toResource(obj as never)!;
  const [g, v] = r.apiVersion.includes('/') ? r.apiVersion.split('/') : ['', r.apiVersion];
  return { resource: r, gvk: { group: g!, version: v!, kind: r.kind }, subresource: '', operation: 'CREATE', namespaceLabels: {}, ...extra };
}

const deploy = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web-1', namespace: 'prod', labels: { team: 'a' }, annotations: { owner: 'x' } } };

test('kind selector forms', () => {
  assert.deepEqual(parseKindSelector('Pod'), { group: '*', version: '*', kind: 'Pod', subresource: '', source: 'Pod' });
  assert.equal(parseKindSelector('apps/v1/Deployment').group, 'apps');
  assert.equal(parseKindSelector('v1/Pod').version, 'v1');
  assert.equal(parseKindSelector('Pod/exec').subresource, 'exec');
  assert.equal(parseKindSelector('batch/*/CronJob').version, '*');
});

test('any/all filters with kinds, names, namespaces, selectors, annotations', () => {
  const m = compileMatch({ any: [{ resources: { kinds: ['Pod'] } }, { resources: { kinds: ['apps/v1/Deployment'], names: ['web-*'], namespaces: ['prod'], selector: { matchLabels: { team: 'a' } }, annotations: { owner: '?' } } }] }, 'match');
  assert.ok(matchRule(m, null, input(deploy)).matched);
  const all = compileMatch({ all: [{ resources: { kinds: ['Deployment'] } }, { resources: { namespaces: ['dev'] } }] }, 'match');
  assert.ok(!matchRule(all, null, input(deploy)).matched);
  const sel = compileMatch({ any: [{ resources: { kinds: ['Deployment'], selector: { matchExpressions: [{ key: 'team', operator: 'NotIn', values: ['a'] }] } } }] }, 'm');
  assert.ok(!matchRule(sel, null, input(deploy)).matched);
});

test('exclude, namespaceSelector, operations and user info', () => {
  const m = compileMatch({ any: [{ resources: { kinds: ['Deployment'], operations: ['CREATE'], namespaceSelector: { matchLabels: { env: 'prod' } } } }] }, 'm');
  assert.ok(!matchRule(m, null, input(deploy)).matched);
  assert.ok(matchRule(m, null, input(deploy, { namespaceLabels: { env: 'prod' } })).matched);
  assert.ok(!matchRule(m, null, input(deploy, { operation: 'DELETE', namespaceLabels: { env: 'prod' } })).matched);
  const ex = compileMatch({ any: [{ clusterRoles: ['cluster-admin'] }] }, 'e');
  const all = compileMatch({ any: [{ resources: { kinds: ['*'] } }] }, 'm');
  assert.ok(matchRule(all, ex, input(deploy)).matched, 'no user info: not excluded');
  assert.ok(!matchRule(all, ex, input(deploy, { userInfo: { clusterRoles: ['cluster-admin'] } })).matched);
  const subj = compileMatch({ any: [{ resources: { kinds: ['*'] }, subjects: [{ kind: 'ServiceAccount', name: 'ci', namespace: 'tools' }] }] }, 'm');
  assert.ok(matchRule(subj, null, input(deploy, { userInfo: { username: 'system:serviceaccount:tools:ci' } })).matched);
  assert.ok(!matchRule(subj, null, input(deploy, { userInfo: { username: 'alice' } })).matched);
  assert.throws(() => compileMatch({ any: [{ resources: { kind: ['Pod'] } }] }, 'match'), /unknown field "kind"/);
});
