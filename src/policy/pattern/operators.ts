/**
 * Scalar value matching for validate patterns (Kyverno pkg/engine/pattern), plus Kubernetes
 * quantity and Go duration parsing shared with deny/precondition operators.
 *
 * A string pattern is a `|`-separated list of alternatives, each an `&`-separated list of
 * terms; a term may start with an operator (`!`, `>`, `>=`, `<`, `<=`) or be a range (`1-5`,
 * `1Gi!-2Gi`). Each term compares as a duration if both sides parse as Go durations, else as a
 * Kubernetes quantity if both parse, else (for `=`/`!`) as a wildcard string match.
 */
import type { Json } from '../types.js';
import { wildcardMatch } from './wildcards.js';

// ---------------------------------------------------------------- quantities

/** An exact decimal: value = sig * 10^exp (sig is a BigInt so 1Ei and 1n compare exactly). */
export interface Decimal {
  sig: bigint;
  exp: number;
}

const QUANTITY_RE = /^([+-]?)(\d+\.?\d*|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;
const DECIMAL_SUFFIX: Record<string, number> = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIX: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

/** Parses a Kubernetes resource.Quantity (`100m`, `1.5Gi`, `2e3`); null when not a quantity. */
export function parseQuantity(s: string): Decimal | null {
  if (s.length === 0 || s.length > 64) return null;
  const m = QUANTITY_RE.exec(s);
  if (!m) return null;
  const [, sign, num, suffix] = m;
  const dot = num!.indexOf('.');
  const intPart = dot < 0 ? num! : num!.slice(0, dot);
  const frac = dot < 0 ? '' : num!.slice(dot + 1);
  let sig = BigInt((intPart || '0') + frac);
  let exp = -frac.length;
  if (suffix) {
    if (suffix in DECIMAL_SUFFIX) exp += DECIMAL_SUFFIX[suffix]!;
    else if (suffix in BINARY_SUFFIX) sig *= 1n << BigInt(BINARY_SUFFIX[suffix]!);
    else {
      const e = Number(suffix.slice(1));
      if (!Number.isFinite(e) || Math.abs(e) > 100) return null;
      exp += e;
    }
  }
  if (sign === '-') sig = -sig;
  return { sig, exp };
}

/** -1, 0, 1 */
export function compareDecimal(a: Decimal, b: Decimal): number {
  const e = Math.min(a.exp, b.exp);
  const x = a.sig * 10n ** BigInt(a.exp - e);
  const y = b.sig * 10n ** BigInt(b.exp - e);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function decimalToNumber(d: Decimal): number {
  return Number(d.sig) * 10 ** d.exp;
}

// ---------------------------------------------------------------- durations

const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
const DURATION_PART = /(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

/** Parses a Go time.Duration string (`1h30m`, `-5s`, `0`) into nanoseconds; null if invalid. */
export function parseDuration(s: string): number | null {
  if (typeof s !== 'string' || s.length === 0 || s.length > 64) return null;
  let i = 0;
  let neg = false;
  if (s[0] === '-' || s[0] === '+') {
    neg = s[0] === '-';
    i = 1;
  }
  if (s.slice(i) === '0') return 0;
  if (i >= s.length) return null;
  let total = 0;
  while (i < s.length) {
    DURATION_PART.lastIndex = i;
    const m = DURATION_PART.exec(s);
    if (!m) return null;
    total += Number(m[1]) * UNIT_NS[m[2]!]!;
    i = DURATION_PART.lastIndex;
  }
  return neg ? -total : total;
}

// ---------------------------------------------------------------- value formatting like Go

/** Go's strconv.FormatFloat(v, 'E', -1, 64). */
function goFormatE(v: number): string {
  const [m, e] = v.toExponential().toUpperCase().split('E');
  const n = Number(e);
  return `${m}E${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
}

/** The string Kyverno compares for a scalar resource value, or null for maps/arrays/null. */
export function scalarToString(v: Json | undefined): string | null {
  switch (typeof v) {
    case 'string':
      return v;
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      return Number.isInteger(v) ? String(v) : goFormatE(v);
    default:
      return null;
  }
}

/** convertNumberToString in Kyverno: nil → "0", numbers → "%f"/int, strings as is. */
function numberish(v: Json | undefined): string | null {
  if (v === null || v === undefined) return '0';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(6);
  return null;
}

// ---------------------------------------------------------------- string pattern terms

export type PatternOp = '' | '!' | '>' | '>=' | '<' | '<=' | 'range' | '!range';

const IN_RANGE = /^(\d+(?:\.\d+)?[^-]*)-(\d+(?:\.\d+)?[^-]*)$/;
const NOT_IN_RANGE = /^(\d+(?:\.\d+)?[^-]*)!-(\d+(?:\.\d+)?[^-]*)$/;

export interface Term {
  op: PatternOp;
  operand: string;
  /** range bounds */
  lo?: string;
  hi?: string;
  /** Preparsed operand forms (undefined = not parseable). */
  dur: number | null;
  qty: Decimal | null;
}

function makeTerm(op: PatternOp, operand: string, lo?: string, hi?: string): Term {
  return { op, operand, lo, hi, dur: parseDuration(operand), qty: parseQuantity(operand) };
}

/** Parses one `&`-term (GetOperatorFromStringPattern). */
export function parseTerm(raw: string): Term {
  const p = raw;
  if (p.length < 2) return makeTerm('', p);
  for (const op of ['>=', '<=', '>', '<', '!'] as const) {
    if (p.startsWith(op)) {
      // `!-` ranges are caught below only when the pattern does not start with `!`
      return makeTerm(op, p.slice(op.length).trim());
    }
  }
  let m = NOT_IN_RANGE.exec(p);
  if (m) return makeTerm('!range', p, m[1], m[2]);
  m = IN_RANGE.exec(p);
  if (m) return makeTerm('range', p, m[1], m[2]);
  return makeTerm('', p);
}

function cmpResult(c: number, op: PatternOp): boolean {
  switch (op) {
    case '':
      return c === 0;
    case '!':
      return c !== 0;
    case '>':
      return c > 0;
    case '<':
      return c < 0;
    case '>=':
      return c >= 0;
    case '<=':
      return c <= 0;
    default:
      return false;
  }
}

/** validateString: duration, then quantity, then wildcard string comparison. */
function matchTerm(value: Json | undefined, t: Term): boolean {
  if (t.op === 'range') return matchTerm(value, makeTerm('>=', t.lo!)) && matchTerm(value, makeTerm('<=', t.hi!));
  if (t.op === '!range') return matchTerm(value, makeTerm('<', t.lo!)) || matchTerm(value, makeTerm('>', t.hi!));
  const vs = numberish(value);
  if (t.dur !== null && vs !== null) {
    const vd = parseDuration(vs);
    if (vd !== null) return cmpResult(vd < t.dur ? -1 : vd > t.dur ? 1 : 0, t.op);
  }
  if (t.qty !== null && vs !== null) {
    const vq = parseQuantity(vs);
    if (vq !== null) return cmpResult(compareDecimal(vq, t.qty), t.op);
  }
  if (t.op === '' || t.op === '!') {
    const s = scalarToString(value);
    if (s === null) return false;
    const hit = wildcardMatch(t.operand, s);
    return t.op === '!' ? !hit : hit;
  }
  return false;
}

/** A compiled string pattern: alternatives of conjunctions of terms. */
export interface StringPattern {
  source: string;
  alternatives: Term[][];
}

const spCache = new Map<string, StringPattern>();

export function compileStringPattern(source: string): StringPattern {
  const hit = spCache.get(source);
  if (hit) return hit;
  const alternatives = source.split('|').map((alt) =>
    alt
      .trim()
      .split('&')
      .map((t) => parseTerm(t.trim())),
  );
  const sp = { source, alternatives };
  if (spCache.size > 8192) spCache.clear();
  spCache.set(source, sp);
  return sp;
}

export function matchStringPattern(value: Json | undefined, sp: StringPattern): boolean {
  if (value === sp.source) return true;
  for (const alt of sp.alternatives) {
    let ok = true;
    for (const t of alt) {
      if (!matchTerm(value, t)) {
        ok = false;
        break;
      }
    }
    if (ok) return true;
  }
  return false;
}

/**
 * pattern.Validate: does a scalar resource value satisfy a scalar pattern value? Maps and
 * arrays as patterns are handled by the structural validator; here a map pattern only checks
 * the value is an object.
 */
export function matchScalar(value: Json | undefined, pattern: Json): boolean {
  if (pattern === null) {
    if (value === null || value === undefined) return true;
    if (typeof value === 'number') return value === 0;
    if (typeof value === 'string') return value === '';
    if (typeof value === 'boolean') return !value;
    return false;
  }
  switch (typeof pattern) {
    case 'boolean':
      return typeof value === 'boolean' && value === pattern;
    case 'number':
      if (Number.isInteger(pattern)) {
        if (typeof value === 'number') return Number.isInteger(value) && value === pattern;
        if (typeof value === 'string') return /^[+-]?\d+$/.test(value) && Number(value) === pattern;
        return false;
      }
      if (typeof value === 'number') return value === pattern;
      if (typeof value === 'string') {
        const f = Number(value);
        return value.trim() !== '' && Number.isFinite(f) && f === pattern;
      }
      return false;
    case 'string':
      return matchStringPattern(value, compileStringPattern(pattern));
    case 'object':
      if (Array.isArray(pattern)) return false;
      return typeof value === 'object' && value !== null && !Array.isArray(value);
  }
  return false;
}
