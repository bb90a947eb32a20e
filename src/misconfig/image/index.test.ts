import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkImage } from './index.js';
import { MemoryFS } from '../../image/fs/memory.js';
import type { Image, ImageConfig } from '../../image/types.js';

function image(config: Partial<ImageConfig>, name = 'registry.example/app:latest'): Image {
  return { source: { kind: 'registry', input: name, location: name }, name, repoTags: [name], repoDigests: [], config: { rootfs: { type: 'layers', diff_ids: [] }, ...config }, layers: [], async close() {} };
}
const ids = (fs: ReturnType<typeof checkImage>) => fs.map((f) => f.id).sort();

test('root user, no healthcheck, sensitive ports, secret env, remote ADD, latest tag', () => {
  const secret = 'sup3rS3cretValue!';
  const f = checkImage(
    image({
      config: { Env: ['PATH=/usr/bin', `DB_PASSWORD=${secret}`, 'PASSWORD_FILE=/run/secrets/pw'], ExposedPorts: { '22/tcp': {}, '8080/tcp': {} } },
      history: [{ created_by: 'ADD https://example.org/tool.tgz /opt/ # buildkit' }],
    }),
    undefined,
  );
  assert.deepEqual(ids(f), ['PLM-IMG-001', 'PLM-IMG-002', 'PLM-IMG-003', 'PLM-IMG-006', 'PLM-IMG-009', 'PLM-IMG-010']);
  const env = f.find((x) => x.id === 'PLM-IMG-006')!;
  assert.equal(env.evidence, 'DB_PASSWORD=sup3****');
  assert.ok(!JSON.stringify(f).includes(secret), 'the secret never appears in full');
});

test('a well-built image passes the config checks', () => {
  const f = checkImage(image({ config: { User: '10001', Healthcheck: { Test: ['CMD', '/healthz'] }, ExposedPorts: { '8080/tcp': {} } } }, 'registry.example/app:1.2.3'), undefined);
  assert.deepEqual(f, []);
});

test('filesystem checks: setuid, world-writable (sticky dirs and /tmp allowed), caches, sudo', () => {
  const fs = new MemoryFS({
    '/usr/bin/passwd': { content: 'x', mode: 0o4755 },
    '/usr/bin/sudo': { content: 'x', mode: 0o4755 },
    '/opt/app/config.yml': { content: 'x', mode: 0o666 },
    '/tmp/x': { content: 'x', mode: 0o666 },
    '/var/lib/apt/lists/deb.debian.org_dists_bookworm_InRelease': 'x'.repeat(2048),
    '/var/lib/apt/lists/lock': '',
  });
  const f = checkImage(image({ config: { User: 'app', Healthcheck: { Test: ['CMD', 'true'] } } }, 'x:1'), fs);
  assert.deepEqual(ids(f), ['PLM-IMG-004', 'PLM-IMG-004', 'PLM-IMG-005', 'PLM-IMG-007', 'PLM-IMG-008']);
  assert.ok(f.some((x) => x.target.path === '/opt/app/config.yml'));
  assert.ok(!f.some((x) => x.target.path === '/tmp/x'));
});
