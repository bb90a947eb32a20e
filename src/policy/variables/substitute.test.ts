import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileTemplate, compileTree, evalTemplate, evalTree } from './substitute.js';
import { searchJmes, JmesPathSyntaxError, compileJmes } from './jmespath.js';

const scope = { data: { request: { object: { metadata: { name: 'web', labels: { a: '1' } }, spec: { replicas: 3 } }, operation: 'CREATE' }, n: 2, mem: '512Mi' } };

test('single variable keeps its type; embedded ones become strings', () => {
  assert.equal(evalTemplate(compileTemplate('{{request.object.spec.replicas}}'), scope), 3);
  assert.equal(evalTemplate(compileTemplate('name={{ request.object.metadata.name }} n={{n}}'), scope), 'name=web n=2');
  assert.equal(evalTemplate(compileTemplate('{{request.object.metadata.labels}}!'), scope), '{"a":"1"}!');
  assert.equal(evalTemplate(compileTemplate('{{a}}{{n}}'), { data: { a: 'x', n: 1 } }), 'x1');
});

test('nested and escaped variables', () => {
  assert.equal(evalTemplate(compileTemplate("{{ to_upper('{{request.object.metadata.name}}') }}"), scope), 'WEB');
  assert.equal(evalTemplate(compileTemplate('\\{{ not a var }}'), scope), '{{ not a var }}');
});

test('trees substitute keys and values and keep static subtrees', () => {
  const doc = { spec: { a: '{{n}}', b: ['x', '{{request.operation}}'] }, static: { k: 'v' } };
  const t = compileTree(doc);
  assert.deepEqual(evalTree(t, scope), { spec: { a: 2, b: ['x', 'CREATE'] }, static: { k: 'v' } });
  const s = compileTree({ k: 'v' });
  assert.ok(s.static);
});

test('bad JMESPath is a syntax error at compile time', () => {
  assert.throws(() => compileTemplate('{{ request.object.[ }}'), JmesPathSyntaxError);
  assert.throws(() => compileJmes('a.['), /invalid JMESPath/);
});

test('Kyverno functions', () => {
  const q = (e: string, d: object = {}) => searchJmes(e, d as never);
  assert.equal(q("to_upper('abc')"), 'ABC');
  assert.deepEqual(q("split('a,b', ',')"), ['a', 'b']);
  assert.equal(q("regex_match('^[a-z]+$', 'abc')"), true);
  assert.equal(q("pattern_match('ng*', 'nginx')"), true);
  assert.equal(q("label_match(`{\"a\":\"1\"}`, `{\"a\":\"1\",\"b\":\"2\"}`)"), true);
  assert.equal(q("base64_decode('aGk=')"), 'hi');
  assert.equal(q("base64_encode('hi')"), 'aGk=');
  assert.equal(q("add(`1`, `2`)"), 3);
  assert.equal(q("add('1Gi', '512Mi')"), '1536Mi');
  assert.equal(q("divide('1Gi', '512Mi')"), 2);
  assert.equal(q("subtract('2h', '1h')"), '1h0m0s');
  assert.equal(q("add('1h30m', '1h')"), '2h30m0s');
  assert.equal(q("multiply('100m', `3`)"), '300m');
  assert.equal(q("truncate('abcdef', `3`)"), 'abc');
  assert.equal(q("semver_compare('1.2.3', '>=1.2.0')"), true);
  assert.deepEqual(q("parse_json('{\"a\":[1]}')"), { a: [1] });
  assert.deepEqual(q("parse_yaml('a: 1')"), { a: 1 });
  assert.deepEqual(q("items(`{\"b\":2,\"a\":1}`, 'k', 'v')"), [{ k: 'a', v: 1 }, { k: 'b', v: 2 }]);
  assert.deepEqual(q("object_from_lists(`[\"a\"]`, `[1]`)"), { a: 1 });
  assert.equal(q("lookup(`{\"a\":1}`, 'a')"), 1);
  assert.equal(q("path_canonicalize('/a//b/../c')"), '/a/c');
  assert.equal(q("time_diff('2023-01-01T00:00:00Z', '2023-01-01T01:00:00Z')"), '1h0m0s');
  assert.equal(q("time_add('2023-01-01T00:00:00Z', '90m')"), '2023-01-01T01:30:00Z');
  assert.equal(q("time_to_cron('2023-01-01T05:07:00Z')"), '7 5 1 1 0');
  assert.equal(q("regex_replace_all('([a-z])-', 'a-b-', '${1}_')"), 'a_b_');
  assert.match(String(q("random('[a-z]{8}')")), /^[a-z]{8}$/);
  assert.equal(q("round(`3.14159`, `2`)"), 3.14);
  assert.throws(() => q("to_upper(`1`)"));
});
