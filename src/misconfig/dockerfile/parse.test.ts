import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDockerfile, parseImageRef, splitWords, substitute } from './parse.js';
import { lintDockerfile } from './lint.js';
import { lineAt } from './model.js';

function model(text: string) {
  const r = parseDockerfile(text);
  assert.deepEqual(r.errors, []);
  assert.ok(r.model);
  return r.model;
}

test('stages, names, global ARGs, --platform, parent stages', () => {
  const m = model('ARG BASE=alpine\nARG TAG=3.19\nFROM --platform=$BUILDPLATFORM ${BASE}:${TAG} AS Build\nRUN make\nFROM build AS final\nCOPY --from=build --chown=1:1 --chmod=755 --link /a /b\n');
  assert.equal(m.globalArgs.length, 2);
  assert.equal(m.stages.length, 2);
  const [s0, s1] = m.stages;
  assert.equal(s0!.name, 'build');
  assert.equal(s0!.from.image, '${BASE}:${TAG}');
  assert.equal(s0!.from.resolved, 'alpine:3.19');
  assert.equal(s0!.from.viaArgs, true);
  assert.equal(s0!.from.platform, '$BUILDPLATFORM');
  assert.deepEqual(s0!.from.ref, { text: 'alpine:3.19', repository: 'alpine', tag: '3.19' });
  assert.equal(s1!.from.parentStage, 0);
  assert.equal(s1!.from.ref, undefined);
  const copy = s1!.instructions[0]!;
  assert.deepEqual(copy.flags.map((f) => [f.name, f.value]), [['from', 'build'], ['chown', '1:1'], ['chmod', '755'], ['link', null]]);
  assert.equal(copy.args, '/a /b');
  assert.equal(copy.line, 6);
});

test('continuations: joined, comment and blank lines inside dropped, line map kept', () => {
  const m = model('FROM alpine:3\nRUN apk add \\\n    # why: tls\n    ca-certificates \\\n\n    curl\nRUN echo done\n');
  const run = m.stages[0]!.instructions[0]!;
  assert.equal(run.line, 2);
  assert.equal(run.endLine, 6);
  assert.equal(run.args, 'apk add     ca-certificates     curl');
  assert.equal(lineAt(run.argsMap, run.args.indexOf('curl')), 6);
  assert.equal(lineAt(run.argsMap, run.args.indexOf('ca-cert')), 4);
  assert.equal(lineAt(run.argsMap, 0), 2);
  assert.equal(m.stages[0]!.instructions[1]!.line, 7);
});

test('RUN --mount flags are parsed into options', () => {
  const m = model('FROM alpine:3\nRUN --mount=type=cache,target=/root/.cache/pip,sharing=locked --network=none pip install x\n');
  const run = m.stages[0]!.instructions[0]!;
  assert.deepEqual(run.flags[0], { name: 'mount', value: 'type=cache,target=/root/.cache/pip,sharing=locked', options: { type: 'cache', target: '/root/.cache/pip', sharing: 'locked' } });
  assert.equal(run.flags[1]!.name, 'network');
  assert.equal(run.args, 'pip install x');
});

test('JSON vs shell form', () => {
  const m = model('FROM alpine:3\nCMD ["a", "b c"]\nENTRYPOINT [\'a\']\nRUN ["/bin/sh", "-c", "echo hi"]\nCMD echo [x]\n');
  const [cmd, ep, run, cmd2] = m.stages[0]!.instructions;
  assert.deepEqual(cmd!.json, ['a', 'b c']);
  assert.equal(ep!.json, undefined); // single quotes are not JSON: shell form
  assert.deepEqual(run!.json, ['/bin/sh', '-c', 'echo hi']);
  assert.equal(cmd2!.json, undefined);
});

test('heredocs: bodies kept apart, <<- strips tabs, command line ends at the operator line', () => {
  const m = model('FROM alpine:3\nRUN <<-EOT bash\n\techo one\n\techo two\n\tEOT\nCOPY <<EOF /etc/x.conf\nk=v\nEOF\nRUN cat <<A <<B\na\nA\nb\nB\n');
  const [run, copy, two] = m.stages[0]!.instructions;
  assert.equal(run!.args, '<<-EOT bash');
  assert.deepEqual(run!.heredocs.map((h) => [h.name, h.body, h.bodyLine, h.terminated]), [['EOT', 'echo one\necho two', 3, true]]);
  assert.equal(run!.endLine, 5);
  assert.equal(copy!.args, '<<EOF /etc/x.conf');
  assert.equal(copy!.heredocs[0]!.body, 'k=v');
  assert.deepEqual(two!.heredocs.map((h) => h.name), ['A', 'B']);
  assert.equal(two!.line, 9);
});

test('escape directive: backtick continues lines, backslashes are literal', () => {
  const m = model('# escape=`\nFROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nRUN dir C:\\ `\n    && echo ok\nWORKDIR C:\\app\n');
  assert.equal(m.escape, '`');
  assert.equal(m.directives.escape, '`');
  const run = m.stages[0]!.instructions[0]!;
  assert.equal(run.args, 'dir C:\\     && echo ok');
  assert.equal(run.endLine, 4);
  assert.equal(m.stages[0]!.instructions[1]!.line, 5);
});

test('ENV/ARG/LABEL properties, both syntaxes, with their lines', () => {
  const m = model('FROM alpine:3\nENV A=1 B="two words" \\\n    C=3\nENV OLD value with spaces\nARG X\nARG Y=y\n');
  const [env, old, x, y] = m.stages[0]!.instructions;
  assert.deepEqual(env!.properties, [{ name: 'A', value: '1', line: 2 }, { name: 'B', value: 'two words', line: 2 }, { name: 'C', value: '3', line: 3 }]);
  assert.deepEqual(old!.properties, [{ name: 'OLD', value: 'value with spaces', line: 4 }]);
  assert.deepEqual(x!.properties, [{ name: 'X', value: null, line: 5 }]);
  assert.deepEqual(y!.properties, [{ name: 'Y', value: 'y', line: 6 }]);
});

test('ONBUILD trigger is a nested instruction', () => {
  const m = model('FROM alpine:3\nONBUILD COPY --chown=1 . /app\n');
  const ob = m.stages[0]!.instructions[0]!;
  assert.equal(ob.trigger?.keyword, 'COPY');
  assert.equal(ob.trigger?.args, '. /app');
  assert.deepEqual(ob.trigger?.flags.map((f) => f.name), ['chown']);
});

test('CRLF line endings and a BOM keep line numbers', () => {
  const m = model('\uFEFFFROM alpine:3\r\nRUN echo a \\\r\n  b\r\nUSER app\r\n');
  assert.equal(m.stages[0]!.instructions[0]!.args, 'echo a   b');
  assert.equal(m.stages[0]!.instructions[1]!.line, 4);
});

test('syntax errors are reported with their line, not thrown', () => {
  const cases: [string, RegExp, number | undefined][] = [
    ['FROM alpine:3\nFOO bar\n', /unknown instruction "FOO"/, 2],
    ['RUN echo hi\nFROM alpine:3\n', /RUN before the first FROM/, 1],
    ['# just a comment\nARG X=1\n', /no FROM instruction/, undefined],
    ['', /no instructions found/, undefined],
    ['FROM alpine:3 AS\n', /FROM expects/, 1],
    ['FROM alpine:3 AS 1bad\n', /invalid build stage name/, 1],
    ['FROM alpine:3\nENV\n', /ENV requires at least one argument/, 2],
    ['FROM alpine:3\nSHELL /bin/bash -c\n', /SHELL requires the arguments in JSON form/, 2],
    ['# escape=x\nFROM alpine:3\n', /invalid escape directive/, 1],
    ['FROM alpine:3\nRUN <<EOF\necho never closed\n', /heredoc <<EOF is not terminated/, 2],
    ['apiVersion: v1\nkind: Pod\n', /unknown instruction "apiVersion:"/, 1],
  ];
  for (const [text, re, line] of cases) {
    const r = lintDockerfile(text, 'x/Dockerfile');
    const e = r.errors.find((x) => re.test(x.message));
    assert.ok(e, `expected ${re} for ${JSON.stringify(text)}, got ${JSON.stringify(r.errors)}`);
    assert.equal(e.line, line, `line for ${re}`);
    assert.equal(e.file, 'x/Dockerfile');
  }
});

test('splitWords, substitute, parseImageRef', () => {
  assert.deepEqual(splitWords(`a "b c" 'd e' f\\ g`).map((w) => w.text), ['a', 'b c', 'd e', 'f g']);
  assert.deepEqual(splitWords('C:\\x `"y', '`').map((w) => w.text), ['C:\\x', '"y']);
  const vars = new Map<string, string | null>([['A', 'alpine'], ['E', ''], ['N', null]]);
  assert.deepEqual(substitute('${A}:3', vars), { value: 'alpine:3', substituted: true });
  assert.deepEqual(substitute('$A', vars), { value: 'alpine', substituted: true });
  assert.deepEqual(substitute('${E:-debian}:12', vars), { value: 'debian:12', substituted: true });
  assert.deepEqual(substitute('${N}', vars), { substituted: true });
  assert.deepEqual(substitute('${MISSING:-x}', vars), { value: 'x', substituted: true });
  assert.deepEqual(parseImageRef('localhost:5000/a/b:1@sha256:abc'), { text: 'localhost:5000/a/b:1@sha256:abc', registry: 'localhost:5000', repository: 'a/b', tag: '1', digest: 'sha256:abc' });
  assert.deepEqual(parseImageRef('library/alpine'), { text: 'library/alpine', repository: 'library/alpine' });
});
