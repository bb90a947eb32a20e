/** Time helpers for Kyverno's time_* JMESPath functions (RFC 3339 and Go layouts). */
import { parseDuration } from '../pattern/operators.js';

/** Go's Duration.String(): 1h30m0s, 1.5s, 300ms, 0s. */
export function formatGoDuration(ns: number): string {
  if (ns === 0) return '0s';
  const neg = ns < 0;
  let u = Math.abs(Math.round(ns));
  let out: string;
  if (u < 1e9) {
    // sub-second: ns, µs, ms with fractional part
    if (u < 1e3) out = `${u}ns`;
    else if (u < 1e6) out = `${trimZeros(u / 1e3)}µs`;
    else out = `${trimZeros(u / 1e6)}ms`;
  } else {
    const h = Math.floor(u / 3600e9);
    u -= h * 3600e9;
    const m = Math.floor(u / 60e9);
    u -= m * 60e9;
    const s = trimZeros(u / 1e9);
    out = (h > 0 ? `${h}h` : '') + (h > 0 || m > 0 ? `${m}m` : '') + `${s}s`;
  }
  return neg ? '-' + out : out;
}

function trimZeros(n: number): string {
  return String(Number(n.toFixed(9)));
}

/** RFC 3339 with seconds, `Z` for UTC (Go's time.RFC3339 formatting). */
export function formatRFC3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

export function parseRFC3339(s: string): number {
  if (typeof s !== 'string' || !RFC3339.test(s)) throw new Error(`parsing time ${JSON.stringify(s)} as RFC3339 failed`);
  const t = Date.parse(s);
  if (Number.isNaN(t)) throw new Error(`parsing time ${JSON.stringify(s)} failed`);
  return t;
}

/** Parses a time with a Go reference layout (2006-01-02T15:04:05Z07:00 style). */
export function parseGoLayout(layout: string, value: string): number {
  if (layout === '' || layout === '2006-01-02T15:04:05Z07:00') return parseRFC3339(value);
  const tokens: [string, string, string][] = [
    ['2006', '(\\d{4})', 'Y'],
    ['01', '(\\d{2})', 'M'],
    ['02', '(\\d{2})', 'D'],
    ['15', '(\\d{2})', 'h'],
    ['04', '(\\d{2})', 'm'],
    ['05', '(\\d{2})', 's'],
    ['Z07:00', '(Z|[+-]\\d{2}:\\d{2})', 'z'],
    ['-0700', '([+-]\\d{4})', 'z'],
    ['MST', '([A-Z]{3,4})', 'n'],
    ['Jan', '([A-Z][a-z]{2})', 'b'],
    ['Mon', '(?:[A-Z][a-z]{2})', ''],
  ];
  let re = '';
  const order: string[] = [];
  for (let i = 0; i < layout.length; ) {
    const t = tokens.find(([tok]) => layout.startsWith(tok, i));
    if (t) {
      re += t[1];
      if (t[2]) order.push(t[2]);
      i += t[0].length;
    } else {
      re += layout[i]!.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
      i++;
    }
  }
  const m = new RegExp('^' + re + '$').exec(value);
  if (!m) throw new Error(`parsing time ${JSON.stringify(value)} as ${JSON.stringify(layout)} failed`);
  const f: Record<string, string> = {};
  order.forEach((k, i) => (f[k] = m[i + 1]!));
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const month = f['M'] ? Number(f['M']) : f['b'] ? months.indexOf(f['b']) + 1 : 1;
  let t = Date.UTC(Number(f['Y'] ?? 0), month - 1, Number(f['D'] ?? 1), Number(f['h'] ?? 0), Number(f['m'] ?? 0), Number(f['s'] ?? 0));
  const z = f['z'];
  if (z && z !== 'Z') {
    const mm = /^([+-])(\d{2}):?(\d{2})$/.exec(z);
    if (mm) t -= (mm[1] === '-' ? -1 : 1) * (Number(mm[2]) * 60 + Number(mm[3])) * 60000;
  }
  return t;
}

export function durationNs(s: string): number {
  const d = parseDuration(s);
  if (d === null) throw new Error(`time: invalid duration ${JSON.stringify(s)}`);
  return d;
}
