import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryFS } from '../../image/fs/memory.js';
import { runCataloger } from '../testing.js';
import { pythonCataloger } from './index.js';
import { classifyPythonPath } from './paths.js';
import { normalizeDistName, parseHeaders, pythonLicenses, licenseFromClassifier } from './metadata.js';
import { csvFirstFields, sourcesFiles } from './files.js';

const SP = '/usr/local/lib/python3.11/site-packages';

const REQUESTS_METADATA = `Metadata-Version: 2.1
Name: requests
Version: 2.28.1
Summary: Python HTTP for Humans.
Home-page: https://requests.readthedocs.io
Author: Kenneth Reitz
Author-email: me@kennethreitz.org
License: Apache 2.0
Project-URL: Documentation, https://requests.readthedocs.io
Project-URL: Source, https://github.com/psf/requests
Platform: UNKNOWN
Classifier: Development Status :: 5 - Production/Stable
Classifier: License :: OSI Approved :: Apache Software License
Classifier: Programming Language :: Python :: 3
Requires-Python: >=3.7, <4
Description-Content-Type: text/markdown
License-File: LICENSE
Requires-Dist: charset-normalizer (<3,>=2)
Requires-Dist: idna (<4,>=2.5)
Provides-Extra: socks

# Requests

**Requests** is a simple, yet elegant, HTTP library.

Name: not-a-header
`;

const REQUESTS_RECORD = `requests-2.28.1.dist-info/INSTALLER,sha256=zuuue4knoyJ-UwPPXg8fezS7VCrXJQrAP7zeNuwvFQg,4
requests-2.28.1.dist-info/LICENSE,sha256=CeipvOyAZxBGUsFoaFqwkx54aPnIKEtm9a5u2uXxEws,10142
requests-2.28.1.dist-info/METADATA,sha256=eHp8fy_1I_MHSGQIc4WZ2OGFSo4uWOSrFRX0GDg0SXE,4554
requests-2.28.1.dist-info/RECORD,,
requests-2.28.1.dist-info/WHEEL,sha256=G16H4A3IeoQmnOrYV4ueZGKSjhipXx8zc8nu9FGlvMA,92
requests-2.28.1.dist-info/top_level.txt,sha256=fMSVmHfb5rbGOo6xv-O_tUX6j-WyixssE-SnwcDRxNQ,9
requests/__init__.py,sha256=S2K0jnVP6CSrT51SctFyiB0XfI8H8Nt7EgzLM_49iGQ,4963
requests/__pycache__/__init__.cpython-311.pyc,,
requests/api.py,sha256=q61xcXq4tmiImrvcSVLTbFyCiD2F-L_-Ie67iBb1FRw,6388
"requests/odd,name.py",sha256=abc,1
../../../bin/normalizer,sha256=x,240
../../../../../../../../etc/evil,sha256=x,1
`;

const CLICK_LEGACY_PKGINFO = `Metadata-Version: 1.1
Name: click
Version: 7.0
Summary: Composable command line interface toolkit
Home-page: https://palletsprojects.com/p/click/
Author: Armin Ronacher
License: BSD
Description: \\$ click\\_
        ==========
        
        Click is a Python package for creating beautiful command line interfaces.
Platform: UNKNOWN
Classifier: License :: OSI Approved :: BSD License
`;

test('path rule: metadata directories directly under site-packages / dist-packages', () => {
  assert.equal(classifyPythonPath('usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO', true)?.kind, 'egg-info');
  assert.equal(classifyPythonPath('usr/lib/python3/dist-packages/python_apt-2.6.0.egg-info', true)?.kind, 'egg-info-file');
  assert.equal(classifyPythonPath('usr/lib/python3/dist-packages/python_apt-2.6.0.egg-info', false), undefined);
  assert.deepEqual(classifyPythonPath('/venv/lib/python3.12/site-packages/pip-24.0.dist-info/RECORD', true), {
    role: 'record',
    kind: 'dist-info',
    metaDir: '/venv/lib/python3.12/site-packages/pip-24.0.dist-info',
    baseDir: '/venv/lib/python3.12/site-packages',
  });
  assert.equal(classifyPythonPath('x/site-packages/foo-1.0-py3.11.egg/EGG-INFO/PKG-INFO', true)?.baseDir, 'x/site-packages/foo-1.0-py3.11.egg');
  assert.equal(classifyPythonPath('src/myproj/myproj.egg-info/PKG-INFO', true), undefined);
  assert.equal(classifyPythonPath('x/site-packages/foo/tests/data/bar-1.0.dist-info/METADATA', true), undefined);
  assert.equal(classifyPythonPath('x/site-packages/foo-1.0.dist-info/WHEEL', true), undefined);
});

test('headers: folding, repeats, body ignored', () => {
  const h = parseHeaders(REQUESTS_METADATA);
  assert.equal(h.get('name')?.[0], 'requests');
  assert.equal(h.get('requires-dist')?.length, 2);
  assert.equal(h.get('classifier')?.length, 3);
  const c = parseHeaders(CLICK_LEGACY_PKGINFO);
  assert.match(c.get('description')![0]!, /^\\\$ click\\_\n=+\n\nClick is/);
  assert.equal(c.get('platform')?.[0], 'UNKNOWN');
});

test('licenses: expression, short License, classifiers; long license texts ignored', () => {
  assert.deepEqual(pythonLicenses(parseHeaders('Name: a\nLicense-Expression: MIT OR Apache-2.0\nLicense: MIT\n')), ['MIT OR Apache-2.0']);
  assert.deepEqual(pythonLicenses(parseHeaders('Name: a\nLicense: BSD-3-Clause OR Apache-2.0\nClassifier: License :: OSI Approved :: BSD License\n')), ['BSD-3-Clause OR Apache-2.0']);
  const longText = 'Name: a\nLicense: Copyright (c) 2010 Someone\n        \n        Permission is hereby granted, free of charge, to any person\nClassifier: License :: OSI Approved :: MIT License\nClassifier: License :: OSI Approved :: Apache Software License\n';
  assert.deepEqual(pythonLicenses(parseHeaders(longText)), ['MIT', 'Apache Software License']);
  assert.deepEqual(pythonLicenses(parseHeaders('Name: a\nLicense: UNKNOWN\nClassifier: License :: OSI Approved :: GNU Lesser General Public License v3 or later (LGPLv3+)\n')), ['LGPL-3.0-or-later']);
  assert.equal(licenseFromClassifier('License :: OSI Approved'), undefined);
  assert.equal(licenseFromClassifier('Topic :: Software Development'), undefined);
  assert.equal(licenseFromClassifier('License :: Public Domain'), 'Public Domain');
});

test('PEP 503 names', () => {
  assert.equal(normalizeDistName('Foo.Bar__baz-Qux'), 'foo-bar-baz-qux');
  assert.equal(normalizeDistName('zope.interface'), 'zope-interface');
  assert.equal(normalizeDistName('PyYAML'), 'pyyaml');
});

test('RECORD CSV and SOURCES mapping', () => {
  assert.deepEqual(csvFirstFields('a.py,sha256=x,1\n"b,c.py",,\n"q""uote.py",x,1\n'), ['a.py', 'b,c.py', 'q"uote.py']);
  const have = new Set(['/sp/six.py', '/sp/pkg/__init__.py', '/sp/pkg/sub/m.py']);
  assert.deepEqual(
    sourcesFiles('setup.py\nsetup.cfg\nsix.py\nsrc/pkg/__init__.py\nsrc/pkg/sub/m.py\nsrc/pkg/missing.py\ntests/test_pkg.py\nsrc/pkg.egg-info/PKG-INFO\n', '/sp', ['six', 'pkg'], (p) => have.has(p)),
    ['/sp/six.py', '/sp/pkg/__init__.py', '/sp/pkg/sub/m.py'],
  );
});

test('dist-info with RECORD and top_level.txt', async () => {
  const fs = new MemoryFS({
    [`${SP}/requests-2.28.1.dist-info/METADATA`]: REQUESTS_METADATA,
    [`${SP}/requests-2.28.1.dist-info/RECORD`]: REQUESTS_RECORD,
    [`${SP}/requests-2.28.1.dist-info/top_level.txt`]: 'requests\n',
    [`${SP}/requests-2.28.1.dist-info/WHEEL`]: 'Wheel-Version: 1.0\n',
    [`${SP}/requests/__init__.py`]: '',
  });
  const { packages, warnings } = await runCataloger(pythonCataloger, fs);
  assert.deepEqual(warnings, []);
  assert.equal(packages.length, 1);
  const p = packages[0]!;
  assert.equal(p.name, 'requests');
  assert.equal(p.version, '2.28.1');
  assert.equal(p.purl, 'pkg:pypi/requests@2.28.1');
  assert.equal(p.type, 'pypi');
  assert.equal(p.ecosystem, 'PyPI');
  assert.equal(p.foundBy, 'python');
  assert.deepEqual(p.licenses, ['Apache 2.0']);
  assert.deepEqual(p.locations, [{ path: `${SP}/requests-2.28.1.dist-info/METADATA`, layerDigest: fs.layerDigest, layerIndex: 0 }]);
  assert.deepEqual(p.metadata, {
    summary: 'Python HTTP for Humans.',
    author: 'Kenneth Reitz',
    homepage: 'https://requests.readthedocs.io',
    requiresPython: '>=3.7, <4',
    metadataKind: 'dist-info',
    topLevel: ['requests'],
  });
  assert.deepEqual(p.files, [
    '/usr/local/bin/normalizer',
    `${SP}/requests-2.28.1.dist-info/INSTALLER`,
    `${SP}/requests-2.28.1.dist-info/LICENSE`,
    `${SP}/requests-2.28.1.dist-info/METADATA`,
    `${SP}/requests-2.28.1.dist-info/RECORD`,
    `${SP}/requests-2.28.1.dist-info/WHEEL`,
    `${SP}/requests-2.28.1.dist-info/top_level.txt`,
    `${SP}/requests/__init__.py`,
    `${SP}/requests/__pycache__/__init__.cpython-311.pyc`,
    `${SP}/requests/api.py`,
    `${SP}/requests/odd,name.py`,
  ]);
});

test('Debian dist-packages: egg-info dir, egg-info file, both forms of one dist, installed-files.txt', async () => {
  const DP = '/usr/lib/python3/dist-packages';
  const crypto = `Metadata-Version: 2.1\nName: cryptography\nVersion: 38.0.4\nLicense: BSD-3-Clause OR Apache-2.0\nClassifier: License :: OSI Approved :: Apache Software License\n`;
  const fs = new MemoryFS({
    [`${DP}/six-1.16.0.egg-info/PKG-INFO`]: 'Metadata-Version: 2.1\nName: six\nVersion: 1.16.0\nSummary: Python 2 and 3 compatibility utilities\nLicense: MIT\n',
    [`${DP}/six-1.16.0.egg-info/top_level.txt`]: 'six\n',
    [`${DP}/six-1.16.0.egg-info/dependency_links.txt`]: '\n',
    [`${DP}/python_apt-2.6.0.egg-info`]: 'Metadata-Version: 1.1\nName: python-apt\nVersion: 2.6.0\nSummary: Python bindings for APT\nLicense: GNU GPL\nPlatform: posix\n',
    [`${DP}/cryptography-38.0.4.dist-info/METADATA`]: crypto,
    [`${DP}/cryptography.egg-info/PKG-INFO`]: crypto,
    [`${DP}/cryptography.egg-info/top_level.txt`]: 'cryptography\n',
    [`/usr/local/lib/python3.11/dist-packages/Click-7.0.egg-info/PKG-INFO`]: CLICK_LEGACY_PKGINFO,
    [`/usr/local/lib/python3.11/dist-packages/Click-7.0.egg-info/installed-files.txt`]: '../click/__init__.py\n../click/core.py\n./\nPKG-INFO\n',
    [`/usr/local/lib/python3.11/dist-packages/Click-7.0.egg-info/SOURCES.txt`]: 'click/__init__.py\n',
  });
  const { packages, warnings } = await runCataloger(pythonCataloger, fs);
  assert.deepEqual(warnings, []);
  assert.deepEqual(
    packages.map((p) => `${p.purl} ${p.locations[0]!.path} ${JSON.stringify(p.licenses)}`),
    [
      'pkg:pypi/click@7.0 /usr/local/lib/python3.11/dist-packages/Click-7.0.egg-info/PKG-INFO ["BSD"]',
      `pkg:pypi/cryptography@38.0.4 ${DP}/cryptography-38.0.4.dist-info/METADATA ["BSD-3-Clause OR Apache-2.0"]`,
      `pkg:pypi/cryptography@38.0.4 ${DP}/cryptography.egg-info/PKG-INFO ["BSD-3-Clause OR Apache-2.0"]`,
      `pkg:pypi/python-apt@2.6.0 ${DP}/python_apt-2.6.0.egg-info ["GNU GPL"]`,
      `pkg:pypi/six@1.16.0 ${DP}/six-1.16.0.egg-info/PKG-INFO ["MIT"]`,
    ],
  );
  const click = packages.find((p) => p.name === 'click')!;
  assert.deepEqual(click.files, [
    '/usr/local/lib/python3.11/dist-packages/Click-7.0.egg-info',
    '/usr/local/lib/python3.11/dist-packages/Click-7.0.egg-info/PKG-INFO',
    '/usr/local/lib/python3.11/dist-packages/Click-7.0.egg-info/SOURCES.txt',
    '/usr/local/lib/python3.11/dist-packages/Click-7.0.egg-info/installed-files.txt',
    '/usr/local/lib/python3.11/dist-packages/click/__init__.py',
    '/usr/local/lib/python3.11/dist-packages/click/core.py',
  ]);
  assert.deepEqual(packages.find((p) => p.name === 'python-apt')!.files, [`${DP}/python_apt-2.6.0.egg-info`]);
  assert.deepEqual(packages.find((p) => p.name === 'six')!.files, [`${DP}/six-1.16.0.egg-info/PKG-INFO`, `${DP}/six-1.16.0.egg-info/top_level.txt`]);
  assert.equal(packages.find((p) => p.name === 'six')!.metadata?.metadataKind, 'egg-info');
});

test('egg directory with SOURCES.txt mapped to files that exist', async () => {
  const EGG = `${SP}/simplejson-3.19.1-py3.11-linux-x86_64.egg`;
  const fs = new MemoryFS({
    [`${EGG}/EGG-INFO/PKG-INFO`]: 'Metadata-Version: 1.1\nName: simplejson\nVersion: 3.19.1\nLicense: MIT License\n',
    [`${EGG}/EGG-INFO/SOURCES.txt`]: 'setup.py\nsimplejson/__init__.py\nsimplejson/decoder.py\nsimplejson/tests/test_x.py\n',
    [`${EGG}/EGG-INFO/top_level.txt`]: 'simplejson\n',
    [`${EGG}/simplejson/__init__.py`]: '',
    [`${EGG}/simplejson/decoder.py`]: '',
  });
  const { packages } = await runCataloger(pythonCataloger, fs);
  assert.equal(packages.length, 1);
  assert.deepEqual(packages[0]!.files, [`${EGG}/EGG-INFO/PKG-INFO`, `${EGG}/EGG-INFO/SOURCES.txt`, `${EGG}/EGG-INFO/top_level.txt`, `${EGG}/simplejson/__init__.py`, `${EGG}/simplejson/decoder.py`]);
  assert.equal(packages[0]!.purl, 'pkg:pypi/simplejson@3.19.1');
});

test('normalized purl name, declared name kept', async () => {
  const fs = new MemoryFS({ [`${SP}/zope.interface-6.0.dist-info/METADATA`]: 'Metadata-Version: 2.1\nName: zope.interface\nVersion: 6.0\nLicense: ZPL 2.1\n', [`${SP}/Flask_SQLAlchemy-3.0.3.dist-info/METADATA`]: 'Metadata-Version: 2.1\nName: Flask-SQLAlchemy\nVersion: 3.0.3\n' });
  const { packages } = await runCataloger(pythonCataloger, fs);
  assert.deepEqual(packages.map((p) => [p.name, p.purl]), [
    ['Flask-SQLAlchemy', 'pkg:pypi/flask-sqlalchemy@3.0.3'],
    ['zope.interface', 'pkg:pypi/zope-interface@6.0'],
  ]);
});

test('hostile and malformed metadata: warn and skip, never throw', async () => {
  const fs = new MemoryFS({
    [`${SP}/nothing-1.0.dist-info/METADATA`]: 'this is not metadata\n',
    [`${SP}/binary-1.0.dist-info/METADATA`]: Buffer.from([0x4e, 0x61, 0x00, 0xff, 0x01]),
    [`${SP}/huge-1.0.dist-info/METADATA`]: 'Name: huge\nVersion: 1\n' + 'x'.repeat(8 * 1024 * 1024),
    [`${SP}/badname-1.0.dist-info/METADATA`]: 'Name: ../../etc/passwd\nVersion: 1.0\n',
    [`${SP}/badver-1.0.dist-info/METADATA`]: 'Name: badver\nVersion: 1.0 ; rm -rf\n',
    [`${SP}/orphan-1.0.dist-info/RECORD`]: 'orphan/__init__.py,,\n',
    [`${SP}/ok-1.0.dist-info/METADATA`]: 'Name: ok\nVersion: 1.0\n',
    [`${SP}/ok-1.0.dist-info/RECORD`]: Buffer.from([0, 1, 2, 3]),
    [`${SP}/ok-1.0.dist-info/top_level.txt`]: 'ok\n../../evil\n',
    [`${SP}/link-1.0.dist-info/METADATA`]: { symlink: '../ok-1.0.dist-info/METADATA' },
  });
  const { packages, warnings } = await runCataloger(pythonCataloger, fs);
  assert.deepEqual(packages.map((p) => p.purl), ['pkg:pypi/ok@1.0']);
  assert.deepEqual(packages[0]!.metadata?.topLevel, ['ok']);
  for (const frag of ['nothing-1.0.dist-info/METADATA: no Name/Version', 'binary-1.0.dist-info/METADATA: binary content', 'huge-1.0.dist-info/METADATA: 8388630 bytes is over', 'badname-1.0.dist-info/METADATA: invalid distribution name', 'badver-1.0.dist-info/METADATA: implausible version', 'ok-1.0.dist-info/RECORD: binary content']) {
    assert.ok(warnings.some((w) => w.includes(frag)), `missing warning ${frag}:\n${warnings.join('\n')}`);
  }
  assert.equal(warnings.length, 6, warnings.join('\n'));
});
