import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryFS } from '../../image/fs/memory.js';
import { runCataloger } from '../testing.js';
import { phpCataloger, classifyPhpPath } from './index.js';

const j = (o: unknown): string => JSON.stringify(o, null, 4);

const MONOLOG = {
  name: 'monolog/monolog',
  version: '3.4.0',
  version_normalized: '3.4.0.0',
  source: { type: 'git', url: 'https://github.com/Seldaek/monolog.git', reference: 'e2392369686d420ca32df3803de28b5d6f76867d' },
  dist: { type: 'zip', url: 'https://api.github.com/repos/Seldaek/monolog/zipball/e2392369686d420ca32df3803de28b5d6f76867d', reference: 'e2392369686d420ca32df3803de28b5d6f76867d', shasum: '' },
  require: { php: '>=8.1', 'psr/log': '^2.0 || ^3.0' },
  time: '2023-06-21T08:46:11+00:00',
  type: 'library',
  'installation-source': 'dist',
  autoload: { 'psr-4': { 'Monolog\\': 'src/Monolog' } },
  license: ['MIT'],
  authors: [{ name: 'Jordi Boggiano', email: 'j.boggiano@seld.be', homepage: 'https://seld.be' }],
  description: 'Sends your logs to files, sockets, inboxes, databases and various web services',
  homepage: 'https://github.com/Seldaek/monolog',
  'install-path': '../monolog/monolog',
};
const PSR_LOG = { name: 'psr/log', version: '3.0.0', version_normalized: '3.0.0.0', type: 'library', license: ['MIT'], 'install-path': '../psr/log' };
const SYMFONY_CONSOLE = { name: 'symfony/console', version: 'v6.3.4', version_normalized: '6.3.4.0', type: 'library', license: ['MIT'], description: 'Eases the creation of beautiful and testable command line interfaces' };
const PHPUNIT = { name: 'phpunit/phpunit', version: '10.3.2', type: 'library', license: ['BSD-3-Clause'] };
const DEV_MAIN = { name: 'acme/internal', version: 'dev-main', source: { type: 'git', url: 'https://git.example/acme/internal.git', reference: '8d0f2cba4c9c4a1c9f4b6c7a3e8bd1f0a4c1d2e3' }, license: 'proprietary' };

const INSTALLED_V2 = j({
  packages: [MONOLOG, PSR_LOG, SYMFONY_CONSOLE, PHPUNIT, DEV_MAIN],
  dev: true,
  'dev-package-names': ['phpunit/phpunit'],
});

test('path rules', () => {
  assert.equal(classifyPhpPath('var/www/html/vendor/composer/installed.json'), 'installed');
  assert.equal(classifyPhpPath('vendor/composer/installed.json'), 'installed');
  assert.equal(classifyPhpPath('var/www/html/composer.lock'), 'lockfile');
  assert.equal(classifyPhpPath('var/www/html/vendor/monolog/monolog/composer.lock'), undefined);
  assert.equal(classifyPhpPath('var/www/html/vendor/composer/installed.php'), undefined);
});

test('installed.json (Composer 2): purls, licenses, dev names, versions as declared', async () => {
  const fs = new MemoryFS({ '/var/www/html/vendor/composer/installed.json': INSTALLED_V2 });
  const { packages, warnings } = await runCataloger(phpCataloger, fs);
  assert.deepEqual(warnings, []);
  assert.deepEqual(
    packages.map((p) => [p.purl, p.licenses, p.metadata?.dev ?? false]),
    [
      ['pkg:composer/acme/internal@dev-main', ['proprietary'], false],
      ['pkg:composer/monolog/monolog@3.4.0', ['MIT'], false],
      ['pkg:composer/phpunit/phpunit@10.3.2', ['BSD-3-Clause'], true],
      ['pkg:composer/psr/log@3.0.0', ['MIT'], false],
      ['pkg:composer/symfony/console@v6.3.4', ['MIT'], false],
    ],
  );
  const m = packages.find((p) => p.name === 'monolog/monolog')!;
  assert.equal(m.type, 'composer');
  assert.equal(m.ecosystem, 'Packagist');
  assert.equal(m.foundBy, 'php');
  assert.deepEqual(m.locations, [{ path: '/var/www/html/vendor/composer/installed.json', layerDigest: fs.layerDigest, layerIndex: 0 }]);
  assert.deepEqual(m.metadata, { type: 'library', description: MONOLOG.description, homepage: MONOLOG.homepage });
  assert.equal(packages.find((p) => p.name === 'acme/internal')!.metadata?.reference, DEV_MAIN.source.reference);
});

test('installed.json (Composer 1 array)', async () => {
  const fs = new MemoryFS({ '/app/vendor/composer/installed.json': j([MONOLOG, PSR_LOG]) });
  const { packages, warnings } = await runCataloger(phpCataloger, fs);
  assert.deepEqual(warnings, []);
  assert.deepEqual(packages.map((p) => p.purl), ['pkg:composer/monolog/monolog@3.4.0', 'pkg:composer/psr/log@3.0.0']);
});

const LOCK = j({
  _readme: ['This file locks the dependencies of your project to a known state', 'Read more about it at https://getcomposer.org/doc/01-basic-usage.md#installing-dependencies', 'This file is @generated automatically'],
  'content-hash': '7b4c4d9e0d5f3a1e3f0a6c3b2f1e0d9c',
  packages: [MONOLOG, PSR_LOG, SYMFONY_CONSOLE],
  'packages-dev': [PHPUNIT],
  aliases: [],
  'minimum-stability': 'stable',
  'stability-flags': [],
  'prefer-stable': false,
  'prefer-lowest': false,
  platform: { php: '^8.1' },
  'platform-dev': [],
  'plugin-api-version': '2.3.0',
});

test('composer.lock alone: lockfile packages, packages-dev marked dev', async () => {
  const fs = new MemoryFS({ '/app/composer.lock': LOCK, '/app/composer.json': j({ require: { 'monolog/monolog': '^3.4' } }) });
  const { packages, warnings } = await runCataloger(phpCataloger, fs);
  assert.deepEqual(warnings, []);
  assert.deepEqual(
    packages.map((p) => [p.purl, p.metadata?.fromLockfile, p.metadata?.dev ?? false]),
    [
      ['pkg:composer/monolog/monolog@3.4.0', true, false],
      ['pkg:composer/phpunit/phpunit@10.3.2', true, true],
      ['pkg:composer/psr/log@3.0.0', true, false],
      ['pkg:composer/symfony/console@v6.3.4', true, false],
    ],
  );
});

test('composer.lock ignored when vendor/composer/installed.json is beside it (composer install --no-dev)', async () => {
  const fs = new MemoryFS({
    '/app/composer.lock': LOCK,
    '/app/vendor/composer/installed.json': j({ packages: [MONOLOG, PSR_LOG, SYMFONY_CONSOLE], dev: false, 'dev-package-names': [] }),
  });
  const { packages } = await runCataloger(phpCataloger, fs);
  assert.deepEqual(packages.map((p) => `${p.purl} ${p.locations[0]!.path}`), [
    'pkg:composer/monolog/monolog@3.4.0 /app/vendor/composer/installed.json',
    'pkg:composer/psr/log@3.0.0 /app/vendor/composer/installed.json',
    'pkg:composer/symfony/console@v6.3.4 /app/vendor/composer/installed.json',
  ]);
});

test('composer.lock entries installed elsewhere are not repeated', async () => {
  const fs = new MemoryFS({ '/app/composer.lock': LOCK, '/usr/share/tool/vendor/composer/installed.json': j({ packages: [PSR_LOG] }) });
  const { packages } = await runCataloger(phpCataloger, fs);
  const psr = packages.filter((p) => p.name === 'psr/log');
  assert.deepEqual(psr.map((p) => p.locations[0]!.path), ['/usr/share/tool/vendor/composer/installed.json']);
  assert.equal(packages.length, 4);
});

test('hostile and malformed input: warn and skip, never throw', async () => {
  const fs = new MemoryFS({
    '/a/vendor/composer/installed.json': '{"packages": [',
    '/b/vendor/composer/installed.json': j({ something: 'else' }),
    '/c/vendor/composer/installed.json': Buffer.from([0x5b, 0x00, 0x5d]),
    '/d/vendor/composer/installed.json': j({ packages: [{ name: 'no-slash', version: '1.0' }, { name: 'a/b', version: ['x'] }, 'str', null, { name: 'ok/ok', version: '1.0.0', license: [7, 'MIT', 'MIT'] }] }),
    '/e/composer.lock': j([1, 2]),
    '/f/vendor/composer/installed.json': { content: 'x', mode: 0o644 },
  });
  const { packages, warnings } = await runCataloger(phpCataloger, fs);
  assert.deepEqual(packages.map((p) => [p.purl, p.licenses]), [['pkg:composer/ok/ok@1.0.0', ['MIT']]]);
  for (const frag of ['/a/vendor/composer/installed.json: not valid JSON', '/b/vendor/composer/installed.json: neither a Composer 1', '/c/vendor/composer/installed.json: binary content', '/d/vendor/composer/installed.json: 4 entries', '/e/composer.lock: not a JSON object', '/f/vendor/composer/installed.json: not valid JSON']) {
    assert.ok(warnings.some((w) => w.includes(frag)), `missing warning ${frag}:\n${warnings.join('\n')}`);
  }
});
