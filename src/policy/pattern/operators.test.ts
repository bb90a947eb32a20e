import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareDecimal, matchScalar, parseDuration, parseQuantity } from './operators.js';

test('quantities compare exactly across suffixes', () => {
  const q = (s: string) => parseQuantity(s)!;
  assert.equal(compareDecimal(q('1Gi'), q('1024Mi')), 0);
  assert.equal(compareDecimal(q('100m'), q('0.1')), 0);
  assert.equal(compareDecimal(q('2e3'), q('2k')), 0);
  assert.equal(compareDecimal(q('1.5Gi'), q('1Gi')), 1);
  assert.equal(parseQuantity('8h'), null);
  assert.equal(parseQuantity(''), null);
  assert.equal(parseQuantity('1.2.3'), null);
});

test('Go durations', () => {
  assert.equal(parseDuration('1h30m'), 5400e9);
  assert.equal(parseDuration('-5s'), -5e9);
  assert.equal(parseDuration('0'), 0);
  assert.equal(parseDuration('5'), null);
  assert.equal(parseDuration('1.5ms'), 1.5e6);
});

test('string patterns: wildcards, negation, |, &', () => {
  assert.ok(matchScalar('nginx:1.2', '*:*'));
  assert.ok(!matchScalar('nginx', '*:*'));
  assert.ok(matchScalar('nginx:1.2', '!*:latest'));
  assert.ok(!matchScalar('nginx:latest', '!*:latest'));
  assert.ok(matchScalar('Always', 'Always | IfNotPresent'));
  assert.ok(!matchScalar('Never', 'Always | IfNotPresent'));
  assert.ok(matchScalar('a', '?'));
  assert.ok(!matchScalar('', '?*'));
  assert.ok(matchScalar(5, '>1 & <10'));
  assert.ok(!matchScalar(50, '>1 & <10'));
});

test('numeric operators with quantities and durations', () => {
  assert.ok(matchScalar('2Gi', '>1Gi'));
  assert.ok(matchScalar('512Mi', '<=1Gi'));
  assert.ok(!matchScalar('2Gi', '<=1Gi'));
  assert.ok(matchScalar('30m', '<1h'));
  assert.ok(matchScalar(8080, '>=1024'));
  assert.ok(!matchScalar('abc', '>1'));
});

test('ranges a-b and a!-b', () => {
  assert.ok(matchScalar(5500, '5000-6000'));
  assert.ok(!matchScalar(80, '5000-6000'));
  assert.ok(matchScalar(80, '5000!-6000'));
  assert.ok(!matchScalar(5500, '5000!-6000'));
  assert.ok(matchScalar('1.5Gi', '1Gi-2Gi'));
});

test('typed patterns: bool, int, float, null', () => {
  assert.ok(matchScalar(true, true));
  assert.ok(!matchScalar('true', true));
  assert.ok(matchScalar(3, 3));
  assert.ok(matchScalar('3', 3));
  assert.ok(!matchScalar(3.5, 3));
  assert.ok(matchScalar(1.5, 1.5));
  assert.ok(matchScalar(null, null));
  assert.ok(matchScalar(undefined, null));
  assert.ok(matchScalar(false, null));
  assert.ok(matchScalar('', null));
  assert.ok(!matchScalar('x', null));
  assert.ok(!matchScalar({}, null));
});
