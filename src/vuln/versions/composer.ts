/**
 * Packagist (Composer) versions: Composer's VersionParser::normalize() followed by PHP's version_compare().
 *
 * normalize: optional `v`, 1-4 numeric parts padded to four (1.2 -> 1.2.0.0) or a date-like version
 * (20230101, 2023.01.01), then an optional stability suffix (alpha|a, beta|b, RC, patch|pl|p, with an
 * optional number) and an optional `-dev`; `+build` metadata and a trailing `@stability` flag are dropped.
 * Branch names (dev-main, 1.x-dev) are not orderable versions and are rejected.
 *
 * version_compare: split at '.', '-', '_', '+' and digit/letter transitions; numbers numerically; words by
 * PHP's special-form order  (unknown) < dev < alpha = a < beta = b < RC = rc < (number) < pl = p (prefix
 * match, so "patch" ranks with "p"); when one side has extra parts, a number makes it greater and a word
 * is weighed against "a number".
 */
import { makeScheme, VersionParseError, type ParsedVersion } from './types.js';
import { compareDigits, isAsciiDigit } from './numeric.js';

export interface ComposerVersion extends ParsedVersion {
  readonly scheme: 'composer';
  /** Composer-normalised form, e.g. "1.2.0.0-beta2". */
  readonly normalized: string;
  /** version_compare's canonical parts of `normalized`. */
  readonly parts: readonly string[];
}

const NAME = 'composer';
const MODIFIER = '[._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?\\d+)*)?)?([.-]?dev)?';
const CLASSICAL_RE = new RegExp(`^v?(\\d{1,5})(\\.\\d+)?(\\.\\d+)?(\\.\\d+)?${MODIFIER}$`, 'i');
const DATE_RE = new RegExp(`^v?(\\d{4}(?:[.:-]?\\d{2}){1,6}(?:[.:-]?\\d{1,3}){0,2})${MODIFIER}$`, 'i');

function expandStability(s: string): string {
  const l = s.toLowerCase();
  if (l === 'a') return 'alpha';
  if (l === 'b') return 'beta';
  if (l === 'p' || l === 'pl') return 'patch';
  if (l === 'rc') return 'RC';
  return l;
}

/** Composer's VersionParser::normalize() for concrete (non-branch) versions. @throws VersionParseError */
export function normalizeComposerVersion(input: string): string {
  let v = input.trim();
  if (v.length === 0) throw new VersionParseError(NAME, input, 'empty version');
  if (/\s/.test(v)) throw new VersionParseError(NAME, input, 'contains whitespace');
  v = v.replace(/@(?:stable|RC|beta|alpha|dev)$/i, '');
  if (/^dev-/i.test(v) || /^(?:master|trunk|default)$/i.test(v) || /(?:^v?|\.)[x*](?:[.-]|$)/i.test(v)) {
    throw new VersionParseError(NAME, input, 'a branch name, not an orderable version');
  }
  const plus = v.indexOf('+');
  if (plus > 0) v = v.slice(0, plus);
  let version: string;
  let m = CLASSICAL_RE.exec(v);
  let index: number;
  if (m) {
    version = m[1]! + (m[2] || '.0') + (m[3] || '.0') + (m[4] || '.0');
    index = 5;
  } else {
    m = DATE_RE.exec(v);
    if (!m) throw new VersionParseError(NAME, input, 'not a Composer version (N[.N[.N[.N]]] with an optional stability suffix)');
    version = m[1]!.replace(/\D/g, '.');
    index = 2;
  }
  const stability = m[index];
  const number = m[index + 1];
  const dev = m[index + 2];
  if (stability) {
    if (stability === 'stable') return version;
    version += `-${expandStability(stability)}${number ? number.replace(/^[.-]+/, '') : ''}`;
  }
  if (dev) version += '-dev';
  return version;
}

function isDig(c: number): boolean {
  return isAsciiDigit(c);
}
function isAlnum(c: number): boolean {
  return isAsciiDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** php_canonicalize_version() split into parts. */
export function phpCanonicalParts(v: string): string[] {
  if (v.length === 0) return [];
  let out = v[0]!;
  let lp = v.charCodeAt(0);
  for (let i = 1; i < v.length; i++) {
    const c = v.charCodeAt(i);
    const lq = out.charCodeAt(out.length - 1);
    const special = c === 0x2d || c === 0x5f || c === 0x2b; // - _ +
    const lpDigit = isDig(lp);
    const lpNonDigit = !isDig(lp) && lp !== 0x2e;
    const cDigit = isDig(c);
    const cNonDigit = !isDig(c) && c !== 0x2e;
    if (special) {
      if (lq !== 0x2e) out += '.';
    } else if ((lpNonDigit && cDigit) || (lpDigit && cNonDigit)) {
      if (lq !== 0x2e) out += '.';
      out += v[i];
    } else if (!isAlnum(c)) {
      if (lq !== 0x2e) out += '.';
    } else {
      out += v[i];
    }
    lp = c;
  }
  return out.split('.');
}

const SPECIAL_FORMS: ReadonlyArray<readonly [string, number]> = [
  ['dev', 0],
  ['alpha', 1],
  ['a', 1],
  ['beta', 2],
  ['b', 2],
  ['RC', 3],
  ['rc', 3],
  ['#', 4],
  ['pl', 5],
  ['p', 5],
];
const NUMBER_FORM = '#N#';

function formOrder(form: string): number {
  for (const [name, order] of SPECIAL_FORMS) if (form.startsWith(name)) return order;
  return -1;
}

function compareForms(a: string, b: string): number {
  const r = formOrder(a) - formOrder(b);
  return r < 0 ? -1 : r > 0 ? 1 : 0;
}

function startsWithDigit(s: string): boolean {
  return s.length > 0 && isDig(s.charCodeAt(0));
}

/** PHP version_compare() on canonical parts. */
function phpCompareParts(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return a.length === b.length ? 0 : a.length === 0 ? -1 : 1;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const p1 = a[i]!;
    const p2 = b[i]!;
    let r: number;
    if (startsWithDigit(p1) && startsWithDigit(p2)) r = compareDigits(p1.replace(/\D.*$/, ''), p2.replace(/\D.*$/, ''));
    else if (!startsWithDigit(p1) && !startsWithDigit(p2)) r = compareForms(p1, p2);
    else r = startsWithDigit(p1) ? compareForms(NUMBER_FORM, p2) : compareForms(p1, NUMBER_FORM);
    if (r !== 0) return r;
  }
  if (a.length > n) return startsWithDigit(a[n]!) ? 1 : phpCompareParts(a.slice(n), [NUMBER_FORM]);
  if (b.length > n) return startsWithDigit(b[n]!) ? -1 : phpCompareParts([NUMBER_FORM], b.slice(n));
  return 0;
}

/** PHP's version_compare($a, $b) as -1 | 0 | 1. */
export function phpVersionCompare(a: string, b: string): number {
  return phpCompareParts(phpCanonicalParts(a), phpCanonicalParts(b));
}

export function parseComposerVersion(input: string): ComposerVersion {
  const normalized = normalizeComposerVersion(input);
  return { scheme: 'composer', raw: input, normalized, parts: phpCanonicalParts(normalized) };
}

export function compareComposerParsed(a: ComposerVersion, b: ComposerVersion): number {
  return phpCompareParts(a.parts, b.parts);
}

export const composer = makeScheme<ComposerVersion>(NAME, parseComposerVersion, compareComposerParsed);
