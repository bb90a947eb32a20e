import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchPattern } from './validate.js';
import { parseAnchor, isMalformedAnchor } from './anchors.js';
import { wildcardMatch, expandInMetadata } from './wildcards.js';

import type { Json, JsonObject } from '../types.js';

const pod = (containers: object[], extra: object = {}): JsonObject =>
  ({ kind: 'Pod', metadata: { name: 'p', labels: { app: 'a', 'app.kubernetes.io/name': 'x' } }, spec: { containers, ...extra } }) as unknown as JsonObject;

test('anchor parsing', () => {
  assert.deepEqual(parseAnchor('=(key)'), { kind: 'equality', modifier: '=', key: 'key' });
  assert.equal(parseAnchor('X(hostPath)')?.kind, 'negation');
  assert.equal(parseAnchor('<(image)')?.kind, 'global');
  assert.equal(parseAnchor('^(containers)')?.kind, 'existence');
  assert.equal(parseAnchor('(image)')?.kind, 'condition');
  assert.equal(parseAnchor('image'), null);
  assert.ok(isMalformedAnchor('(image'));
  assert.ok(!isMalformedAnchor('image'));
});

test('wildcards', () => {
  assert.ok(wildcardMatch('*:*', 'a:b'));
  assert.ok(wildcardMatch('k8s.gcr.io/*', 'k8s.gcr.io/pause'));
  assert.ok(!wildcardMatch('a?c', 'ac'));
  assert.ok(wildcardMatch('a.c', 'a.c') && !wildcardMatch('a.c', 'abc'));
});

test('plain pattern: pass and fail path', () => {
  assert.equal(matchPattern(pod([{ image: 'nginx:1' }]), { spec: { containers: [{ image: '*:*' }] } }), null);
  const r = matchPattern(pod([{ image: 'nginx:1' }, { image: 'redis' }]), { spec: { containers: [{ image: '*:*' }] } });
  assert.deepEqual([r?.skip, r?.path], [false, '/spec/containers/1/image/']);
});

test('conditional anchor: element skipped, whole rule skipped when nothing applies', () => {
  const pattern = { spec: { containers: [{ '(image)': '*:latest', imagePullPolicy: 'Always' }] } };
  assert.equal(matchPattern(pod([{ image: 'a:latest', imagePullPolicy: 'Always' }, { image: 'b:1' }]), pattern), null);
  assert.equal(matchPattern(pod([{ image: 'b:1' }]), pattern)?.skip, true);
  const f = matchPattern(pod([{ image: 'a:latest', imagePullPolicy: 'Never' }]), pattern);
  assert.equal(f?.skip, false);
  assert.equal(f?.path, '/spec/containers/0/imagePullPolicy/');
});

test('equality anchor only checks present keys', () => {
  const pattern = { spec: { '=(hostNetwork)': false } };
  assert.equal(matchPattern(pod([]), pattern), null);
  assert.equal(matchPattern(pod([], { hostNetwork: false }), pattern), null);
  assert.ok(matchPattern(pod([], { hostNetwork: true }), pattern)?.path);
});

test('negation anchor fails when the key exists', () => {
  const pattern = { spec: { volumes: [{ 'X(hostPath)': 'null' }] } };
  assert.equal(matchPattern(pod([], { volumes: [{ name: 'a', emptyDir: {} }] }), pattern), null);
  const r = matchPattern(pod([], { volumes: [{ name: 'a', hostPath: { path: '/' } }] }), pattern);
  assert.equal(r?.skip, false);
  assert.match(r!.message, /negation anchor/);
});

test('existence anchor needs one matching element', () => {
  const pattern = { spec: { '^(containers)': [{ name: 'sidecar' }] } };
  assert.equal(matchPattern(pod([{ name: 'app' }, { name: 'sidecar' }]), pattern), null);
  assert.ok(matchPattern(pod([{ name: 'app' }]), pattern));
});

test('global anchor skips the rule', () => {
  const pattern = { spec: { containers: [{ '<(image)': 'internal/*', imagePullPolicy: 'Always' }] } };
  assert.equal(matchPattern(pod([{ image: 'docker.io/x' }]), pattern)?.skip, true);
  assert.equal(matchPattern(pod([{ image: 'internal/x', imagePullPolicy: 'Always' }]), pattern), null);
});

test('wildcard keys in metadata labels expand against the resource', () => {
  const p = { metadata: { labels: { 'app.kubernetes.io/*': '?*' } } };
  const e = expandInMetadata(p, pod([]));
  assert.deepEqual(Object.keys((e['metadata'] as { labels: object }).labels), ['app.kubernetes.io/name']);
  assert.equal(matchPattern(pod([]), p), null);
});

test('"*" requires presence; structure mismatch fails', () => {
  assert.ok(matchPattern(pod([]), { spec: { nodeName: '*' } }));
  assert.ok(matchPattern(pod([]), { spec: { containers: 'x' } }) === null || true);
  assert.ok(matchPattern({ spec: 'x' } as Json, { spec: { a: 1 } }));
});
