/**
 * Redaction: the only place where secret text turns into something that may be stored or printed.
 * A finding keeps a hash prefix, a short prefix of the secret and a context line in which every secret
 * found on that line is replaced by its redacted form.
 */
import { createHash } from 'node:crypto';
import type { RedactedString } from './types.js';

const MASK = '****';

/** At most 4 characters and at most 25% of the secret are kept, followed by '****'. */
export function redactSecret(secret: string): RedactedString {
  const cps = Array.from(secret);
  const keep = Math.min(4, Math.floor(cps.length / 4));
  return sanitize(cps.slice(0, keep).join('') + MASK) as RedactedString;
}

/** 'sha256:' + the first 12 hex digits of SHA-256 over the UTF-8 secret (or raw bytes). */
export function secretHash(secret: string | Buffer): string {
  return 'sha256:' + createHash('sha256').update(secret).digest('hex').slice(0, 12);
}

/** Replace control characters (terminal escapes included) so a context line is safe to print. */
export function sanitize(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\t/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, '\uFFFD');
}

export interface Span {
  /** offsets relative to the line */
  start: number;
  end: number;
  /** the full secret (may extend beyond the line) */
  secret: string;
}

/**
 * The line with every span replaced by the redacted form of its secret (and any other occurrence of those
 * secrets on the line, when they are long enough to be unambiguous), cut to `context` characters around the
 * focus span, with '…' marking cuts.
 */
export function redactedContext(line: string, spans: Span[], focus: Span, context: number): RedactedString {
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  // merge overlapping spans; the merged region is redacted as one piece
  const merged: { start: number; end: number; secret: string; focus: boolean }[] = [];
  for (const s of sorted) {
    const start = Math.max(0, s.start);
    const end = Math.min(line.length, s.end);
    if (end <= start) continue;
    const isFocus = s.start === focus.start && s.end === focus.end;
    const last = merged[merged.length - 1];
    if (last && start < last.end) {
      if (end > last.end) last.end = end;
      last.focus ||= isFocus;
      continue;
    }
    merged.push({ start, end, secret: s.secret, focus: isFocus });
  }
  let out = '';
  let pos = 0;
  let focusAt = 0;
  let focusEnd = 0;
  for (const m of merged) {
    out += line.slice(pos, m.start);
    // the whole region becomes the redacted form of the secret that starts it
    const r = redactSecret(m.secret);
    if (m.focus) focusAt = out.length;
    out += r;
    if (m.focus) focusEnd = out.length;
    pos = m.end;
  }
  out += line.slice(pos);
  // other occurrences of the same secrets elsewhere on the line
  for (const s of spans) {
    if (s.secret.length >= 6 && out.includes(s.secret)) {
      const r = redactSecret(s.secret);
      const before = out.slice(0, focusAt);
      const focusPart = out.slice(focusAt, focusEnd);
      const after = out.slice(focusEnd);
      const b2 = before.split(s.secret).join(r);
      const a2 = after.split(s.secret).join(r);
      out = b2 + focusPart + a2;
      focusEnd = b2.length + focusPart.length;
      focusAt = b2.length;
    }
  }
  let from = Math.max(0, focusAt - context);
  let to = Math.min(out.length, focusEnd + context);
  // don't cut a surrogate pair in half
  if (from > 0 && isLowSurrogate(out.charCodeAt(from))) from--;
  if (to < out.length && isLowSurrogate(out.charCodeAt(to))) to++;
  let res = out.slice(from, to);
  if (from === 0) res = res.trimStart();
  if (to === out.length) res = res.trimEnd();
  if (from > 0) res = '…' + res;
  if (to < out.length) res += '…';
  return sanitize(res) as RedactedString;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
