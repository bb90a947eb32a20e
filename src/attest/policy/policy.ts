/**
 * Attestation policies: a small JSON or YAML file of rules, each a path into the verified in-toto
 * statement and one check. All rules must pass. Example (src/attest/README.md has more):
 *
 *   rules:
 *     - name: no critical vulnerabilities
 *       path: predicate.scanner.result.matches[*].vulnerability.severity
 *       quantifier: none            # no value may satisfy the check
 *       equals: Critical
 *       ignoreCase: true
 *     - name: built from our repository
 *       path: predicate.buildDefinition.externalParameters.workflow.repository
 *       equals: https://github.com/acme/app
 *     - name: SBOM lists components
 *       path: predicate.components[*]
 *       count: { min: 1 }
 *
 * Checks: exists (true/false), equals, notEquals, oneOf [..], matches (regexp, whole value),
 * contains (substring, or list element), lessThan / greaterThan (numbers), count {min, max}.
 * quantifier (for value checks): all (default) | any | none.
 *
 * Fail-closed rules: a path that is not there fails every check except `exists: false` (and `any`,
 * which only needs one value); `all` over zero values fails; unknown keys in a rule are errors, so a
 * misspelled check cannot silently pass.
 */
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { PlimsollError } from '../../util/errors.js';
import { isObject, printable } from '../encoding.js';
import { parsePath, resolvePath, type PathSegment } from './path.js';

export type Quantifier = 'all' | 'any' | 'none';

export type Check =
  | { op: 'exists'; value: boolean }
  | { op: 'equals'; value: unknown }
  | { op: 'notEquals'; value: unknown }
  | { op: 'oneOf'; value: unknown[] }
  | { op: 'matches'; value: RegExp }
  | { op: 'contains'; value: unknown }
  | { op: 'lessThan'; value: number }
  | { op: 'greaterThan'; value: number }
  | { op: 'count'; min?: number; max?: number };

export interface Rule {
  name: string;
  path: string;
  segments: PathSegment[];
  quantifier: Quantifier;
  ignoreCase: boolean;
  check: Check;
}

export interface Policy {
  source: string;
  rules: Rule[];
}

const CHECK_KEYS = ['exists', 'equals', 'notEquals', 'oneOf', 'matches', 'contains', 'lessThan', 'greaterThan', 'count'] as const;
const OTHER_KEYS = ['name', 'path', 'quantifier', 'ignoreCase', 'description'];

function parseRule(r: unknown, i: number, source: string): Rule {
  const where = `${source}: rule ${i + 1}`;
  const bad = (why: string): never => {
    throw new PlimsollError('USAGE', `${where}: ${why}`);
  };
  if (!isObject(r)) return bad('must be a mapping with "path" and one check');
  for (const k of Object.keys(r)) if (!OTHER_KEYS.includes(k) && !(CHECK_KEYS as readonly string[]).includes(k)) bad(`unknown key "${printable(k, 40)}" (checks: ${CHECK_KEYS.join(', ')})`);
  if (typeof r.path !== 'string' || r.path === '') bad('"path" is required');
  const present = CHECK_KEYS.filter((k) => k in r);
  if (present.length !== 1) bad(`needs exactly one check (${CHECK_KEYS.join(', ')}), has ${present.length ? present.join(', ') : 'none'}`);
  const quantifier = (r.quantifier ?? 'all') as Quantifier;
  if (!['all', 'any', 'none'].includes(quantifier)) bad(`quantifier must be all, any or none`);
  const ignoreCase = r.ignoreCase === true;
  const op = present[0]!;
  const v = r[op];
  let check: Check;
  switch (op) {
    case 'exists':
      if (typeof v !== 'boolean') bad('exists takes true or false');
      check = { op, value: v as boolean };
      break;
    case 'oneOf':
      if (!Array.isArray(v)) bad('oneOf takes a list');
      check = { op, value: v as unknown[] };
      break;
    case 'matches':
      if (typeof v !== 'string') bad('matches takes a regular expression string');
      try {
        check = { op, value: new RegExp(`^(?:${v as string})$`, ignoreCase ? 'iu' : 'u') };
      } catch (e) {
        return bad(`matches: invalid regular expression (${(e as Error).message})`);
      }
      break;
    case 'lessThan':
    case 'greaterThan':
      if (typeof v !== 'number') bad(`${op} takes a number`);
      check = { op, value: v as number };
      break;
    case 'count': {
      if (!isObject(v) || Object.keys(v).some((k) => k !== 'min' && k !== 'max')) bad('count takes {min, max}');
      const c = v as { min?: unknown; max?: unknown };
      if ((c.min !== undefined && typeof c.min !== 'number') || (c.max !== undefined && typeof c.max !== 'number') || (c.min === undefined && c.max === undefined)) bad('count needs a numeric min and/or max');
      check = { op, ...(c.min !== undefined ? { min: c.min as number } : {}), ...(c.max !== undefined ? { max: c.max as number } : {}) };
      break;
    }
    default:
      check = { op, value: v } as Check;
  }
  const path = r.path as string;
  return { name: typeof r.name === 'string' ? r.name : path, path, segments: parsePath(path, where), quantifier, ignoreCase, check };
}

export function parsePolicy(text: string, source: string): Policy {
  let doc: unknown;
  try {
    doc = parseYaml(text, { maxAliasCount: 50 });
  } catch (e) {
    throw new PlimsollError('USAGE', `${source}: not valid YAML/JSON (${(e as Error).message.split('\n')[0]})`);
  }
  if (!isObject(doc) || !Array.isArray(doc.rules) || doc.rules.length === 0) throw new PlimsollError('USAGE', `${source}: a policy is a mapping with a non-empty "rules" list`);
  for (const k of Object.keys(doc)) if (k !== 'rules' && k !== 'description') throw new PlimsollError('USAGE', `${source}: unknown top-level key "${printable(k, 40)}"`);
  return { source, rules: doc.rules.map((r, i) => parseRule(r, i, source)) };
}

export function loadPolicy(path: string): Policy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new PlimsollError('USAGE', `cannot read policy ${path}: ${(e as Error).message}`);
  }
  return parsePolicy(text, path);
}

function fold(v: unknown, ignoreCase: boolean): unknown {
  return ignoreCase && typeof v === 'string' ? v.toLowerCase() : v;
}

function test1(check: Exclude<Check, { op: 'exists' } | { op: 'count' }>, v: unknown, ignoreCase: boolean): boolean {
  switch (check.op) {
    case 'equals':
      return isDeepStrictEqual(fold(v, ignoreCase), fold(check.value, ignoreCase));
    case 'notEquals':
      return !isDeepStrictEqual(fold(v, ignoreCase), fold(check.value, ignoreCase));
    case 'oneOf':
      return check.value.some((x) => isDeepStrictEqual(fold(v, ignoreCase), fold(x, ignoreCase)));
    case 'matches':
      return typeof v === 'string' && check.value.test(v);
    case 'contains':
      if (typeof v === 'string' && typeof check.value === 'string') return (fold(v, ignoreCase) as string).includes(fold(check.value, ignoreCase) as string);
      return Array.isArray(v) && v.some((x) => isDeepStrictEqual(fold(x, ignoreCase), fold(check.value, ignoreCase)));
    case 'lessThan':
      return typeof v === 'number' && v < check.value;
    case 'greaterThan':
      return typeof v === 'number' && v > check.value;
  }
}

function describe(check: Check): string {
  switch (check.op) {
    case 'count':
      return `count ${check.min !== undefined ? `≥ ${check.min}` : ''}${check.min !== undefined && check.max !== undefined ? ' and ' : ''}${check.max !== undefined ? `≤ ${check.max}` : ''}`;
    case 'matches':
      return `matches /${check.value.source.slice(4, -2)}/`;
    default:
      return `${check.op} ${JSON.stringify(check.value)}`;
  }
}

function show(v: unknown): string {
  const s = JSON.stringify(v) ?? 'undefined';
  return s.length > 120 ? s.slice(0, 120) + '…' : s;
}

export interface RuleResult {
  name: string;
  passed: boolean;
  detail: string;
}

export function evaluateRule(rule: Rule, doc: unknown): RuleResult {
  const { values, missing } = resolvePath(doc, rule.segments);
  const res = (passed: boolean, detail: string): RuleResult => ({ name: rule.name, passed, detail });
  const c = rule.check;
  if (c.op === 'exists') {
    const has = values.length > 0 && missing.length === 0;
    return has === c.value ? res(true, c.value ? `${rule.path} is present` : `${rule.path} is absent`) : res(false, c.value ? `${rule.path} is missing (${missing[0] ?? 'no values'})` : `${rule.path} is present`);
  }
  if (c.op === 'count') {
    if (missing.length && values.length === 0) return res(false, `${missing[0]} is missing`);
    const n = values.length;
    const ok = (c.min === undefined || n >= c.min) && (c.max === undefined || n <= c.max);
    return res(ok, `${rule.path} yields ${n} value${n === 1 ? '' : 's'} (${describe(c)})`);
  }
  const hits = values.filter((v) => test1(c, v, rule.ignoreCase));
  switch (rule.quantifier) {
    case 'any':
      return hits.length > 0 ? res(true, `${rule.path}: ${show(hits[0])} satisfies ${describe(c)}`) : res(false, missing.length && values.length === 0 ? `${missing[0]} is missing` : `no value of ${rule.path} satisfies ${describe(c)}`);
    case 'none':
      if (missing.length) return res(false, `${missing[0]} is missing; cannot show that no value satisfies ${describe(c)}`);
      return hits.length === 0 ? res(true, `none of ${values.length} value${values.length === 1 ? '' : 's'} of ${rule.path} satisfies ${describe(c)}`) : res(false, `${hits.length} value${hits.length === 1 ? '' : 's'} of ${rule.path} satisfy ${describe(c)} (e.g. ${show(hits[0])})`);
    case 'all': {
      if (missing.length) return res(false, `${missing[0]} is missing`);
      if (values.length === 0) return res(false, `${rule.path} yields no values`);
      const miss = values.find((v) => !test1(c, v, rule.ignoreCase));
      return miss === undefined ? res(true, `${rule.path} ${values.length === 1 ? `= ${show(values[0])}` : `(${values.length} values)`} satisfies ${describe(c)}`) : res(false, `${rule.path} is ${show(miss)}, which does not satisfy ${describe(c)}`);
    }
  }
}

export interface PolicyResult {
  passed: boolean;
  results: RuleResult[];
}

export function evaluatePolicy(policy: Policy, doc: unknown): PolicyResult {
  const results = policy.rules.map((r) => evaluateRule(r, doc));
  return { passed: results.every((r) => r.passed), results };
}
