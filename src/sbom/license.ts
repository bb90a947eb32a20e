/**
 * SPDX license expression handling shared by the SBOM writers (SPDX 2.3 Annex D grammar).
 *
 *   compound := and-expr ( "OR" and-expr )*
 *   and-expr := with-expr ( "AND" with-expr )*
 *   with-expr := simple ( "WITH" exception-id )?
 *   simple   := license-id [ "+" ] | "LicenseRef-" idstring | "(" compound ")"
 *
 * The license and exception lists come from @cyclonedx/cyclonedx-library's bundled SPDX list
 * (`isSupportedSpdxId` / `fixupSpdxId`). That list mixes licenses and exceptions, so exceptions are
 * told apart by name (see isExceptionId; a unit test checks the rule against the official list).
 * Operators are accepted in any case and written upper-case; ids are written in their canonical
 * case. `DocumentRef-` references are not accepted (they need externalDocumentRefs we never emit).
 */
import * as SPDX from '@cyclonedx/cyclonedx-library/SPDX';

const IDSTRING = /^[A-Za-z0-9.-]+$/;

/** Entries of the SPDX list that are licenses even though the name mentions an exception (deprecated forms). */
const LICENSES_NAMED_LIKE_EXCEPTIONS = /^(GPL-[23]\.0-with-.*-exception|CAL-1\.0-Combined-Work-Exception|MPL-2\.0-no-copyleft-exception)$/i;
/** Exceptions whose names do not contain "exception". */
const EXCEPTIONS_WITHOUT_THE_WORD = new Set(['GPL-CC-1.0', 'Linux-syscall-note', 'LLGPL', 'SHL-2.0', 'SHL-2.1', 'GCC-exception-2.0-note', 'Google-Patent-WebM']);

/** Canonical spelling of a listed SPDX id (license or exception), or undefined. */
function canonicalId(id: string): string | undefined {
  return SPDX.fixupSpdxId(id);
}

/** True for ids on the SPDX exceptions list (as opposed to the license list). */
export function isExceptionId(canonical: string): boolean {
  if (EXCEPTIONS_WITHOUT_THE_WORD.has(canonical)) return true;
  if (LICENSES_NAMED_LIKE_EXCEPTIONS.test(canonical)) return false;
  return /exception/i.test(canonical);
}

/** Canonical license id (never an exception), or undefined when `id` is not on the SPDX license list. */
export function spdxLicenseId(id: string): string | undefined {
  const c = canonicalId(id);
  return c !== undefined && !isExceptionId(c) ? c : undefined;
}

export type LicenseNode =
  | { kind: 'license'; id: string; orLater: boolean }
  | { kind: 'ref'; ref: string }
  | { kind: 'with'; license: LicenseNode; exception: string }
  | { kind: 'and' | 'or'; args: LicenseNode[] };

export interface ParsedExpression {
  node: LicenseNode;
  /** the expression re-written with canonical ids and upper-case operators */
  normalized: string;
  /** LicenseRef-... ids used in the expression */
  licenseRefs: string[];
}

const MAX_EXPRESSION_LENGTH = 4096;

function tokenize(s: string): string[] | undefined {
  const tokens: string[] = [];
  const re = /\s*(\(|\)|[A-Za-z0-9.+:-]+)\s*/gy;
  let pos = 0;
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) return undefined;
    tokens.push(m[1]!);
    pos = re.lastIndex;
  }
  return tokens;
}

/** Parse an SPDX license expression; undefined when it is not one (unknown ids count as invalid). */
export function parseLicenseExpression(input: string): ParsedExpression | undefined {
  if (input.length === 0 || input.length > MAX_EXPRESSION_LENGTH) return undefined;
  const toks = tokenize(input);
  if (!toks || toks.length === 0) return undefined;
  const tokens: string[] = toks;
  let i = 0;
  const refs = new Set<string>();
  const peekOp = (): string | undefined => tokens[i]?.toUpperCase();

  function simple(depth: number): LicenseNode | undefined {
    const t = tokens[i];
    if (t === undefined) return undefined;
    if (t === '(') {
      if (depth > 64) return undefined;
      i++;
      const inner = compound(depth + 1);
      if (!inner || tokens[i] !== ')') return undefined;
      i++;
      return inner;
    }
    i++;
    if (/^LicenseRef-/i.test(t)) {
      const rest = t.slice('LicenseRef-'.length);
      if (!IDSTRING.test(rest)) return undefined;
      const ref = 'LicenseRef-' + rest;
      refs.add(ref);
      return { kind: 'ref', ref };
    }
    // "GPL-2.0+" is itself a (deprecated) list entry; otherwise "+" is the or-later operator.
    const whole = spdxLicenseId(t);
    if (whole !== undefined) return { kind: 'license', id: whole, orLater: false };
    if (t.endsWith('+')) {
      const base = spdxLicenseId(t.slice(0, -1));
      if (base !== undefined) return { kind: 'license', id: base, orLater: true };
    }
    return undefined;
  }

  function withExpr(depth: number): LicenseNode | undefined {
    const lic = simple(depth);
    if (!lic) return undefined;
    if (peekOp() === 'WITH') {
      i++;
      const t = tokens[i];
      const exc = t !== undefined ? canonicalId(t) : undefined;
      if (exc === undefined || !isExceptionId(exc) || lic.kind === 'and' || lic.kind === 'or') return undefined;
      i++;
      return { kind: 'with', license: lic, exception: exc };
    }
    return lic;
  }

  function binary(op: 'AND' | 'OR', next: (d: number) => LicenseNode | undefined, depth: number): LicenseNode | undefined {
    const first = next(depth);
    if (!first) return undefined;
    const args = [first];
    while (peekOp() === op) {
      i++;
      const n = next(depth);
      if (!n) return undefined;
      args.push(n);
    }
    return args.length === 1 ? first : { kind: op === 'AND' ? 'and' : 'or', args };
  }
  const andExpr = (d: number) => binary('AND', withExpr, d);
  function compound(depth: number): LicenseNode | undefined {
    return binary('OR', andExpr, depth);
  }

  const node = compound(0);
  if (!node || i !== tokens.length) return undefined;
  return { node, normalized: render(node), licenseRefs: [...refs].sort() };
}

/** Write a node back as an expression; sub-expressions get parentheses where precedence needs them. */
export function render(n: LicenseNode, parent?: 'and' | 'or'): string {
  switch (n.kind) {
    case 'license':
      return n.id + (n.orLater ? '+' : '');
    case 'ref':
      return n.ref;
    case 'with':
      return `${render(n.license)} WITH ${n.exception}`;
    case 'and':
    case 'or': {
      const s = n.args.map((a) => render(a, n.kind)).join(n.kind === 'and' ? ' AND ' : ' OR ');
      // AND binds tighter than OR: an OR inside an AND needs parentheses; make every nested compound explicit.
      return parent !== undefined ? `(${s})` : s;
    }
  }
}

export type LicenseClass =
  | { kind: 'id'; id: string }
  | { kind: 'expression'; expression: string; parsed: ParsedExpression }
  | { kind: 'text'; text: string };

/**
 * Classify one entry of Package.licenses: a bare SPDX license id, a (compound or "+"/LicenseRef)
 * SPDX expression, or free text.
 */
export function classifyLicense(raw: string): LicenseClass {
  const s = raw.trim();
  const id = spdxLicenseId(s);
  if (id !== undefined) return { kind: 'id', id };
  const parsed = parseLicenseExpression(s);
  if (parsed) {
    if (parsed.node.kind === 'license' && !parsed.node.orLater) return { kind: 'id', id: parsed.node.id };
    return { kind: 'expression', expression: parsed.normalized, parsed };
  }
  return { kind: 'text', text: s };
}

/** Join several expressions with AND (each compound one parenthesised). */
export function andAll(exprs: string[]): string {
  if (exprs.length === 1) return exprs[0]!;
  return exprs.map((e) => (/\s/.test(e) ? `(${e})` : e)).join(' AND ');
}
