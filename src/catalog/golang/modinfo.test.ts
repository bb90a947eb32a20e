import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseModInfo, quotedPrefix } from './modinfo.js';

test('parses path, main module, deps, replacements and build settings', () => {
  const text = [
    'path\texample.com/cmd/tool',
    'mod\texample.com\t(devel)\t',
    'dep\tgithub.com/a/b\tv1.2.3\th1:abc=',
    'dep\tgithub.com/c/d\tv0.1.0\th1:old=',
    '=>\tgithub.com/fork/d\tv0.1.1\th1:new=',
    'dep\tgolang.org/x/sys\tv0.5.0',
    '=>\t../sys\t\t',
    'build\t-compiler=gc',
    'build\t-ldflags="-s -w -X \\"main.version=1.0 beta\\""',
    'build\t"we\\tird"=`raw value`',
    'build\tGOOS=linux',
    '',
  ].join('\n');
  const info = parseModInfo(text);
  assert.equal(info.malformed, 0);
  assert.equal(info.path, 'example.com/cmd/tool');
  assert.deepEqual(info.main, { path: 'example.com', version: '(devel)' });
  assert.deepEqual(info.deps, [
    { path: 'github.com/a/b', version: 'v1.2.3', sum: 'h1:abc=' },
    { path: 'github.com/c/d', version: 'v0.1.0', sum: 'h1:old=', replace: { path: 'github.com/fork/d', version: 'v0.1.1', sum: 'h1:new=' } },
    { path: 'golang.org/x/sys', version: 'v0.5.0', replace: { path: '../sys', version: '' } },
  ]);
  assert.deepEqual(info.settings, [
    ['-compiler', 'gc'],
    ['-ldflags', '-s -w -X "main.version=1.0 beta"'],
    ['we\tird', 'raw value'],
    ['GOOS', 'linux'],
  ]);
});

test('malformed lines are counted and skipped, never fatal', () => {
  const info = parseModInfo(['=>\torphan\tv1.0.0\t', 'dep\tonlypath', 'dep\ta\tv1\th1:x\textra', 'build\t=novalue', 'build\tnoequals', 'bogus\tline', 'dep\tok\tv1.0.0\t'].join('\n'));
  assert.equal(info.malformed, 6);
  assert.deepEqual(info.deps, [{ path: 'ok', version: 'v1.0.0' }]);
});

test('Go string literal decoding', () => {
  assert.deepEqual(quotedPrefix('"a\\x41\\101\\u00e9\\U0001F600\\n"rest'), { value: 'aAAé😀\n', length: 29 });
  assert.deepEqual(quotedPrefix('`a"b`=x'), { value: 'a"b', length: 5 });
  assert.equal(quotedPrefix('"unterminated'), undefined);
  assert.equal(quotedPrefix('"bad \\q escape"'), undefined);
  assert.equal(quotedPrefix('"\\777"'), undefined);
  // \x escapes are bytes: two of them form one UTF-8 character
  assert.equal(quotedPrefix('"\\xc3\\xa9"')?.value, 'é');
});
