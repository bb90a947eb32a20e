import { test } from 'node:test';
import assert from 'node:assert/strict';
import { autogenControllers, computeRules } from './autogen.js';

const policy = (annotations: object = {}, kinds = ['Pod']) => ({
  apiVersion: 'kyverno.io/v1',
  kind: 'ClusterPolicy',
  metadata: { name: 'p', annotations },
  spec: {
    rules: [
      {
        name: 'r',
        match: { any: [{ resources: { kinds } }] },
        validate: { message: 'name {{request.object.metadata.name}}', pattern: { spec: { containers: [{ image: '*:*' }] } } },
      },
    ],
  },
});

test('Pod rules get autogen- and autogen-cronjob- rules', () => {
  const rules = computeRules(policy() as never);
  assert.deepEqual(rules.map((r) => r.rule['name']), ['r', 'autogen-r', 'autogen-cronjob-r']);
  const ctrl = rules[1]!.rule as { match: { any: { resources: { kinds: string[] } }[] }; validate: { pattern: object; message: string } };
  assert.deepEqual(ctrl.match.any[0]!.resources.kinds, ['DaemonSet', 'Deployment', 'Job', 'StatefulSet', 'ReplicaSet', 'ReplicationController']);
  assert.deepEqual(ctrl.validate.pattern, { spec: { template: { spec: { containers: [{ image: '*:*' }] } } } });
  assert.equal(ctrl.validate.message, 'name {{request.object.spec.template.metadata.name}}');
  const cron = rules[2]!.rule as { validate: { pattern: object } };
  assert.deepEqual(cron.validate.pattern, { spec: { jobTemplate: { spec: { template: { spec: { containers: [{ image: '*:*' }] } } } } } });
});

test('annotation narrows or disables; mixed kinds disable', () => {
  assert.deepEqual(autogenControllers(policy({ 'pod-policies.kyverno.io/autogen-controllers': 'Deployment,CronJob' }) as never), ['Deployment', 'CronJob']);
  assert.deepEqual(autogenControllers(policy({ 'pod-policies.kyverno.io/autogen-controllers': 'none' }) as never), []);
  assert.deepEqual(autogenControllers(policy({}, ['Pod', 'Service']) as never), []);
  assert.deepEqual(autogenControllers(policy({}, ['Service']) as never), []);
});
