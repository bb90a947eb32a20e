/**
 * Progress on a TTY (stderr), nothing when piped or with --quiet. One redrawn line, throttled.
 */
import type { ProgressSink } from '../image/types.js';

export function createProgress(enabled: boolean, stream: NodeJS.WriteStream = process.stderr): ProgressSink & { finish(): void } {
  if (!enabled || !stream.isTTY) return { start() {}, advance() {}, done() {}, finish() {} };
  const tasks = new Map<string, { label: string; total?: number; done: number }>();
  let last = 0;
  let drawn = false;
  const fmt = (n: number): string => (n >= 1 << 30 ? (n / (1 << 30)).toFixed(1) + ' GiB' : n >= 1 << 20 ? (n / (1 << 20)).toFixed(1) + ' MiB' : (n / 1024).toFixed(0) + ' KiB');
  const draw = (force = false): void => {
    const now = Date.now();
    if (!force && now - last < 100) return;
    last = now;
    const parts: string[] = [];
    for (const t of tasks.values()) {
      const pct = t.total ? ` ${Math.min(100, Math.floor((t.done / t.total) * 100))}%` : '';
      parts.push(`${t.label} ${fmt(t.done)}${t.total ? '/' + fmt(t.total) : ''}${pct}`);
    }
    const line = parts.join(' | ').slice(0, Math.max(20, (stream.columns ?? 80) - 1));
    stream.write('\r\x1b[2K' + line);
    drawn = true;
  };
  const clear = (): void => {
    if (drawn) stream.write('\r\x1b[2K');
    drawn = false;
  };
  return {
    start(id, label, total) {
      tasks.set(id, { label, total, done: 0 });
      draw(true);
    },
    advance(id, bytes) {
      const t = tasks.get(id);
      if (t) t.done += bytes;
      draw();
    },
    done(id) {
      tasks.delete(id);
      if (tasks.size === 0) clear();
      else draw(true);
    },
    finish: clear,
  };
}
