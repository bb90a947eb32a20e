import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryFS } from '../../image/fs/memory.js';
import { runCataloger } from '../testing.js';
import { npmCataloger } from './index.js';
import { installedPackageName } from './paths.js';

const pj = (o: Record<string, unknown>): string => JSON.stringify(o, null, 2);

test('path rule: package roots inside node_modules only', () => {
  assert.equal(installedPackageName('app/node_modules/lodash/package.json'), 'lodash');
  assert.equal(installedPackageName('node_modules/@babel/core/package.json'), '@babel/core');
  assert.equal(installedPackageName('app/node_modules/a/node_modules/@s/b/package.json'), '@s/b');
  assert.equal(installedPackageName('usr/lib/node_modules/npm/package.json'), 'npm');
  assert.equal(installedPackageName('usr/local/lib/node_modules/npm/node_modules/semver/package.json'), 'semver');
  assert.equal(installedPackageName('app/node_modules/.pnpm/lodash@4.17.21/node_modules/lodash/package.json'), 'lodash');
  assert.equal(installedPackageName('app/node_modules/.pnpm/@types+node@20.1.0/node_modules/@types/node/package.json'), '@types/node');
  // not package roots
  assert.equal(installedPackageName('app/node_modules/x/lib/package.json'), undefined);
  assert.equal(installedPackageName('app/node_modules/x/esm/package.json'), undefined);
  assert.equal(installedPackageName('app/node_modules/resolve/test/resolver/node_modules/y/package.json'), undefined);
  assert.equal(installedPackageName('app/node_modules/@scope/package.json'), undefined);
  assert.equal(installedPackageName('app/node_modules/.bin/package.json'), undefined);
  assert.equal(installedPackageName('app/node_modules/.package-lock.json'), undefined);
  assert.equal(installedPackageName('app/package.json'), undefined);
  assert.equal(installedPackageName('app/node_modules/package.json'), undefined);
});

test('installed packages: scoped names, licenses in all shapes, nested and duplicate installs', async () => {
  const fs = new MemoryFS({
    '/app/package.json': pj({ name: 'my-app', version: '1.0.0', dependencies: { express: '^4' } }),
    '/app/node_modules/express/package.json': pj({ name: 'express', version: '4.17.1', license: 'MIT', author: 'TJ Holowaychuk <tj@vision-media.ca>', homepage: 'http://expressjs.com/' }),
    '/app/node_modules/@babel/core/package.json': pj({ name: '@babel/core', version: '7.12.3', license: 'MIT', author: { name: 'The Babel Team', email: 'team@babeljs.io' } }),
    // legacy licenses array of objects
    '/app/node_modules/json-schema/package.json': pj({ name: 'json-schema', version: '0.2.3', licenses: [{ type: 'AFLv2.1', url: 'http://x' }, { type: 'BSD', url: 'http://y' }] }),
    // legacy license object
    '/app/node_modules/old-lic/package.json': pj({ name: 'old-lic', version: '1.0.0', license: { type: 'ISC', url: 'https://opensource.org/licenses/ISC' } }),
    // legacy licenses single object + modern field, deduplicated
    '/app/node_modules/both/package.json': pj({ name: 'both', version: '2.0.0', license: '(MIT OR Apache-2.0)', licenses: { type: '(MIT OR Apache-2.0)' } }),
    '/app/node_modules/debug/package.json': pj({ name: 'debug', version: '2.6.9', license: 'MIT' }),
    '/app/node_modules/debug/node_modules/ms/package.json': pj({ name: 'ms', version: '2.0.0', license: 'MIT' }),
    '/app/node_modules/send/node_modules/ms/package.json': pj({ name: 'ms', version: '2.0.0', license: 'MIT' }),
    '/app/node_modules/ms/package.json': pj({ name: 'ms', version: '2.1.3', license: 'MIT' }),
    // inside a package: sub-path marker and a test fixture; neither is a package
    '/app/node_modules/debug/src/package.json': pj({ name: 'debug-src', version: '0.0.0' }),
    '/app/node_modules/resolve/test/resolver/node_modules/fake/package.json': pj({ name: 'fake', version: '9.9.9' }),
    '/app/node_modules/resolve/package.json': pj({ name: 'resolve', version: '1.22.1', license: 'MIT' }),
    // global npm (the one that ships with node) and a global tool
    '/usr/local/lib/node_modules/npm/package.json': pj({ name: 'npm', version: '10.2.4', license: 'Artistic-2.0' }),
    '/usr/local/lib/node_modules/npm/node_modules/semver/package.json': pj({ name: 'semver', version: '7.5.4', license: 'ISC' }),
    '/usr/lib/node_modules/yarn/package.json': pj({ name: 'yarn', version: '1.22.19', license: 'BSD-2-Clause' }),
  });
  const { packages, warnings } = await runCataloger(npmCataloger, fs);
  assert.deepEqual(warnings, []);
  const got = packages.map((p) => `${p.purl} ${p.locations[0]!.path}`);
  assert.deepEqual(got, [
    'pkg:npm/%40babel/core@7.12.3 /app/node_modules/@babel/core/package.json',
    'pkg:npm/both@2.0.0 /app/node_modules/both/package.json',
    'pkg:npm/debug@2.6.9 /app/node_modules/debug/package.json',
    'pkg:npm/express@4.17.1 /app/node_modules/express/package.json',
    'pkg:npm/json-schema@0.2.3 /app/node_modules/json-schema/package.json',
    'pkg:npm/ms@2.0.0 /app/node_modules/debug/node_modules/ms/package.json',
    'pkg:npm/ms@2.0.0 /app/node_modules/send/node_modules/ms/package.json',
    'pkg:npm/ms@2.1.3 /app/node_modules/ms/package.json',
    'pkg:npm/npm@10.2.4 /usr/local/lib/node_modules/npm/package.json',
    'pkg:npm/old-lic@1.0.0 /app/node_modules/old-lic/package.json',
    'pkg:npm/resolve@1.22.1 /app/node_modules/resolve/package.json',
    'pkg:npm/semver@7.5.4 /usr/local/lib/node_modules/npm/node_modules/semver/package.json',
    'pkg:npm/yarn@1.22.19 /usr/lib/node_modules/yarn/package.json',
  ]);
  const by = (n: string) => packages.find((p) => p.name === n)!;
  assert.equal(by('@babel/core').type, 'npm');
  assert.equal(by('@babel/core').ecosystem, 'npm');
  assert.equal(by('@babel/core').foundBy, 'npm');
  assert.equal(by('@babel/core').metadata?.author, 'The Babel Team <team@babeljs.io>');
  assert.deepEqual(by('json-schema').licenses, ['AFLv2.1', 'BSD']);
  assert.deepEqual(by('old-lic').licenses, ['ISC']);
  assert.deepEqual(by('both').licenses, ['(MIT OR Apache-2.0)']);
  assert.deepEqual(by('express').metadata, { author: 'TJ Holowaychuk <tj@vision-media.ca>', homepage: 'http://expressjs.com/' });
  const loc = by('express').locations[0]!;
  assert.deepEqual(loc, { path: '/app/node_modules/express/package.json', layerDigest: fs.layerDigest, layerIndex: 0 });
  // two installs of ms@2.0.0 are two packages with distinct ids
  const ms = packages.filter((p) => p.purl === 'pkg:npm/ms@2.0.0');
  assert.equal(ms.length, 2);
  assert.notEqual(ms[0]!.id, ms[1]!.id);
});

test('layer attribution comes from the file record', async () => {
  const fs = new MemoryFS({ '/app/node_modules/a/package.json': { content: pj({ name: 'a', version: '1.0.0' }), layer: 3 } }, 'sha256:' + 'a'.repeat(64));
  const { packages } = await runCataloger(npmCataloger, fs);
  assert.deepEqual(packages[0]!.locations, [{ path: '/app/node_modules/a/package.json', layerIndex: 3, layerDigest: 'sha256:' + 'a'.repeat(64) }]);
});

test('hostile and malformed manifests: warn and skip, never throw', async () => {
  const fs = new MemoryFS({
    '/app/node_modules/bad-json/package.json': '{"name": "bad-json", "version": ',
    '/app/node_modules/array/package.json': '[1,2,3]',
    '/app/node_modules/binary/package.json': Buffer.from([0x7b, 0x00, 0xff, 0xfe, 0x00, 0x01]),
    '/app/node_modules/huge/package.json': 'x'.repeat(8 * 1024 * 1024 + 1),
    '/app/node_modules/evil-name/package.json': pj({ name: 'evil\nname', version: '1.0.0' }),
    '/app/node_modules/evil-ver/package.json': pj({ name: 'evil-ver', version: '1.0.0 && rm -rf /' }),
    '/app/node_modules/obj-ver/package.json': pj({ name: 'obj-ver', version: { major: 1 } }),
    '/app/node_modules/no-version/package.json': pj({ name: 'no-version' }),
    '/app/node_modules/weird-license/package.json': pj({ name: 'weird-license', version: '1.0.0', license: 42, licenses: [null, 7, { type: 5 }, 'MIT'] }),
    '/app/node_modules/bom/package.json': '\ufeff' + pj({ name: 'bom', version: '1.0.0' }),
    '/app/node_modules/ok/package.json': pj({ name: 'ok', version: '1.0.0' }),
    '/app/node_modules/linked/package.json': { symlink: '../ok/package.json' },
  });
  const { packages, warnings } = await runCataloger(npmCataloger, fs);
  assert.deepEqual(
    packages.map((p) => `${p.name}@${p.version}`),
    ['bom@1.0.0', 'ok@1.0.0', 'weird-license@1.0.0'],
  );
  assert.deepEqual(packages.find((p) => p.name === 'weird-license')!.licenses, ['MIT']);
  assert.equal(warnings.length, 7, warnings.join('\n'));
  for (const frag of ['obj-ver/package.json: implausible version', 'bad-json/package.json: not valid JSON', 'array/package.json: not a JSON object', 'binary/package.json: binary content', 'huge/package.json: 8388609 bytes is over', 'evil-name/package.json: implausible package name', 'evil-ver/package.json: implausible version']) {
    assert.ok(warnings.some((w) => w.includes(frag)), `missing warning ${frag}:\n${warnings.join('\n')}`);
  }
});

const LOCK_V3 = pj({
  name: 'web',
  version: '1.0.0',
  lockfileVersion: 3,
  requires: true,
  packages: {
    '': { name: 'web', version: '1.0.0', dependencies: { express: '^4.18.2', 'my-lodash': 'npm:lodash@^4.17.21' }, devDependencies: { jest: '^29.0.0' } },
    'node_modules/express': { version: '4.18.2', resolved: 'https://registry.npmjs.org/express/-/express-4.18.2.tgz', integrity: 'sha512-x', license: 'MIT' },
    'node_modules/my-lodash': { name: 'lodash', version: '4.17.21', resolved: 'https://registry.npmjs.org/lodash/-/lodash-4.17.21.tgz' },
    'node_modules/jest': { version: '29.7.0', dev: true },
    'node_modules/@esbuild/darwin-arm64': { version: '0.19.5', cpu: ['arm64'], os: ['darwin'], optional: true, dev: true },
    'node_modules/ms': { version: '2.1.3', dev: true },
    'node_modules/debug/node_modules/ms': { version: '2.1.3' },
    'node_modules/send/node_modules/ms': { version: '2.0.0' },
    'node_modules/local-lib': { resolved: 'packages/local-lib', link: true },
    'packages/local-lib': { name: 'local-lib', version: '0.1.0' },
    'node_modules/from-git': { version: 'git+ssh://git@github.com/o/from-git.git#0123456789abcdef', resolved: 'git+ssh://git@github.com/o/from-git.git#0123456789abcdef' },
  },
});

test('package-lock v3 without node_modules: lockfile packages, dev marked, deduped, aliases resolved', async () => {
  const fs = new MemoryFS({ '/srv/web/package-lock.json': LOCK_V3, '/srv/web/package.json': pj({ name: 'web', version: '1.0.0' }) });
  const { packages, warnings } = await runCataloger(npmCataloger, fs);
  assert.deepEqual(warnings, []);
  assert.deepEqual(
    packages.map((p) => [p.purl, p.metadata]),
    [
      ['pkg:npm/%40esbuild/darwin-arm64@0.19.5', { fromLockfile: true, dev: true, optional: true }],
      ['pkg:npm/express@4.18.2', { fromLockfile: true }],
      ['pkg:npm/jest@29.7.0', { fromLockfile: true, dev: true }],
      ['pkg:npm/lodash@4.17.21', { fromLockfile: true }],
      // ms@2.1.3 is dev at the top but prod under debug: prod wins, reported once
      ['pkg:npm/ms@2.0.0', { fromLockfile: true }],
      ['pkg:npm/ms@2.1.3', { fromLockfile: true }],
    ],
  );
  assert.ok(packages.every((p) => p.locations[0]!.path === '/srv/web/package-lock.json'));
  assert.deepEqual(packages.find((p) => p.name === 'express')!.licenses, ['MIT']);
  assert.deepEqual(packages.find((p) => p.name === 'jest')!.licenses, []);
});

test('lockfile ignored when the project has an installed node_modules tree', async () => {
  const fs = new MemoryFS({
    '/srv/web/package-lock.json': LOCK_V3,
    '/srv/web/node_modules/express/package.json': pj({ name: 'express', version: '4.18.2', license: 'MIT' }),
  });
  const { packages } = await runCataloger(npmCataloger, fs);
  assert.deepEqual(packages.map((p) => p.purl), ['pkg:npm/express@4.18.2']);
  assert.equal(packages[0]!.metadata?.fromLockfile, undefined);
});

test('lockfile ignored when node_modules exists even if empty (everything was dev and pruned)', async () => {
  const fs = new MemoryFS({ '/srv/web/package-lock.json': LOCK_V3, '/srv/web/node_modules': { dir: true } });
  const { packages } = await runCataloger(npmCataloger, fs);
  assert.deepEqual(packages, []);
});

test('lockfile entries installed elsewhere are not repeated (installed evidence wins)', async () => {
  const fs = new MemoryFS({
    '/srv/web/package-lock.json': LOCK_V3,
    '/usr/lib/node_modules/express/package.json': pj({ name: 'express', version: '4.18.2' }),
  });
  const { packages } = await runCataloger(npmCataloger, fs);
  const express = packages.filter((p) => p.name === 'express');
  assert.equal(express.length, 1);
  assert.equal(express[0]!.locations[0]!.path, '/usr/lib/node_modules/express/package.json');
  assert.equal(packages.length, 6);
});

test('lockfiles shipped inside node_modules packages are not read', async () => {
  const fs = new MemoryFS({ '/app/node_modules/x/package-lock.json': LOCK_V3, '/app/node_modules/x/package.json': pj({ name: 'x', version: '1.0.0' }) });
  const { packages } = await runCataloger(npmCataloger, fs);
  assert.deepEqual(packages.map((p) => p.purl), ['pkg:npm/x@1.0.0']);
});

test('package-lock v1 nested dependencies', async () => {
  const v1 = pj({
    name: 'legacy',
    version: '1.0.0',
    lockfileVersion: 1,
    requires: true,
    dependencies: {
      'body-parser': {
        version: '1.19.0',
        resolved: 'https://registry.npmjs.org/body-parser/-/body-parser-1.19.0.tgz',
        integrity: 'sha512-x',
        requires: { debug: '2.6.9' },
        dependencies: { debug: { version: '2.6.9', requires: { ms: '2.0.0' } }, ms: { version: '2.0.0' } },
      },
      mocha: { version: '8.0.1', dev: true, dependencies: { ms: { version: '2.1.2', dev: true } } },
      aliased: { version: 'npm:left-pad@1.3.0' },
      local: { version: 'file:../local' },
      'gh-dep': { version: 'github:user/gh-dep#abcdef', from: 'github:user/gh-dep' },
    },
  });
  const fs = new MemoryFS({ '/legacy/npm-shrinkwrap.json': v1 });
  const { packages, warnings } = await runCataloger(npmCataloger, fs);
  assert.deepEqual(warnings, []);
  assert.deepEqual(
    packages.map((p) => `${p.name}@${p.version}${p.metadata?.dev ? ' dev' : ''}`),
    ['body-parser@1.19.0', 'debug@2.6.9', 'left-pad@1.3.0', 'mocha@8.0.1 dev', 'ms@2.0.0', 'ms@2.1.2 dev'],
  );
});

const YARN_V1 = `# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.
# yarn lockfile v1


"@babel/code-frame@^7.0.0", "@babel/code-frame@^7.10.4":
  version "7.12.13"
  resolved "https://registry.yarnpkg.com/@babel/code-frame/-/code-frame-7.12.13.tgz#dcfc826beef65e75c50e21d3837d7d95798dd658"
  integrity sha512-HV1Cm0Q3ZrpCR93tkWOYiuYIgLxZXZFVG2VgK+MBWjUqZTundupbfx2aXarXuw5Ko5aMcjtJgbSs4vUGBS5v6g==
  dependencies:
    "@babel/highlight" "^7.12.13"

"@babel/highlight@^7.12.13":
  version "7.13.10"
  resolved "https://registry.yarnpkg.com/@babel/highlight/-/highlight-7.13.10.tgz"
  dependencies:
    js-tokens "^4.0.0"

js-tokens@^4.0.0:
  version "4.0.0"
  resolved "https://registry.yarnpkg.com/js-tokens/-/js-tokens-4.0.0.tgz#19203fb59991df98e3a287050d4647cdeaf32499"

lodash@^4.17.15, lodash@^4.17.20:
  version "4.17.21"
  resolved "https://registry.yarnpkg.com/lodash/-/lodash-4.17.21.tgz#679591c564c3bffaae8454cf0b3df370c3d6911c"

"old-lodash@npm:lodash@3.10.1":
  version "3.10.1"
  resolved "https://registry.yarnpkg.com/lodash/-/lodash-3.10.1.tgz"

"my-fork@https://github.com/me/my-fork.git#abc":
  version "0.0.0-abc"
  resolved "https://github.com/me/my-fork.git#abc"
`;

test('yarn.lock v1 with dev computed from package.json', async () => {
  const fs = new MemoryFS({
    '/w/yarn.lock': YARN_V1,
    '/w/package.json': pj({ name: 'w', dependencies: { lodash: '^4.17.20', 'old-lodash': 'npm:lodash@3.10.1' }, devDependencies: { '@babel/code-frame': '^7.10.4' } }),
  });
  const { packages, warnings } = await runCataloger(npmCataloger, fs);
  assert.deepEqual(warnings, []);
  assert.deepEqual(
    packages.map((p) => `${p.purl}${p.metadata?.dev ? ' dev' : ''}`),
    [
      'pkg:npm/%40babel/code-frame@7.12.13 dev',
      'pkg:npm/%40babel/highlight@7.13.10 dev',
      'pkg:npm/js-tokens@4.0.0 dev',
      'pkg:npm/lodash@3.10.1',
      'pkg:npm/lodash@4.17.21',
      'pkg:npm/my-fork@0.0.0-abc',
    ],
  );
});

test('yarn.lock v1 without package.json: dev unknown', async () => {
  const fs = new MemoryFS({ '/w/yarn.lock': YARN_V1 });
  const { packages } = await runCataloger(npmCataloger, fs);
  assert.equal(packages.length, 6);
  assert.ok(packages.every((p) => p.metadata?.dev === undefined && p.metadata?.fromLockfile === true));
});

const YARN_BERRY = `# This file is generated by running "yarn install" inside your project.
# Manual changes might be lost - proceed with caution!

__metadata:
  version: 8
  cacheKey: 10c0

"debug@npm:^4.3.4":
  version: 4.3.4
  resolution: "debug@npm:4.3.4"
  dependencies:
    ms: "npm:2.1.2"
  peerDependenciesMeta:
    supports-color:
      optional: true
  checksum: 10c0/cab2bc6a4d6a2b5da7d9ed4be8e2d9e9
  languageName: node
  linkType: hard

"ms@npm:2.1.2":
  version: 2.1.2
  resolution: "ms@npm:2.1.2"
  checksum: 10c0/a437714e2f90dbf881b5191d35a6db792efbca5badf112f87b9e1c712aace4b4b9b742dd6537f3edf90fd6f684de897cec230abde57e87883766712ddda297cc
  languageName: node
  linkType: hard

"typescript@npm:^5.3.0":
  version: 5.3.3
  resolution: "typescript@npm:5.3.3"
  languageName: node
  linkType: hard

"typescript@patch:typescript@npm%3A^5.3.0#optional!builtin<compat/typescript>":
  version: 5.3.3
  resolution: "typescript@patch:typescript@npm%3A5.3.3#optional!builtin<compat/typescript>::version=5.3.3&hash=e012d7"
  languageName: node
  linkType: hard

"web@workspace:.":
  version: 0.0.0-use.local
  resolution: "web@workspace:."
  dependencies:
    debug: "npm:^4.3.4"
    typescript: "npm:^5.3.0"
  languageName: unknown
  linkType: soft
`;

test('yarn.lock berry: npm: resolutions only, dev from package.json', async () => {
  const fs = new MemoryFS({
    '/b/yarn.lock': YARN_BERRY,
    '/b/package.json': pj({ name: 'web', packageManager: 'yarn@4.0.2', dependencies: { debug: '^4.3.4' }, devDependencies: { typescript: '^5.3.0' } }),
  });
  const { packages, warnings } = await runCataloger(npmCataloger, fs);
  assert.deepEqual(warnings, []);
  assert.deepEqual(
    packages.map((p) => `${p.purl}${p.metadata?.dev ? ' dev' : ''}`),
    ['pkg:npm/debug@4.3.4', 'pkg:npm/ms@2.1.2', 'pkg:npm/typescript@5.3.3 dev'],
  );
});

const PNPM_V6 = `lockfileVersion: '6.0'

settings:
  autoInstallPeers: true
  excludeLinksFromLockfile: false

dependencies:
  react-dom:
    specifier: ^18.2.0
    version: 18.2.0(react@18.2.0)

devDependencies:
  '@types/node':
    specifier: ^20.10.0
    version: 20.10.4

packages:

  /@types/node@20.10.4:
    resolution: {integrity: sha512-D08YG6rr8X90YB56tSIuBaddy/UXAA9RKJoFvrsnogAum/0pmjkgi4+2nx96A330FmioegBWmEYQ+syqCFaveQ==}
    dependencies:
      undici-types: 5.26.5
    dev: true

  /loose-envify@1.4.0:
    resolution: {integrity: sha512-lyuxPGr/Wfhrlem2CL/UcnUc1zcqKAImBDzukY7Y5F/yQiNdko6+fRLevlw1HgMySw7f611UIY408EtxRSoK3Q==}
    hasBin: true
    dependencies:
      js-tokens: 4.0.0
    dev: false

  /react-dom@18.2.0(react@18.2.0):
    resolution: {integrity: sha512-6IMTriUmvsjHUjNtEDudZfuDQUoWXVxKHhlEGSk81n4YFS+r/Kl99wXiwlVXtPBtJenozv2P+hxDsw9eA7Xo6g==}
    peerDependencies:
      react: ^18.2.0
    dependencies:
      loose-envify: 1.4.0
      react: 18.2.0
      scheduler: 0.23.0
    dev: false

  /undici-types@5.26.5:
    resolution: {integrity: sha512-JlCMO+ehdEIKqlFxk6IfVoAUVmgz7cU7zD/h9XZ0qzeosSHmUJVOzSQvvYSYWXkFXC+IfLKSIffhv0sVZup6pA==}
    dev: true

  github.com/user/private-thing/0123abcd:
    resolution: {tarball: https://codeload.github.com/user/private-thing/tar.gz/0123abcd}
    name: private-thing
    version: 1.0.0
    dev: false
`;

test('pnpm-lock v6: dev flags, peer suffixes stripped, tarball deps skipped', async () => {
  const fs = new MemoryFS({ '/p/pnpm-lock.yaml': PNPM_V6 });
  const { packages, warnings } = await runCataloger(npmCataloger, fs);
  assert.deepEqual(warnings, []);
  assert.deepEqual(
    packages.map((p) => `${p.purl}${p.metadata?.dev ? ' dev' : ''}`),
    ['pkg:npm/%40types/node@20.10.4 dev', 'pkg:npm/loose-envify@1.4.0', 'pkg:npm/react-dom@18.2.0', 'pkg:npm/undici-types@5.26.5 dev'],
  );
});

const PNPM_V5 = `lockfileVersion: 5.4

specifiers:
  '@babel/core': ^7.12.0
  styled: ^1.0.0

dependencies:
  styled: 1.0.0_react@17.0.2

devDependencies:
  '@babel/core': 7.12.3

packages:

  /@babel/core/7.12.3:
    resolution: {integrity: sha512-x}
    dev: true

  /styled/1.0.0_react@17.0.2:
    resolution: {integrity: sha512-y}
    dev: false
`;

test('pnpm-lock v5 keys', async () => {
  const fs = new MemoryFS({ '/p/pnpm-lock.yaml': PNPM_V5 });
  const { packages } = await runCataloger(npmCataloger, fs);
  assert.deepEqual(packages.map((p) => `${p.purl}${p.metadata?.dev ? ' dev' : ''}`), ['pkg:npm/%40babel/core@7.12.3 dev', 'pkg:npm/styled@1.0.0']);
});

const PNPM_V9 = `lockfileVersion: '9.0'

settings:
  autoInstallPeers: true
  excludeLinksFromLockfile: false

importers:

  .:
    dependencies:
      express:
        specifier: ^4.18.2
        version: 4.18.2
      shared:
        specifier: workspace:*
        version: link:packages/shared
      my-ms:
        specifier: npm:ms@^2.1.3
        version: ms@2.1.3
    devDependencies:
      vitest:
        specifier: ^1.0.0
        version: 1.0.4(@types/node@20.10.4)

packages:

  '@types/node@20.10.4':
    resolution: {integrity: sha512-a}

  express@4.18.2:
    resolution: {integrity: sha512-b}
    engines: {node: '>= 0.10.0'}

  ms@2.0.0:
    resolution: {integrity: sha512-c}

  ms@2.1.3:
    resolution: {integrity: sha512-d}

  vitest@1.0.4:
    resolution: {integrity: sha512-e}

snapshots:

  '@types/node@20.10.4': {}

  express@4.18.2:
    dependencies:
      ms: 2.0.0

  ms@2.0.0: {}

  ms@2.1.3: {}

  vitest@1.0.4(@types/node@20.10.4):
    dependencies:
      '@types/node': 20.10.4
      ms: 2.0.0
`;

test('pnpm-lock v9: dev computed from importers and snapshots', async () => {
  const fs = new MemoryFS({ '/p/pnpm-lock.yaml': PNPM_V9 });
  const { packages, warnings } = await runCataloger(npmCataloger, fs);
  assert.deepEqual(warnings, []);
  assert.deepEqual(
    packages.map((p) => `${p.purl}${p.metadata?.dev ? ' dev' : ''}`),
    ['pkg:npm/%40types/node@20.10.4 dev', 'pkg:npm/express@4.18.2', 'pkg:npm/ms@2.0.0', 'pkg:npm/ms@2.1.3', 'pkg:npm/vitest@1.0.4 dev'],
  );
});

test('malformed lockfiles warn and do not throw', async () => {
  const fs = new MemoryFS({
    '/a/package-lock.json': '{ "lockfileVersion": 3, "packages": ',
    // billion laughs: the YAML parser's alias limit must stop it
    '/b/pnpm-lock.yaml': ["lockfileVersion: '6.0'", 'a: &a [x, x, x, x, x, x, x, x, x]', ...'bcdefghi'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill('*' + 'abcdefghi'[i]).join(', ')}]`), 'packages: *i'].join('\n'),
    // self-referential alias: parses to a cyclic object, must not loop
    '/b2/pnpm-lock.yaml': "lockfileVersion: '6.0'\npackages: &p\n  /x@1.0.0: *p\n",
    '/c/pnpm-lock.yaml': ':\n  - : : [',
    '/d/yarn.lock': '\u0000\u0001garbage',
    '/e/yarn.lock': 'just some text\nwith no entries\n',
    '/f/package-lock.json': pj({ lockfileVersion: 3, packages: { 'node_modules/x': { version: 7 }, 'node_modules/y': 'str', 'node_modules/ok': { version: '1.0.0' } } }),
    '/g/pnpm-lock.yaml': 'lockfileVersion: banana\npackages: {}\n',
  });
  const { packages, warnings } = await runCataloger(npmCataloger, fs);
  // the cyclic document still yields its one well-formed key
  assert.deepEqual(packages.map((p) => p.purl), ['pkg:npm/ok@1.0.0', 'pkg:npm/x@1.0.0']);
  for (const frag of ['/a/package-lock.json: not valid JSON', '/b/pnpm-lock.yaml: not valid YAML', '/c/pnpm-lock.yaml: not valid YAML', '/d/yarn.lock: binary content', '/e/yarn.lock: 2 entries', '/f/package-lock.json: 1 entries', '/g/pnpm-lock.yaml: unknown lockfileVersion']) {
    assert.ok(warnings.some((w) => w.includes(frag)), `missing warning ${frag}:\n${warnings.join('\n')}`);
  }
});

test('deterministic: same input, same output', async () => {
  const files = {
    '/x/node_modules/b/package.json': pj({ name: 'b', version: '1.0.0' }),
    '/x/node_modules/a/package.json': pj({ name: 'a', version: '1.0.0' }),
    '/y/pnpm-lock.yaml': PNPM_V6,
  };
  const one = await runCataloger(npmCataloger, new MemoryFS(files));
  const two = await runCataloger(npmCataloger, new MemoryFS(Object.fromEntries(Object.entries(files).reverse())));
  assert.deepEqual(one, two);
});
