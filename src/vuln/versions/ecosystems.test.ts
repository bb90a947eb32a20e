/**
 * RubyGems, NuGet and Packagist have no vectors in the shared corpus; these tests use facts taken from the
 * upstream projects' own test suites (rubygems test_gem_version.rb, NuGet.Versioning VersionComparerTests /
 * VersionParsingTests, composer/semver VersionParserTest), plus the OSV ecosystem mapping.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rubygems } from './rubygems.js';
import { nuget } from './nuget.js';
import { composer, normalizeComposerVersion, phpVersionCompare } from './composer.js';
import { compareWith, schemeForEcosystem, supportedEcosystems } from './index.js';
import { VersionParseError } from './types.js';
import { PlimsollError } from '../../util/errors.js';

test('RubyGems: Gem::Version facts from rubygems test_gem_version.rb', () => {
  const cmp: [string, string, number][] = [
    ['1.0', '1.0.0', 0],
    ['1.0', '1.0.a', 1],
    ['1.8.2', '0.0.0', 1],
    ['1.8.2', '1.8.2.a', 1],
    ['1.8.2.b', '1.8.2.a', 1],
    ['1.8.2.a', '1.8.2', -1],
    ['1.8.2.a10', '1.8.2.a9', 1],
    ['0.beta.1', '0.0.beta.1', 0],
    ['0.0.beta', '0.0.beta.1', -1],
    ['0.0.beta', '0.beta.1', -1],
    ['5.a', '5.0.0.rc2', -1],
    ['5.x', '5.0.0.rc2', 1],
    ['1.2.b1', '1.2.b.1', 0],
    ['1.2.pre.1', '1.2.0.pre.1.0', 0],
    ['1.0.0-alpha', '1.0.0-alpha.1', -1],
    ['1.0.0-alpha.1', '1.0.0-beta.2', -1],
    ['1.0.0-beta.2', '1.0.0-beta.11', -1],
    ['1.0.0-beta.11', '1.0.0-rc.1', -1],
    ['1.0.0-rc1', '1.0.0', -1],
    ['1.0.0-1', '1', -1],
    ['1.freeze.test', '1', -1],
  ];
  for (const [a, b, want] of cmp) {
    assert.equal(rubygems.compare(a, b), want, `${a} <=> ${b}`);
    assert.equal(rubygems.compare(b, a), want === 0 ? 0 : -want, `${b} <=> ${a}`);
  }
  for (const good of ['1.0', '1.0 ', ' 1.0 ', '1.0\n', '\n1.0\n']) assert.equal(rubygems.compare(good, '1.0'), 0, JSON.stringify(good));
  for (const bad of ['junk', '1.0\n2.0', '1..2', '1.2 3.4', '2.3422222.222.222222222.22222.ads0as.dasd0.ddd2222.2.qd3e.', '', '  ']) {
    assert.equal(rubygems.isValid(bad), false, JSON.stringify(bad));
  }
  for (const pre of ['1.2.0.a', '2.9.b', '22.1.50.0.d', '1.2.d.42', '1.A', '1-1', '1-a']) assert.equal(rubygems.parse(pre).prerelease, true, pre);
  for (const rel of ['1.2.0', '2.9', '22.1.50.0']) assert.equal(rubygems.parse(rel).prerelease, false, rel);
  assert.deepEqual(rubygems.parse('1.2.3-1').segments, [{ n: '1' }, { n: '2' }, { n: '3' }, { s: 'pre' }, { n: '1' }]);
  assert.deepEqual(rubygems.parse('1.0.0.a.1.0').segments, [{ n: '1' }, { s: 'a' }, { n: '1' }]);
});

test('NuGet: VersionComparer.Default facts from NuGet.Versioning tests', () => {
  const equal: [string, string][] = [
    ['1.0.0', '1.0.0'],
    ['1.0.0-BETA', '1.0.0-beta'],
    ['1.0.0-BETA+AA', '1.0.0-beta+aa'],
    ['1.0.0-BETA.X.y.5.77.0+AA', '1.0.0-beta.x.y.5.77.0+aa'],
    ['2', '2.0.0.0'],
    ['2.0', '2.0.0'],
  ];
  for (const [a, b] of equal) assert.equal(nuget.compare(a, b), 0, `${a} == ${b}`);
  const less: [string, string][] = [
    ['0.0.0', '1.0.0'],
    ['1.0.0', '1.1.0'],
    ['1.0.0', '1.0.1'],
    ['1.999.9999', '2.1.1'],
    ['1.0.0-BETA', '1.0.0-beta2'],
    ['1.0.0-beta+AA', '1.0.0+aa'],
    ['1.0.0-BETA', '1.0.0-beta.1+AA'],
    ['1.0.0-BETA.X.y.5.77.0+AA', '1.0.0-beta.x.y.5.79.0+aa'],
    ['1.0.0-BETA.X.y.5.79.0+AA', '1.0.0-beta.x.y.5.790.0+abc'],
    ['1.0.0.1', '1.0.1'],
    ['1.0.0-alpha.2', '1.0.0-alpha.10'],
    ['1.0.0-2', '1.0.0-alpha'],
  ];
  for (const [a, b] of less) {
    assert.equal(nuget.compare(a, b), -1, `${a} < ${b}`);
    assert.equal(nuget.compare(b, a), 1, `${b} > ${a}`);
  }
  const p = nuget.parse('1.0.0-RC.X.35.A.3455+Meta-A-B-C');
  assert.deepEqual(p.releaseLabels, ['RC', 'X', '35', 'A', '3455']);
  assert.equal(p.metadata, 'Meta-A-B-C');
  for (const bad of ['', 'v1.0', '1.0.0.0.0', '1.0-', '1.0+', '1..0', '3000000000.0', '1.0 ']) assert.equal(nuget.isValid(bad), false, JSON.stringify(bad));
});

test('Packagist: Composer normalisation facts from composer/semver VersionParserTest', () => {
  const normalized: [string, string][] = [
    ['1.0.0', '1.0.0.0'],
    ['1.2.3.4', '1.2.3.4'],
    ['1.0.0RC1dev', '1.0.0.0-RC1-dev'],
    ['1.0.0-rC15-dev', '1.0.0.0-RC15-dev'],
    ['1.0.0.RC.15-dev', '1.0.0.0-RC15-dev'],
    ['1.0.0-rc1', '1.0.0.0-RC1'],
    ['1.0.0.pl3-dev', '1.0.0.0-patch3-dev'],
    ['1.0-dev', '1.0.0.0-dev'],
    ['0', '0.0.0.0'],
    ['10.4.13-beta', '10.4.13.0-beta'],
    ['10.4.13beta2', '10.4.13.0-beta2'],
    ['10.4.13beta.2', '10.4.13.0-beta2'],
    ['10.4.13-b', '10.4.13.0-beta'],
    ['10.4.13-b5', '10.4.13.0-beta5'],
    ['v1.0.0', '1.0.0.0'],
    ['2010.01', '2010.01.0.0'],
    ['2010.01.02', '2010.01.02.0'],
    ['2010.1.555', '2010.1.555.0'],
    ['v20100102', '20100102'],
    ['2010-01-02', '2010.01.02'],
    ['2010-01-02.5', '2010.01.02.5'],
    ['20100102-203040', '20100102.203040'],
    ['20150920.0.0', '20150920.0.0'],
    ['20100102203040-10', '20100102203040.10'],
    ['20100102-203040-p1', '20100102.203040-patch1'],
    ['1.0.0-beta.5+foo', '1.0.0.0-beta5'],
    ['1.0.0+foo', '1.0.0.0'],
    ['1.0.0-alpha.3.1+foo', '1.0.0.0-alpha3.1'],
    ['1.0.0-alpha2.1+foo', '1.0.0.0-alpha2.1'],
    ['1.0.0-alpha-2.1-3+foo', '1.0.0.0-alpha2.1-3'],
  ];
  for (const [input, want] of normalized) assert.equal(normalizeComposerVersion(input), want, input);
  for (const bad of ['', 'a', '1.0.0-meh', '1.0.0.0.0', 'feature-foo', '1.0.0+foo bar', 'dev-master', '1.x-dev']) {
    assert.throws(() => normalizeComposerVersion(bad), VersionParseError, JSON.stringify(bad));
  }
});

test('Packagist: ordering (version_compare on normalised versions)', () => {
  const ascending = ['1.0.0-dev', '1.0.0-alpha1', '1.0.0-alpha2', '1.0.0-beta', '1.0.0-beta2', '1.0.0-beta10', '1.0.0-RC1', '1.0.0', '1.0.0-p1', '1.0.1', '1.1', '2.0.0.1', 'v10.0.0'];
  for (let i = 0; i < ascending.length; i++) {
    for (let j = 0; j < ascending.length; j++) {
      assert.equal(composer.compare(ascending[i]!, ascending[j]!), Math.sign(i - j), `${ascending[i]} vs ${ascending[j]}`);
    }
  }
  assert.equal(composer.compare('1.0', '1.0.0.0'), 0);
  assert.equal(composer.compare('1.0.0+build7', '1.0.0'), 0);
  // PHP version_compare itself (no Composer padding).
  assert.equal(phpVersionCompare('1.0', '1.0.0'), -1);
  assert.equal(phpVersionCompare('5.2', '5.10'), -1);
  assert.equal(phpVersionCompare('1.0rc1', '1.0'), -1);
  assert.equal(phpVersionCompare('1.0pl1', '1.0'), 1);
  assert.equal(phpVersionCompare('1.0-dev', '1.0-alpha'), -1);
});

test('index: OSV ecosystem mapping', () => {
  const expect: [string, string][] = [
    ['Debian', 'dpkg'],
    ['Debian:12', 'dpkg'],
    ['Ubuntu:22.04:LTS', 'dpkg'],
    ['Alpine:v3.19', 'apk'],
    ['Wolfi', 'apk'],
    ['Chainguard', 'apk'],
    ['Red Hat:enterprise_linux:9::appstream', 'rpm'],
    ['Rocky Linux:9', 'rpm'],
    ['AlmaLinux:8', 'rpm'],
    ['SUSE:Linux Enterprise Server 15 SP5', 'rpm'],
    ['openSUSE:Leap 15.5', 'rpm'],
    ['PyPI', 'pep440'],
    ['npm', 'semver-npm'],
    ['Go', 'semver-go'],
    ['crates.io', 'semver-cargo'],
    ['Maven', 'maven'],
    ['RubyGems', 'rubygems'],
    ['NuGet', 'nuget'],
    ['Packagist', 'composer'],
    ['Hex', 'semver-hex'],
    ['Pub', 'semver-pub'],
    ['pypi', 'pep440'],
  ];
  for (const [eco, name] of expect) assert.equal(schemeForEcosystem(eco)?.name, name, eco);
  assert.equal(schemeForEcosystem('Nonexistent'), undefined);
  assert.ok(supportedEcosystems().includes('PyPI'));
  assert.equal(compareWith('Debian:11', '1.0-1', '1.0-2'), -1);
  assert.equal(compareWith('Go', 'v1.2.3', '1.2.3'), 0);
  assert.throws(() => compareWith('Nonexistent', '1', '2'), (e: unknown) => e instanceof PlimsollError && e.code === 'NOT_FOUND');
  assert.throws(() => compareWith('PyPI', 'one point oh', '1.0'), VersionParseError);
});

test('every scheme: parse caches, isValid mirrors parse, oversize input rejected', () => {
  for (const eco of supportedEcosystems()) {
    const s = schemeForEcosystem(eco)!;
    const huge = '1'.repeat(5000);
    assert.equal(s.isValid(huge), false, `${eco} accepts a 5000-char version`);
    assert.throws(() => s.compare(huge, huge), VersionParseError);
    assert.equal(s.isValid(''), false, `${eco} accepts the empty string`);
    assert.throws(() => s.parse(''), (e: unknown) => e instanceof VersionParseError && e.scheme === s.name && e.message.length < 400);
  }
});
