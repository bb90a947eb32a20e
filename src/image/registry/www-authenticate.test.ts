import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWwwAuthenticate } from './www-authenticate.js';
import { pickChallenge } from './auth.js';

test('docker hub bearer challenge', () => {
  const c = parseWwwAuthenticate('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"');
  assert.deepEqual(c, [{ scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/alpine:pull' } }]);
});

test('scope with commas inside quotes, error param, spaces', () => {
  const c = parseWwwAuthenticate('Bearer realm="https://ghcr.io/token", service="ghcr.io" , scope="repository:o/r:pull,push",error="insufficient_scope"');
  assert.equal(c.length, 1);
  assert.equal(c[0]!.params.scope, 'repository:o/r:pull,push');
  assert.equal(c[0]!.params.error, 'insufficient_scope');
  assert.equal(c[0]!.params.service, 'ghcr.io');
});

test('basic challenge and case-insensitive names', () => {
  assert.deepEqual(parseWwwAuthenticate('Basic realm="Registry Realm"'), [{ scheme: 'basic', params: { realm: 'Registry Realm' } }]);
  assert.deepEqual(parseWwwAuthenticate('BASIC REALM=x'), [{ scheme: 'basic', params: { realm: 'x' } }]);
});

test('several challenges in one header; bearer preferred', () => {
  const c = parseWwwAuthenticate('Basic realm="b", Bearer realm="https://t/token",service="s"');
  assert.equal(c.length, 2);
  assert.equal(c[0]!.scheme, 'basic');
  assert.equal(c[1]!.scheme, 'bearer');
  assert.equal(c[1]!.params.service, 's');
  assert.equal(pickChallenge(c)!.scheme, 'bearer');
});

test('escaped quotes and token68', () => {
  const c = parseWwwAuthenticate('Bearer realm="a\\"b,c",service=svc');
  assert.equal(c[0]!.params.realm, 'a"b,c');
  assert.equal(c[0]!.params.service, 'svc');
  const t = parseWwwAuthenticate('Negotiate abc123==, Basic realm="r"');
  assert.equal(t[0]!.scheme, 'negotiate');
  assert.equal(t[0]!.token68, 'abc123==');
  assert.equal(t[1]!.params.realm, 'r');
});

test('garbage does not throw', () => {
  for (const h of ['', ',,,', '=', '"unterminated', 'Bearer realm="x', '===,a=b', '\u0000\u0001', 'x'.repeat(100000)]) {
    assert.doesNotThrow(() => parseWwwAuthenticate(h), h.slice(0, 20));
  }
  assert.equal(pickChallenge(parseWwwAuthenticate('Bearer service="x"')), undefined, 'bearer without realm is unusable');
});
