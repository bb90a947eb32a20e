/**
 * JMESPath evaluation for Kyverno variables: the community JMESPath runtime with Kyverno's
 * functions registered, legacy backtick literals enabled (`foo` as a string) and every
 * expression compiled once (cache keyed by source text).
 */
import * as jp from '@jmespath-community/jmespath';
import type { Json } from '../types.js';
import { registerKyvernoFunctions } from './functions.js';

registerKyvernoFunctions();

type Ast = ReturnType<typeof jp.compile>;
const astCache = new Map<string, Ast>();
const MAX_CACHE = 20000;

/** Thrown for an expression that does not parse (a policy error, reported at load time). */
export class JmesPathSyntaxError extends Error {
  constructor(
    readonly expression: string,
    message: string,
  ) {
    super(`invalid JMESPath expression ${JSON.stringify(expression)}: ${message}`);
  }
}

/** Compiles (and caches) an expression; throws JmesPathSyntaxError. */
export function compileJmes(expr: string): Ast {
  let ast = astCache.get(expr);
  if (ast) return ast;
  try {
    ast = jp.compile(expr, { enable_legacy_literals: true });
  } catch (e) {
    throw new JmesPathSyntaxError(expr, (e as Error).message);
  }
  if (astCache.size >= MAX_CACHE) astCache.clear();
  astCache.set(expr, ast);
  return ast;
}

/** Evaluates a compiled expression; runtime errors (bad function args…) propagate as Error. */
export function searchAst(ast: Ast, data: Json): Json {
  const r = jp.TreeInterpreter.search(ast, data as Parameters<typeof jp.TreeInterpreter.search>[1]) as Json | undefined;
  return r === undefined ? null : r;
}

export function searchJmes(expr: string, data: Json): Json {
  return searchAst(compileJmes(expr), data);
}

export type { Ast as JmesAst };
