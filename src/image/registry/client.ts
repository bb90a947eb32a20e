/**
 * OCI Distribution registry client (https://github.com/opencontainers/distribution-spec).
 * One client talks to one registry; auth (./auth.ts), transport (./http.ts) and error mapping
 * (./errors.ts) are shared by every call. Pull side: manifests (GET/HEAD, digest-verified,
 * 4 MiB cap), blobs (streamed through VerifyingStream), tags, referrers. Push side: blob
 * upload (monolithic POST+PUT and chunked PATCH), cross-repository mount, manifest PUT.
 *
 * Content is never trusted by what the registry says about it: manifest digests are computed
 * from the bytes (Docker-Content-Digest is informational), blobs are verified while streamed.
 */
import { createHash } from 'node:crypto';
import { pipeline, type Readable } from 'node:stream';
import { PlimsollError } from '../../util/errors.js';
import { isDigest, parseDigest, sha256Digest, verifyBuffer, VerifyingStream } from '../../util/digest.js';
import { MediaTypes, type Descriptor } from '../types.js';
import { apiHost, isLoopbackRegistry, parseImageReference, type ImageReference } from '../reference.js';
import { Authenticator, repositoryScope, type AuthOptions, type Scope } from './auth.js';
import { errorFromResponse } from './errors.js';
import { discard, formatBytes, HttpTransport, redact, type HttpOptions, type HttpRequest, type HttpResponse, type RequestBody } from './http.js';
import { MANIFEST_ACCEPT, MAX_MANIFEST_BYTES, parseManifestBytes, type ParsedManifest } from './manifest.js';

export interface RegistryClientOptions extends HttpOptions, AuthOptions {
  /** registry as users write it: "docker.io", "ghcr.io", "127.0.0.1:5000" */
  registry: string;
  /** speak plain HTTP to this (non-loopback) registry */
  insecure?: boolean;
}

export interface FetchedManifest {
  /** the exact bytes served (what the digest covers) */
  bytes: Buffer;
  /** digest computed from `bytes` (sha256, or the algorithm of the digest we asked for) */
  digest: string;
  /** Docker-Content-Digest as sent by the registry — informational, not trusted */
  headerDigest?: string;
  /** the document's media type (its mediaType field, else Content-Type) */
  mediaType: string;
  contentType?: string;
  parsed: ParsedManifest;
}

export interface ManifestHead {
  /** Docker-Content-Digest header; unverified (a HEAD has no body to hash) */
  digest?: string;
  mediaType?: string;
  size?: number;
}

export interface BlobRef {
  digest: string;
  size?: number;
  /** external locations (foreign layers) tried when the registry does not have the blob */
  urls?: string[];
}

export type ReferrersResult =
  | { supported: false }
  | { supported: true; manifests: Descriptor[]; /** registry applied the artifactType filter itself */ filtered: boolean };

const MAX_ERROR_BODY = 64 * 1024;
const MAX_TAG_PAGE = 4 * 1024 * 1024;
const MAX_PAGES = 1000;
/** default chunk for chunked uploads */
export const DEFAULT_CHUNK_SIZE = 8 * 1024 * 1024;

/** true for "sha256:…" references, false for tags */
function isDigestRef(ref: string): boolean {
  return ref.includes(':');
}

/** The fallback tag of the referrers "tag schema": sha256:abc… → sha256-abc… */
export function referrersTag(digest: string): string {
  const { algorithm, hex } = parseDigest(digest);
  return `${algorithm}-${hex}`;
}

export class RegistryClient {
  readonly registry: string;
  /** API base: http(s)://<api host>/ */
  readonly baseUrl: URL;
  readonly http: HttpTransport;
  readonly auth: Authenticator;

  constructor(opts: RegistryClientOptions) {
    this.registry = opts.registry;
    const plain = opts.insecure === true || isLoopbackRegistry(opts.registry);
    this.baseUrl = new URL(`${plain ? 'http' : 'https'}://${apiHost(opts.registry)}/`);
    this.http = new HttpTransport(opts);
    this.auth = new Authenticator(opts.registry, this.baseUrl, this.http, opts);
  }

  /** A client for the registry of `ref`. */
  static forReference(ref: string | ImageReference, opts: Omit<RegistryClientOptions, 'registry'> = {}): RegistryClient {
    const r = typeof ref === 'string' ? parseImageReference(ref) : ref;
    return new RegistryClient({ ...opts, registry: r.registry });
  }

  // ---------------------------------------------------------------- plumbing

  /**
   * Send an API request with auth. A 401 gets one retry after adopting the new challenge.
   * Returns the response whatever its status; callers check it.
   */
  private async request(req: Omit<HttpRequest, 'url'> & { url: string | URL; scopes: Scope[] }): Promise<HttpResponse> {
    const url = typeof req.url === 'string' ? new URL(req.url, this.baseUrl) : req.url;
    let scopes = req.scopes;
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { ...req.headers };
      // credentials only ever go to the registry's own origin
      if (url.origin === this.baseUrl.origin) {
        const a = await this.auth.authorization(scopes);
        if (a) headers.authorization = a;
      }
      const res = await this.http.send({ ...req, url, headers });
      if (res.status !== 401 || attempt > 0 || url.origin !== this.baseUrl.origin) return res;
      if (!(await this.auth.onUnauthorized(res, scopes))) return res;
      await discard(res);
      scopes = this.auth.challengeScopes(scopes);
    }
  }

  /** Turn a failed response into a PlimsollError (reads a bounded error body). */
  private async failure(res: HttpResponse, action: string, repository?: string): Promise<PlimsollError> {
    let body = '';
    try {
      body = res.body ? (await this.http.readBody(res, MAX_ERROR_BODY, action)).toString('utf8') : '';
    } catch {
      /* the status is enough */
    }
    return errorFromResponse(res.status, body, {
      registry: this.registry,
      repository,
      action,
      authenticated: await this.auth.hasCredentials(),
      authHint: res.status === 401 || res.status === 403 ? await this.auth.hint() : undefined,
    });
  }

  /**
   * Retry `fn` when the connection broke while reading a response body (the transport already
   * retried the request itself, so other failures are final).
   */
  private async retrying<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (e) {
        const retryable = e instanceof PlimsollError && e.details?.bodyError === true;
        if (!retryable || attempt >= this.http.opts.retries) throw e;
        await new Promise((r) => setTimeout(r, this.http.opts.retryDelayMs * 2 ** attempt));
      }
    }
  }

  private path(repository: string, kind: 'manifests' | 'blobs' | 'tags' | 'referrers', rest: string): string {
    return `/v2/${repository}/${kind}/${rest}`;
  }

  // ---------------------------------------------------------------- pull side

  /** GET /v2/ — checks the registry answers and learns its auth challenge. */
  async ping(): Promise<void> {
    await this.auth.ping();
  }

  /**
   * Fetch a manifest or index by tag or digest. By digest, the bytes are verified against it
   * (DIGEST_MISMATCH otherwise); by tag, the digest is computed from the bytes.
   */
  async getManifest(repository: string, reference: string, opts: { accept?: string; /** mediaType of the descriptor that named it */ expectedMediaType?: string } = {}): Promise<FetchedManifest> {
    if (isDigestRef(reference)) parseDigest(reference);
    const what = `${this.registry}/${repository}${isDigestRef(reference) ? '@' : ':'}${reference}`;
    return this.retrying(async () => {
      const res = await this.request({
        method: 'GET',
        url: this.path(repository, 'manifests', reference),
        headers: { accept: opts.accept ?? MANIFEST_ACCEPT },
        scopes: [repositoryScope(repository, ['pull'])],
        idempotent: true,
        followRedirects: true,
        what: `fetching manifest ${what}`,
      });
      if (res.status !== 200) throw await this.failure(res, `fetching manifest ${reference}`, repository);
      const bytes = await this.http.readBody(res, MAX_MANIFEST_BYTES, `manifest ${what}`);
      let digest: string;
      if (isDigestRef(reference)) {
        verifyBuffer(bytes, reference, `manifest ${what}`);
        digest = reference;
      } else {
        digest = sha256Digest(bytes);
      }
      const contentType = res.headers.get('content-type') ?? undefined;
      const parsed = parseManifestBytes(bytes, contentType, `manifest ${what}`, opts.expectedMediaType);
      const headerDigest = res.headers.get('docker-content-digest') ?? undefined;
      return { bytes, digest, mediaType: parsed.mediaType, parsed, ...(contentType ? { contentType } : {}), ...(headerDigest ? { headerDigest } : {}) };
    });
  }

  /** HEAD a manifest: undefined when it does not exist. */
  async headManifest(repository: string, reference: string, opts: { accept?: string } = {}): Promise<ManifestHead | undefined> {
    const res = await this.request({
      method: 'HEAD',
      url: this.path(repository, 'manifests', reference),
      headers: { accept: opts.accept ?? MANIFEST_ACCEPT },
      scopes: [repositoryScope(repository, ['pull'])],
      idempotent: true,
      followRedirects: true,
      what: `checking manifest ${this.registry}/${repository}:${reference}`,
    });
    await discard(res);
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw await this.failure(res, `checking manifest ${reference}`, repository);
    const digest = res.headers.get('docker-content-digest') ?? undefined;
    const mediaType = res.headers.get('content-type')?.split(';')[0]?.trim();
    const len = Number(res.headers.get('content-length') ?? NaN);
    return {
      ...(digest && isDigest(digest) ? { digest } : {}),
      ...(mediaType ? { mediaType } : {}),
      ...(Number.isSafeInteger(len) && len >= 0 ? { size: len } : {}),
    };
  }

  /**
   * Stream a blob, verified against its digest (and size when given): the returned stream errors
   * with DIGEST_MISMATCH / LAYER_TRUNCATED at its end if the content is wrong.
   */
  async getBlob(repository: string, blob: BlobRef): Promise<Readable> {
    parseDigest(blob.digest);
    const what = `blob ${blob.digest} of ${this.registry}/${repository}`;
    const res = await this.request({
      method: 'GET',
      url: this.path(repository, 'blobs', blob.digest),
      scopes: [repositoryScope(repository, ['pull'])],
      idempotent: true,
      followRedirects: true,
      what: `fetching ${what}`,
    });
    let ok = res;
    if (res.status === 404 && blob.urls?.length) {
      await discard(res);
      ok = await this.fetchForeign(blob, what);
    } else if (res.status !== 200) {
      throw await this.failure(res, `fetching blob ${blob.digest}`, repository);
    }
    const declared = Number(ok.headers.get('content-length') ?? NaN);
    if (blob.size !== undefined && Number.isFinite(declared) && declared > blob.size) {
      ok.abort();
      await discard(ok);
      throw new PlimsollError('DIGEST_MISMATCH', `${what}: the registry sends ${declared} bytes, the descriptor declares ${blob.size}; the blob is not the one the manifest names`);
    }
    const src = this.http.toNodeStream(ok, `downloading ${what}`);
    const verifier = new VerifyingStream(blob.digest, what, blob.size);
    pipeline(src, verifier, () => {
      /* errors reach the consumer through `verifier` */
    });
    return verifier;
  }

  /** Foreign layers (Windows base layers) live at the descriptor's urls, not in the registry. */
  private async fetchForeign(blob: BlobRef, what: string): Promise<HttpResponse> {
    const errors: string[] = [];
    for (const u of blob.urls ?? []) {
      let url: URL;
      try {
        url = new URL(u);
      } catch {
        errors.push(`invalid URL`);
        continue;
      }
      if (url.protocol !== 'https:' && !(url.protocol === 'http:' && this.baseUrl.protocol === 'http:')) {
        errors.push(`${url.protocol} URL refused`);
        continue;
      }
      try {
        const res = await this.http.send({ method: 'GET', url, idempotent: true, followRedirects: true, what: `fetching ${what} from ${redact(u)}` });
        if (res.status === 200) return res;
        await discard(res);
        errors.push(`${redact(u)}: HTTP ${res.status}`);
      } catch (e) {
        errors.push(`${redact(u)}: ${(e as Error).message}`);
      }
    }
    throw new PlimsollError('NOT_FOUND', `${what}: not in the registry, and its external URLs failed (${errors.join('; ')})`);
  }

  /** Read a small blob (e.g. an image config) fully, verified. */
  async getBlobBytes(repository: string, blob: BlobRef, max: number): Promise<Buffer> {
    if (blob.size !== undefined && blob.size > max) {
      throw new PlimsollError('MANIFEST_INVALID', `blob ${blob.digest} of ${this.registry}/${repository} is ${blob.size} bytes, more than the ${formatBytes(max)} limit`);
    }
    return this.retrying(async () => {
      const s = await this.getBlob(repository, blob);
      const chunks: Buffer[] = [];
      let total = 0;
      for await (const c of s) {
        total += (c as Buffer).length;
        if (total > max) {
          s.destroy();
          throw new PlimsollError('MANIFEST_INVALID', `blob ${blob.digest} of ${this.registry}/${repository} is larger than the ${formatBytes(max)} limit`);
        }
        chunks.push(c as Buffer);
      }
      return Buffer.concat(chunks, total);
    });
  }

  /** HEAD a blob: its size when present, undefined when not. */
  async blobExists(repository: string, digest: string, opts: { push?: boolean } = {}): Promise<{ size?: number } | undefined> {
    parseDigest(digest);
    const res = await this.request({
      method: 'HEAD',
      url: this.path(repository, 'blobs', digest),
      scopes: [repositoryScope(repository, opts.push ? ['pull', 'push'] : ['pull'])],
      idempotent: true,
      followRedirects: true,
      what: `checking blob ${digest} in ${this.registry}/${repository}`,
    });
    await discard(res);
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw await this.failure(res, `checking blob ${digest}`, repository);
    const len = Number(res.headers.get('content-length') ?? NaN);
    return Number.isSafeInteger(len) && len >= 0 ? { size: len } : {};
  }

  /** All tags of a repository, following Link pagination (bounded). */
  async listTags(repository: string, opts: { pageSize?: number; max?: number } = {}): Promise<string[]> {
    const max = opts.max ?? 100_000;
    const tags: string[] = [];
    let url: URL | undefined = new URL(this.path(repository, 'tags', 'list'), this.baseUrl);
    if (opts.pageSize) url.searchParams.set('n', String(opts.pageSize));
    for (let page = 0; url && page < MAX_PAGES && tags.length < max; page++) {
      const res = await this.request({
        method: 'GET',
        url,
        headers: { accept: 'application/json' },
        scopes: [repositoryScope(repository, ['pull'])],
        idempotent: true,
        followRedirects: true,
        what: `listing tags of ${this.registry}/${repository}`,
      });
      if (res.status !== 200) throw await this.failure(res, 'listing tags', repository);
      const body = await this.http.readBody(res, MAX_TAG_PAGE, `tag list of ${this.registry}/${repository}`);
      let j: { tags?: unknown };
      try {
        j = JSON.parse(body.toString('utf8')) as typeof j;
      } catch {
        throw new PlimsollError('REGISTRY_ERROR', `registry ${this.registry}/${repository}: the tag list is not JSON`);
      }
      if (Array.isArray(j.tags)) for (const t of j.tags) if (typeof t === 'string') tags.push(t);
      url = nextLink(res, url);
    }
    return tags.slice(0, max);
  }

  /**
   * GET /v2/<name>/referrers/<digest>. A 404 means the registry does not implement the API
   * (the spec forbids 404 from registries that do); callers then use the tag schema
   * (referrersTag(digest)).
   */
  async referrers(repository: string, digest: string, opts: { artifactType?: string } = {}): Promise<ReferrersResult> {
    parseDigest(digest);
    const manifests: Descriptor[] = [];
    let filtered = false;
    let url: URL | undefined = new URL(this.path(repository, 'referrers', digest), this.baseUrl);
    if (opts.artifactType) url.searchParams.set('artifactType', opts.artifactType);
    for (let page = 0; url && page < MAX_PAGES; page++) {
      const res = await this.request({
        method: 'GET',
        url,
        headers: { accept: MediaTypes.ociIndex },
        scopes: [repositoryScope(repository, ['pull'])],
        idempotent: true,
        followRedirects: true,
        what: `listing referrers of ${digest} in ${this.registry}/${repository}`,
      });
      if (page === 0 && (res.status === 404 || res.status === 405 || res.status === 501)) {
        await discard(res);
        return { supported: false };
      }
      if (res.status !== 200) throw await this.failure(res, `listing referrers of ${digest}`, repository);
      const body = await this.http.readBody(res, MAX_MANIFEST_BYTES, `referrers of ${digest}`);
      const parsed = parseManifestBytes(body, MediaTypes.ociIndex, `referrers index of ${this.registry}/${repository}@${digest}`);
      if (parsed.kind !== 'index') throw new PlimsollError('REGISTRY_ERROR', `registry ${this.registry}/${repository}: the referrers response is not an image index`);
      manifests.push(...parsed.index.manifests);
      if ((res.headers.get('oci-filters-applied') ?? '').split(',').map((s) => s.trim()).includes('artifactType')) filtered = true;
      url = nextLink(res, url);
    }
    const out = opts.artifactType && !filtered ? manifests.filter((m) => m.artifactType === opts.artifactType) : manifests;
    return { supported: true, manifests: out, filtered: filtered || !opts.artifactType };
  }

  // ---------------------------------------------------------------- push side

  /** PUT a manifest under a tag or its digest. Returns the digest computed from `bytes`. */
  async putManifest(repository: string, reference: string, bytes: Uint8Array, mediaType: string): Promise<{ digest: string; location?: string; subject?: string }> {
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (buf.length > MAX_MANIFEST_BYTES) throw new PlimsollError('MANIFEST_INVALID', `manifest for ${this.registry}/${repository} is larger than ${formatBytes(MAX_MANIFEST_BYTES)}`);
    let digest = sha256Digest(buf);
    if (isDigestRef(reference)) {
      verifyBuffer(buf, reference, `manifest for ${this.registry}/${repository}`);
      digest = reference;
    }
    const res = await this.request({
      method: 'PUT',
      url: this.path(repository, 'manifests', reference),
      headers: { 'content-type': mediaType },
      body: buf,
      scopes: [repositoryScope(repository, ['pull', 'push'])],
      idempotent: true,
      followRedirects: false,
      what: `pushing manifest ${this.registry}/${repository}:${reference}`,
    });
    if (res.status !== 201 && res.status !== 200 && res.status !== 202) throw await this.failure(res, `pushing manifest ${reference}`, repository);
    await discard(res);
    const location = res.headers.get('location') ?? undefined;
    const subject = res.headers.get('oci-subject') ?? undefined;
    return { digest, ...(location ? { location } : {}), ...(subject ? { subject } : {}) };
  }

  /** POST /v2/<name>/blobs/uploads/ → the upload session URL. */
  private async startUpload(repository: string, query: Record<string, string> = {}, extraScopes: Scope[] = []): Promise<HttpResponse> {
    const url = new URL(`/v2/${repository}/blobs/uploads/`, this.baseUrl);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    return this.request({
      method: 'POST',
      url,
      headers: { 'content-length': '0' },
      scopes: [repositoryScope(repository, ['pull', 'push']), ...extraScopes],
      idempotent: true,
      followRedirects: false,
      what: `starting a blob upload to ${this.registry}/${repository}`,
    });
  }

  private uploadLocation(res: HttpResponse, repository: string): URL {
    const loc = res.headers.get('location');
    if (!loc) throw new PlimsollError('REGISTRY_ERROR', `registry ${this.registry}/${repository}: blob upload answered without a Location header`);
    try {
      return new URL(loc, res.url);
    } catch {
      throw new PlimsollError('REGISTRY_ERROR', `registry ${this.registry}/${repository}: blob upload Location "${redact(loc).slice(0, 200)}" is not a URL`);
    }
  }

  /**
   * Monolithic upload: POST to open a session, PUT the whole blob with ?digest=.
   * `data` is the blob bytes, or a size plus a function opening a fresh stream of them.
   * Skips the upload when the registry already has the blob.
   */
  async uploadBlob(repository: string, digest: string, data: Uint8Array | { size: number; open: () => Readable }): Promise<{ existed: boolean }> {
    parseDigest(digest);
    if (await this.blobExists(repository, digest, { push: true })) return { existed: true };
    const size = data instanceof Uint8Array ? data.byteLength : data.size;
    if (data instanceof Uint8Array) verifyBuffer(Buffer.from(data.buffer, data.byteOffset, data.byteLength), digest, `blob for ${this.registry}/${repository}`);
    const start = await this.startUpload(repository);
    if (start.status !== 202) throw await this.failure(start, 'starting a blob upload', repository);
    await discard(start);
    const url = this.uploadLocation(start, repository);
    url.searchParams.set('digest', digest);
    const body: RequestBody = data instanceof Uint8Array ? data : data.open;
    const res = await this.request({
      method: 'PUT',
      url,
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
      body,
      scopes: [repositoryScope(repository, ['pull', 'push'])],
      idempotent: false,
      followRedirects: false,
      what: `uploading blob ${digest} to ${this.registry}/${repository}`,
    });
    if (res.status !== 201) throw await this.failure(res, `uploading blob ${digest}`, repository);
    await discard(res);
    return { existed: false };
  }

  /**
   * Chunked upload: POST, then PATCH each chunk with Content-Range, then PUT ?digest=.
   * The digest is computed while sending and, when `expectedDigest` is given, checked first
   * hand so the registry is never asked to commit a blob we know is wrong.
   */
  async uploadBlobChunked(repository: string, source: Uint8Array | AsyncIterable<Uint8Array>, opts: { expectedDigest?: string; chunkSize?: number } = {}): Promise<{ digest: string; size: number }> {
    const chunkSize = Math.max(1, opts.chunkSize ?? DEFAULT_CHUNK_SIZE);
    const hash = createHash('sha256');
    const start = await this.startUpload(repository);
    if (start.status !== 202) throw await this.failure(start, 'starting a blob upload', repository);
    await discard(start);
    let url = this.uploadLocation(start, repository);
    let offset = 0;

    const send = async (chunk: Buffer): Promise<void> => {
      hash.update(chunk);
      const res = await this.request({
        method: 'PATCH',
        url,
        headers: {
          'content-type': 'application/octet-stream',
          'content-length': String(chunk.length),
          'content-range': `${offset}-${offset + chunk.length - 1}`,
        },
        body: chunk,
        scopes: [repositoryScope(repository, ['pull', 'push'])],
        idempotent: false,
        followRedirects: false,
        what: `uploading a chunk to ${this.registry}/${repository}`,
      });
      if (res.status !== 202) throw await this.failure(res, `uploading a blob chunk at offset ${offset}`, repository);
      await discard(res);
      url = this.uploadLocation(res, repository);
      offset += chunk.length;
    };

    // re-cut whatever the source yields into chunkSize pieces, holding at most one chunk
    let pending: Buffer[] = [];
    let pendingLen = 0;
    const iterable: AsyncIterable<Uint8Array> | Iterable<Uint8Array> = source instanceof Uint8Array ? [source] : source;
    for await (const piece of iterable) {
      let b = Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
      while (b.length > 0) {
        const take = Math.min(chunkSize - pendingLen, b.length);
        pending.push(b.subarray(0, take));
        pendingLen += take;
        b = b.subarray(take);
        if (pendingLen === chunkSize) {
          await send(Buffer.concat(pending, pendingLen));
          pending = [];
          pendingLen = 0;
        }
      }
    }
    if (pendingLen > 0) await send(Buffer.concat(pending, pendingLen));

    const digest = 'sha256:' + hash.digest('hex');
    if (opts.expectedDigest && opts.expectedDigest !== digest) {
      throw new PlimsollError('DIGEST_MISMATCH', `blob for ${this.registry}/${repository}: uploaded content has digest ${digest}, expected ${opts.expectedDigest}; not committed`);
    }
    url.searchParams.set('digest', digest);
    const res = await this.request({
      method: 'PUT',
      url,
      headers: { 'content-length': '0' },
      scopes: [repositoryScope(repository, ['pull', 'push'])],
      idempotent: false,
      followRedirects: false,
      what: `committing blob ${digest} to ${this.registry}/${repository}`,
    });
    if (res.status !== 201) throw await this.failure(res, `committing blob ${digest}`, repository);
    await discard(res);
    return { digest, size: offset };
  }

  /**
   * Cross-repository mount: POST ?mount=<digest>&from=<repo>. True when mounted (201). When the
   * registry declines (202 with an upload session), the session is cancelled and false returned.
   */
  async mountBlob(repository: string, digest: string, fromRepository: string): Promise<boolean> {
    parseDigest(digest);
    const res = await this.startUpload(repository, { mount: digest, from: fromRepository }, [repositoryScope(fromRepository, ['pull'])]);
    if (res.status === 201) {
      await discard(res);
      return true;
    }
    if (res.status === 202) {
      await discard(res);
      try {
        const url = this.uploadLocation(res, repository);
        const del = await this.request({ method: 'DELETE', url, scopes: [repositoryScope(repository, ['pull', 'push'])], idempotent: true, followRedirects: false, what: 'cancelling an upload' });
        await discard(del);
      } catch {
        /* best effort: the registry expires stale sessions */
      }
      return false;
    }
    throw await this.failure(res, `mounting blob ${digest} from ${fromRepository}`, repository);
  }
}

/** The rel="next" URL of a Link header (RFC 8288), resolved against the request URL. */
export function nextLink(res: HttpResponse, base: URL): URL | undefined {
  const link = res.headers.get('link');
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const m = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (!m) continue;
    if (!/\brel\s*=\s*"?next"?/i.test(m[2]!)) continue;
    try {
      const next = new URL(m[1]!, base);
      // pagination must stay on the same registry
      return next.origin === base.origin ? next : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
