/**
 * Registry client and source against the real Distribution registry (docker-registry 2.8):
 * images pushed with skopeo from OCI layouts built in the test, pulled with our client.
 * Also: push side (monolithic + chunked upload, mount, manifest PUT, tags, referrers detection),
 * multi-platform selection, corrupted storage → DIGEST_MISMATCH, htpasswd Basic auth, and token
 * auth with a JWT-issuing token server written here (x5c-signed, verified by the registry).
 *
 * Needs Debian packages docker-registry and skopeo; the Basic-auth part needs apache2-utils
 * (htpasswd -B), the token part openssl (self-signed certificate). Skips with a message otherwise.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSign, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { extract as tarExtract } from 'tar-stream';
import { openRegistryImage } from '../src/image/registry/source.js';
import { RegistryClient } from '../src/image/registry/client.js';
import { PlimsollError } from '../src/util/errors.js';
import { sha256Digest } from '../src/util/digest.js';
import { MediaTypes, type ProgressSink } from '../src/image/types.js';
import { buildImage, buildIndex, writeOciLayout, type BuiltImage, type OciLayoutResult } from './helpers/oci-layout.js';
import { have, registrySkipReason, skopeoCopy, startRegistry, storedBlobPath, type RunningRegistry } from './helpers/registry.js';

const skip = registrySkipReason();
const FAST = { retryDelayMs: 1, maxRetryDelayMs: 5 };

function isCode(code: string, re?: RegExp) {
  return (e: unknown) => {
    if (!(e instanceof PlimsollError)) throw e;
    if (e.code !== code || (re && !re.test(e.message))) throw new Error(`expected ${code} ${re ?? ''}, got ${e.code}: ${e.message}`);
    return true;
  };
}

/** Untar a (possibly gzip) layer stream into path → content. */
async function readLayer(stream: Readable, gzip: boolean): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const ex = tarExtract();
  ex.on('entry', (h, s, next) => {
    const chunks: Buffer[] = [];
    s.on('data', (c: unknown) => chunks.push(c as Buffer));
    s.on('end', () => {
      if (h.type === 'file') files.set(h.name, Buffer.concat(chunks).toString('utf8'));
      next();
    });
  });
  const done = new Promise<void>((resolve, reject) => {
    ex.on('finish', resolve);
    ex.on('error', reject);
    stream.on('error', reject);
  });
  if (gzip) {
    const gz = createGunzip();
    gz.on('error', (e) => ex.destroy(e));
    stream.pipe(gz).pipe(ex);
  } else stream.pipe(ex);
  await done;
  return files;
}

async function drain(s: Readable): Promise<number> {
  let n = 0;
  for await (const c of s) n += (c as Buffer).length;
  return n;
}

describe('registry client against docker-registry', { skip }, () => {
  let work: string;
  let reg: RunningRegistry;
  let single: OciLayoutResult;
  let multi: OciLayoutResult;
  let corrupt: OciLayoutResult;
  const others: RunningRegistry[] = [];
  let tokenServer: Server | undefined;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'plimsoll-registry-'));
    reg = await startRegistry({ dir: work });
    single = await writeOciLayout(join(work, 'single'), {
      tag: 'v1',
      layers: [
        { files: { 'etc/os-release': 'ID=plimsoll-test\nVERSION_ID=1\n', 'bin/hello': { content: '#!/bin/sh\necho hi\n', mode: 0o755 } } },
        { files: { 'usr/share/doc/readme.txt': 'second layer\n', 'etc/motd': 'welcome\n' } },
      ],
      config: { config: { Env: ['A=1'], Labels: { 'org.example': 'yes' } } },
    });
    skopeoCopy(single.ref, `${reg.host}/plain/app:v1`);
    skopeoCopy(single.ref, `${reg.host}/plain/docker:v1`, ['--format', 'v2s2']);
    multi = await writeOciLayout(join(work, 'multi'), {
      tag: 'v1',
      images: [
        { platform: { os: 'linux', architecture: 'amd64' }, layers: [{ files: { 'arch.txt': 'amd64\n' } }] },
        { platform: { os: 'linux', architecture: 'arm64', variant: 'v8' }, layers: [{ files: { 'arch.txt': 'arm64\n' } }] },
      ],
    });
    skopeoCopy(multi.ref, `${reg.host}/multi/app:v1`, ['--all']);
    corrupt = await writeOciLayout(join(work, 'corrupt'), { tag: 'v1', layers: [{ files: { 'victim.txt': 'this layer gets corrupted in storage\n'.repeat(20) } }] });
    skopeoCopy(corrupt.ref, `${reg.host}/corrupt/app:v1`);
  });

  after(async () => {
    await reg?.stop();
    for (const r of others) await r.stop();
    if (tokenServer) {
      tokenServer.closeAllConnections();
      await new Promise((r) => tokenServer!.close(r));
    }
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('pulls a single-platform OCI image: digests, config, layer contents, progress', async () => {
    const events: string[] = [];
    const bytes = new Map<string, number>();
    const progress: ProgressSink = {
      start: (id, _label, total) => events.push(`start ${id} ${total}`),
      advance: (id, n) => bytes.set(id, (bytes.get(id) ?? 0) + n),
      done: (id) => events.push(`done ${id}`),
    };
    const built = single.images[0]!;
    const img = await openRegistryImage(`${reg.host}/plain/app:v1`, { tmpDir: work, progress });
    try {
      assert.equal(img.source.kind, 'registry');
      assert.equal(img.manifestDigest, built.manifestDigest, 'skopeo pushes the OCI manifest unchanged');
      assert.equal(img.configDigest, built.configDigest);
      assert.deepEqual(img.repoTags, [`${reg.host}/plain/app:v1`]);
      assert.deepEqual(img.repoDigests, [`${reg.host}/plain/app@${built.manifestDigest}`]);
      assert.equal(img.source.location, `${reg.host}/plain/app:v1@${built.manifestDigest}`);
      assert.deepEqual(img.config.rootfs.diff_ids, built.layers.map((l) => l.diffId));
      assert.deepEqual(img.config.config?.Labels, { 'org.example': 'yes' });
      assert.deepEqual(img.platform, { os: 'linux', architecture: 'amd64' });
      assert.equal(img.layers.length, 2);
      assert.deepEqual(img.layers.map((l) => [l.digest, l.diffId, l.size, l.mediaType]), built.layers.map((l) => [l.digest, l.diffId, l.size, MediaTypes.ociLayerGzip]));
      const l0 = await readLayer(await img.layers[0]!.open(), true);
      assert.equal(l0.get('etc/os-release'), 'ID=plimsoll-test\nVERSION_ID=1\n');
      assert.equal(l0.get('bin/hello'), '#!/bin/sh\necho hi\n');
      const l1 = await readLayer(await img.layers[1]!.open(), true);
      assert.equal(l1.get('etc/motd'), 'welcome\n');
      const id0 = `layer-0-${built.layers[0]!.digest}`;
      assert.ok(events.includes(`start ${id0} ${built.layers[0]!.size}`));
      assert.ok(events.includes(`done ${id0}`));
      assert.equal(bytes.get(id0), built.layers[0]!.size);
      assert.equal(events.filter((e) => e.startsWith('done')).length, 2);
    } finally {
      await img.close();
    }
  });

  test('pulls by digest and by tag+digest; Docker schema 2 media types', async () => {
    const built = single.images[0]!;
    const byDigest = await openRegistryImage(`${reg.host}/plain/app@${built.manifestDigest}`, { tmpDir: work });
    assert.equal(byDigest.manifestDigest, built.manifestDigest);
    assert.deepEqual(byDigest.repoTags, []);
    const docker = await openRegistryImage(`${reg.host}/plain/docker:v1`, { tmpDir: work });
    assert.equal(docker.manifest?.mediaType, MediaTypes.dockerManifest);
    assert.equal(docker.layers[0]!.mediaType, MediaTypes.dockerLayerGzip);
    assert.deepEqual(docker.config.rootfs.diff_ids, built.layers.map((l) => l.diffId));
    // tag + digest: the digest is what is pulled (docker semantics), even if the tag does not exist
    const pinned = await openRegistryImage(`${reg.host}/plain/docker:no-such-tag@${docker.manifestDigest}`, { tmpDir: work });
    assert.equal(pinned.manifestDigest, docker.manifestDigest);
    assert.deepEqual(pinned.repoTags, [`${reg.host}/plain/docker:no-such-tag`]);
    const files = await readLayer(await docker.layers[1]!.open(), true);
    assert.equal(files.get('usr/share/doc/readme.txt'), 'second layer\n');
  });

  test('multi-platform index: default linux/amd64, explicit arm64/v8, PLATFORM_NOT_FOUND', async () => {
    const [amd, arm] = multi.images as [BuiltImage, BuiltImage];
    const def = await openRegistryImage(`${reg.host}/multi/app:v1`, { tmpDir: work });
    assert.equal(def.manifestDigest, amd.manifestDigest);
    assert.deepEqual(def.repoDigests, [`${reg.host}/multi/app@${multi.digest}`], 'repo digest is the index digest');
    assert.equal((await readLayer(await def.layers[0]!.open(), true)).get('arch.txt'), 'amd64\n');
    const a = await openRegistryImage(`${reg.host}/multi/app:v1`, { tmpDir: work, platform: 'linux/arm64/v8' });
    assert.equal(a.manifestDigest, arm.manifestDigest);
    assert.deepEqual(a.platform, { os: 'linux', architecture: 'arm64', variant: 'v8' });
    assert.equal((await readLayer(await a.layers[0]!.open(), true)).get('arch.txt'), 'arm64\n');
    assert.equal((await openRegistryImage(`${reg.host}/multi/app:v1`, { tmpDir: work, platform: 'linux/aarch64' })).manifestDigest, arm.manifestDigest);
    await assert.rejects(
      openRegistryImage(`${reg.host}/multi/app:v1`, { tmpDir: work, platform: 'linux/s390x' }),
      isCode('PLATFORM_NOT_FOUND', /linux\/s390x; available: linux\/amd64, linux\/arm64\/v8/),
    );
    // a single-platform image asked for another platform explicitly
    await assert.rejects(openRegistryImage(`${reg.host}/plain/app:v1`, { tmpDir: work, platform: 'linux/arm64' }), isCode('PLATFORM_NOT_FOUND', /linux\/amd64/));
  });

  test('not found errors name registry and repository', async () => {
    await assert.rejects(openRegistryImage(`${reg.host}/plain/app:nope`, { tmpDir: work }), isCode('NOT_FOUND', new RegExp(`${reg.host}/plain/app.*MANIFEST_UNKNOWN`)));
    await assert.rejects(openRegistryImage(`${reg.host}/no/such:v1`, { tmpDir: work }), isCode('NOT_FOUND', /no\/such/));
  });

  test('push side: monolithic + chunked upload, mount, manifest PUT, HEAD, tags, referrers fallback', async () => {
    const c = new RegistryClient({ registry: reg.host, ...FAST });
    const img = await buildImage({
      layers: [
        { files: { 'a.txt': 'pushed by plimsoll\n' } },
        { files: { 'big.bin': Buffer.alloc(5000, 7) }, compression: 'none' },
      ],
    });
    const [l0, l1] = img.layers as [BuiltImage['layers'][0], BuiltImage['layers'][0]];
    assert.deepEqual(await c.uploadBlob('pushed/app', l0.digest, l0.bytes), { existed: false });
    assert.deepEqual(await c.uploadBlob('pushed/app', l0.digest, l0.bytes), { existed: true });
    const chunked = await c.uploadBlobChunked('pushed/app', l1.bytes, { chunkSize: 1024, expectedDigest: l1.digest });
    assert.deepEqual(chunked, { digest: l1.digest, size: l1.size });
    await c.uploadBlob('pushed/app', img.configDigest, { size: img.configBytes.length, open: () => Readable.from([img.configBytes]) });
    assert.equal((await c.blobExists('pushed/app', l1.digest))?.size, l1.size);
    // bodies over 1 MiB are streamed (idle timer instead of a fixed deadline), buffer and stream forms
    const big = Buffer.alloc(3 * 1024 * 1024 + 17);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7919) % 251;
    assert.deepEqual(await c.uploadBlob('pushed/big', sha256Digest(big), big), { existed: false });
    assert.equal((await c.blobExists('pushed/big', sha256Digest(big)))?.size, big.length);
    const big2 = Buffer.concat([big, Buffer.from('x')]);
    await c.uploadBlob('pushed/big', sha256Digest(big2), { size: big2.length, open: () => Readable.from([big2.subarray(0, 100), big2.subarray(100)]) });
    assert.deepEqual(await c.uploadBlobChunked('pushed/big', Readable.from([big]), { chunkSize: 2 * 1024 * 1024 }), { digest: sha256Digest(big), size: big.length });
    // cross-repo mount of a blob pushed by skopeo
    const shared = single.images[0]!.layers[0]!.digest;
    assert.equal(await c.blobExists('pushed/app', shared), undefined);
    assert.equal(await c.mountBlob('pushed/app', shared, 'plain/app'), true);
    assert.ok(await c.blobExists('pushed/app', shared));
    assert.equal(await c.mountBlob('pushed/app', 'sha256:' + 'f'.repeat(64), 'plain/app'), false);

    const put = await c.putManifest('pushed/app', 'v2', img.manifestBytes, MediaTypes.ociManifest);
    assert.equal(put.digest, img.manifestDigest);
    const head = await c.headManifest('pushed/app', 'v2');
    assert.equal(head?.digest, img.manifestDigest);
    assert.equal(head?.size, img.manifestBytes.length);
    assert.equal(await c.headManifest('pushed/app', 'missing'), undefined);
    // an index pointing at it, pushed by digest
    const idx = buildIndex([img]);
    await c.putManifest('pushed/app', idx.digest, idx.bytes, idx.mediaType);
    await c.putManifest('pushed/app', 'v2-index', idx.bytes, idx.mediaType);
    assert.deepEqual((await c.listTags('pushed/app')).sort(), ['v2', 'v2-index']);
    // distribution 2.8 ignores ?n= for tags (Link pagination is covered by the unit tests)
    assert.deepEqual((await c.listTags('pushed/app', { pageSize: 1 })).sort(), ['v2', 'v2-index']);

    const pulled = await openRegistryImage(`${reg.host}/pushed/app:v2-index`, { tmpDir: work });
    assert.equal(pulled.manifestDigest, img.manifestDigest);
    assert.equal(await drain(await pulled.layers[1]!.open()), l1.size);
    // distribution 2.8 predates the referrers API: 404 → not supported
    assert.deepEqual(await c.referrers('pushed/app', img.manifestDigest), { supported: false });
  });

  test('config with too few diff_ids → CONFIG_INVALID; artifact → SOURCE_UNSUPPORTED', async () => {
    const c = new RegistryClient({ registry: reg.host, ...FAST });
    const img = await buildImage({ layers: [{ files: { x: '1' } }, { files: { y: '2' } }], config: { rootfs: { type: 'layers', diff_ids: ['sha256:' + '0'.repeat(64)] } } });
    for (const [d, b] of img.blobs) if (d !== img.manifestDigest) await c.uploadBlob('bad/config', d, b);
    await c.putManifest('bad/config', 'v1', img.manifestBytes, MediaTypes.ociManifest);
    await assert.rejects(openRegistryImage(`${reg.host}/bad/config:v1`, { tmpDir: work }), isCode('CONFIG_INVALID', /1 layer diff ID \(rootfs.diff_ids\) but the manifest has 2 layers/));

    const cfg = Buffer.from('{}');
    await c.uploadBlob('bad/artifact', sha256Digest(cfg), cfg);
    const art = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaTypes.ociManifest, artifactType: 'application/vnd.example+type', config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: sha256Digest(cfg), size: 2 }, layers: [] }));
    await c.putManifest('bad/artifact', 'v1', art, MediaTypes.ociManifest);
    await assert.rejects(openRegistryImage(`${reg.host}/bad/artifact:v1`, { tmpDir: work }), isCode('SOURCE_UNSUPPORTED', /OCI artifact/));
  });

  test('corrupted blob in registry storage → DIGEST_MISMATCH; corrupted manifest by digest too', async () => {
    const built = corrupt.images[0]!;
    const layerPath = storedBlobPath(reg.storage, built.layers[0]!.digest);
    const data = readFileSync(layerPath);
    const bad = Buffer.from(data);
    bad[bad.length - 10] = bad[bad.length - 10]! ^ 0xff; // same size, different bytes
    writeFileSync(layerPath, bad);
    const img = await openRegistryImage(`${reg.host}/corrupt/app:v1`, { tmpDir: work });
    await assert.rejects(drain(await img.layers[0]!.open()), isCode('DIGEST_MISMATCH', new RegExp(built.layers[0]!.digest)));

    const mPath = storedBlobPath(reg.storage, built.manifestDigest);
    const m = readFileSync(mPath, 'utf8');
    writeFileSync(mPath, m.replace('"schemaVersion":2', '"schemaVersion": 2'));
    await assert.rejects(openRegistryImage(`${reg.host}/corrupt/app@${built.manifestDigest}`, { tmpDir: work }), isCode('DIGEST_MISMATCH', /manifest/));
    // by tag the bytes are simply what the tag names now; the computed digest shows the change
    const byTag = await new RegistryClient({ registry: reg.host, ...FAST }).getManifest('corrupt/app', 'v1');
    assert.notEqual(byTag.digest, built.manifestDigest);
  });

  test('htpasswd Basic auth: anonymous and wrong password refused, right one works, config.json auths', { skip: !have('htpasswd') && 'needs htpasswd (Debian package apache2-utils)' }, async () => {
    const htfile = join(work, 'htpasswd');
    const r = spawnSync('htpasswd', ['-Bbn', 'alice', 'wonderland'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    writeFileSync(htfile, r.stdout);
    const basic = await startRegistry({ dir: work, storage: reg.storage, htpasswd: htfile });
    others.push(basic);
    const ref = `${basic.host}/plain/app:v1`;
    await assert.rejects(openRegistryImage(ref, { tmpDir: work, authFile: join(work, 'none.json') }), isCode('REGISTRY_AUTH', /requires credentials/));
    await assert.rejects(openRegistryImage(ref, { tmpDir: work, username: 'alice', password: 'wrong' }), (e: unknown) => isCode('REGISTRY_AUTH', /rejected/)(e) && !(e as Error).message.includes('wrong'));
    const ok = await openRegistryImage(ref, { tmpDir: work, username: 'alice', password: 'wonderland' });
    assert.equal(ok.manifestDigest, single.images[0]!.manifestDigest);
    assert.equal(await drain(await ok.layers[0]!.open()), single.images[0]!.layers[0]!.size);
    const authFile = join(work, 'docker-config.json');
    writeFileSync(authFile, JSON.stringify({ auths: { [`http://${basic.host}`]: { auth: Buffer.from('alice:wonderland').toString('base64') } } }));
    const viaFile = await openRegistryImage(ref, { tmpDir: work, authFile });
    assert.equal(viaFile.configDigest, single.images[0]!.configDigest);
  });

  test('token auth: real registry verifies our token server JWTs', { skip: !have('openssl') && 'needs openssl to make the token signing certificate' }, async () => {
    const keyPath = join(work, 'token.key');
    const certPath = join(work, 'token.crt');
    const gen = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '2', '-subj', '/CN=plimsoll-test-token'], { encoding: 'utf8' });
    assert.equal(gen.status, 0, gen.stderr);
    const key = readFileSync(keyPath, 'utf8');
    const certDer = Buffer.from(readFileSync(certPath, 'utf8').replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
    const service = 'plimsoll-test-registry';
    const issuer = 'plimsoll-test-issuer';
    const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');
    const requests: { scopes: string[]; user?: string }[] = [];

    tokenServer = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const scopes = url.searchParams.getAll('scope');
      const auth = req.headers.authorization;
      let user: string | undefined;
      if (auth?.startsWith('Basic ')) {
        const [u, p] = Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':');
        if (u !== 'tokenuser' || p !== 'tokenpass') {
          res.writeHead(401, { 'content-type': 'application/json' }).end('{"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]}');
          return;
        }
        user = u;
      }
      requests.push({ scopes, ...(user ? { user } : {}) });
      // anonymous users get a token without access (like a private repository on Docker Hub)
      const access = user
        ? scopes.map((s) => {
            const [type, name, actions] = s.split(':') as [string, string, string];
            return { type, name, actions: actions.split(',') };
          })
        : [];
      const now = Math.floor(Date.now() / 1000);
      const header = { typ: 'JWT', alg: 'RS256', x5c: [certDer.toString('base64')] };
      const claims = { iss: issuer, sub: user ?? '', aud: service, exp: now + 300, nbf: now - 10, iat: now, jti: randomUUID(), access };
      const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
      const sig = createSign('RSA-SHA256').update(signingInput).sign(key);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ token: `${signingInput}.${b64url(sig)}`, expires_in: 300 }));
    });
    await new Promise<void>((r) => tokenServer!.listen(0, '127.0.0.1', r));
    const tport = (tokenServer.address() as { port: number }).port;
    const treg = await startRegistry({ dir: work, storage: reg.storage, token: { realm: `http://127.0.0.1:${tport}/token`, service, issuer, rootCertBundle: certPath } });
    others.push(treg);
    const ref = `${treg.host}/plain/app:v1`;

    const img = await openRegistryImage(ref, { tmpDir: work, username: 'tokenuser', password: 'tokenpass' });
    assert.equal(img.manifestDigest, single.images[0]!.manifestDigest);
    const files = await readLayer(await img.layers[0]!.open(), true);
    assert.equal(files.get('etc/os-release'), 'ID=plimsoll-test\nVERSION_ID=1\n');
    const scoped = requests.filter((r) => r.user === 'tokenuser');
    assert.ok(scoped.length >= 1);
    assert.ok(scoped.every((r) => r.scopes.includes('repository:plain/app:pull')), JSON.stringify(scoped));
    assert.equal(scoped.length, 1, 'one token for the manifest, config and layer requests');

    await assert.rejects(openRegistryImage(ref, { tmpDir: work, username: 'tokenuser', password: 'nope' }), isCode('REGISTRY_AUTH', /getting an access token failed \(HTTP 401\)/));
    await assert.rejects(openRegistryImage(ref, { tmpDir: work, authFile: join(work, 'none.json') }), isCode('REGISTRY_AUTH', /requires credentials/));

    // push through token auth: pull,push scope
    const c = new RegistryClient({ registry: treg.host, username: 'tokenuser', password: 'tokenpass', ...FAST });
    const small = await buildImage({ layers: [{ files: { t: 'token push\n' } }] });
    for (const [d, b] of small.blobs) if (d !== small.manifestDigest) await c.uploadBlob('tok/app', d, b);
    await c.putManifest('tok/app', 'v1', small.manifestBytes, MediaTypes.ociManifest);
    assert.ok(requests.some((r) => r.scopes.includes('repository:tok/app:pull,push')));
    assert.equal((await c.getManifest('tok/app', 'v1')).digest, small.manifestDigest);
  });
});
