/**
 * A small POSIX-shell splitter for RUN commands: enough to find the simple commands a script runs
 * and their arguments, robustly, without evaluating anything.
 *
 * Handled: blanks, `'…'`, `"…"` (with `\"`, `\$`, `` \` ``, `\\`), backslash escapes and
 * backslash-newline, `$VAR`/`${…}`/`$((…))` (kept literally), command substitution `$(…)` and
 * `` `…` `` and process substitution `<(…)` (their commands are parsed too), the operators
 * `&& || ; & | |&` and newlines, `( … )` and `{ …; }` groups, redirections (`2>&1`, `>/dev/null`,
 * `<<EOF` with its body skipped in multi-line scripts), leading `NAME=value` assignments,
 * `#` comments, the reserved words of `if/while/until/for/case`, and `case` patterns. Wrappers
 * (`sudo`, `env`, `nice`, `xargs`, `timeout`, `gosu USER`, …) are peeled off so `sudo apt-get
 * install` is seen as `apt-get install`, and `sh -c 'script'` / `su -c 'script'` scripts are
 * parsed as nested scripts.
 *
 * Nesting is bounded (MAX_DEPTH): deeper substitutions are kept as literal text. Every scan is a
 * single forward pass per nesting level, so hostile input costs O(depth × length).
 */

export interface ShellWord {
  /** The word with quotes and escapes removed; expansions kept as written (`$HOME`, `$(cmd)`). */
  text: string;
  /** Offset of the first character in the top-level text. */
  offset: number;
  /** Some part was quoted or escaped. */
  quoted: boolean;
  /** Contains `$…` or a backtick substitution. */
  expansion: boolean;
  /** Starts with an unquoted `NAME=` (a variable assignment when it precedes the command). */
  assignment?: boolean;
}

export interface Redirect {
  op: string;
  fd?: string;
  target: string;
}

export type Connector = '' | '&&' | '||' | ';' | '&' | '\n';

export interface ShellCommand {
  /** Command name: basename of the first word after wrappers (`/usr/bin/apt-get` → `apt-get`). */
  name: string;
  /** Arguments after the name. */
  args: string[];
  /** Words after leading assignments, wrappers included (`sudo -E apt-get install x`). */
  argv: string[];
  /** Wrapper commands peeled off, in order (`sudo`, `env`, …). */
  wrappers: string[];
  /** Leading `NAME=value` words (and `env NAME=value`). */
  assignments: string[];
  redirects: Redirect[];
  /** Commands joined by `|` share a pipeline id. */
  pipeline: number;
  pipeIndex: number;
  pipeLength: number;
  /** Operator before this command's pipeline. */
  connector: Connector;
  /** 0 at top level; >0 inside substitutions or `sh -c` scripts. */
  depth: number;
  /** Offset in the top-level text (approximate inside `sh -c` strings). */
  offset: number;
  /** Offset just past the last word. */
  end: number;
  /** Inside `$(…)`, backticks or `<(…)`. */
  inSubstitution: boolean;
  /** From a `sh -c` / `su -c` script argument. */
  viaShellC: boolean;
}

export interface ShellScript {
  commands: ShellCommand[];
}

export const MAX_DEPTH = 8;

const SHELLS: ReadonlySet<string> = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh', 'busybox-sh']);
const RESERVED_SKIP: ReadonlySet<string> = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', '!', '{', '}', 'time']);

type Token =
  | { t: 'word'; w: ShellWord; nested: ShellCommand[] }
  | { t: 'op'; op: string; offset: number }
  | { t: 'redir'; op: string; fd?: string; offset: number };

const OPS = [';;&', '&>>', '<<<', '<<-', '&&', '||', ';;', ';&', '|&', '&>', '>>', '<<', '>&', '<&', '<>', '>|', '|', '&', ';', '(', ')', '<', '>'];
const REDIR_OPS: ReadonlySet<string> = new Set(['&>>', '<<<', '<<-', '&>', '>>', '<<', '>&', '<&', '<>', '>|', '<', '>']);

export function parseShell(text: string): ShellScript {
  const counter = { pipeline: 0 };
  return { commands: parseAt(text, 0, 0, false, false, counter) };
}

function parseAt(src: string, base: number, depth: number, inSub: boolean, viaC: boolean, counter: { pipeline: number }): ShellCommand[] {
  const tokens = lex(src, base, depth, counter);
  return build(tokens, depth, inSub, viaC, counter);
}

// ---------------------------------------------------------------------------------------------
// Lexer

function isBlank(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v';
}
function isMeta(c: string): boolean {
  return c === '|' || c === '&' || c === ';' || c === '(' || c === ')' || c === '<' || c === '>';
}
function isNameChar(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z0-9_]/.test(c);
}

type Frame = { k: 'paren' | 'brace'; depth: number } | { k: 'dq' | 'bt' };

/**
 * Finds where a construct closes, iteratively (nesting depth costs heap, not stack):
 * `paren`/`brace` start at the opening `(`/`{` and end at the matching `)`/`}`; `dq`/`bt` start
 * just after an opening `"`/`` ` `` and end at the closing one. Quotes, escapes, `$(…)` inside
 * double quotes and backticks are skipped. Returns src.length when unterminated.
 */
function scanClose(src: string, i: number, kind: 'paren' | 'brace' | 'dq' | 'bt'): number {
  const stack: Frame[] = [kind === 'paren' || kind === 'brace' ? { k: kind, depth: 0 } : { k: kind }];
  for (; i < src.length; i++) {
    const c = src[i]!;
    const top = stack[stack.length - 1]!;
    if (c === '\\') {
      i++;
      continue;
    }
    let closed = false;
    switch (top.k) {
      case 'dq':
        if (c === '"') closed = true;
        else if (c === '$' && src[i + 1] === '(') {
          stack.push({ k: 'paren', depth: 1 });
          i++; // past the '('
        } else if (c === '`') stack.push({ k: 'bt' });
        break;
      case 'bt':
        if (c === '`') closed = true;
        break;
      case 'paren':
      case 'brace': {
        const open = top.k === 'paren' ? '(' : '{';
        const close = top.k === 'paren' ? ')' : '}';
        if (c === "'") {
          const j = src.indexOf("'", i + 1);
          i = j < 0 ? src.length : j;
        } else if (c === '"') stack.push({ k: 'dq' });
        else if (c === '`') stack.push({ k: 'bt' });
        else if (c === open) top.depth++;
        else if (c === close && --top.depth === 0) closed = true;
        break;
      }
    }
    if (closed) {
      stack.pop();
      if (stack.length === 0) return i;
    }
  }
  return src.length;
}

/** Index of the `)` closing the `(` at `open` (src.length when unbalanced). */
export function matchParen(src: string, open: number): number {
  return scanClose(src, open, 'paren');
}

function skipBacktick(src: string, i: number): number {
  return scanClose(src, i, 'bt');
}

function matchBrace(src: string, open: number): number {
  return scanClose(src, open, 'brace');
}

function lex(src: string, base: number, depth: number, counter: { pipeline: number }): Token[] {
  const tokens: Token[] = [];
  const pendingHeredocs: { delim: string; strip: boolean }[] = [];
  let expectHeredocDelim: { strip: boolean } | null = null;
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i]!;
    if (isBlank(c)) {
      i++;
      continue;
    }
    if (c === '\\' && src[i + 1] === '\n') {
      i += 2;
      continue;
    }
    if (c === '\n') {
      tokens.push({ t: 'op', op: '\n', offset: base + i });
      i++;
      if (pendingHeredocs.length > 0) i = skipHeredocBodies(src, i, pendingHeredocs.splice(0));
      continue;
    }
    if (c === '#') {
      const j = src.indexOf('\n', i);
      i = j < 0 ? n : j;
      continue;
    }
    // Process substitution <( … ) / >( … ) is a word.
    if ((c === '<' || c === '>') && src[i + 1] === '(') {
      const tok = readWord(src, i, base, depth, counter);
      tokens.push(tok.token);
      i = tok.end;
      continue;
    }
    if (isMeta(c)) {
      const op = OPS.find((o) => src.startsWith(o, i))!;
      if (REDIR_OPS.has(op)) {
        tokens.push({ t: 'redir', op, offset: base + i });
        if (op === '<<' || op === '<<-') expectHeredocDelim = { strip: op === '<<-' };
      } else tokens.push({ t: 'op', op, offset: base + i });
      i += op.length;
      continue;
    }
    // A number right before a redirection is its file descriptor: 2>&1, 1>/dev/null.
    if (/[0-9]/.test(c)) {
      let j = i;
      while (j < n && /[0-9]/.test(src[j]!)) j++;
      if ((src[j] === '>' || src[j] === '<') && src[j + 1] !== '(') {
        const op = OPS.find((o) => src.startsWith(o, j))!;
        tokens.push({ t: 'redir', op, fd: src.slice(i, j), offset: base + i });
        if (op === '<<' || op === '<<-') expectHeredocDelim = { strip: op === '<<-' };
        i = j + op.length;
        continue;
      }
    }
    const tok = readWord(src, i, base, depth, counter);
    tokens.push(tok.token);
    if (expectHeredocDelim) {
      pendingHeredocs.push({ delim: tok.token.w.text, strip: expectHeredocDelim.strip });
      expectHeredocDelim = null;
    }
    i = tok.end;
  }
  return tokens;
}

/** Skips the bodies of shell heredocs that start after a newline; returns the next offset. */
function skipHeredocBodies(src: string, i: number, docs: { delim: string; strip: boolean }[]): number {
  for (const d of docs) {
    while (i < src.length) {
      const j = src.indexOf('\n', i);
      const line = src.slice(i, j < 0 ? src.length : j);
      i = j < 0 ? src.length : j + 1;
      if ((d.strip ? line.replace(/^\t+/, '') : line) === d.delim) break;
    }
  }
  return i;
}

function readWord(src: string, i: number, base: number, depth: number, counter: { pipeline: number }): { token: { t: 'word'; w: ShellWord; nested: ShellCommand[] }; end: number } {
  const start = i;
  let text = '';
  let quoted = false;
  let expansion = false;
  let assignment = false;
  const nested: ShellCommand[] = [];
  const n = src.length;

  const substitute = (open: number, kind: '$(' | '<(' | '>('): void => {
    // `open` indexes the '('.
    const close = matchParen(src, open);
    const inner = src.slice(open + 1, close);
    text += kind + inner + ')';
    expansion = true;
    if (depth < MAX_DEPTH) nested.push(...parseAt(inner, base + open + 1, depth + 1, true, false, counter));
    i = close + 1;
  };
  const backtick = (open: number): void => {
    const close = skipBacktick(src, open + 1);
    const inner = src.slice(open + 1, close).replace(/\\([`\\$])/g, '$1');
    text += '`' + inner + '`';
    expansion = true;
    if (depth < MAX_DEPTH) nested.push(...parseAt(inner, base + open + 1, depth + 1, true, false, counter));
    i = close + 1;
  };
  const dollar = (): void => {
    // src[i] === '$'
    const nx = src[i + 1];
    if (nx === '(' && src[i + 2] === '(') {
      const close = matchParen(src, i + 1);
      text += src.slice(i, close + 1);
      expansion = true;
      i = close + 1;
    } else if (nx === '(') {
      i++;
      substitute(i, '$(');
    } else if (nx === '{') {
      const close = matchBrace(src, i + 1);
      text += src.slice(i, close + 1);
      expansion = true;
      i = close + 1;
    } else if (isNameChar(nx) || (nx !== undefined && '@*#?$!-'.includes(nx))) {
      let j = i + 1;
      if (isNameChar(nx) && !/[0-9]/.test(nx!)) while (j < n && isNameChar(src[j])) j++;
      else j++;
      text += src.slice(i, j);
      expansion = true;
      i = j;
    } else if (nx === "'") {
      // $'…' ANSI-C string: take it literally (escapes kept).
      const close = src.indexOf("'", i + 2);
      const end = close < 0 ? n : close;
      text += src.slice(i + 2, end);
      quoted = true;
      i = end + 1;
    } else {
      text += '$';
      i++;
    }
  };

  if ((src[i] === '<' || src[i] === '>') && src[i + 1] === '(') {
    substitute(i + 1, (src[i] + '(') as '<(' | '>(');
  }
  while (i < n) {
    const c = src[i]!;
    if (isBlank(c) || c === '\n' || isMeta(c)) break;
    if (c === '\\') {
      if (src[i + 1] === '\n') {
        i += 2;
        continue;
      }
      if (i + 1 < n) text += src[i + 1];
      quoted = true;
      i += 2;
      continue;
    }
    if (c === "'") {
      const close = src.indexOf("'", i + 1);
      const end = close < 0 ? n : close;
      text += src.slice(i + 1, end);
      quoted = true;
      i = end + 1;
      continue;
    }
    if (c === '"') {
      quoted = true;
      i++;
      while (i < n && src[i] !== '"') {
        const d = src[i]!;
        if (d === '\\') {
          const e = src[i + 1];
          if (e === '\n') i += 2;
          else if (e !== undefined && '$`"\\'.includes(e)) {
            text += e;
            i += 2;
          } else {
            text += d;
            i++;
          }
        } else if (d === '$') dollar();
        else if (d === '`') backtick(i);
        else {
          text += d;
          i++;
        }
      }
      i++; // closing quote
      continue;
    }
    if (c === '`') {
      backtick(i);
      continue;
    }
    if (c === '$') {
      dollar();
      continue;
    }
    if (c === '=' && !assignment && !quoted && !expansion && /^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?$/.test(text)) assignment = true;
    text += c;
    i++;
  }
  const w: ShellWord = { text, offset: base + start, quoted, expansion };
  if (assignment) w.assignment = true;
  return { token: { t: 'word', w, nested }, end: Math.max(i, start + 1) };
}

// ---------------------------------------------------------------------------------------------
// Parser: tokens → simple commands

interface Pending {
  words: ShellWord[];
  assignments: string[];
  redirects: Redirect[];
  nested: ShellCommand[];
  offset: number;
  end: number;
  /** Words of a `for x in …` header: dropped. */
  header: boolean;
}

type CaseState = 'head' | 'pattern' | 'body';

function build(tokens: Token[], depth: number, inSub: boolean, viaC: boolean, counter: { pipeline: number }): ShellCommand[] {
  const out: ShellCommand[] = [];
  let connector: Connector = '';
  let pipeline = counter.pipeline++;
  let pipeIndex = 0;
  const pipelineMembers: ShellCommand[] = [];
  const caseStack: CaseState[] = [];
  let cur = fresh();
  let redirPending: { op: string; fd?: string } | null = null;

  function fresh(): Pending {
    return { words: [], assignments: [], redirects: [], nested: [], offset: -1, end: -1, header: false };
  }

  function endPipeline(next: Connector): void {
    for (const m of pipelineMembers) m.pipeLength = pipelineMembers.length;
    pipelineMembers.length = 0;
    pipeline = counter.pipeline++;
    pipeIndex = 0;
    connector = next;
  }

  function flush(): void {
    out.push(...cur.nested);
    if (!cur.header && cur.words.length > 0) {
      const cmds = finishCommand(cur, { connector, pipeline, pipeIndex, depth, inSub, viaC }, counter);
      const main = cmds[0]!;
      out.push(main);
      pipelineMembers.push(main);
      pipeIndex++;
      out.push(...cmds.slice(1));
    }
    cur = fresh();
  }

  for (const tok of tokens) {
    const state = caseStack[caseStack.length - 1];
    if (tok.t === 'redir') {
      redirPending = { op: tok.op, fd: tok.fd };
      continue;
    }
    if (tok.t === 'word') {
      const w = tok.w;
      if (redirPending) {
        cur.redirects.push({ op: redirPending.op, target: w.text, ...(redirPending.fd !== undefined ? { fd: redirPending.fd } : {}) });
        cur.nested.push(...tok.nested);
        redirPending = null;
        continue;
      }
      if (state === 'head') {
        if (!w.quoted && w.text === 'in') caseStack[caseStack.length - 1] = 'pattern';
        continue;
      }
      if (state === 'pattern') {
        if (!w.quoted && w.text === 'esac') caseStack.pop();
        continue;
      }
      const atStart = cur.words.length === 0 && cur.assignments.length === 0 && !cur.header;
      if (atStart && !w.quoted) {
        if (w.text === 'case') {
          caseStack.push('head');
          continue;
        }
        if (w.text === 'esac' && state === 'body') {
          caseStack.pop();
          continue;
        }
        if (w.text === 'for' || w.text === 'select' || w.text === 'function') {
          cur.header = true;
          continue;
        }
        if (RESERVED_SKIP.has(w.text)) continue;
      }
      if (cur.header) continue;
      if (cur.words.length === 0 && w.assignment) {
        cur.assignments.push(w.text);
        cur.nested.push(...tok.nested);
        continue;
      }
      if (cur.offset < 0) cur.offset = w.offset;
      cur.end = w.offset + w.text.length;
      cur.words.push(w);
      cur.nested.push(...tok.nested);
      continue;
    }
    // operator
    redirPending = null;
    const op = tok.op;
    if (state === 'pattern') {
      if (op === ')') caseStack[caseStack.length - 1] = 'body';
      continue;
    }
    if (state === 'head') continue;
    if (op === '|' || op === '|&') {
      flush();
      continue;
    }
    if ((op === ';;' || op === ';&' || op === ';;&') && state === 'body') {
      flush();
      endPipeline(';');
      caseStack[caseStack.length - 1] = 'pattern';
      continue;
    }
    // && || ; & newline ( )
    flush();
    endPipeline(op === '&&' || op === '||' || op === ';' || op === '&' || op === '\n' ? op : ';');
  }
  flush();
  endPipeline('');
  return out;
}

// ---------------------------------------------------------------------------------------------
// Wrappers and nested scripts

/** Options that take a separate value, per wrapper. */
const WRAPPER_VALUE_OPTS: Record<string, ReadonlySet<string>> = {
  sudo: new Set(['-u', '-g', '-p', '-C', '-h', '-r', '-t', '-U', '-D', '-R', '-T', '--user', '--group', '--prompt', '--chdir', '--host', '--role', '--type']),
  env: new Set(['-u', '-C', '-S', '--unset', '--chdir', '--split-string']),
  nice: new Set(['-n', '--adjustment']),
  ionice: new Set(['-c', '-n', '-p', '-P', '-u']),
  exec: new Set(['-a']),
  timeout: new Set(['-s', '-k', '--signal', '--kill-after']),
  stdbuf: new Set(['-i', '-o', '-e', '--input', '--output', '--error']),
  xargs: new Set(['-a', '-d', '-E', '-I', '-L', '-n', '-P', '-s', '--arg-file', '--delimiter', '--max-args', '--max-procs', '--max-chars', '--max-lines', '--replace']),
  nohup: new Set(),
  command: new Set(),
  builtin: new Set(),
  eatmydata: new Set(),
  fakeroot: new Set(),
};
/** Wrappers whose first operand is not the command (`timeout 5 cmd`, `gosu user cmd`, `chroot dir cmd`). */
const WRAPPER_SKIP_OPERANDS: Record<string, number> = { timeout: 1, gosu: 1, 'su-exec': 1, chroot: 1 };

function basename(s: string): string {
  if (s.includes('$') || s.includes('`')) return s; // `$(cmd)`, `${X}/bin/y`: not a path to shorten
  const i = s.lastIndexOf('/');
  return i >= 0 ? s.slice(i + 1) : s;
}

interface Ctx {
  connector: Connector;
  pipeline: number;
  pipeIndex: number;
  depth: number;
  inSub: boolean;
  viaC: boolean;
}

function finishCommand(p: Pending, ctx: Ctx, counter: { pipeline: number }): ShellCommand[] {
  const argv = p.words.map((w) => w.text);
  const wrappers: string[] = [];
  const assignments = [...p.assignments];
  let k = 0;
  // Peel wrappers: sudo -E apt-get …, env A=b cmd, xargs -r cmd, timeout 10 cmd, gosu user cmd.
  for (let guard = 0; guard < 8 && k < argv.length; guard++) {
    const name = basename(argv[k]!);
    const valueOpts = WRAPPER_VALUE_OPTS[name];
    const skipOperands = WRAPPER_SKIP_OPERANDS[name];
    if (valueOpts === undefined && skipOperands === undefined) break;
    if (name === 'command' && (argv[k + 1] === '-v' || argv[k + 1] === '-V')) break; // a lookup, not a run
    wrappers.push(name);
    k++;
    while (k < argv.length) {
      const a = argv[k]!;
      if (a === '--') {
        k++;
        break;
      }
      if (name === 'env' && /^[A-Za-z_][A-Za-z0-9_]*=/.test(a)) {
        assignments.push(a);
        k++;
        continue;
      }
      if (!a.startsWith('-') || a === '-') break;
      k += valueOpts?.has(a) ? 2 : 1;
    }
    if (skipOperands) k += skipOperands;
  }
  let rest = argv.slice(k);
  // `busybox wget …` runs the applet.
  if (rest.length > 1 && basename(rest[0]!) === 'busybox' && /^[a-z0-9_.-]+$/.test(rest[1]!)) {
    wrappers.push('busybox');
    rest = rest.slice(1);
  }
  const main: ShellCommand = {
    name: rest.length > 0 ? basename(rest[0]!) : basename(argv[argv.length - 1] ?? ''),
    args: rest.slice(1),
    argv,
    wrappers,
    assignments,
    redirects: p.redirects,
    pipeline: ctx.pipeline,
    pipeIndex: ctx.pipeIndex,
    pipeLength: 1,
    connector: ctx.connector,
    depth: ctx.depth,
    offset: p.offset,
    end: p.end,
    inSubstitution: ctx.inSub,
    viaShellC: ctx.viaC,
  };
  const out = [main];
  if (rest.length === 0 || ctx.depth >= MAX_DEPTH) return out;
  const script = shellCScript(main.name, main.args);
  const w = script ? p.words[k + 1 + script.index] : undefined;
  // A script produced by the outer shell's own substitution (`bash -c "$(curl …)"`) was already
  // parsed as part of the word; re-parsing its text would count those commands twice.
  if (script !== undefined && w !== undefined && !(w.expansion && /\$\(|`/.test(script.text))) {
    out.push(...parseAt(script.text, w.offset + (w.quoted ? 1 : 0), ctx.depth + 1, false, true, counter));
  }
  return out;
}

/** The script of `sh -c SCRIPT`, `bash -euxc SCRIPT`, `su -c SCRIPT user`, with its index in args. */
export function shellCScript(name: string, args: string[]): { text: string; index: number } | undefined {
  if (SHELLS.has(name)) {
    let hasC = false;
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === '-o' || a === '+o' || a === '-O' || a === '+O') {
        i++;
        continue;
      }
      if (a === '--') continue;
      if (/^[-+][A-Za-z]+$/.test(a)) {
        if (a[0] === '-' && a.includes('c')) hasC = true;
        continue;
      }
      if (a.startsWith('--')) continue;
      return hasC ? { text: a, index: i } : undefined;
    }
    return undefined;
  }
  if (name === 'su' || name === 'runuser') {
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if ((a === '-c' || a === '--command') && i + 1 < args.length) return { text: args[i + 1]!, index: i + 1 };
      if (a.startsWith('--command=')) return { text: a.slice('--command='.length), index: i };
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Argument helpers for rules

export interface ParsedArgs {
  /** Options present, normalized: short clusters split (`-yq` → `-y`, `-q`), `--x=v` → `--x`. */
  flags: Set<string>;
  /** Option values (`-o Foo=1`, `--target-release=x`), all occurrences. */
  values: Map<string, string[]>;
  /** Non-option arguments in order. */
  operands: string[];
}

/**
 * Generic getopt-style parsing. `valueOpts` lists the options that take a value (short `-o` or
 * long `--opt`); their value is the attached text or the next argument.
 */
export function parseArgs(args: readonly string[], valueOpts: ReadonlySet<string> = new Set()): ParsedArgs {
  const flags = new Set<string>();
  const values = new Map<string, string[]>();
  const operands: string[] = [];
  const addValue = (k: string, v: string): void => {
    flags.add(k);
    const list = values.get(k);
    if (list) list.push(v);
    else values.set(k, [v]);
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq >= 0) addValue(a.slice(0, eq), a.slice(eq + 1));
      else if (valueOpts.has(a) && i + 1 < args.length) addValue(a, args[++i]!);
      else flags.add(a);
      continue;
    }
    if (a.startsWith('-') && a.length > 1 && !/^-[0-9]/.test(a)) {
      for (let j = 1; j < a.length; j++) {
        const opt = '-' + a[j];
        if (valueOpts.has(opt)) {
          const attached = a.slice(j + 1).replace(/^=/, '');
          if (attached !== '') addValue(opt, attached);
          else if (i + 1 < args.length) addValue(opt, args[++i]!);
          else flags.add(opt);
          break;
        }
        flags.add(opt);
      }
      continue;
    }
    operands.push(a);
  }
  return { flags, values, operands };
}

export function hasAny(p: ParsedArgs, ...opts: string[]): boolean {
  return opts.some((o) => p.flags.has(o));
}
