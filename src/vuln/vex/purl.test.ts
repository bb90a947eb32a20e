import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePurl, purlMatches } from './purl.js';
import { imageFacts, productIsImage } from './image.js';
import { sampleDocument, MANIFEST_DIGEST, CONFIG_DIGEST } from './testing.js';

const m = (want: string, have: string, source?: { name: string; version: string }) => purlMatches(parsePurl(want)!, { purl: have, ...(source ? { source } : {}) });

test('purl matching per the purl spec: type/namespace/name equal, versionless matches all, statement qualifiers must hold', () => {
  const have = 'pkg:deb/debian/libssl1.1@1.1.1n-0%2Bdeb11u2?arch=amd64&distro=debian-11&upstream=openssl';
  assert.ok(m('pkg:deb/debian/libssl1.1@1.1.1n-0+deb11u2', have));
  assert.ok(m('pkg:deb/debian/libssl1.1', have));
  assert.ok(m('PKG:DEB/debian/libssl1.1?arch=amd64', have), 'scheme and type are case-insensitive');
  assert.ok(!m('pkg:deb/debian/libssl1.1?arch=arm64', have));
  assert.ok(!m('pkg:deb/debian/libssl1.1?arch=amd64&distro=debian-12', have));
  assert.ok(!m('pkg:deb/ubuntu/libssl1.1', have));
  assert.ok(!m('pkg:deb/debian/libssl1.1@1.1.1n-0+deb11u3', have));
  assert.ok(!m('pkg:rpm/debian/libssl1.1', have));
  // per-type normalisation by packageurl-js: npm and PyPI names
  assert.ok(m('pkg:npm/%40Scope/Lodash', 'pkg:npm/%40scope/lodash@4.17.15'));
  assert.ok(m('pkg:pypi/Django_REST', 'pkg:pypi/django-rest@3.0'));
  assert.ok(!m('pkg:npm/lodash', 'pkg:npm/%40scope/lodash@4.17.15'), 'namespace differs');
  // source package
  assert.ok(m('pkg:deb/debian/openssl@1.1.1n-0%2Bdeb11u2', have, { name: 'openssl', version: '1.1.1n-0+deb11u2' }));
  assert.ok(!m('pkg:deb/debian/openssl@1.1.1n-0%2Bdeb11u2', have), 'without source facts only the binary name counts');
  assert.ok(!m('pkg:npm/openssl', 'pkg:npm/libssl@1', { name: 'openssl', version: '1' }), 'only distro packages have source packages');
  // subpath
  assert.ok(!m('pkg:golang/example.com/mod#sub', 'pkg:golang/example.com/mod@v1.0.0'));
  assert.equal(parsePurl('not a purl'), undefined);
  assert.equal(parsePurl('pkg:'), undefined);
  assert.equal(parsePurl('pkg:npm/' + 'a'.repeat(5000)), undefined);
});

test('image facts and image products', () => {
  const img = imageFacts(sampleDocument().source);
  assert.ok(img.digests.has(MANIFEST_DIGEST) && img.digests.has(CONFIG_DIGEST));
  assert.ok(img.names.has('app'));
  assert.ok(productIsImage(CONFIG_DIGEST, img), 'the image ID');
  assert.ok(productIsImage(`registry.example.com/shop/app@${MANIFEST_DIGEST}`, img));
  assert.ok(productIsImage(`pkg:oci/whatever-name@${encodeURIComponent(MANIFEST_DIGEST)}`, img), 'the digest decides, whatever the name');
  assert.ok(productIsImage('pkg:oci/app?arch=amd64&os=linux', img));
  assert.ok(!productIsImage('pkg:oci/app?variant=v8', img));
  assert.ok(!productIsImage('pkg:oci/app?unknown_qualifier=1', img), 'a qualifier that cannot be checked does not match');
  assert.ok(!productIsImage('pkg:oci/nginx', img));
  assert.ok(!productIsImage('pkg:npm/app', img));
  assert.ok(!productIsImage('docker.io/library/app:1.4', img));
  assert.ok(!productIsImage('nonsense with spaces', img));
  // Docker Hub spellings unify
  const hub = imageFacts({ ...sampleDocument().source, kind: 'registry', name: 'alpine:3.19', input: 'alpine:3.19', repoTags: ['alpine:3.19'], repoDigests: [] });
  assert.ok(productIsImage('docker.io/library/alpine:3.19', hub));
  assert.ok(productIsImage('index.docker.io/library/alpine', hub));
  assert.ok(productIsImage('pkg:oci/alpine?repository_url=index.docker.io/library/alpine&tag=3.19', hub));
  assert.ok(!productIsImage('alpine:3.20', hub));
});
