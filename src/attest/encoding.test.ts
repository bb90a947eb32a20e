import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeBase64 } from './encoding.js';
import { PlimsollError } from '../util/errors.js';

const fails = (f: () => unknown, re: RegExp) => assert.throws(f, (e: unknown) => e instanceof PlimsollError && re.test(e.message));

test('strict base64: standard accepted, non-canonical, truncated and foreign alphabets refused', () => {
  assert.equal(decodeBase64('aGVsbG8=', 'x').toString(), 'hello');
  assert.equal(decodeBase64('', 'x').length, 0);
  fails(() => decodeBase64('aGVsbG8', 'x'), /multiple of 4|truncated/);
  fails(() => decodeBase64('aGVsbG9=', 'x'), /not canonical/); // stray bits in the last char
  fails(() => decodeBase64('aGVs bG8=', 'x'), /unexpected characters/);
  fails(() => decodeBase64('-_-_Pj8=', 'x'), /unexpected characters/);
  fails(() => decodeBase64(42, 'x'), /expected a base64 string/);
});

test('DSSE alphabet: URL-safe with or without padding', () => {
  assert.deepEqual([...decodeBase64('-_-_Pj8=', 'x', 'standard-or-url')], [0xfb, 0xff, 0xbf, 0x3e, 0x3f]);
  assert.deepEqual([...decodeBase64('-_-_Pj8', 'x', 'standard-or-url')], [0xfb, 0xff, 0xbf, 0x3e, 0x3f]);
  assert.deepEqual([...decodeBase64('+/+/Pj8=', 'x', 'standard-or-url')], [0xfb, 0xff, 0xbf, 0x3e, 0x3f]);
  fails(() => decodeBase64('a', 'x', 'standard-or-url'), /truncated/);
});
