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

test('scanBytes on raw UTF-8 agrees with scan on the decoded text (both halves of long inputs, non-ASCII, invalid bytes)', async () => {
  const { isUtf8 } = await import('node:buffer');
  const { remapToUtf16 } = await import('./keywords.js');
  const r = rng(7);
  const pieces = ['key', 'KEY', 'sk', 'token', 'Tok', 'passwd', 'é', '€', '😀', '\n', ' ', 'a', 's', '-', '\r\n', '\xff', 'k'];
  const kws = ['key', 'sk', 'token', 'tok', 'passwd', 'pass', 'k-s'];
  const m = new KeywordMatcher(kws);
  const dump = (k: ReturnType<KeywordMatcher['scan']>): string =>
    JSON.stringify([[...k.hitEnd.subarray(0, k.hitCount)], [...k.hitKw.subarray(0, k.hitCount)], [...k.newlines.subarray(0, k.newlineCount)], [...k.seen], k.overflow]);
  for (let round = 0; round < 150; round++) {
    const len = round % 3 === 0 ? 3000 + Math.floor(r() * 9000) : Math.floor(r() * 300);
    const parts: Buffer[] = [];
    for (let i = 0; i < len; i++) {
      const p = pieces[Math.floor(r() * pieces.length)]!;
      parts.push(p === '\xff' ? Buffer.from([0xff]) : Buffer.from(p, 'utf8'));
    }
    const buf = Buffer.concat(parts);
    const max = round % 5 === 0 ? 7 : 200_000;
    const want = dump(m.scan(buf.toString('utf8'), max));
    const ks = m.scanBytes(buf, max)!;
    assert.ok(ks);
    if (ks.ascii) assert.equal(dump(ks), want);
    else if (isUtf8(buf)) {
      remapToUtf16(buf, ks);
      assert.equal(dump(ks), want);
    } else {
      // invalid UTF-8: the scanner decodes and rescans; the keyword set must still agree
      assert.equal(JSON.stringify([...ks.seen]), JSON.stringify(JSON.parse(want)[3]));
      assert.equal(ks.hitCount === 0, JSON.parse(want)[0].length === 0);
    }
  }
});
