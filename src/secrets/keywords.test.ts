import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeywordMatcher } from './keywords.js';
import { rng } from './testing.js';

/** every (keyword index, end offset) pair, by brute force */
function naive(text: string, kws: string[]): string[] {
  const lower = text.replace(/[A-Z]/g, (c) => c.toLowerCase());
  const out: string[] = [];
  for (let i = 0; i < lower.length; i++) {
    kws.forEach((k, idx) => {
      if (k.length > 0 && i + 1 >= k.length && lower.startsWith(k.toLowerCase(), i + 1 - k.length)) out.push(`${i + 1}:${idx}`);
    });
  }
  return out.sort();
}

function hits(m: KeywordMatcher, text: string, max?: number): string[] {
  const r = m.scan(text, max);
  const out: string[] = [];
  for (let i = 0; i < r.hitCount; i++) out.push(`${r.hitEnd[i]}:${r.hitKw[i]}`);
  return out.sort();
}

test('finds every occurrence, overlapping and nested, case-insensitively', () => {
  const kws = ['he', 'she', 'his', 'hers', 'xoxb', 'xox', 'ox', 'akia', '-----begin'];
  const m = new KeywordMatcher(kws);
  for (const text of ['ushers', 'XOXB-123 xoxp', 'AKIAakiaAkIa', 'hishershe', '-----BEGIN RSA', '', 'h']) {
    assert.deepEqual(hits(m, text), naive(text, kws), text);
  }
});

test('random texts over a small alphabet agree with brute force', () => {
  const r = rng(11);
  const alpha = 'abAB-_.\n';
  const pick = (n: number): string => Array.from({ length: n }, () => alpha[Math.floor(r() * alpha.length)]).join('');
  for (let round = 0; round < 200; round++) {
    const kws = Array.from({ length: 1 + Math.floor(r() * 8) }, () => pick(1 + Math.floor(r() * 4)).toLowerCase().replace(/\n/g, 'a'));
    const m = new KeywordMatcher(kws);
    const text = pick(Math.floor(r() * 200));
    assert.deepEqual(hits(m, text), naive(text, kws), JSON.stringify({ kws, text }));
  }
});

test('newlines are recorded; non-ASCII text resets the automaton', () => {
  const m = new KeywordMatcher(['key']);
  const r = m.scan('a\nké y\nkey\n');
  assert.deepEqual([...r.newlines.subarray(0, r.newlineCount)], [1, 6, 10]);
  assert.equal(r.hitCount, 1);
  assert.equal(r.hitEnd[0], 10);
});

test('non-ASCII keywords work too', () => {
  const kws = ['clé', 'пароль', 'key'];
  const m = new KeywordMatcher(kws);
  for (const text of ['une clé: x', 'ПАРОЛЬ=1 пароль=2', 'cléclé key', 'cl\u00e9']) {
    const lower = text.toLowerCase();
    const want: string[] = [];
    for (let i = 0; i < lower.length; i++) kws.forEach((k, idx) => lower.startsWith(k, i) && want.push(`${i + k.length}:${idx}`));
    assert.deepEqual(hits(m, text), want.sort(), text);
  }
});

test('hit cap: overflow is flagged and "seen" stays exact', () => {
  const m = new KeywordMatcher(['a', 'zz']);
  const r = m.scan('a'.repeat(100) + 'zz', 10);
  assert.equal(r.hitCount, 10);
  assert.equal(r.overflow, true);
  assert.deepEqual([...r.seen], [1, 1]);
});
