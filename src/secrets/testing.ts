/**
 * Test support: random strings that match a regex (for rules whose upstream test cases are generated,
 * not literal), and the sample-template expansion used by gitleaks' rule tests.
 */
import { classRanges, parseRe2, type ReNode } from './regex.js';

/** Small deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PRINTABLE = [0x21, 0x7e];

function intersect(a: number[], b: number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < a.length; i += 2) {
    for (let j = 0; j < b.length; j += 2) {
      const lo = Math.max(a[i]!, b[j]!);
      const hi = Math.min(a[i + 1]!, b[j + 1]!);
      if (lo <= hi) out.push(lo, hi);
    }
  }
  return out;
}

function pickFrom(ranges: number[], r: () => number): string {
  let total = 0;
  for (let i = 0; i < ranges.length; i += 2) total += ranges[i + 1]! - ranges[i]! + 1;
  let k = Math.floor(r() * total);
  for (let i = 0; i < ranges.length; i += 2) {
    const size = ranges[i + 1]! - ranges[i]! + 1;
    if (k < size) return String.fromCodePoint(ranges[i]! + k);
    k -= size;
  }
  return '';
}

/** Generate a string matched by `node` (assertions are ignored; callers retry when they fail). */
export function generate(node: ReNode, r: () => number): string {
  switch (node.t) {
    case 'empty':
    case 'assert':
      return '';
    case 'lit': {
      const c = String.fromCodePoint(node.cp);
      return node.fold && r() < 0.5 ? c.toUpperCase() : c;
    }
    case 'dot':
      return pickFrom(PRINTABLE, r);
    case 'class': {
      const ranges = classRanges(node, false);
      if (!ranges) return 'a';
      for (const pref of [PRINTABLE, [0x20, 0x7e], [0x09, 0x0d], [0x00, 0xffff]]) {
        const inter = intersect(ranges, pref);
        if (inter.length) return pickFrom(inter, r);
      }
      return pickFrom(ranges, r);
    }
    case 'group':
      return generate(node.child, r);
    case 'concat':
      return node.items.map((x) => generate(x, r)).join('');
    case 'alt':
      return generate(node.items[Math.floor(r() * node.items.length)]!, r);
    case 'repeat': {
      let n: number;
      if (node.min === node.max) n = node.min;
      else if (node.min === 0 && r() < 0.5) n = 0;
      else {
        const hi = node.max === Infinity ? node.min + 8 : Math.min(node.max, node.min + 40);
        n = node.min + Math.floor(r() * (hi - node.min + 1));
      }
      let s = '';
      for (let i = 0; i < n; i++) s += generate(node.child, r);
      return s;
    }
  }
}

/** The capture group node with this index, if any. */
export function findGroup(node: ReNode, index: number): ReNode | undefined {
  let found: ReNode | undefined;
  const visit = (n: ReNode): void => {
    if (found) return;
    if (n.t === 'group' && n.capture && n.index === index) {
      found = n;
      return;
    }
    if (n.t === 'group' || n.t === 'repeat') visit(n.child);
    else if (n.t === 'concat' || n.t === 'alt') n.items.forEach(visit);
  };
  visit(node);
  return found;
}

/** Parse an RE2 pattern for generation (throws on syntax the parser rejects). */
export function parseForGeneration(pattern: string): ReNode {
  return parseRe2(pattern).ast;
}

/** gitleaks' sample templates: {i} identifier, {I} upper-case identifier, {s} secret */
export function expandTemplate(template: string, identifier: string, secret: string): string {
  return template.replace(/\{i\}/g, () => identifier).replace(/\{I\}/g, () => identifier.toUpperCase()).replace(/\{s\}/g, () => secret);
}
