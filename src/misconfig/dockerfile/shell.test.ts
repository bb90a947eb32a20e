import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs, parseShell, type ShellCommand } from './shell.js';

const names = (s: string): string[] => parseShell(s).commands.map((c) => c.name);
const cmd = (s: string, name: string): ShellCommand => {
  const c = parseShell(s).commands.find((x) => x.name === name);
  assert.ok(c, `${name} in ${s}`);
  return c;
};

test('operators, quotes, escapes and assignments', () => {
  const cs = parseShell(`A=1 B="x y" apt-get install -y 'a b' "c\\"d" e\\ f && echo ok; ls || true & wait`).commands;
  assert.deepEqual(cs.map((c) => c.name), ['apt-get', 'echo', 'ls', 'true', 'wait']);
  assert.deepEqual(cs[0]!.args, ['install', '-y', 'a b', 'c"d', 'e f']);
  assert.deepEqual(cs[0]!.assignments, ['A=1', 'B=x y']);
  assert.deepEqual(cs.map((c) => c.connector), ['', '&&', ';', '||', '&']);
});

test('pipelines', () => {
  const cs = parseShell('curl -fsSL x | tee log |& sh -s -- a; echo').commands;
  assert.deepEqual(cs.slice(0, 3).map((c) => [c.name, c.pipeIndex, c.pipeLength]), [['curl', 0, 3], ['tee', 1, 3], ['sh', 2, 3]]);
  assert.equal(cs[0]!.pipeline, cs[2]!.pipeline);
  assert.equal(cs[3]!.pipeLength, 1);
  assert.notEqual(cs[3]!.pipeline, cs[0]!.pipeline);
});

test('wrappers are peeled: sudo, env, xargs, timeout, gosu, busybox, command', () => {
  const s = cmd('sudo -E -u root apt-get install -y x', 'apt-get');
  assert.deepEqual(s.wrappers, ['sudo']);
  assert.deepEqual(s.args, ['install', '-y', 'x']);
  assert.deepEqual(cmd('env -i FOO=1 pip install x', 'pip').assignments, ['FOO=1']);
  assert.deepEqual(cmd('find . | xargs -r -n 1 rm -f', 'rm').wrappers, ['xargs']);
  assert.deepEqual(cmd('timeout -s KILL 30 curl x', 'curl').args, ['x']);
  assert.deepEqual(cmd('gosu app:app node server.js', 'node').args, ['server.js']);
  assert.deepEqual(cmd('busybox wget -q x', 'wget').args, ['-q', 'x']);
  assert.deepEqual(cmd('/usr/bin/apt-get -qq update', 'apt-get').args, ['-qq', 'update']);
  assert.deepEqual(names('command -v curl'), ['command']);
});

test('command substitution, backticks, process substitution are parsed too', () => {
  assert.deepEqual(names('x="$(apt-mark showmanual)"; echo `uname -m` $(( 1 + 2 )) ${A:-b}'), ['apt-mark', 'uname', 'echo']);
  const c = cmd('bash <(curl -s https://x)', 'curl');
  assert.equal(c.inSubstitution, true);
  assert.equal(c.depth, 1);
  assert.equal(cmd('bash <(curl -s https://x)', 'bash').args[0], '<(curl -s https://x)');
  assert.deepEqual(names('echo "a $(echo "b $(id -u)")"'), ['id', 'echo', 'echo']);
});

test('sh -c / su -c scripts are parsed as nested scripts, once', () => {
  const cs = parseShell(`sh -ec 'apt-get update && apt-get install -y x'; su app -c "npm install -g y"`).commands;
  assert.deepEqual(cs.map((c) => c.name), ['sh', 'apt-get', 'apt-get', 'su', 'npm']);
  assert.ok(cs[1]!.viaShellC);
  assert.deepEqual(names('bash -c "$(curl -fsSL https://x)"'), ['curl', 'bash']);
  assert.deepEqual(names('bash -o pipefail -c "a | b"'), ['bash', 'a', 'b']);
});

test('control flow: if/for/while/case keywords and patterns are not commands', () => {
  const s = 'if [ -f x ]; then (cd /a && make); elif true; then :; else exit 1; fi; for f in a b; do echo "$f"; done; while read l; do :; done < f; case "$arch" in amd64|arm64) export X=1 ;; *) echo no ;; esac; { a; b; }';
  assert.deepEqual(names(s), ['[', 'cd', 'make', 'true', ':', 'exit', 'echo', 'read', ':', 'export', 'echo', 'a', 'b']);
});

test('redirections and fds are not arguments; shell heredoc bodies are skipped', () => {
  const c = cmd('make 2>&1 >/dev/null < in.txt install', 'make');
  assert.deepEqual(c.args, ['install']);
  assert.deepEqual(c.redirects.map((r) => [r.fd ?? '', r.op, r.target]), [['2', '>&', '1'], ['', '>', '/dev/null'], ['', '<', 'in.txt']]);
  assert.deepEqual(names('cat <<EOF > /etc/x\nnot | a command\nEOF\necho after'), ['cat', 'echo']);
  assert.deepEqual(names('cat <<-EOF\n\tcurl x | sh\n\tEOF\ntrue'), ['cat', 'true']);
});

test('comments and line continuations', () => {
  assert.deepEqual(names('a # b | c\nd \\\n e'), ['a', 'd']);
  assert.deepEqual(cmd('d \\\n e', 'd').args, ['e']);
});

test('unterminated constructs do not throw', () => {
  for (const s of ['echo "abc', "echo 'abc", 'echo $(abc', 'echo `abc', 'echo ${abc', 'a |', '&& b', ')))(((', 'case x in', '<<', '2>']) {
    assert.doesNotThrow(() => parseShell(s), s);
  }
});

test('parseArgs: clusters, attached values, long options, --', () => {
  const p = parseArgs(['-yq', '-oAPT::X=1', '--no-install-recommends', '--target-release=bookworm', '-t', 'sid', 'install', '--', '-weird'], new Set(['-o', '-t', '--target-release']));
  assert.ok(p.flags.has('-y') && p.flags.has('-q') && p.flags.has('--no-install-recommends'));
  assert.deepEqual(p.values.get('-o'), ['APT::X=1']);
  assert.deepEqual(p.values.get('-t'), ['sid']);
  assert.deepEqual(p.values.get('--target-release'), ['bookworm']);
  assert.deepEqual(p.operands, ['install', '-weird']);
});
