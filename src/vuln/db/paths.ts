/**
 * Where the advisory database lives, and the temp-file discipline around it.
 *
 * Default location: $PLIMSOLL_DB, else $XDG_CACHE_HOME/plimsoll/db/advisories.db, else
 * ~/.cache/plimsoll/db/advisories.db. Builds write `<db>.tmp-<pid>-<random>` in the same directory
 * (same filesystem, so the final rename is atomic) and rename it over the database at the end. A
 * process killed mid-build leaves only such a temp file; the next build removes temp files whose
 * process is gone.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';

export function defaultDbPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PLIMSOLL_DB && env.PLIMSOLL_DB.trim() !== '') return resolve(env.PLIMSOLL_DB);
  const cache = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith('/') ? env.XDG_CACHE_HOME : join(env.HOME || homedir(), '.cache');
  return join(cache, 'plimsoll', 'db', 'advisories.db');
}

/** The --db flag if given, else the default. */
export function resolveDbPath(flag?: string): string {
  return flag && flag.trim() !== '' ? resolve(flag) : defaultDbPath();
}

const TEMP_RE = /\.tmp-(\d+)-[0-9a-f]{8}$/;

export function tempPathFor(target: string): string {
  return `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Remove temp files (and SQLite side files) left next to `target` by builds whose process is gone. */
export function removeStaleTemps(target: string): string[] {
  const dir = dirname(target);
  const base = basename(target);
  const removed: string[] = [];
  if (!existsSync(dir)) return removed;
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(`${base}.tmp-`)) continue;
    const stem = name.replace(/-(journal|wal|shm)$/, '');
    const m = TEMP_RE.exec(stem);
    if (!m || alive(Number(m[1]))) continue;
    rmSync(join(dir, name), { force: true });
    removed.push(name);
  }
  return removed;
}

/** Remove `.plimsoll-download-<pid>-*` directories in `dir` left by updates whose process is gone. */
export function removeStaleDownloads(dir: string): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const m = /^\.plimsoll-download-(\d+)-[0-9a-f]{8}$/.exec(name);
    if (m && !alive(Number(m[1]))) rmSync(join(dir, name), { recursive: true, force: true });
  }
}
