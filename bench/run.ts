/** Helpers for benchmark scripts: run a command, measure wall time and peak RSS (GNU time). */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Measured {
  label: string;
  seconds: number;
  peakRssMB: number;
  status: number;
}

/** Run argv (optionally through sh -c) and return wall seconds and peak RSS in MB. */
export function measure(label: string, argv: string[], opts: { shell?: boolean; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Measured {
  const rssFile = join(tmpdir(), `plimsoll-bench-${process.pid}-${Date.now()}.rss`);
  const cmd = opts.shell ? ['sh', '-c', argv.join(' ')] : argv;
  const useTime = existsSync('/usr/bin/time');
  const full = useTime ? ['/usr/bin/time', '-f', '%M', '-o', rssFile, ...cmd] : cmd;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(full[0]!, full.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...opts.env }, cwd: opts.cwd, maxBuffer: 64 << 20 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  let peakRssMB = NaN;
  if (useTime && existsSync(rssFile)) {
    const lines = readFileSync(rssFile, 'utf8').trim().split('\n');
    peakRssMB = Number(lines[lines.length - 1]) / 1024;
    rmSync(rssFile, { force: true });
  }
  if (r.status !== 0) process.stderr.write(`[bench] ${label} exited ${r.status}: ${r.stderr?.toString().slice(-2000)}\n`);
  return { label, seconds, peakRssMB, status: r.status ?? -1 };
}

/** best of n runs (by time) */
export function best(n: number, f: () => Measured): Measured {
  let b: Measured | undefined;
  for (let i = 0; i < n; i++) {
    const m = f();
    if (!b || m.seconds < b.seconds) b = m;
  }
  return b!;
}

export function row(m: Measured, ref?: Measured): string {
  if (m.status !== 0) return `${m.label.padEnd(44)} FAILED (exit ${m.status}; see stderr above)`;
  const ratio = ref && ref.status === 0 ? `  ratio ${(m.seconds / ref.seconds).toFixed(2)}x vs ${ref.label}` : '';
  return `${m.label.padEnd(44)} ${m.seconds.toFixed(2).padStart(7)} s  peak RSS ${Number.isNaN(m.peakRssMB) ? '   ?' : m.peakRssMB.toFixed(0).padStart(5)} MB${ratio}`;
}
