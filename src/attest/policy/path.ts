/**
 * Paths into a statement for policy rules: `predicate.buildDefinition.externalParameters.workflow.ref`,
 * `predicate.components[*].name`, `predicate.runDetails.builder["version"]`, `subject[0].digest.sha256`.
 *
 *   path    := name ( "." name | "[" digits "]" | "[*]" | "[" json-string "]" )*
 *   name    := [A-Za-z0-9_@$-]+
 *
 * Resolution keeps "missing" apart from "empty": a field that is not there is reported (so a typo
 * cannot make a rule pass), while `[*]` over an empty list simply yields nothing.
 */
import { PlimsollError } from '../../util/errors.js';

export type PathSegment = { kind: 'key'; key: string } | { kind: 'index'; index: number } | { kind: 'all' };

const NAME_RE = /^[A-Za-z0-9_@$-]+/;

export function parsePath(text: string, where: string): PathSegment[] {
  const bad = (why: string): never => {
    throw new PlimsollError('USAGE', `${where}: path "${text.slice(0, 200)}" is invalid: ${why}`);
  };
  const segs: PathSegment[] = [];
  let rest = text;
  const first = NAME_RE.exec(rest);
  if (!first) bad('it must start with a field name (e.g. predicate.…)');
  segs.push({ kind: 'key', key: first![0] });
  rest = rest.slice(first![0].length);
  while (rest.length) {
    if (rest.startsWith('.')) {
      const m = NAME_RE.exec(rest.slice(1));
      if (!m) bad(`expected a field name after "." at "${rest.slice(0, 40)}"`);
      segs.push({ kind: 'key', key: m![0] });
      rest = rest.slice(1 + m![0].length);
    } else if (rest.startsWith('[*]')) {
      segs.push({ kind: 'all' });
      rest = rest.slice(3);
    } else if (/^\[\d+\]/.test(rest)) {
      const m = /^\[(\d+)\]/.exec(rest)!;
      segs.push({ kind: 'index', index: Number(m[1]) });
      rest = rest.slice(m[0].length);
    } else if (rest.startsWith('["')) {
      const end = rest.indexOf('"]');
      if (end < 0) bad('unterminated ["…"]');
      let key: unknown;
      try {
        key = JSON.parse(rest.slice(1, end + 1));
      } catch {
        bad(`bad quoted key at "${rest.slice(0, 40)}"`);
      }
      segs.push({ kind: 'key', key: key as string });
      rest = rest.slice(end + 2);
    } else {
      bad(`unexpected "${rest.slice(0, 20)}"`);
    }
  }
  return segs;
}

export interface Resolved {
  values: unknown[];
  /** places where a field or index was absent, e.g. "predicate.matches[2].severity" */
  missing: string[];
}

function fmt(prefix: string, s: PathSegment): string {
  if (s.kind === 'key') return /^[A-Za-z0-9_@$-]+$/.test(s.key) ? (prefix ? `${prefix}.${s.key}` : s.key) : `${prefix}[${JSON.stringify(s.key)}]`;
  return s.kind === 'index' ? `${prefix}[${s.index}]` : `${prefix}[*]`;
}

export function resolvePath(doc: unknown, segs: readonly PathSegment[]): Resolved {
  const values: unknown[] = [];
  const missing: string[] = [];
  const walk = (v: unknown, i: number, at: string): void => {
    if (i === segs.length) {
      values.push(v);
      return;
    }
    const s = segs[i]!;
    const here = fmt(at, s);
    if (s.kind === 'key') {
      if (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.prototype.hasOwnProperty.call(v, s.key)) walk((v as Record<string, unknown>)[s.key], i + 1, here);
      else missing.push(here);
    } else if (s.kind === 'index') {
      if (Array.isArray(v) && s.index < v.length) walk(v[s.index], i + 1, here);
      else missing.push(here);
    } else if (Array.isArray(v)) {
      v.forEach((x, k) => walk(x, i + 1, `${at}[${k}]`));
    } else if (typeof v === 'object' && v !== null) {
      for (const [k, x] of Object.entries(v)) walk(x, i + 1, fmt(at, { kind: 'key', key: k }));
    } else {
      missing.push(here);
    }
  };
  walk(doc, 0, '');
  return { values, missing };
}
