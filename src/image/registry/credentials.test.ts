import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultAuthFile, normalizeAuthKey, resolveCredentials } from './credentials.js';

function withDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plimsoll-creds-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

test('normalizeAuthKey', () => {
  assert.equal(normalizeAuthKey('https://index.docker.io/v1/'), 'docker.io');
  assert.equal(normalizeAuthKey('registry-1.docker.io'), 'docker.io');
  assert.equal(normalizeAuthKey('http://Registry.Example.com:5000/v2/'), 'registry.example.com:5000');
  assert.equal(normalizeAuthKey('ghcr.io'), 'ghcr.io');
});

test('defaultAuthFile honours DOCKER_CONFIG', () => {
  assert.equal(defaultAuthFile({ DOCKER_CONFIG: '/x/y' }), '/x/y/config.json');
  assert.equal(defaultAuthFile({ HOME: '/home/u' }), '/home/u/.docker/config.json');
});

test('explicit credentials win', async () => {
  const r = await resolveCredentials('ghcr.io', { username: 'u', password: 'p', authFile: '/nonexistent' });
  assert.equal(r.credentials?.username, 'u');
  assert.equal(r.credentials?.password, 'p');
  const partial = await resolveCredentials('ghcr.io', { username: 'u' });
  assert.equal(partial.credentials, undefined);
  assert.match(partial.note!, /username and a password/);
});

test('auths entries: base64 auth, docker hub key, identity token', withDir(async (dir) => {
  writeFileSync(join(dir, 'config.json'), JSON.stringify({
    auths: {
      'https://index.docker.io/v1/': { auth: b64('hubuser:hub:pass') },
      'registry.example.com:5000': { auth: b64('u2:p2') },
      'https://id.example.com': { identitytoken: 'refresh-me' },
      'broken.example.com': { auth: b64('nocolon') },
    },
  }));
  const env = { DOCKER_CONFIG: dir };
  const hub = await resolveCredentials('docker.io', { env });
  assert.equal(hub.credentials?.username, 'hubuser');
  assert.equal(hub.credentials?.password, 'hub:pass');
  assert.match(hub.credentials!.origin, /config\.json/);
  assert.equal((await resolveCredentials('registry.example.com:5000', { env })).credentials?.password, 'p2');
  assert.equal((await resolveCredentials('id.example.com', { env })).credentials?.identityToken, 'refresh-me');
  assert.match((await resolveCredentials('broken.example.com', { env })).note!, /not base64/);
  assert.deepEqual(await resolveCredentials('other.example.com', { env }), {});
}));

test('missing or broken config files are not fatal', withDir(async (dir) => {
  assert.deepEqual(await resolveCredentials('x.io', { env: { DOCKER_CONFIG: join(dir, 'none') } }), {});
  assert.match((await resolveCredentials('x.io', { authFile: join(dir, 'none.json') })).note!, /does not exist/);
  writeFileSync(join(dir, 'bad.json'), '{not json');
  assert.match((await resolveCredentials('x.io', { authFile: join(dir, 'bad.json') })).note!, /not valid JSON/);
  writeFileSync(join(dir, 'arr.json'), '[]');
  assert.match((await resolveCredentials('x.io', { authFile: join(dir, 'arr.json') })).note!, /not a JSON object/);
}));

test('credential helpers: credHelpers, credsStore, <token>, missing helper', withDir(async (dir) => {
  const bin = join(dir, 'bin');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(bin);
  // a fake helper: answers for two servers, "not found" otherwise
  writeFileSync(join(bin, 'docker-credential-fake'), `#!/bin/sh
read server
case "$server" in
  helped.example.com) echo '{"ServerURL":"helped.example.com","Username":"hu","Secret":"hs"}' ;;
  https://index.docker.io/v1/) echo '{"ServerURL":"x","Username":"<token>","Secret":"idtok"}' ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
`);
  chmodSync(join(bin, 'docker-credential-fake'), 0o755);
  writeFileSync(join(dir, 'config.json'), JSON.stringify({
    auths: { 'helped.example.com': {}, 'inline.example.com': { auth: b64('iu:ip') } },
    credHelpers: { 'helped.example.com': 'fake', 'gone.example.com': 'doesnotexist' },
    credsStore: 'fake',
  }));
  const env = { DOCKER_CONFIG: dir, PATH: `${bin}:/usr/bin:/bin` };
  const helped = await resolveCredentials('helped.example.com', { env });
  assert.deepEqual({ u: helped.credentials?.username, p: helped.credentials?.password, o: helped.credentials?.origin }, { u: 'hu', p: 'hs', o: 'docker-credential-fake' });
  assert.equal((await resolveCredentials('docker.io', { env })).credentials?.identityToken, 'idtok');
  assert.equal((await resolveCredentials('inline.example.com', { env })).credentials?.password, 'ip', 'inline auth before credsStore');
  assert.deepEqual(await resolveCredentials('unknown.example.com', { env }), {});
  const gone = await resolveCredentials('gone.example.com', { env });
  assert.equal(gone.credentials, undefined);
  assert.match(gone.note!, /docker-credential-doesnotexist is not installed/);
}));
