import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyOperator, compileConditions, evaluateConditions } from './conditions.js';

test('Equals / NotEquals with wildcards, numbers, quantities, durations', () => {
  assert.ok(applyOperator('Equals', 'nginx:1', 'nginx:*'));
  assert.ok(applyOperator('Equals', 3, '3'));
  assert.ok(applyOperator('Equals', '1Gi', '1024Mi'));
  assert.ok(applyOperator('Equals', '1h', '60m'));
  assert.ok(applyOperator('Equals', { a: 1 }, { a: 1 }));
  assert.ok(!applyOperator('Equals', null, ''));
  assert.ok(applyOperator('NotEquals', null, ''));
  assert.ok(applyOperator('NotEquals', 'a', 'b'));
});

test('set operators', () => {
  assert.ok(applyOperator('In', 'a', ['a', 'b']));
  assert.ok(applyOperator('In', ['a'], '["a","b"]'));
  assert.ok(!applyOperator('In', ['a', 'c'], ['a', 'b']));
  assert.ok(applyOperator('AnyIn', ['a', 'c'], ['a', 'b']));
  assert.ok(applyOperator('AllIn', ['a', 'b'], ['a', 'b', 'c']));
  assert.ok(applyOperator('NotIn', 'z', ['a']));
  assert.ok(applyOperator('AnyNotIn', ['a', 'z'], ['a']));
  assert.ok(applyOperator('AllNotIn', ['x', 'z'], ['a']));
  assert.ok(!applyOperator('AllNotIn', ['a', 'z'], ['a']));
  assert.ok(applyOperator('AnyIn', ['kube-*'], ['kube-system']));
  assert.ok(!applyOperator('AnyNotIn', [5555], '5000-6000'));
  assert.ok(applyOperator('AnyNotIn', [80], '5000-6000'));
  assert.ok(!applyOperator('AnyIn', 'a', null));
});

test('numeric and duration comparisons', () => {
  assert.ok(applyOperator('GreaterThan', '40', 10));
  assert.ok(applyOperator('GreaterThanOrEquals', '24h', '8h'));
  assert.ok(applyOperator('LessThan', '500m', '1'));
  assert.ok(applyOperator('LessThanOrEquals', '1Gi', '1Gi'));
  assert.ok(!applyOperator('GreaterThan', 'abc', 1));
  assert.ok(applyOperator('DurationGreaterThan', '2h', '1h'));
  assert.ok(applyOperator('DurationLessThanOrEquals', '30m', 3600));
});

test('any/all blocks and legacy lists', () => {
  const s = { data: { request: { operation: 'CREATE', object: { metadata: { name: 'x' } } } } };
  const b = compileConditions({ any: [{ key: '{{request.operation}}', operator: 'Equals', value: 'DELETE' }, { key: '{{request.object.metadata.name}}', operator: 'Equals', value: 'x' }], all: [{ key: 1, operator: 'Equals', value: 1 }] }, 't');
  assert.equal(evaluateConditions(b, s).ok, true);
  const legacy = compileConditions([{ key: '{{request.operation}}', operator: 'Equals', value: 'DELETE' }], 't');
  assert.equal(evaluateConditions(legacy, s).ok, false);
  assert.equal(evaluateConditions(compileConditions({}, 't'), s).ok, true);
  assert.throws(() => compileConditions([{ key: 1, operator: 'Bogus', value: 1 }], 'deny'), /unknown operator "Bogus"/);
});
