/**
 * Condition operators for preconditions and deny.conditions (Kyverno
 * pkg/engine/variables/operator). A condition is `{key, operator, value, message?}`; blocks are
 * `{any: [...], all: [...]}` (both must hold; `any` is true when empty/absent) or the legacy
 * plain list (all).
 */
import type { Json, JsonObject } from './types.js';
import { compareDecimal, parseDuration, parseQuantity } from './pattern/operators.js';
import { wildcardMatch } from './pattern/wildcards.js';
import { compileTree, evalTree, type CompiledTree, type EvalScope } from './variables/substitute.js';

export const OPERATORS = [
  'Equals',
  'Equal',
  'NotEquals',
  'NotEqual',
  'In',
  'NotIn',
  'AnyIn',
  'AllIn',
  'AnyNotIn',
  'AllNotIn',
  'GreaterThan',
  'GreaterThanOrEquals',
  'LessThan',
  'LessThanOrEquals',
  'DurationGreaterThan',
  'DurationGreaterThanOrEquals',
  'DurationLessThan',
  'DurationLessThanOrEquals',
] as const;
export type Operator = (typeof OPERATORS)[number];

export interface CompiledCondition {
  key: CompiledTree;
  operator: Operator;
  value: CompiledTree;
  message?: string;
  /** Source text for explanations. */
  source: string;
}

export interface CompiledConditions {
  any?: CompiledCondition[];
  all?: CompiledCondition[];
}

export interface ConditionOutcome {
  ok: boolean;
  /** Messages of the conditions that decided (for deny/precondition messages). */
  messages: string[];
  /** Human-readable trace of each evaluated condition. */
  trace: string[];
}

// ---------------------------------------------------------------- compile

function isObj(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Compiles one condition; throws Error with a user-facing message when malformed. */
export function compileCondition(c: Json, where: string): CompiledCondition {
  if (!isObj(c)) throw new Error(`${where}: a condition must be an object with key, operator and value`);
  for (const k of Object.keys(c)) {
    if (!['key', 'operator', 'value', 'message'].includes(k)) throw new Error(`${where}: unknown condition field ${JSON.stringify(k)}`);
  }
  const op = c['operator'];
  if (typeof op !== 'string' || !(OPERATORS as readonly string[]).includes(op)) {
    throw new Error(`${where}: unknown operator ${JSON.stringify(op)} (expected one of ${OPERATORS.join(', ')})`);
  }
  const key = c['key'] === undefined ? null : c['key']!;
  const value = c['value'] === undefined ? null : c['value']!;
  return {
    key: compileTree(key),
    operator: op as Operator,
    value: compileTree(value),
    message: typeof c['message'] === 'string' ? c['message'] : undefined,
    source: `${JSON.stringify(key)} ${op} ${JSON.stringify(value)}`,
  };
}

/** Compiles a conditions block (any/all object or legacy list). */
export function compileConditions(block: Json | undefined, where: string): CompiledConditions | null {
  if (block === undefined || block === null) return null;
  if (Array.isArray(block)) return { all: block.map((c, i) => compileCondition(c, `${where}[${i}]`)) };
  if (!isObj(block)) throw new Error(`${where}: conditions must be a list or an object with any/all`);
  for (const k of Object.keys(block)) if (k !== 'any' && k !== 'all') throw new Error(`${where}: unknown field ${JSON.stringify(k)} (expected any/all)`);
  const out: CompiledConditions = {};
  for (const k of ['any', 'all'] as const) {
    const list = block[k];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) throw new Error(`${where}.${k}: must be a list of conditions`);
    out[k] = list.map((c, i) => compileCondition(c, `${where}.${k}[${i}]`));
  }
  return out;
}

// ---------------------------------------------------------------- operators

/** Duration comparison: both sides must be durations (numbers count as seconds), one a string. */
function durationPair(key: Json, value: Json): [number, number] | null {
  const asDur = (v: Json): number | null => {
    if (typeof v === 'string') return parseDuration(v);
    if (typeof v === 'number') return v * 1e9;
    return null;
  };
  if (typeof key !== 'string' && typeof value !== 'string') return null;
  const a = asDur(key);
  const b = asDur(value);
  if (a === null || b === null) return null;
  return [a, b];
}

function deepEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null) return false;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]!));
  if (typeof a === 'object') {
    if (Array.isArray(b) || typeof b !== 'object') return false;
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k]!, (b as JsonObject)[k]!));
  }
  return false;
}

const INT_RE = /^[+-]?\d+$/;

function equals(key: Json, value: Json): boolean {
  switch (typeof key) {
    case 'boolean':
      return typeof value === 'boolean' && key === value;
    case 'number':
      if (typeof value === 'number') return key === value;
      if (typeof value === 'string') {
        if (Number.isInteger(key)) return INT_RE.test(value) && Number(value) === key;
        const f = Number(value);
        return value.trim() !== '' && Number.isFinite(f) && f === key;
      }
      return false;
    case 'string': {
      const d = durationPair(key, value);
      if (d) return d[0] === d[1];
      const kq = parseQuantity(key);
      if (kq && typeof value === 'string') {
        const vq = parseQuantity(value);
        return vq !== null && compareDecimal(kq, vq) === 0;
      }
      if (typeof value === 'string') return wildcardMatch(value, key);
      return false;
    }
    case 'object':
      if (key === null) return false;
      return value !== null && typeof value === 'object' && Array.isArray(key) === Array.isArray(value) && deepEqual(key, value);
  }
  return false;
}

function numericCompare(key: Json, value: Json): number | null {
  const toNum = (v: Json): number | null => {
    if (typeof v === 'number') return v;
    if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
    return null;
  };
  const d = durationPair(key, value);
  if (d) return Math.sign(d[0] - d[1]);
  const kn = toNum(key);
  const vn = toNum(value);
  if (kn !== null && vn !== null) return Math.sign(kn - vn);
  if (typeof key === 'string' && typeof value === 'string') {
    const kq = parseQuantity(key);
    const vq = parseQuantity(value);
    if (kq && vq) return compareDecimal(kq, vq);
  }
  if (typeof key === 'number' && typeof value === 'string') {
    const vq = parseQuantity(value);
    const kq = parseQuantity(String(key));
    if (kq && vq) return compareDecimal(kq, vq);
  }
  return null;
}

function durationCompare(key: Json, value: Json): number | null {
  const asDur = (v: Json): number | null => (typeof v === 'string' ? parseDuration(v) : typeof v === 'number' ? v * 1e9 : null);
  const a = asDur(key);
  const b = asDur(value);
  if (a === null || b === null) return null;
  return Math.sign(a - b);
}

function sprint(v: Json): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null) return '<nil>';
  return JSON.stringify(v);
}

/** The value side of set operators: a list, or a string (a JSON list, or a single value). */
function valueSet(value: Json): string[] | null {
  if (Array.isArray(value)) return value.map(sprint);
  if (typeof value === 'string') {
    try {
      const arr = JSON.parse(value) as Json;
      if (Array.isArray(arr)) return arr.map(sprint);
    } catch {
      /* a plain string */
    }
    return [value];
  }
  if (typeof value === 'number' || typeof value === 'boolean') return [String(value)];
  return null;
}

function keySet(key: Json): string[] | null {
  if (Array.isArray(key)) return key.map(sprint);
  if (typeof key === 'string' || typeof key === 'number' || typeof key === 'boolean') return [sprint(key)];
  return null;
}

const RANGE_RE = /^(-?\d+(?:\.\d+)?)-(-?\d+(?:\.\d+)?)$/;
const NOT_RANGE_RE = /^!(-?\d+(?:\.\d+)?)-(-?\d+(?:\.\d+)?)$/;

/** Set membership with wildcards both ways and numeric ranges (`5000-6000`, `!1-10`) in the value. */
function memberOf(k: string, set: string[]): boolean {
  for (const v of set) {
    if (wildcardMatch(k, v) || wildcardMatch(v, k)) return true;
    const r = RANGE_RE.exec(v) ?? NOT_RANGE_RE.exec(v);
    if (r && k.trim() !== '' && Number.isFinite(Number(k))) {
      const n = Number(k);
      const inside = n >= Number(r[1]) && n <= Number(r[2]);
      if (v.startsWith('!') ? !inside : inside) return true;
    }
  }
  return false;
}

export function applyOperator(op: Operator, key: Json, value: Json): boolean {
  switch (op) {
    case 'Equals':
    case 'Equal':
      return equals(key, value);
    case 'NotEquals':
    case 'NotEqual':
      return !equals(key, value);
    case 'In':
    case 'AnyIn':
    case 'AllIn':
    case 'NotIn':
    case 'AnyNotIn':
    case 'AllNotIn': {
      const ks = keySet(key);
      const vs = valueSet(value);
      if (ks === null || vs === null) return false;
      const isMember = ks.map((k) => memberOf(k, vs));
      switch (op) {
        case 'In':
        case 'AllIn':
          return ks.length > 0 ? isMember.every(Boolean) : op === 'In';
        case 'AnyIn':
          return isMember.some(Boolean);
        case 'NotIn':
        case 'AnyNotIn':
          return isMember.some((m) => !m);
        case 'AllNotIn':
          return isMember.every((m) => !m);
      }
      return false;
    }
    case 'GreaterThan':
    case 'GreaterThanOrEquals':
    case 'LessThan':
    case 'LessThanOrEquals': {
      const c = numericCompare(key, value);
      if (c === null) return false;
      return op === 'GreaterThan' ? c > 0 : op === 'GreaterThanOrEquals' ? c >= 0 : op === 'LessThan' ? c < 0 : c <= 0;
    }
    default: {
      const c = durationCompare(key, value);
      if (c === null) return false;
      switch (op) {
        case 'DurationGreaterThan':
          return c > 0;
        case 'DurationGreaterThanOrEquals':
          return c >= 0;
        case 'DurationLessThan':
          return c < 0;
        case 'DurationLessThanOrEquals':
          return c <= 0;
      }
      return false;
    }
  }
}

// ---------------------------------------------------------------- evaluate

function show(v: Json): string {
  const s = JSON.stringify(v) ?? 'null';
  return s.length > 120 ? s.slice(0, 120) + '…' : s;
}

function evalOne(c: CompiledCondition, scope: EvalScope, trace: string[] | null): boolean {
  const key = evalTree(c.key, scope);
  const value = evalTree(c.value, scope);
  const r = applyOperator(c.operator, key, value);
  trace?.push(`${show(key)} ${c.operator} ${show(value)} → ${r}`);
  return r;
}

/**
 * Evaluates a block. Variable errors propagate (the caller turns them into rule errors).
 * `any` stops at the first true condition, `all` at the first false, as in Kyverno.
 */
export function evaluateConditions(block: CompiledConditions | null, scope: EvalScope, explain = false): ConditionOutcome {
  const trace: string[] | null = explain ? [] : null;
  const messages: string[] = [];
  if (!block) return { ok: true, messages, trace: trace ?? [] };
  let anyOk = true;
  if (block.any) {
    anyOk = false;
    for (const c of block.any) {
      if (evalOne(c, scope, trace)) {
        anyOk = true;
        break;
      } else if (c.message) messages.push(c.message);
    }
  }
  let allOk = true;
  if (block.all) {
    for (const c of block.all) {
      if (!evalOne(c, scope, trace)) {
        allOk = false;
        if (c.message) messages.push(c.message);
        break;
      }
    }
  }
  return { ok: anyOk && allOk, messages, trace: trace ?? [] };
}
