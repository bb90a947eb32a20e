/**
 * Test helper: run the real Distribution registry (Debian package docker-registry,
 * /usr/bin/docker-registry) on a loopback port, and push with skopeo.
 *
 *   const reg = await startRegistry({ dir });                   // no auth
 *   const reg = await startRegistry({ dir, storage, htpasswd });  // Basic auth, shared storage
 *   const reg = await startRegistry({ dir, storage, token: {...} }); // token auth
 *   try { … } finally { await reg.stop(); }
 *
 * Processes are killed in stop(), and also on process exit as a safety net.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const REGISTRY_BIN = 'docker-registry';

/** Is `bin` on PATH? */
export function have(bin: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    if (!dir) return false;
    try {
      accessSync(join(dir, bin), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Why registry tests must be skipped, or false. */
export function registrySkipReason(extra: string[] = []): string | false {
  const missing = [REGISTRY_BIN, 'skopeo', ...extra].filter((b) => !have(b));
  return missing.length ? `needs ${missing.join(', ')} (Debian packages: docker-registry, skopeo, apache2-utils for htpasswd, openssl)` : false;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface StartRegistryOptions {
  /** a temp dir this registry may write its config into */
  dir: string;
  /** storage root (shared between registries to serve the same content); default dir/storage */
  storage?: string;
  /** htpasswd file path → Basic auth */
  htpasswd?: string;
  /** token auth: realm URL, service, issuer, PEM cert bundle path */
  token?: { realm: string; service: string; issuer: string; rootCertBundle: string };
}

export interface RunningRegistry {
  /** "127.0.0.1:PORT" */
  host: string;
  port: number;
  storage: string;
  process: ChildProcess;
  /** recent stderr, for failure messages */
  logs(): string;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of running) p.kill('SIGKILL');
});

export async function startRegistry(opts: StartRegistryOptions): Promise<RunningRegistry> {
  const port = await freePort();
  const storage = opts.storage ?? join(opts.dir, 'storage');
  mkdirSync(storage, { recursive: true });
  const lines = [
    'version: 0.1',
    'log:',
    '  level: error',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${JSON.stringify(storage)}`,
    '  delete:',
    '    enabled: true',
    '  maintenance:',
    '    uploadpurging:',
    '      enabled: false',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    '  secret: plimsoll-test-secret',
  ];
  if (opts.htpasswd) {
    lines.push('auth:', '  htpasswd:', '    realm: plimsoll-test', `    path: ${JSON.stringify(opts.htpasswd)}`);
  } else if (opts.token) {
    lines.push(
      'auth:',
      '  token:',
      `    realm: ${JSON.stringify(opts.token.realm)}`,
      `    service: ${JSON.stringify(opts.token.service)}`,
      `    issuer: ${JSON.stringify(opts.token.issuer)}`,
      `    rootcertbundle: ${JSON.stringify(opts.token.rootCertBundle)}`,
    );
  }
  const configPath = join(opts.dir, `registry-${port}.yml`);
  writeFileSync(configPath, lines.join('\n') + '\n');

  const child = spawn(REGISTRY_BIN, ['serve', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  running.add(child);
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString('utf8')).slice(-8000);
  });
  let exited: number | null | undefined;
  child.once('exit', (code) => {
    exited = code;
    running.delete(child);
  });
  const stop = async (): Promise<void> => {
    if (exited !== undefined) return;
    const gone = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(t);
  };

  // wait until /v2/ answers (200, or 401 with auth) — bounded
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited !== undefined) throw new Error(`docker-registry exited (${exited}) during start: ${stderr}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/v2/`);
      await r.body?.cancel();
      if (r.status === 200 || r.status === 401) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`docker-registry did not answer on 127.0.0.1:${port} within 30s: ${stderr}`);
    }
    await sleep(50);
  }
  return { host: `127.0.0.1:${port}`, port, storage, process: child, logs: () => stderr, stop };
}

/** skopeo copy <src> docker://<dest> to a plain-HTTP registry. Throws with skopeo's output on failure. */
export function skopeoCopy(src: string, dest: string, extra: string[] = []): void {
  const r = spawnSync('skopeo', ['--insecure-policy', 'copy', '--quiet', '--dest-tls-verify=false', ...extra, src, `docker://${dest}`], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`skopeo copy ${src} ${dest} failed (${r.status}): ${r.stderr || r.error?.message}`);
}

/** Path of a blob's data file in a filesystem-driver storage root. */
export function storedBlobPath(storage: string, digest: string): string {
  const [alg, hex] = digest.split(':') as [string, string];
  return join(storage, 'docker', 'registry', 'v2', 'blobs', alg, hex.slice(0, 2), hex, 'data');
}
