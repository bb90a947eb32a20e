import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiHost, isLoopbackRegistry, parseImageReference, withTagDigest } from './reference.js';
import { PlimsollError } from '../util/errors.js';

const D = 'sha256:' + 'a'.repeat(64);
const D512 = 'sha512:' + 'b'.repeat(128);

function parts(s: string) {
  const r = parseImageReference(s);
  return { registry: r.registry, repository: r.repository, tag: r.tag, digest: r.digest, str: r.toString(), familiar: r.familiar };
}

test('docker hub short names get docker.io, library/ and latest', () => {
  assert.deepEqual(parts('alpine'), { registry: 'docker.io', repository: 'library/alpine', tag: 'latest', digest: undefined, str: 'docker.io/library/alpine:latest', familiar: 'alpine:latest' });
  assert.deepEqual(parts('alpine:3.19'), { registry: 'docker.io', repository: 'library/alpine', tag: '3.19', digest: undefined, str: 'docker.io/library/alpine:3.19', familiar: 'alpine:3.19' });
  assert.deepEqual(parts('bitnami/redis:7'), { registry: 'docker.io', repository: 'bitnami/redis', tag: '7', digest: undefined, str: 'docker.io/bitnami/redis:7', familiar: 'bitnami/redis:7' });
  assert.equal(parseImageReference('docker.io/alpine').toString(), 'docker.io/library/alpine:latest');
  assert.equal(parseImageReference('docker.io/library/alpine:edge').familiar, 'alpine:edge');
  assert.equal(parseImageReference('index.docker.io/library/alpine').toString(), 'docker.io/library/alpine:latest');
  assert.equal(parseImageReference('registry-1.docker.io/foo/bar').toString(), 'docker.io/foo/bar:latest');
});

test('other registries, ports, nested paths', () => {
  assert.deepEqual(parts('ghcr.io/o/r:tag'), { registry: 'ghcr.io', repository: 'o/r', tag: 'tag', digest: undefined, str: 'ghcr.io/o/r:tag', familiar: 'ghcr.io/o/r:tag' });
  const r = parseImageReference(`host:5000/repo@${D}`);
  assert.equal(r.registry, 'host:5000');
  assert.equal(r.repository, 'repo');
  assert.equal(r.tag, undefined);
  assert.equal(r.digest, D);
  assert.equal(r.toString(), `host:5000/repo@${D}`);
  assert.equal(parseImageReference('quay.io/a/b/c/d:v1.2.3-rc_1').repository, 'a/b/c/d');
  assert.equal(parseImageReference('my-registry.example.com:443/team/app').registry, 'my-registry.example.com:443');
});

test('tag and digest together keep both', () => {
  const r = parseImageReference(`repo:tag@${D}`);
  assert.equal(r.registry, 'docker.io');
  assert.equal(r.repository, 'library/repo');
  assert.equal(r.tag, 'tag');
  assert.equal(r.digest, D);
  assert.equal(r.toString(), `docker.io/library/repo:tag@${D}`);
  assert.equal(r.familiar, `repo:tag@${D}`);
  assert.equal(parseImageReference(`ghcr.io/x/y@${D512}`).digest, D512);
});

test('localhost and IP registries', () => {
  assert.deepEqual(parts('localhost/x'), { registry: 'localhost', repository: 'x', tag: 'latest', digest: undefined, str: 'localhost/x:latest', familiar: 'localhost/x:latest' });
  assert.equal(parseImageReference('localhost:5000/x:1').registry, 'localhost:5000');
  assert.equal(parseImageReference('127.0.0.1:5000/x').registry, '127.0.0.1:5000');
  assert.equal(parseImageReference('127.0.0.1:5000/x').repository, 'x');
  const v6 = parseImageReference('[::1]:5000/ns/img:t');
  assert.equal(v6.registry, '[::1]:5000');
  assert.equal(v6.repository, 'ns/img');
  assert.equal(v6.tag, 't');
  // upper case in the first segment makes it a domain (docker rule)
  assert.equal(parseImageReference('MyHost/x').registry, 'MyHost');
  // "localhost:5000" alone is docker.io/library/localhost with tag 5000, as docker reads it
  assert.equal(parseImageReference('localhost:5000').toString(), 'docker.io/library/localhost:5000');
});

test('separators allowed in path components', () => {
  for (const ok of ['a_b', 'a__b', 'a.b', 'a-b', 'a---b', 'a1/b2', 'x/y-z.w_v']) {
    assert.doesNotThrow(() => parseImageReference(`example.com/${ok}`), ok);
  }
});

test('loopback and API host helpers', () => {
  assert.equal(apiHost('docker.io'), 'registry-1.docker.io');
  assert.equal(apiHost('ghcr.io'), 'ghcr.io');
  assert.ok(isLoopbackRegistry('127.0.0.1:5000'));
  assert.ok(isLoopbackRegistry('localhost'));
  assert.ok(isLoopbackRegistry('[::1]:5000'));
  assert.ok(!isLoopbackRegistry('registry.example.com'));
  assert.ok(!isLoopbackRegistry('10.0.0.1:5000'));
});

test('withTagDigest', () => {
  const r = withTagDigest(parseImageReference('alpine:3'), '3', D);
  assert.equal(r.toString(), `docker.io/library/alpine:3@${D}`);
  assert.equal(withTagDigest(r, undefined, undefined).toString(), 'docker.io/library/alpine');
});

const INVALID: [string, RegExp][] = [
  ['', /empty/],
  ['Alpine', /lowercase/],
  ['docker.io/Library/alpine', /lowercase/],
  ['alpine:', /tag after ":" is empty/],
  ['alpine:-bad', /tag "-bad" is invalid/],
  ['alpine:.bad', /tag ".bad" is invalid/],
  ['alpine:' + 'x'.repeat(129), /tag .* is invalid/],
  ['alpine@', /digest after "@" is empty/],
  ['alpine@sha256:abc', /not a digest/],
  ['alpine@sha256:' + 'A'.repeat(64), /lowercase/],
  ['alpine@sha256:' + 'a'.repeat(63), /64 hex characters/],
  ['alpine@md5:' + 'a'.repeat(32), /not supported/],
  ['a//b', /empty path component/],
  ['ghcr.io/', /empty/],
  ['ghcr.io/o/r/', /empty path component/],
  ['-alpine', /path component "-alpine" is invalid/],
  ['alpine_', /invalid/],
  ['a...b', /invalid/],
  ['a___b', /invalid/],
  ['host:port/x', /port "port" is not a number/],
  ['host:99999/x', /out of range/],
  ['-host.com/x', /not a valid host name/],
  ['https://ghcr.io/o/r', /URL scheme/],
  ['alpine latest', /whitespace/],
  ['a'.repeat(64), /image ID/],
  ['example.com/' + 'a'.repeat(250), /longer than 255/],
  ['[::1]:5000', /no repository/],
  ['[zz]/x', /not an IPv6 address/],
  ['a\u0000b', /invalid/],
];

for (const [input, re] of INVALID) {
  test(`invalid: ${JSON.stringify(input).slice(0, 40)}`, () => {
    assert.throws(
      () => parseImageReference(input),
      (e: unknown) => e instanceof PlimsollError && e.code === 'REFERENCE_INVALID' && re.test(e.message) && e.message.includes('invalid image reference'),
    );
  });
}

test('hostile input does not blow up messages', () => {
  const huge = 'a'.repeat(100_000);
  assert.throws(() => parseImageReference(huge), (e: unknown) => e instanceof PlimsollError && e.message.length < 600);
});
