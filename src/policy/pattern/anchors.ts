/**
 * Kyverno pattern anchors, written as a modifier and a parenthesised key:
 *   (key)   conditional  — if the value does not match, the rule/element does not apply (skip)
 *   <(key)  global       — like conditional, but a mismatch skips the whole rule
 *   =(key)  equality     — if the key is present its value must match
 *   ^(key)  existence    — the list must contain at least one element matching each pattern
 *   X(key)  negation     — the key must not be present
 *   +(key)  add-if-not-present (mutate only; rejected in validate patterns)
 */
export type AnchorKind = 'condition' | 'global' | 'equality' | 'existence' | 'negation' | 'addIfNotPresent';

export interface Anchor {
  kind: AnchorKind;
  /** The modifier character ('' for a conditional anchor). */
  modifier: string;
  /** The key inside the parentheses. */
  key: string;
}

const KINDS: Record<string, AnchorKind> = {
  '': 'condition',
  '<': 'global',
  '=': 'equality',
  '^': 'existence',
  X: 'negation',
  '+': 'addIfNotPresent',
};

const ANCHOR_RE = /^([+<=X^]?)\((.+)\)$/s;
const cache = new Map<string, Anchor | null>();

/** Parses `=(key)` etc.; null when the string is a plain key. */
export function parseAnchor(s: string): Anchor | null {
  const hit = cache.get(s);
  if (hit !== undefined) return hit;
  const m = ANCHOR_RE.exec(s);
  const a: Anchor | null = m ? { kind: KINDS[m[1]!]!, modifier: m[1]!, key: m[2]! } : null;
  if (cache.size > 8192) cache.clear();
  cache.set(s, a);
  return a;
}

/** Looks like an anchor attempt but is malformed (e.g. `(key`, `Y(key)`, `()`). */
export function isMalformedAnchor(s: string): boolean {
  if (parseAnchor(s)) return false;
  return /^[+<=X^]?\(/.test(s) && !/^[+<=X^]?\(.+\)$/s.test(s);
}
