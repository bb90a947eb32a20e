/**
 * Registry authentication (distribution "token authentication" spec + Basic):
 *
 * 1. GET /v2/ without credentials. 200 → no auth. 401 → the WWW-Authenticate challenge says how.
 * 2. Basic: send `Authorization: Basic base64(user:pass)` on every request.
 * 3. Bearer realm="…",service="…",scope="…": ask the token endpoint for a token covering the
 *    scopes a request needs ("repository:<name>:pull[,push]"):
 *      GET  realm?service=…&scope=…   (Basic auth when we have user/password; anonymous otherwise)
 *      POST realm grant_type=refresh_token&refresh_token=…  (identity tokens, OAuth2)
 *    and send `Authorization: Bearer <token>`. Tokens are cached per scope set until they expire.
 * 4. A 401 on a real request (token scope too small, token expired) refreshes once with the
 *    scope the new challenge names.
 */
import { PlimsollError } from '../../util/errors.js';
import { resolveCredentials, type CredentialOptions, type CredentialResult, type Credentials } from './credentials.js';
import { errorFromResponse } from './errors.js';
import { discard, HttpTransport, type HttpResponse } from './http.js';
import { parseWwwAuthenticate, type AuthChallenge } from './www-authenticate.js';
import { isLoopbackRegistry } from '../reference.js';

const MAX_TOKEN_RESPONSE = 1024 * 1024;
/** refresh a token this long before it expires */
const EXPIRY_MARGIN_MS = 10_000;

interface CachedToken {
  token: string;
  expiresAt: number;
}

export interface AuthOptions extends CredentialOptions {
  /** pre-resolved credentials (skips config.json) */
  credentials?: CredentialResult;
  /** allow sending credentials to a plain-HTTP token endpoint */
  insecure?: boolean;
}

export type Scope = string;

export function repositoryScope(repository: string, actions: ('pull' | 'push' | 'delete')[]): Scope {
  return `repository:${repository}:${actions.join(',')}`;
}

/** Pick the challenge we can answer: Bearer over Basic. */
export function pickChallenge(challenges: AuthChallenge[]): AuthChallenge | undefined {
  return challenges.find((c) => c.scheme === 'bearer' && c.params.realm) ?? challenges.find((c) => c.scheme === 'basic');
}

export class Authenticator {
  /** undefined: not yet pinged; null: the registry needs no auth */
  private challenge: AuthChallenge | null | undefined;
  private pingPromise: Promise<void> | undefined;
  private creds: Promise<CredentialResult> | undefined;
  private readonly tokens = new Map<string, CachedToken>();
  private readonly inflight = new Map<string, Promise<string>>();

  constructor(
    private readonly registry: string,
    private readonly base: URL,
    private readonly http: HttpTransport,
    private readonly opts: AuthOptions = {},
  ) {}

  /** Learn the registry's challenge (GET /v2/) once. Network failures propagate. */
  ping(): Promise<void> {
    if (this.challenge !== undefined) return Promise.resolve();
    this.pingPromise ??= (async () => {
      const res = await this.http.send({ method: 'GET', url: new URL('/v2/', this.base), idempotent: true, followRedirects: true, what: `contacting registry ${this.registry}` });
      await discard(res);
      if (res.status === 401) {
        this.challenge = pickChallenge(parseWwwAuthenticate(res.headers.get('www-authenticate') ?? '')) ?? null;
        if (this.challenge === null) {
          throw new PlimsollError('REGISTRY_AUTH', `registry ${this.registry} demands authentication with a scheme plimsoll does not support (${(res.headers.get('www-authenticate') ?? 'no WWW-Authenticate header').slice(0, 100)})`);
        }
      } else if (res.status >= 200 && res.status < 300) {
        this.challenge = null;
      } else if (res.status === 404 || res.status === 405) {
        // not a conforming /v2/ endpoint; requests will tell us (401) if auth is needed
        this.challenge = null;
      } else {
        throw errorFromResponse(res.status, '', { registry: this.registry, action: 'checking the registry API (GET /v2/)' });
      }
    })().finally(() => {
      this.pingPromise = undefined;
    });
    return this.pingPromise;
  }

  credentials(): Promise<CredentialResult> {
    this.creds ??= this.opts.credentials ? Promise.resolve(this.opts.credentials) : resolveCredentials(this.registry, this.opts);
    return this.creds;
  }

  /** A short note for auth failures (e.g. "credential helper not installed"). */
  async hint(): Promise<string | undefined> {
    const c = await this.credentials();
    if (c.note) return c.note;
    if (c.credentials) return `credentials came from ${c.credentials.origin}`;
    return undefined;
  }

  async hasCredentials(): Promise<boolean> {
    return !!(await this.credentials()).credentials;
  }

  /** The Authorization header value for a request needing `scopes`, or undefined. */
  async authorization(scopes: Scope[]): Promise<string | undefined> {
    await this.ping();
    const ch = this.challenge;
    if (!ch) return undefined;
    if (ch.scheme === 'basic') {
      const c = (await this.credentials()).credentials;
      if (!c?.username || c.password === undefined) return undefined;
      return 'Basic ' + Buffer.from(`${c.username}:${c.password}`).toString('base64');
    }
    return 'Bearer ' + (await this.token(ch, scopes));
  }

  /**
   * Handle a 401 from a real request: adopt its challenge, forget cached tokens for `scopes`.
   * Returns true when a retry may succeed.
   */
  async onUnauthorized(res: HttpResponse, scopes: Scope[]): Promise<boolean> {
    const ch = pickChallenge(parseWwwAuthenticate(res.headers.get('www-authenticate') ?? ''));
    if (!ch) return false;
    const had = this.challenge;
    this.challenge = ch;
    this.tokens.delete(scopeKey(scopes));
    if (ch.scheme === 'basic') {
      // retrying Basic helps only if we did not send credentials before
      return had?.scheme !== 'basic' && (await this.hasCredentials());
    }
    return true;
  }

  /** Scopes for a retry: ours plus the one the challenge names (docker merges them too). */
  challengeScopes(scopes: Scope[]): Scope[] {
    const s = this.challenge?.params.scope;
    if (!s) return scopes;
    const extra = s.split(' ').filter((x) => x !== '' && !scopes.includes(x));
    return [...scopes, ...extra];
  }

  private async token(ch: AuthChallenge, scopes: Scope[]): Promise<string> {
    const key = scopeKey(scopes);
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt > Date.now()) return cached.token;
    let p = this.inflight.get(key);
    if (!p) {
      p = this.fetchToken(ch, scopes).finally(() => this.inflight.delete(key));
      this.inflight.set(key, p);
    }
    return p;
  }

  private async fetchToken(ch: AuthChallenge, scopes: Scope[]): Promise<string> {
    const realmStr = ch.params.realm!;
    let realm: URL;
    try {
      realm = new URL(realmStr);
    } catch {
      throw new PlimsollError('REGISTRY_AUTH', `registry ${this.registry} names an invalid token endpoint "${realmStr.slice(0, 200)}"`);
    }
    if (realm.protocol !== 'https:' && realm.protocol !== 'http:') {
      throw new PlimsollError('REGISTRY_AUTH', `registry ${this.registry} names a token endpoint with unsupported scheme ${realm.protocol}`);
    }
    const { credentials: creds } = await this.credentials();
    const mayCred = realm.protocol === 'https:' || this.opts.insecure || isLoopbackRegistry(realm.host);
    const service = ch.params.service;
    const headers: Record<string, string> = { accept: 'application/json' };
    let res: HttpResponse;
    const what = `getting a token for ${this.registry} from ${realm.origin}${realm.pathname}`;
    if (creds && !mayCred) {
      throw new PlimsollError('REGISTRY_AUTH', `registry ${this.registry} asks for credentials to be sent to the plain-HTTP token endpoint ${realm.origin}; refusing (use --insecure if this is intended)`);
    }
    if (creds?.identityToken) {
      // OAuth2 refresh-token grant
      const form = new URLSearchParams();
      form.set('grant_type', 'refresh_token');
      form.set('refresh_token', creds.identityToken);
      form.set('client_id', 'plimsoll');
      if (service) form.set('service', service);
      if (scopes.length) form.set('scope', scopes.join(' '));
      res = await this.http.send({
        method: 'POST',
        url: realm,
        headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
        body: Buffer.from(form.toString()),
        idempotent: true,
        followRedirects: false,
        what,
      });
    } else {
      const url = new URL(realm);
      if (service) url.searchParams.set('service', service);
      for (const s of scopes) url.searchParams.append('scope', s);
      if (creds?.username && creds.password !== undefined) {
        headers.authorization = 'Basic ' + Buffer.from(`${creds.username}:${creds.password}`).toString('base64');
        url.searchParams.set('account', creds.username);
      }
      res = await this.http.send({ method: 'GET', url, headers, idempotent: true, followRedirects: true, what });
    }
    const body = await this.http.readBody(res, MAX_TOKEN_RESPONSE, what).catch((e: unknown) => {
      throw new PlimsollError('REGISTRY_AUTH', `${what}: ${(e as Error).message}`, { cause: e });
    });
    if (res.status < 200 || res.status >= 300) {
      const err = errorFromResponse(res.status, body.toString('utf8'), {
        registry: this.registry,
        action: 'getting an access token',
        authenticated: !!creds,
        authHint: await this.hint(),
      });
      throw new PlimsollError(res.status === 401 || res.status === 403 ? 'REGISTRY_AUTH' : err.code, err.message, { details: err.details });
    }
    let j: { token?: unknown; access_token?: unknown; expires_in?: unknown; issued_at?: unknown };
    try {
      j = JSON.parse(body.toString('utf8')) as typeof j;
    } catch {
      throw new PlimsollError('REGISTRY_AUTH', `${what}: the token endpoint did not answer with JSON`);
    }
    const token = typeof j.token === 'string' && j.token !== '' ? j.token : typeof j.access_token === 'string' ? j.access_token : '';
    if (!token) throw new PlimsollError('REGISTRY_AUTH', `${what}: the token endpoint answered without a token`);
    if (/[\r\n]/.test(token)) throw new PlimsollError('REGISTRY_AUTH', `${what}: the token contains line breaks`);
    const expiresIn = typeof j.expires_in === 'number' && j.expires_in > 0 ? j.expires_in : 60;
    let start = Date.now();
    if (typeof j.issued_at === 'string') {
      const t = Date.parse(j.issued_at);
      // trust issued_at only when it is not in the future (clock skew)
      if (!Number.isNaN(t) && t <= start) start = t;
    }
    const expiresAt = start + expiresIn * 1000 - Math.min(EXPIRY_MARGIN_MS, (expiresIn * 1000) / 2);
    this.tokens.set(scopeKey(scopes), { token, expiresAt });
    return token;
  }

  /** for tests and diagnostics */
  get scheme(): string | null | undefined {
    return this.challenge === undefined ? undefined : this.challenge?.scheme ?? null;
  }

  /** The credentials in use, for callers that need to know they exist (never print them). */
  async activeCredentials(): Promise<Credentials | undefined> {
    return (await this.credentials()).credentials;
  }
}

function scopeKey(scopes: Scope[]): string {
  return [...scopes].sort().join(' ');
}
