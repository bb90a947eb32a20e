/**
 * Registry credentials: explicit username/password, else docker's config.json
 * ($DOCKER_CONFIG/config.json or ~/.docker/config.json, or an explicit path):
 *
 *   { "auths": { "<server>": { "auth": base64("user:pass"), "identitytoken": "..." } },
 *     "credHelpers": { "<host>": "<helper>" }, "credsStore": "<helper>" }
 *
 * A helper is the program docker-credential-<helper>; `get` reads the server URL on stdin and
 * prints {"ServerURL","Username","Secret"}; Username "<token>" means Secret is an identity
 * (refresh) token. Failures never throw here: they come back as `note`, which the client puts
 * into its REGISTRY_AUTH message if the registry then demands credentials.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DOCKER_HUB, DOCKER_HUB_API, DOCKER_HUB_AUTH_KEY } from '../reference.js';

export interface Credentials {
  username?: string;
  password?: string;
  /** OAuth2 refresh token ("identitytoken" in config.json) for the token endpoint */
  identityToken?: string;
  /** where they came from, for messages (never the secret itself) */
  origin: string;
}

export interface CredentialResult {
  credentials?: Credentials;
  /** why none were found when that is worth telling the user */
  note?: string;
}

export interface CredentialOptions {
  username?: string;
  password?: string;
  authFile?: string;
  /** overrides process.env (tests) */
  env?: NodeJS.ProcessEnv;
}

const MAX_CONFIG_BYTES = 4 * 1024 * 1024;
const HELPER_TIMEOUT_MS = 30_000;

export function defaultAuthFile(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.DOCKER_CONFIG && env.DOCKER_CONFIG !== '' ? env.DOCKER_CONFIG : join(env.HOME || homedir(), '.docker');
  return join(dir, 'config.json');
}

/** "https://index.docker.io/v1/" → "index.docker.io"; "registry:5000/v2" → "registry:5000". */
export function normalizeAuthKey(key: string): string {
  let k = key.trim().toLowerCase();
  k = k.replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
  const slash = k.indexOf('/');
  if (slash >= 0) k = k.slice(0, slash);
  if (k === 'index.docker.io' || k === DOCKER_HUB_API) return DOCKER_HUB;
  return k;
}

interface DockerConfigFile {
  auths?: Record<string, { auth?: unknown; username?: unknown; password?: unknown; identitytoken?: unknown }>;
  credHelpers?: Record<string, unknown>;
  credsStore?: unknown;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Run `docker-credential-<helper> get`. Resolves undefined when the helper has no entry. */
export function runCredentialHelper(helper: string, serverUrl: string, env: NodeJS.ProcessEnv = process.env): Promise<{ username: string; secret: string } | { error: string } | undefined> {
  if (!/^[A-Za-z0-9_.-]+$/.test(helper)) return Promise.resolve({ error: `credential helper name "${helper}" is invalid` });
  const program = `docker-credential-${helper}`;
  return new Promise((resolve) => {
    const child = execFile(program, ['get'], { timeout: HELPER_TIMEOUT_MS, maxBuffer: 1024 * 1024, env }, (err, stdout, stderr) => {
      if (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') {
          resolve({ error: `config.json names the credential helper "${helper}" but ${program} is not installed (not on PATH); install it, or pass --username/--password` });
          return;
        }
        const out = `${stdout}${stderr}`.toLowerCase();
        if (out.includes('credentials not found') || out.includes('not found')) {
          resolve(undefined);
          return;
        }
        if ((err as { killed?: boolean }).killed) {
          resolve({ error: `${program} get did not answer within ${HELPER_TIMEOUT_MS / 1000}s` });
          return;
        }
        resolve({ error: `${program} get failed: ${String(stderr || err.message).trim().slice(0, 200)}` });
        return;
      }
      try {
        const j = JSON.parse(stdout) as { Username?: unknown; Secret?: unknown };
        const username = typeof j.Username === 'string' ? j.Username : '';
        const secret = typeof j.Secret === 'string' ? j.Secret : '';
        if (secret === '') resolve(undefined);
        else resolve({ username, secret });
      } catch {
        resolve({ error: `${program} get printed something that is not JSON` });
      }
    });
    child.stdin?.on('error', () => {});
    child.stdin?.end(serverUrl);
  });
}

/**
 * Find credentials for `registry` (the name users write: "docker.io", "ghcr.io", "host:5000").
 */
export async function resolveCredentials(registry: string, opts: CredentialOptions = {}): Promise<CredentialResult> {
  if (opts.username !== undefined || opts.password !== undefined) {
    if (!opts.username || opts.password === undefined) {
      return { note: 'both a username and a password are needed' };
    }
    return { credentials: { username: opts.username, password: opts.password, origin: 'the given username/password' } };
  }
  const env = opts.env ?? process.env;
  const file = opts.authFile ?? defaultAuthFile(env);
  let text: string;
  try {
    const buf = await readFile(file);
    if (buf.length > MAX_CONFIG_BYTES) return { note: `${file} is larger than 4 MiB; ignored` };
    text = buf.toString('utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      return opts.authFile ? { note: `the auth file ${file} does not exist` } : {};
    }
    return { note: `cannot read ${file}: ${(e as Error).message}` };
  }
  let cfg: DockerConfigFile;
  try {
    const parsed: unknown = JSON.parse(text);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { note: `${file} is not a JSON object; ignored` };
    cfg = parsed as DockerConfigFile;
  } catch {
    return { note: `${file} is not valid JSON; ignored` };
  }

  const want = normalizeAuthKey(registry);
  const serverUrl = want === DOCKER_HUB ? DOCKER_HUB_AUTH_KEY : registry;

  // 1. a per-registry helper wins, then 2. inline auths, then 3. the global credsStore
  const helpers = cfg.credHelpers && typeof cfg.credHelpers === 'object' ? cfg.credHelpers : {};
  let helper: string | undefined;
  for (const [k, v] of Object.entries(helpers)) if (normalizeAuthKey(k) === want && str(v)) helper = str(v);
  if (helper) return fromHelper(helper, serverUrl, env);

  const auths = cfg.auths && typeof cfg.auths === 'object' ? cfg.auths : {};
  for (const [k, entry] of Object.entries(auths)) {
    if (normalizeAuthKey(k) !== want || !entry || typeof entry !== 'object') continue;
    const origin = `${file} (auths["${k}"])`;
    let username = str(entry.username);
    let password = str(entry.password);
    const auth = str(entry.auth);
    if (auth) {
      const decoded = Buffer.from(auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon <= 0) return { note: `${origin}: "auth" is not base64 of "user:password"` };
      username = decoded.slice(0, colon);
      password = decoded.slice(colon + 1);
    }
    const identityToken = str(entry.identitytoken);
    if (identityToken) return { credentials: { username, identityToken, origin } };
    if (username && password !== undefined) return { credentials: { username, password, origin } };
    // an empty entry is what `docker login` leaves when a credsStore holds the secret
  }

  const store = str(cfg.credsStore);
  if (store) return fromHelper(store, serverUrl, env);
  return {};
}

async function fromHelper(helper: string, serverUrl: string, env: NodeJS.ProcessEnv): Promise<CredentialResult> {
  const r = await runCredentialHelper(helper, serverUrl, env);
  if (!r) return {};
  if ('error' in r) return { note: r.error };
  const origin = `docker-credential-${helper}`;
  if (r.username === '<token>') return { credentials: { identityToken: r.secret, origin } };
  return { credentials: { username: r.username, password: r.secret, origin } };
}
