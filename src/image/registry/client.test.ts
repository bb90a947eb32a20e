/**
 * RegistryClient against small node:http fakes: auth flows, retries, timeouts, redirects,
 * error bodies, bounded reads and digest checks. (The real registry is exercised in
 * test/registry-client.test.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RegistryClient, referrersTag } from './client.js';
import { PlimsollError } from '../../util/errors.js';
import { sha256Digest } from '../../util/digest.js';

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => void | Promise<void>;

async function serve(handler: Handler): Promise<{ server: Server; port: number; host: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    Promise.resolve(handler(req, res, url)).catch((e) => {
      res.statusCode = 500;
      res.end(String(e));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    host: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const FAST = { retryDelayMs: 1, maxRetryDelayMs: 5, authFile: '/nonexistent/config.json' };

const manifest = Buffer.from(JSON.stringify({
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: 'sha256:' + '1'.repeat(64), size: 2 },
  layers: [],
}));
const manifestDigest = sha256Digest(manifest);

function sendManifest(res: ServerResponse, body = manifest): void {
  res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'docker-content-digest': sha256Digest(body), 'content-length': body.length });
  res.end(body);
}

function isCode(code: string, re?: RegExp) {
  return (e: unknown) => e instanceof PlimsollError && e.code === code && (!re || re.test(e.message));
}

test('bearer token flow with basic credentials, token cached per scope', async () => {
  const seen = { token: 0, scopes: [] as string[], basic: [] as string[] };
  const srv = await serve((req, res, url) => {
    if (url.pathname === '/token') {
      seen.token++;
      seen.scopes.push(url.searchParams.getAll('scope').join(' '));
      seen.basic.push(req.headers.authorization ?? '');
      assert.equal(url.searchParams.get('service'), 'fake-registry');
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ access_token: 'tok-123', expires_in: 300 }));
      return;
    }
    if (req.headers.authorization !== 'Bearer tok-123') {
      res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${srv.host}/token",service="fake-registry",scope="repository:o/r:pull"`, 'content-type': 'application/json' });
      res.end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
      return;
    }
    if (url.pathname === '/v2/o/r/manifests/v1') return sendManifest(res);
    res.writeHead(404).end();
  });
  try {
    const c = new RegistryClient({ registry: srv.host, username: 'alice', password: 's3cret', ...FAST });
    const m = await c.getManifest('o/r', 'v1');
    assert.equal(m.digest, manifestDigest);
    assert.equal(m.parsed.kind, 'manifest');
    await c.getManifest('o/r', 'v1');
    assert.equal(seen.token, 1, 'token reused for the same scope');
    assert.deepEqual(seen.scopes, ['repository:o/r:pull']);
    assert.equal(seen.basic[0], 'Basic ' + Buffer.from('alice:s3cret').toString('base64'));
    assert.equal(c.auth.scheme, 'bearer');
  } finally {
    await srv.close();
  }
});

test('anonymous bearer token; token endpoint refusing gives REGISTRY_AUTH', async () => {
  let allowAnon = true;
  const srv = await serve((req, res, url) => {
    if (url.pathname === '/token') {
      assert.equal(req.headers.authorization, undefined);
      if (!allowAnon) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"errors":[{"code":"UNAUTHORIZED","message":"access denied"}]}');
        return;
      }
      res.end(JSON.stringify({ token: 'anon' }));
      return;
    }
    if (req.headers.authorization !== 'Bearer anon') {
      res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${srv.host}/token",service="svc"` }).end();
      return;
    }
    sendManifest(res);
  });
  try {
    const c = new RegistryClient({ registry: srv.host, ...FAST });
    assert.equal((await c.getManifest('o/r', 'latest')).digest, manifestDigest);
    allowAnon = false;
    const c2 = new RegistryClient({ registry: srv.host, ...FAST });
    await assert.rejects(c2.getManifest('o/r', 'latest'), isCode('REGISTRY_AUTH', /requires credentials/));
  } finally {
    await srv.close();
  }
});

test('insufficient_scope 401 refreshes the token once with the challenge scope', async () => {
  const tokenScopes: string[] = [];
  const srv = await serve((req, res, url) => {
    if (url.pathname === '/token') {
      const scopes = url.searchParams.getAll('scope');
      tokenScopes.push(scopes.join(' '));
      res.end(JSON.stringify({ token: scopes.includes('repository:o/r:pull,extra') ? 'big' : 'small' }));
      return;
    }
    if (url.pathname === '/v2/') {
      res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${srv.host}/token",service="svc"` }).end();
      return;
    }
    if (req.headers.authorization !== 'Bearer big') {
      res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${srv.host}/token",service="svc",scope="repository:o/r:pull,extra",error="insufficient_scope"` }).end();
      return;
    }
    sendManifest(res);
  });
  try {
    const c = new RegistryClient({ registry: srv.host, ...FAST });
    assert.equal((await c.getManifest('o/r', 'x')).digest, manifestDigest);
    assert.deepEqual(tokenScopes, ['repository:o/r:pull', 'repository:o/r:pull repository:o/r:pull,extra']);
  } finally {
    await srv.close();
  }
});

test('basic auth challenge', async () => {
  const want = 'Basic ' + Buffer.from('bob:pw').toString('base64');
  const srv = await serve((req, res) => {
    if (req.headers.authorization !== want) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="reg"' }).end();
      return;
    }
    sendManifest(res);
  });
  try {
    const ok = new RegistryClient({ registry: srv.host, username: 'bob', password: 'pw', ...FAST });
    assert.equal((await ok.getManifest('o/r', 'x')).digest, manifestDigest);
    assert.equal(ok.auth.scheme, 'basic');
    const bad = new RegistryClient({ registry: srv.host, username: 'bob', password: 'wrong', ...FAST });
    await assert.rejects(bad.getManifest('o/r', 'x'), (e: unknown) => isCode('REGISTRY_AUTH', /credentials were rejected/)(e) && !(e as Error).message.includes('wrong'));
    const none = new RegistryClient({ registry: srv.host, ...FAST });
    await assert.rejects(none.getManifest('o/r', 'x'), isCode('REGISTRY_AUTH', /registry 127\.0\.0\.1:\d+\/o\/r/));
  } finally {
    await srv.close();
  }
});

test('retries 503/429 for GET, not for PATCH', async () => {
  let hits = 0;
  let patches = 0;
  const srv = await serve((req, res, url) => {
    if (url.pathname === '/v2/') return void res.end('{}');
    if (req.method === 'PATCH') {
      patches++;
      res.writeHead(503).end();
      return;
    }
    if (req.method === 'POST') {
      res.writeHead(202, { location: '/v2/o/r/blobs/uploads/abc' }).end();
      return;
    }
    hits++;
    if (hits === 1) return void res.writeHead(503).end();
    if (hits === 2) return void res.writeHead(429, { 'retry-after': '0' }).end();
    sendManifest(res);
  });
  try {
    const c = new RegistryClient({ registry: srv.host, ...FAST });
    assert.equal((await c.getManifest('o/r', 'x')).digest, manifestDigest);
    assert.equal(hits, 3);
    await assert.rejects(c.uploadBlobChunked('o/r', Buffer.from('hello')), isCode('REGISTRY_ERROR', /HTTP 503/));
    assert.equal(patches, 1);
    const few = new RegistryClient({ registry: srv.host, ...FAST, retries: 0 });
    hits = 0;
    await assert.rejects(few.getManifest('o/r', 'x'), isCode('REGISTRY_ERROR', /HTTP 503/));
  } finally {
    await srv.close();
  }
});

test('a registry that never answers gives an error, not a hang', async () => {
  const srv = await serve(() => {
    /* never respond */
  });
  try {
    const c = new RegistryClient({ registry: srv.host, ...FAST, timeoutMs: 200, retries: 1 });
    await assert.rejects(c.getManifest('o/r', 'x'), isCode('REGISTRY_ERROR', /did not answer/));
  } finally {
    await srv.close();
  }
});

test('a body that stalls errors with the idle timeout', async () => {
  const blob = Buffer.from('0123456789');
  const srv = await serve((_req, res, url) => {
    if (url.pathname === '/v2/') return void res.end('{}');
    res.writeHead(200, { 'content-length': blob.length });
    res.write(blob.subarray(0, 4)); // then silence
  });
  try {
    const c = new RegistryClient({ registry: srv.host, ...FAST, idleTimeoutMs: 200 });
    const s = await c.getBlob('o/r', { digest: sha256Digest(blob), size: blob.length });
    await assert.rejects(async () => {
      for await (const _ of s) void _;
    }, isCode('REGISTRY_ERROR', /stopped sending data/));
  } finally {
    await srv.close();
  }
});

test('unreachable registry', async () => {
  const srv = await serve(() => {});
  const host = srv.host;
  await srv.close();
  const c = new RegistryClient({ registry: host, ...FAST, retries: 0 });
  await assert.rejects(c.ping(), isCode('REGISTRY_ERROR', /ECONNREFUSED/));
});

test('manifest checks: size cap, digest verification, schema1, error body', async () => {
  const huge = Buffer.alloc(4 * 1024 * 1024 + 1, 0x20);
  const srv = await serve((_req, res, url) => {
    if (url.pathname === '/v2/') return void res.end('{}');
    if (url.pathname.endsWith('/huge')) {
      res.writeHead(200, { 'content-type': 'application/json' }); // chunked, no length
      res.end(huge);
      return;
    }
    if (url.pathname.endsWith('/schema1')) {
      res.writeHead(200, { 'content-type': 'application/vnd.docker.distribution.manifest.v1+prettyjws' });
      res.end(JSON.stringify({ schemaVersion: 1, name: 'o/r', tag: 'old', fsLayers: [] }));
      return;
    }
    if (url.pathname.includes('/manifests/sha256:')) {
      // serves bytes that do not match the requested digest
      return sendManifest(res, Buffer.from(manifest.toString() + ' '));
    }
    if (url.pathname.endsWith('/missing')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{"Tag":"missing"}}]}');
      return;
    }
    sendManifest(res);
  });
  try {
    const c = new RegistryClient({ registry: srv.host, ...FAST });
    await assert.rejects(c.getManifest('o/r', 'huge'), isCode('MANIFEST_INVALID', /4 MiB/));
    await assert.rejects(c.getManifest('o/r', 'schema1'), isCode('SOURCE_UNSUPPORTED', /schema 1/));
    await assert.rejects(c.getManifest('o/r', manifestDigest), isCode('DIGEST_MISMATCH'));
    await assert.rejects(c.getManifest('o/r', 'missing'), isCode('NOT_FOUND', new RegExp(`registry ${srv.host}/o/r: fetching manifest missing failed \\(HTTP 404\\): MANIFEST_UNKNOWN: manifest unknown`)));
    const head = await c.headManifest('o/r', 'ok');
    assert.equal(head?.digest, manifestDigest);
    assert.equal(head?.size, manifest.length);
    assert.equal(await c.headManifest('o/r', 'missing'), undefined);
  } finally {
    await srv.close();
  }
});

test('blob redirects to another origin drop the Authorization header; content is verified', async () => {
  const blob = Buffer.from('layer bytes');
  const cdnAuth: (string | undefined)[] = [];
  const cdn = await serve((req, res) => {
    cdnAuth.push(req.headers.authorization);
    res.end(req.url?.includes('bad') ? Buffer.from('other bytes') : blob);
  });
  const srv = await serve((req, res, url) => {
    if (req.headers.authorization !== 'Basic ' + Buffer.from('u:p').toString('base64')) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="r"' }).end();
      return;
    }
    if (url.pathname === '/v2/') return void res.end('{}');
    res.writeHead(307, { location: `http://${cdn.host}/${url.pathname.includes('bad') ? 'bad' : 'good'}?sig=secret` }).end();
  });
  try {
    const c = new RegistryClient({ registry: srv.host, username: 'u', password: 'p', ...FAST });
    const chunks: Buffer[] = [];
    for await (const ch of await c.getBlob('o/r', { digest: sha256Digest(blob), size: blob.length })) chunks.push(ch as Buffer);
    assert.deepEqual(Buffer.concat(chunks), blob);
    assert.deepEqual(cdnAuth, [undefined]);
    const wrong = await c.getBlob('o/bad', { digest: sha256Digest(blob), size: blob.length });
    await assert.rejects(async () => {
      for await (const _ of wrong) void _;
    }, isCode('DIGEST_MISMATCH'));
  } finally {
    await srv.close();
    await cdn.close();
  }
});

test('tags pagination and referrers API detection', async () => {
  const subject = 'sha256:' + 'c'.repeat(64);
  const ref = (n: string, at: string) => ({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: 'sha256:' + n.repeat(64), size: 10, artifactType: at });
  const srv = await serve((_req, res, url) => {
    if (url.pathname === '/v2/') return void res.end('{}');
    if (url.pathname === '/v2/o/r/tags/list') {
      if (url.searchParams.get('last') === 'b') return void res.end(JSON.stringify({ name: 'o/r', tags: ['c'] }));
      res.writeHead(200, { link: '</v2/o/r/tags/list?n=2&last=b>; rel="next"' });
      res.end(JSON.stringify({ name: 'o/r', tags: ['a', 'b'] }));
      return;
    }
    if (url.pathname === `/v2/o/r/referrers/${subject}`) {
      res.writeHead(200, { 'content-type': 'application/vnd.oci.image.index.v1+json' });
      res.end(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [ref('d', 'application/vnd.dev.sig'), ref('e', 'application/spdx+json')] }));
      return;
    }
    res.writeHead(404).end('404 page not found');
  });
  try {
    const c = new RegistryClient({ registry: srv.host, ...FAST });
    assert.deepEqual(await c.listTags('o/r', { pageSize: 2 }), ['a', 'b', 'c']);
    const all = await c.referrers('o/r', subject);
    assert.ok(all.supported);
    assert.equal(all.manifests.length, 2);
    const sigs = await c.referrers('o/r', subject, { artifactType: 'application/vnd.dev.sig' });
    assert.ok(sigs.supported);
    assert.deepEqual(sigs.manifests.map((m) => m.digest), ['sha256:' + 'd'.repeat(64)], 'filtered client side');
    assert.deepEqual(await c.referrers('x/y', subject), { supported: false });
    assert.equal(referrersTag(subject), 'sha256-' + 'c'.repeat(64));
  } finally {
    await srv.close();
  }
});

test('refuses to send credentials to a plain-HTTP token endpoint of a remote registry', async () => {
  // the registry itself is loopback, but the realm names a non-loopback http host
  const srv = await serve((_req, res) => {
    res.writeHead(401, { 'www-authenticate': 'Bearer realm="http://auth.example.invalid/token",service="s"' }).end();
  });
  try {
    const c = new RegistryClient({ registry: srv.host, username: 'u', password: 'p', ...FAST });
    await assert.rejects(c.getManifest('o/r', 'x'), isCode('REGISTRY_AUTH', /plain-HTTP token endpoint/));
  } finally {
    await srv.close();
  }
});

test('identity token: OAuth2 refresh-token grant (POST) to the token endpoint', async () => {
  const posts: Record<string, string>[] = [];
  const srv = await serve(async (req, res, url) => {
    if (url.pathname === '/token') {
      assert.equal(req.method, 'POST');
      let body = '';
      for await (const c of req) body += c;
      posts.push(Object.fromEntries(new URLSearchParams(body)));
      res.end(JSON.stringify({ access_token: 'from-refresh' }));
      return;
    }
    if (req.headers.authorization !== 'Bearer from-refresh') {
      res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${srv.host}/token",service="svc"` }).end();
      return;
    }
    sendManifest(res);
  });
  try {
    const c = new RegistryClient({ registry: srv.host, ...FAST, credentials: { credentials: { identityToken: 'refresh-xyz', origin: 'test' } } });
    assert.equal((await c.getManifest('o/r', 'x')).digest, manifestDigest);
    assert.deepEqual(posts, [{ grant_type: 'refresh_token', refresh_token: 'refresh-xyz', client_id: 'plimsoll', service: 'svc', scope: 'repository:o/r:pull' }]);
  } finally {
    await srv.close();
  }
});

test('auth failures carry the credential note (e.g. a missing credential helper)', async () => {
  const srv = await serve((_req, res) => {
    res.writeHead(401, { 'www-authenticate': 'Basic realm="r"' }).end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
  });
  try {
    const c = new RegistryClient({ registry: srv.host, ...FAST, credentials: { note: 'config.json names the credential helper "desktop" but docker-credential-desktop is not installed' } });
    await assert.rejects(c.getManifest('o/r', 'x'), isCode('REGISTRY_AUTH', /docker-credential-desktop is not installed/));
  } finally {
    await srv.close();
  }
});

test('a manifest whose connection drops mid-body is fetched again', async () => {
  let hits = 0;
  const srv = await serve((_req, res, url) => {
    if (url.pathname === '/v2/') return void res.end('{}');
    hits++;
    if (hits === 1) {
      res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'content-length': manifest.length });
      res.write(manifest.subarray(0, 10));
      setImmediate(() => res.socket?.destroy());
      return;
    }
    sendManifest(res);
  });
  try {
    const c = new RegistryClient({ registry: srv.host, ...FAST });
    assert.equal((await c.getManifest('o/r', 'x')).digest, manifestDigest);
    assert.equal(hits, 2);
  } finally {
    await srv.close();
  }
});
