import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deployment, findings, podWith } from '../testing.js';
import { normalizeRegistryPattern, registryAllowed } from './images.js';
import { parseImageReference } from '../../../image/reference.js';

const DIGEST = `sha256:${'b'.repeat(64)}`;
const withImage = (image: string, extra = ''): string => deployment(podWith(`image: ${image}${extra ? `\n${extra}` : ''}`));

test('PLM-K8S-010: images referred to by tag are reported, digests pass', () => {
  const f = findings(withImage('nginx:1.25'), 'PLM-K8S-010');
  assert.equal(f.length, 1);
  assert.equal(f[0]!.target.path, 'spec.template.spec.containers[0].image');
  assert.equal(f[0]!.evidence, 'nginx:1.25');
  assert.equal(findings(withImage(`nginx:1.25@${DIGEST}`), 'PLM-K8S-010').length, 0);
  assert.equal(findings(withImage(`nginx@${DIGEST}`), 'PLM-K8S-010').length, 0);
});

test('PLM-K8S-011: latest and untagged images are reported, versions pass', () => {
  assert.match(findings(withImage('nginx'), 'PLM-K8S-011')[0]!.description, /no tag \(so "latest"\)/);
  assert.match(findings(withImage('ghcr.io/o/app:latest'), 'PLM-K8S-011')[0]!.description, /the tag "latest"/);
  assert.match(findings(withImage('localhost:5000/app'), 'PLM-K8S-011')[0]!.description, /no tag/);
  assert.equal(findings(withImage('nginx:1.25'), 'PLM-K8S-011').length, 0);
  assert.equal(findings(withImage(`nginx@${DIGEST}`), 'PLM-K8S-011').length, 0);
});

test('PLM-K8S-012: mutable tags need imagePullPolicy Always (explicit or defaulted)', () => {
  const defaulted = findings(withImage('nginx:1.25'), 'PLM-K8S-012');
  assert.equal(defaulted.length, 1);
  assert.match(defaulted[0]!.description, /defaulting to IfNotPresent/);
  const explicit = findings(withImage('nginx:1.25', 'imagePullPolicy: Never'), 'PLM-K8S-012');
  assert.equal(explicit[0]!.target.path, 'spec.template.spec.containers[0].imagePullPolicy');
  assert.equal(findings(withImage('nginx:1.25', 'imagePullPolicy: Always'), 'PLM-K8S-012').length, 0);
  // `latest` / no tag default to Always (011 covers them); a digest is immutable.
  assert.equal(findings(withImage('nginx'), 'PLM-K8S-012').length, 0);
  assert.equal(findings(withImage('nginx:latest', 'imagePullPolicy: IfNotPresent'), 'PLM-K8S-012').length, 1);
  assert.equal(findings(withImage(`nginx:1.25@${DIGEST}`, 'imagePullPolicy: IfNotPresent'), 'PLM-K8S-012').length, 0);
});

test('PLM-K8S-013: registries outside --allowed-registries', () => {
  const allowedRegistries = ['ghcr.io/acme', 'registry.example.com:5000', '*.corp.example'];
  const bad = findings(withImage('nginx:1.25'), 'PLM-K8S-013', { allowedRegistries });
  assert.equal(bad.length, 1);
  assert.match(bad[0]!.description, /registry "docker\.io"/);
  assert.equal(findings(withImage('ghcr.io/other/app:1'), 'PLM-K8S-013', { allowedRegistries }).length, 1);
  for (const ok of ['ghcr.io/acme/app:1', 'ghcr.io/acme/team/app:1', 'registry.example.com:5000/x:1', 'r.corp.example/x:1']) {
    assert.equal(findings(withImage(ok), 'PLM-K8S-013', { allowedRegistries }).length, 0, ok);
  }
  // Off without an allow-list.
  assert.equal(findings(withImage('nginx:1.25'), 'PLM-K8S-013').length, 0);
});

test('registry patterns: Docker Hub aliases, path boundaries, wildcards', () => {
  const pats = ['index.docker.io', 'ghcr.io/acme/', 'https://quay.io', '*.example.com'].map(normalizeRegistryPattern);
  assert.deepEqual(pats, ['docker.io', 'ghcr.io/acme', 'quay.io', '*.example.com']);
  assert.ok(registryAllowed(parseImageReference('alpine'), pats));
  assert.ok(!registryAllowed(parseImageReference('ghcr.io/acmecorp/x'), pats), 'prefix must end at a path boundary');
  assert.ok(registryAllowed(parseImageReference('a.b.example.com/x'), pats));
  assert.ok(!registryAllowed(parseImageReference('example.com/x'), pats));
});

test('invalid or templated images are skipped, not crashed on', () => {
  for (const image of ['"{{ .Values.image }}"', '"UPPER/Case:1"', '""']) {
    assert.equal(findings(withImage(image), 'PLM-K8S-010').length, 0, image);
  }
});
