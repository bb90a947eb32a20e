/**
 * HTTP transport for registry calls, on the global fetch (undici in Node 20):
 *  - a response-headers timeout (covers connect + TLS + server think time) and an idle timeout
 *    between body chunks, both through AbortController, so a dead registry errors, never hangs;
 *  - retries with exponential backoff (and Retry-After) on 429/5xx and network errors, for
 *    idempotent requests with a replayable body only;
 *  - redirects followed by hand (at most 10), dropping the Authorization header when the
 *    origin changes (blob downloads are commonly redirected to a CDN or object store);
 *  - bounded body reads.
 */
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { PlimsollError } from '../../util/errors.js';

export interface HttpOptions {
  /** max wait for response headers, ms (default 30 s) */
  timeoutMs?: number;
  /** max gap between body chunks, ms (default 60 s) */
  idleTimeoutMs?: number;
  /** extra attempts for idempotent requests (default 3) */
  retries?: number;
  /** first backoff delay, doubled per attempt (default 500 ms) */
  retryDelayMs?: number;
  /** cap for one backoff delay, including Retry-After (default 20 s) */
  maxRetryDelayMs?: number;
  userAgent?: string;
  /** injectable fetch (tests) */
  fetch?: typeof globalThis.fetch;
}

export type RequestBody = Uint8Array | (() => Readable);

export interface HttpRequest {
  method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';
  url: URL;
  headers?: Record<string, string>;
  body?: RequestBody;
  /** safe to send again after a 5xx/429 or network error */
  idempotent: boolean;
  /** follow 3xx (else returned as is) */
  followRedirects?: boolean;
  /** "fetching manifest alpine:latest" — for messages */
  what: string;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  /** final URL after redirects */
  url: URL;
  /** the web body; read it with readBody/toNodeStream or release it with discard */
  body: Response['body'];
  /** abort the underlying request (stops a body transfer) */
  abort(): void;
}

const RETRY_STATUS = new Set([429, 500, 502, 503, 504]);
/** buffers larger than this are sent as a stream, under the idle timer */
const STREAM_THRESHOLD = 1024 * 1024;

function* slices(b: Uint8Array, size = 64 * 1024): Generator<Buffer> {
  for (let i = 0; i < b.byteLength; i += size) yield Buffer.from(b.buffer, b.byteOffset + i, Math.min(size, b.byteLength - i));
}
const MAX_REDIRECTS = 10;

export const DEFAULT_HTTP: Required<Omit<HttpOptions, 'fetch'>> = {
  timeoutMs: 30_000,
  idleTimeoutMs: 60_000,
  retries: 3,
  retryDelayMs: 500,
  maxRetryDelayMs: 20_000,
  userAgent: 'plimsoll',
};

export class HttpTransport {
  readonly opts: Required<Omit<HttpOptions, 'fetch'>>;
  private readonly fetchImpl: typeof globalThis.fetch;

  constructor(opts: HttpOptions = {}) {
    this.opts = {
      timeoutMs: opts.timeoutMs ?? DEFAULT_HTTP.timeoutMs,
      idleTimeoutMs: opts.idleTimeoutMs ?? DEFAULT_HTTP.idleTimeoutMs,
      retries: opts.retries ?? DEFAULT_HTTP.retries,
      retryDelayMs: opts.retryDelayMs ?? DEFAULT_HTTP.retryDelayMs,
      maxRetryDelayMs: opts.maxRetryDelayMs ?? DEFAULT_HTTP.maxRetryDelayMs,
      userAgent: opts.userAgent ?? DEFAULT_HTTP.userAgent,
    };
    this.fetchImpl = opts.fetch ?? globalThis.fetch;
  }

  /** Send with retries (idempotent requests) and redirects. Non-2xx statuses are returned, not thrown. */
  async send(req: HttpRequest): Promise<HttpResponse> {
    // bodies are buffers or stream factories, so every request can be replayed
    const maxAttempts = req.idempotent ? this.opts.retries + 1 : 1;
    let lastErr: unknown;
    let timeouts = 0;
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      if (attempt > 0) await sleep(this.backoff(attempt, lastErr));
      try {
        const res = await this.sendFollowing(req);
        if (RETRY_STATUS.has(res.status) && attempt + 1 < maxAttempts) {
          await discard(res);
          lastErr = res;
          continue;
        }
        return res;
      } catch (e) {
        lastErr = e;
        if (!(e instanceof PlimsollError && e.details?.retryable === true) || attempt + 1 >= maxAttempts) throw e;
        // a registry that timed out twice is down: do not wait for it again and again
        if (e.details.timeout === true && ++timeouts >= 2) throw e;
      }
    }
    // unreachable: the loop either returns or throws
    throw new PlimsollError('INTERNAL', `${req.what}: retry loop ended unexpectedly`);
  }

  private backoff(attempt: number, last: unknown): number {
    let delay = this.opts.retryDelayMs * 2 ** (attempt - 1);
    if (last && typeof last === 'object' && 'headers' in last) {
      const ra = (last as HttpResponse).headers.get('retry-after');
      const parsed = ra ? parseRetryAfter(ra) : undefined;
      if (parsed !== undefined) delay = Math.max(delay, parsed);
    }
    // +-20% jitter so parallel downloads do not retry in lockstep
    delay = delay * (0.8 + Math.random() * 0.4);
    return Math.min(delay, this.opts.maxRetryDelayMs);
  }

  private async sendFollowing(req: HttpRequest): Promise<HttpResponse> {
    let url = req.url;
    let headers = { ...req.headers };
    const origin = req.url.origin;
    for (let hop = 0; ; hop++) {
      const res = await this.sendOnce(req, url, headers);
      const loc = res.headers.get('location');
      if (!req.followRedirects || ![301, 302, 303, 307, 308].includes(res.status) || !loc) return res;
      await discard(res);
      if (hop >= MAX_REDIRECTS) {
        throw new PlimsollError('REGISTRY_ERROR', `${req.what}: more than ${MAX_REDIRECTS} redirects (last to ${redact(loc)})`);
      }
      let next: URL;
      try {
        next = new URL(loc, url);
      } catch {
        throw new PlimsollError('REGISTRY_ERROR', `${req.what}: redirect to an invalid URL`);
      }
      if (next.protocol !== 'https:' && next.protocol !== 'http:') {
        throw new PlimsollError('REGISTRY_ERROR', `${req.what}: redirect to unsupported URL scheme ${next.protocol}`);
      }
      if (next.origin !== origin) {
        // never leak registry credentials to a CDN / object store
        headers = Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'authorization'));
      }
      url = next;
    }
  }

  private async sendOnce(req: HttpRequest, url: URL, headers: Record<string, string>): Promise<HttpResponse> {
    const controller = new AbortController();
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    let waitedMs = this.opts.timeoutMs;
    const arm = (ms: number): void => {
      clearTimeout(timer);
      waitedMs = ms;
      timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, ms);
    };
    const init: RequestInit & { duplex?: 'half' } = {
      method: req.method,
      headers: { 'user-agent': this.opts.userAgent, ...headers },
      redirect: 'manual',
      signal: controller.signal,
    };
    const body = req.body;
    if (body instanceof Uint8Array && body.byteLength <= STREAM_THRESHOLD) {
      init.body = body;
    } else if (body !== undefined) {
      // Large or streamed bodies: a fixed deadline would cut off slow uploads, so the timer is
      // an idle timer while the body is being consumed, and the response timer after its end.
      const src = body instanceof Uint8Array ? Readable.from(slices(body), { objectMode: false }) : body();
      src.on('data', () => arm(this.opts.idleTimeoutMs));
      src.once('end', () => arm(this.opts.timeoutMs));
      init.body = Readable.toWeb(src) as unknown as NonNullable<RequestInit['body']>;
      init.duplex = 'half';
    }
    arm(this.opts.timeoutMs);
    let res: Response;
    try {
      res = await this.fetchImpl(url, init);
    } catch (e) {
      throw networkError(e, url, req.what, timedOut, waitedMs);
    } finally {
      clearTimeout(timer);
    }
    return {
      status: res.status,
      headers: res.headers,
      url,
      body: res.body,
      abort: () => controller.abort(),
    };
  }

  /** Read the whole body, refusing more than `max` bytes. */
  async readBody(res: HttpResponse, max: number, what: string): Promise<Buffer> {
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > max) {
      res.abort();
      await discard(res);
      throw new PlimsollError('MANIFEST_INVALID', `${what}: the response is ${declared} bytes, more than the ${formatBytes(max)} limit`);
    }
    if (!res.body) return Buffer.alloc(0);
    const chunks: Buffer[] = [];
    let total = 0;
    const stream = this.toNodeStream(res, what);
    try {
      for await (const c of stream) {
        const b = c as Buffer;
        total += b.length;
        if (total > max) {
          throw new PlimsollError('MANIFEST_INVALID', `${what}: the response is larger than the ${formatBytes(max)} limit`);
        }
        chunks.push(b);
      }
    } finally {
      stream.destroy();
    }
    return Buffer.concat(chunks, total);
  }

  /** The body as a Node stream that errors when the registry sends nothing for idleTimeoutMs. */
  toNodeStream(res: HttpResponse, what: string): Readable {
    if (!res.body) return Readable.from([]);
    return new BodyReadable(res, this.opts.idleTimeoutMs, what);
  }
}

/**
 * Node Readable over a fetch body. The idle timer runs only while we are waiting on the
 * registry (inside _read), so a slow consumer applying backpressure never trips it.
 */
class BodyReadable extends Readable {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private pending = false;
  constructor(private readonly res: HttpResponse, private readonly idleMs: number, private readonly what: string) {
    super();
    this.reader = res.body!.getReader();
  }
  override _read(): void {
    if (this.pending) return;
    this.pending = true;
    const timer = setTimeout(() => {
      this.res.abort();
      this.destroy(new PlimsollError('REGISTRY_ERROR', `${this.what}: the registry stopped sending data (nothing for ${this.idleMs / 1000}s)`, { details: { retryable: true, bodyError: true } }));
    }, this.idleMs);
    this.reader.read().then(
      ({ done, value }) => {
        clearTimeout(timer);
        this.pending = false;
        if (this.destroyed) return;
        if (done) this.push(null);
        else this.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
      },
      (e: unknown) => {
        clearTimeout(timer);
        this.pending = false;
        if (!this.destroyed) this.destroy(wrapBodyError(e, this.what));
      },
    );
  }
  override _destroy(err: Error | null, cb: (error: Error | null) => void): void {
    this.reader.cancel().catch(() => {});
    cb(err);
  }
}

function wrapBodyError(e: unknown, what: string): Error {
  if (e instanceof PlimsollError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new PlimsollError('REGISTRY_ERROR', `${what}: the connection failed while reading the response: ${msg}`, { cause: e, details: { retryable: true, bodyError: true } });
}

/** Release a response body we do not want. */
export async function discard(res: HttpResponse): Promise<void> {
  try {
    await res.body?.cancel();
  } catch {
    /* already consumed or aborted */
  }
}

function networkError(e: unknown, url: URL, what: string, timedOut: boolean, timeoutMs: number): PlimsollError {
  if (e instanceof PlimsollError) return e;
  const host = url.host;
  if (timedOut) {
    return new PlimsollError('REGISTRY_ERROR', `${what}: registry ${host} did not answer within ${timeoutMs / 1000}s; check that it is up and reachable`, { cause: e, details: { retryable: true, timeout: true } });
  }
  const cause = (e as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  const code = cause?.code ?? '';
  const detail = cause?.message ?? (e instanceof Error ? e.message : String(e));
  let advice = '';
  if (code === 'ECONNREFUSED') advice = ' (connection refused: is the registry running on that host and port?)';
  else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') advice = ' (the host name does not resolve)';
  else if (/SSL|TLS|EPROTO|wrong version number|CERT/i.test(code + ' ' + detail)) {
    advice = url.protocol === 'https:'
      ? ' (TLS failed: if this registry speaks plain HTTP or uses a self-signed certificate, use --insecure)'
      : '';
  }
  // a name that does not resolve or a certificate that does not verify will not get better by retrying
  const retryable = code !== 'ENOTFOUND' && !/CERT|SELF_SIGNED|ERR_TLS|SSL/i.test(code + ' ' + detail);
  return new PlimsollError('REGISTRY_ERROR', `${what}: cannot reach registry ${host}: ${code ? code + ' ' : ''}${detail}${advice}`, { cause: e, details: { retryable } });
}

export function parseRetryAfter(v: string): number | undefined {
  const t = v.trim();
  if (/^\d+$/.test(t)) return Number(t) * 1000;
  const when = Date.parse(t);
  if (Number.isNaN(when)) return undefined;
  return Math.max(0, when - Date.now());
}

/** Remove query strings (signed CDN URLs carry credentials) from URLs we print. */
export function redact(u: string): string {
  const q = u.indexOf('?');
  return q >= 0 ? u.slice(0, q) + '?…' : u;
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}
