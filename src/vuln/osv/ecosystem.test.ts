import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitEcosystem, normalizePackageName, releaseForDistro, ecosystemForDistroId, canonicalEcosystemBase } from './ecosystem.js';

test('ecosystem strings split into canonical base and normalised release', () => {
  const cases: [string, string, string | null, boolean][] = [
    ['Debian:12', 'Debian', '12', true],
    ['Alpine:v3.20', 'Alpine', '3.20', true],
    ['Ubuntu:22.04:LTS', 'Ubuntu', '22.04', true],
    ['Ubuntu:Pro:16.04:LTS', 'Ubuntu', '16.04', true],
    ['Red Hat:enterprise_linux:9::appstream', 'Red Hat', 'enterprise_linux:9::appstream', true],
    ['pypi', 'PyPI', null, true],
    ['crates.io', 'crates.io', null, true],
    ['npm', 'npm', null, true],
    ['Frobnicator', 'Frobnicator', null, false],
    [' Go ', 'Go', null, true],
  ];
  for (const [input, base, release, known] of cases) {
    const p = splitEcosystem(input);
    assert.deepEqual([p.base, p.release, p.known], [base, release, known], input);
  }
  assert.equal(splitEcosystem('Ubuntu:Pro:16.04:LTS').full, 'Ubuntu:Pro:16.04:LTS');
  assert.equal(canonicalEcosystemBase('RUBYGEMS'), 'RubyGems');
});

test('package names are normalised per ecosystem', () => {
  assert.equal(normalizePackageName('PyPI', 'Jinja2'), 'jinja2');
  assert.equal(normalizePackageName('PyPI', 'zope.interface'), 'zope-interface');
  assert.equal(normalizePackageName('PyPI', 'Foo__Bar-.baz'), 'foo-bar-baz');
  assert.equal(normalizePackageName('npm', 'Axios'), 'axios');
  assert.equal(normalizePackageName('npm', '@Scope/Pkg'), '@scope/pkg');
  assert.equal(normalizePackageName('NuGet', 'Newtonsoft.Json'), 'newtonsoft.json');
  assert.equal(normalizePackageName('Maven', 'org.apache.commons:commons-text'), 'org.apache.commons:commons-text');
  assert.equal(normalizePackageName('Go', 'github.com/BurntSushi/toml'), 'github.com/BurntSushi/toml');
  assert.equal(normalizePackageName('RubyGems', 'Rails'), 'Rails');
  assert.equal(normalizePackageName('Debian', ' openssl '), 'openssl');
});

test('installed distro versions map to the release keys the database uses', () => {
  assert.equal(releaseForDistro('Debian', '12'), '12');
  assert.equal(releaseForDistro('Debian', '12.5'), '12');
  assert.equal(releaseForDistro('Debian', 'bookworm'), '12');
  assert.equal(releaseForDistro('Alpine', '3.20.3'), '3.20');
  assert.equal(releaseForDistro('Alpine', 'v3.11'), '3.11');
  assert.equal(releaseForDistro('Ubuntu', '22.04'), '22.04');
  assert.equal(releaseForDistro('Debian', undefined), undefined);
  assert.equal(ecosystemForDistroId('debian'), 'Debian');
  assert.equal(ecosystemForDistroId('alpine'), 'Alpine');
  assert.equal(ecosystemForDistroId('plan9'), undefined);
});
