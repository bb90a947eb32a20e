/**
 * Writes examples/demo-image: a tiny, deterministic OCI image layout used by the README's first
 * command (no network, no Docker). Two layers: a Debian 12 base with a small dpkg database, and an
 * app layer with npm and Python packages. Run: node --import tsx scripts/make-demo-image.ts
 */
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack as tarPack } from 'tar-stream';

const out = new URL('../examples/demo-image/', import.meta.url).pathname;
const MTIME = new Date(0);

async function tar(files: Array<[string, string]>): Promise<Buffer> {
  const p = tarPack();
  const chunks: Buffer[] = [];
  p.on('data', (c: Buffer) => chunks.push(c));
  const end = new Promise((r) => p.on('end', r));
  const dirs = new Set<string>();
  for (const [name] of files) {
    const parts = name.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/') + '/');
  }
  for (const d of [...dirs].sort()) p.entry({ name: d, type: 'directory', mode: 0o755, mtime: MTIME, uid: 0, gid: 0 });
  for (const [name, content] of files) p.entry({ name, mode: 0o644, mtime: MTIME, uid: 0, gid: 0 }, content);
  p.finalize();
  await end;
  return Buffer.concat(chunks);
}

const sha = (b: Buffer | string): string => 'sha256:' + createHash('sha256').update(b).digest('hex');

function dpkgEntry(pkg: string, version: string, source?: string, arch = 'amd64'): string {
  return [
    `Package: ${pkg}`,
    'Status: install ok installed',
    'Priority: optional',
    'Section: libs',
    'Installed-Size: 100',
    'Maintainer: Debian Maintainers <debian@example.org>',
    `Architecture: ${arch}`,
    ...(source ? [`Source: ${source}`] : []),
    `Version: ${version}`,
    `Description: ${pkg} (demo entry)`,
    '',
  ].join('\n');
}

const base: Array<[string, string]> = [
  ['etc/os-release', 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n'],
  ['etc/debian_version', '12.1\n'],
  [
    'var/lib/dpkg/status',
    [
      dpkgEntry('base-files', '12.4+deb12u1'),
      dpkgEntry('libc6', '2.36-9+deb12u1', 'glibc'),
      dpkgEntry('libssl3', '3.0.9-1', 'openssl'),
      dpkgEntry('openssl', '3.0.9-1'),
      dpkgEntry('zlib1g', '1:1.2.13.dfsg-1', 'zlib (1:1.2.13.dfsg-1)'),
      dpkgEntry('python3-requests', '2.28.1+dfsg-1', 'requests', 'all'),
    ].join('\n'),
  ],
  ['var/lib/dpkg/info/python3-requests.list', '/usr/lib/python3/dist-packages/requests-2.28.1.egg-info\n/usr/lib/python3/dist-packages/requests-2.28.1.egg-info/PKG-INFO\n'],
  ['usr/lib/python3/dist-packages/requests-2.28.1.egg-info/PKG-INFO', 'Metadata-Version: 2.1\nName: requests\nVersion: 2.28.1\nLicense: Apache 2.0\n'],
];
const app: Array<[string, string]> = [
  ['app/package.json', JSON.stringify({ name: 'demo-app', version: '1.0.0', dependencies: { lodash: '4.17.15', minimist: '1.2.0' } }, null, 2) + '\n'],
  ['app/node_modules/lodash/package.json', JSON.stringify({ name: 'lodash', version: '4.17.15', license: 'MIT' }, null, 2) + '\n'],
  ['app/node_modules/minimist/package.json', JSON.stringify({ name: 'minimist', version: '1.2.0', license: 'MIT' }, null, 2) + '\n'],
  ['usr/local/lib/python3.11/site-packages/PyYAML-5.3.1.dist-info/METADATA', 'Metadata-Version: 2.1\nName: PyYAML\nVersion: 5.3.1\nLicense: MIT\n'],
];

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'blobs/sha256'), { recursive: true });
const put = (b: Buffer): string => {
  const d = sha(b);
  writeFileSync(join(out, 'blobs/sha256', d.slice(7)), b);
  return d;
};
const layers = [];
const diffIds = [];
for (const files of [base, app]) {
  const t = await tar(files);
  const gz = gzipSync(t, { level: 9 });
  diffIds.push(sha(t));
  layers.push({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: put(gz), size: gz.length });
}
const config = Buffer.from(
  JSON.stringify({
    created: '2024-01-01T00:00:00Z',
    architecture: 'amd64',
    os: 'linux',
    config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['node', '/app/index.js'], WorkingDir: '/app' },
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: [
      { created: '2024-01-01T00:00:00Z', created_by: 'demo base: debian 12 with a small dpkg database' },
      { created: '2024-01-01T00:00:00Z', created_by: 'COPY app /app' },
    ],
  }),
);
const manifest = Buffer.from(
  JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: put(config), size: config.length }, layers }),
);
const md = put(manifest);
writeFileSync(join(out, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
writeFileSync(
  join(out, 'index.json'),
  JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: md, size: manifest.length, annotations: { 'org.opencontainers.image.ref.name': 'latest' } }] }),
);
console.log(`wrote ${out} (manifest ${md})`);
