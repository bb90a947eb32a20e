/**
 * `{{ … }}` variable substitution (Kyverno pkg/engine/variables).
 *
 * A string that is exactly one variable evaluates to the variable's JSON value (any type);
 * otherwise each variable is replaced by its string form (strings as is, everything else
 * JSON-encoded). Variables may nest — `{{ divide('{{a}}', '{{b}}') }}` — the innermost are
 * substituted first and the string is scanned again. `\{{ … }}` is an escaped literal.
 *
 * Templates are compiled once per policy: static strings stay static, single variables keep
 * their JMESPath AST, only nested templates are re-scanned at evaluation time.
 */
import type { Json, JsonObject } from '../types.js';
import { compileJmes, searchAst, type JmesAst } from './jmespath.js';

const VAR_RE = /(^|[^\\])(\{\{(?:\{[^{}]*\}|[^{}])*\}\})/g;
const ESCAPED_RE = /\\(\{\{(?:\{[^{}]*\}|[^{}])*\}\})/g;

export class VariableError extends Error {}

export interface EvalScope {
  /** The JSON context JMESPath runs against. */
  data: JsonObject;
  /** DELETE requests read request.oldObject where policies say request.object. */
  deleteRequest?: boolean;
}

interface VarRef {
  text: string; // `{{ expr }}`
  expr: string;
  ast: JmesAst | null; // null when the expression is `@`
}

export type Template =
  | { kind: 'literal'; value: string }
  | { kind: 'single'; ref: VarRef; source: string }
  | { kind: 'parts'; parts: (string | VarRef)[]; source: string }
  | { kind: 'dynamic'; source: string };

function makeRef(text: string): VarRef {
  const expr = text.slice(2, -2).trim();
  return { text, expr, ast: expr === '@' ? null : compileJmes(expr) };
}

function unescape(s: string): string {
  return s.includes('\\{{') ? s.replace(ESCAPED_RE, '$1') : s;
}

/** True if the string contains an (unescaped) variable. */
export function hasVariables(s: string): boolean {
  if (!s.includes('{{')) return false;
  VAR_RE.lastIndex = 0;
  return VAR_RE.test(s);
}

/** Compiles a string; throws JmesPathSyntaxError for a bad expression. */
export function compileTemplate(s: string): Template {
  if (!hasVariables(s)) return { kind: 'literal', value: unescape(s) };
  const parts: (string | VarRef)[] = [];
  let last = 0;
  VAR_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = VAR_RE.exec(s))) {
    const start = m.index + m[1]!.length;
    if (start > last) parts.push(s.slice(last, start));
    parts.push(makeRef(m[2]!));
    last = start + m[2]!.length;
    VAR_RE.lastIndex = last - 1;
  }
  if (last < s.length) parts.push(s.slice(last));
  const literalRest = parts.filter((p): p is string => typeof p === 'string').join('');
  if (literalRest.includes('{{') && hasVariables(literalRest.replace(ESCAPED_RE, ''))) return { kind: 'dynamic', source: s };
  // nested variables: a variable's text contains a quote-wrapped inner `{{`? the regex only
  // matches innermost ones, so a remaining `{{` outside them means nesting
  if (parts.length === 1 && typeof parts[0] !== 'string') return { kind: 'single', ref: parts[0]!, source: s };
  if (hasOuterBraces(s, parts)) return { kind: 'dynamic', source: s };
  return { kind: 'parts', parts: parts.map((p) => (typeof p === 'string' ? unescape(p) : p)), source: s };
}

function hasOuterBraces(_s: string, parts: (string | VarRef)[]): boolean {
  // after the innermost variables are cut out, unbalanced `{{`/`}}` remaining in literal
  // pieces mean the variables were nested inside an outer one
  let open = 0;
  for (const p of parts) {
    if (typeof p !== 'string') continue;
    open += (p.match(/(?<!\\)\{\{/g) ?? []).length;
  }
  return open > 0;
}

function resolve(ref: VarRef, scope: EvalScope): Json {
  let ast = ref.ast;
  if (!ast) throw new VariableError(`variable {{@}} is only supported inside mutate overlays`);
  if (scope.deleteRequest && ref.expr.includes('request.object')) ast = compileJmes(ref.expr.replaceAll('request.object', 'request.oldObject'));
  try {
    return searchAst(ast, scope.data);
  } catch (e) {
    throw new VariableError(`failed to resolve ${ref.expr}: ${(e as Error).message}`);
  }
}

/** String form of a substituted value (Kyverno: strings as is, others JSON). */
export function stringify(v: Json): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function evalDynamic(source: string, scope: EvalScope): Json {
  let value = source;
  for (let guard = 0; guard < 32; guard++) {
    VAR_RE.lastIndex = 0;
    const found: { start: number; text: string }[] = [];
    let m: RegExpExecArray | null;
    while ((m = VAR_RE.exec(value))) {
      const start = m.index + m[1]!.length;
      found.push({ start, text: m[2]! });
      VAR_RE.lastIndex = start + m[2]!.length - 1;
    }
    if (found.length === 0) break;
    if (found.length === 1 && found[0]!.start === 0 && found[0]!.text.length === value.length) {
      return resolve(makeRef(value), scope);
    }
    let out = '';
    let last = 0;
    for (const f of found) {
      out += value.slice(last, f.start) + stringify(resolve(makeRef(f.text), scope));
      last = f.start + f.text.length;
    }
    value = out + value.slice(last);
  }
  return unescape(value);
}

/** Evaluates a compiled template against a scope. Throws VariableError. */
export function evalTemplate(t: Template, scope: EvalScope): Json {
  switch (t.kind) {
    case 'literal':
      return t.value;
    case 'single':
      return resolve(t.ref, scope);
    case 'parts': {
      let out = '';
      for (const p of t.parts) out += typeof p === 'string' ? p : stringify(resolve(p, scope));
      if (hasVariables(out)) return evalDynamic(out, scope);
      return out;
    }
    case 'dynamic':
      return evalDynamic(t.source, scope);
  }
}

/** A JSON tree with its variable-bearing strings (values and keys) precompiled. */
export type CompiledTree = { static: true; value: Json } | { static: false; eval: (scope: EvalScope) => Json };

/** Compiles a JSON document; static subtrees are returned unchanged (so per-object caches hit). */
export function compileTree(doc: Json): CompiledTree {
  if (typeof doc === 'string') {
    const t = compileTemplate(doc);
    if (t.kind === 'literal') return t.value === doc ? { static: true, value: doc } : { static: true, value: t.value };
    return { static: false, eval: (s) => evalTemplate(t, s) };
  }
  if (Array.isArray(doc)) {
    const items = doc.map(compileTree);
    if (items.every((i) => i.static && i.value === doc[items.indexOf(i)])) return { static: true, value: doc };
    return {
      static: false,
      eval: (s) => items.map((i) => (i.static ? i.value : i.eval(s))),
    };
  }
  if (doc !== null && typeof doc === 'object') {
    const entries = Object.entries(doc).map(([k, v]) => [compileTree(k), compileTree(v), v] as const);
    if (entries.every(([k, v, orig], idx) => k.static && k.value === Object.keys(doc)[idx] && v.static && v.value === orig)) {
      return { static: true, value: doc };
    }
    return {
      static: false,
      eval: (s) => {
        const out: JsonObject = {};
        for (const [k, v] of entries) {
          const key = k.static ? k.value : k.eval(s);
          out[typeof key === 'string' ? key : stringify(key)] = v.static ? v.value : v.eval(s);
        }
        return out;
      },
    };
  }
  return { static: true, value: doc };
}

export function evalTree(t: CompiledTree, scope: EvalScope): Json {
  return t.static ? t.value : t.eval(scope);
}
