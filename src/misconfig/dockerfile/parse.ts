/**
 * Dockerfile → plimsoll's model (./model.ts).
 *
 * dockerfile-ast (the parser behind the Docker language server) finds instruction boundaries,
 * parser directives, heredoc ranges and ENV/ARG/LABEL properties. From its ranges we rebuild the
 * text Docker itself would see:
 *
 * - line continuations: a line ending in the escape character (`\`, or the backtick after
 *   `# escape=\``), optionally followed by blanks, continues on the next line; the escape and the
 *   newline are removed and the next line is appended as is;
 * - inside a continued instruction, blank lines and comment lines (first non-blank is `#`) are
 *   dropped, so `RUN a && \ ↵ # note ↵ b` runs `a && b`;
 * - heredocs (`RUN <<EOF … EOF`, `COPY <<EOF dest`): the instruction's own text ends on the line of
 *   the operator; the bodies are kept separately.
 *
 * What Docker would reject is reported as a parse error with its line: unknown instructions,
 * instructions other than ARG before the first FROM, a missing FROM, a malformed FROM, a
 * non-JSON SHELL, a bad escape directive, unterminated heredocs. Binary and oversized inputs are
 * refused before parsing. Nothing here throws on bad input.
 */
import { DockerfileParser } from 'dockerfile-ast';
import type { Instruction as AstInstruction, Heredoc as AstHeredoc, Property as AstProperty } from 'dockerfile-ast';
import {
  KEYWORDS,
  type DfComment,
  type DfFlag,
  type DfFrom,
  type DfHeredoc,
  type DfInstruction,
  type DfProperty,
  type DfStage,
  type DockerfileModel,
  type ImageRef,
  type Keyword,
  type LineMap,
} from './model.js';

/** Real Dockerfiles are a few KB; the largest public ones are around 100 KB. */
export const DEFAULT_MAX_BYTES = 1024 * 1024;

export interface ParseProblem {
  line?: number;
  message: string;
}

export interface ParseOutcome {
  /** Absent when the input is not a Dockerfile at all (binary, too large, no instructions). */
  model?: DockerfileModel;
  errors: ParseProblem[];
}

export interface ParseOptions {
  maxBytes?: number;
}

const FLAG_KEYWORDS: ReadonlySet<string> = new Set(['FROM', 'RUN', 'COPY', 'ADD', 'HEALTHCHECK']);
const JSON_KEYWORDS: ReadonlySet<string> = new Set(['RUN', 'CMD', 'ENTRYPOINT', 'SHELL', 'COPY', 'ADD', 'VOLUME']);
const HEREDOC_KEYWORDS: ReadonlySet<string> = new Set(['RUN', 'COPY', 'ADD']);
/** Instructions Docker rejects without arguments. */
const NEEDS_ARGS: ReadonlySet<string> = new Set([
  'FROM', 'RUN', 'COPY', 'ADD', 'ARG', 'ENV', 'LABEL', 'USER', 'WORKDIR', 'EXPOSE', 'ONBUILD', 'SHELL',
  'STOPSIGNAL', 'MAINTAINER', 'HEALTHCHECK',
]);
const MAX_REPORTED_UNKNOWN = 10;

export function parseDockerfile(input: string, opts: ParseOptions = {}): ParseOutcome {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const size = Buffer.byteLength(input, 'utf8');
  if (size > maxBytes) {
    return { errors: [{ message: `file is ${size} bytes, over the ${maxBytes}-byte limit for a Dockerfile; not linted` }] };
  }
  if (input.includes('\0')) {
    return { errors: [{ message: 'binary content (NUL bytes): not a Dockerfile' }] };
  }
  // Docker reads lines split on \n with a trailing \r dropped; a lone \r stays inside a line.
  // dockerfile-ast would treat a lone \r as a line break, so turn it into a blank to keep both
  // parsers' line numbers equal to the user's.
  let text = input.startsWith('\uFEFF') ? input.slice(1) : input;
  text = text.replace(/\r\n/g, '\n').replace(/\r/g, ' ');
  const lines = text.split('\n');

  let ast: ReturnType<typeof DockerfileParser.parse>;
  try {
    ast = DockerfileParser.parse(text);
  } catch (e) {
    return { errors: [{ message: `could not parse: ${(e as Error).message ?? String(e)}` }] };
  }

  const errors: ParseProblem[] = [];
  const directives: Record<string, string> = {};
  for (const d of ast.getDirectives()) {
    const name = d.getName().toLowerCase();
    const value = d.getValue();
    directives[name] = value;
    if (name === 'escape' && value !== '\\' && value !== '`') {
      errors.push({ line: d.getRange().start.line + 1, message: `invalid escape directive "${value}": the escape character must be \\ or \`` });
    }
  }
  const escape = directives.escape === '`' ? '`' : '\\';

  const p = new ModelBuilder(lines, escape, errors);
  let unknown = 0;
  for (const ai of ast.getInstructions()) {
    const kw = ai.getKeyword().toUpperCase();
    const line = ai.getRange().start.line + 1;
    if (!(KEYWORDS as readonly string[]).includes(kw)) {
      unknown++;
      if (unknown <= MAX_REPORTED_UNKNOWN) errors.push({ line, message: `unknown instruction "${truncate(ai.getInstruction(), 40)}"` });
      continue;
    }
    p.add(ai, kw as Keyword);
  }
  if (unknown > MAX_REPORTED_UNKNOWN) errors.push({ message: `${unknown - MAX_REPORTED_UNKNOWN} more unknown instructions not listed` });

  if (p.known === 0) {
    errors.push({ message: 'no instructions found: not a Dockerfile' });
    return { errors };
  }
  if (p.stages.length === 0) {
    errors.push({ message: 'no FROM instruction: a Dockerfile must start a build stage with FROM' });
    return { errors };
  }

  const model: DockerfileModel = {
    escape,
    directives,
    globalArgs: p.globalArgs,
    stages: p.stages,
    instructions: p.instructions,
    comments: collectComments(lines, p.instructions, ast.getDirectives().length),
    lineCount: lines.length,
  };
  return { model, errors };
}

class ModelBuilder {
  readonly instructions: DfInstruction[] = [];
  readonly globalArgs: DfInstruction[] = [];
  readonly stages: DfStage[] = [];
  private reportedOrphans = 0;
  /** Known instructions seen, including misplaced ones. */
  known = 0;

  constructor(
    private readonly lines: string[],
    private readonly escape: string,
    private readonly errors: ParseProblem[],
  ) {}

  add(ai: AstInstruction, kw: Keyword): void {
    this.known++;
    const ins = this.convert(ai, kw, this.stages.length - 1);
    if (kw === 'FROM') {
      this.instructions.push(ins);
      this.startStage(ins);
      return;
    }
    const stage = this.stages[this.stages.length - 1];
    if (stage) {
      this.instructions.push(ins);
      stage.instructions.push(ins);
      stage.endLine = ins.endLine;
    } else if (kw === 'ARG') {
      this.instructions.push(ins);
      this.globalArgs.push(ins);
    } else if (this.reportedOrphans++ < MAX_REPORTED_UNKNOWN) {
      this.errors.push({ line: ins.line, message: `${kw} before the first FROM: only ARG may precede FROM` });
    }
  }

  private convert(ai: AstInstruction, kw: Keyword, stage: number): DfInstruction {
    const range = ai.getRange();
    const startLine = range.start.line;
    const endLine = Math.min(range.end.line, this.lines.length - 1);
    const afterKeyword = ai.getInstructionRange().end;

    const heredocs = HEREDOC_KEYWORDS.has(kw) ? this.heredocs(ai) : [];
    // The instruction's own text ends on the line before the first heredoc body.
    let lastCommandLine = endLine;
    if (heredocs.length > 0) lastCommandLine = Math.max(startLine, heredocs[0]!.bodyLine - 2);

    const joined = joinContinuations(this.lines, afterKeyword.line, afterKeyword.character, lastCommandLine, this.escape);
    let pos = skipBlanks(joined.text, 0);
    const flags: DfFlag[] = [];
    if (FLAG_KEYWORDS.has(kw)) {
      while (joined.text.startsWith('--', pos)) {
        const end = tokenEnd(joined.text, pos);
        flags.push(parseFlag(joined.text.slice(pos + 2, end)));
        pos = skipBlanks(joined.text, end);
      }
    }
    const args = joined.text.slice(pos).trimEnd();
    const argsMap = shiftMap(joined.map, pos);

    const ins: DfInstruction = {
      keyword: kw,
      line: startLine + 1,
      endLine: endLine + 1,
      source: sourceText(this.lines, range.start.line, range.start.character, endLine, range.end.character),
      args,
      argsMap,
      flags,
      heredocs,
      stage,
    };
    if (JSON_KEYWORDS.has(kw)) {
      const json = parseJsonArray(args);
      if (json) ins.json = json;
    }
    if (kw === 'ENV' || kw === 'ARG' || kw === 'LABEL') ins.properties = properties(ai);

    const open = heredocs.find((h) => !h.terminated);
    if (open) this.errors.push({ line: startLine + 1, message: `heredoc <<${open.name} is not terminated: add a line "${open.name}"` });
    if (NEEDS_ARGS.has(kw) && args === '' && heredocs.length === 0) {
      this.errors.push({ line: ins.line, message: `${kw} requires at least one argument` });
    }
    if (kw === 'SHELL' && args !== '' && !ins.json) {
      this.errors.push({ line: ins.line, message: 'SHELL requires the arguments in JSON form, e.g. SHELL ["/bin/bash", "-c"]' });
    }
    if (kw === 'ONBUILD') {
      const trig = (ai as unknown as { getTriggerInstruction?: () => AstInstruction | null }).getTriggerInstruction?.();
      if (trig) {
        const tkw = trig.getKeyword().toUpperCase();
        if ((KEYWORDS as readonly string[]).includes(tkw)) ins.trigger = this.convert(trig, tkw as Keyword, stage);
        else this.errors.push({ line: ins.line, message: `unknown instruction "${truncate(trig.getInstruction(), 40)}" in ONBUILD` });
      }
    }
    return ins;
  }

  private heredocs(ai: AstInstruction): DfHeredoc[] {
    let list: AstHeredoc[] = [];
    try {
      list = (ai as unknown as { getHeredocs(): AstHeredoc[] }).getHeredocs() ?? [];
    } catch {
      list = [];
    }
    const out: DfHeredoc[] = [];
    for (const h of list) {
      const start = h.getStartRange();
      const content = h.getContentRange();
      const delim = h.getDelimiterRange();
      const opText = (this.lines[start.start.line] ?? '').slice(start.start.character, start.end.character);
      const stripTabs = opText.startsWith('<<-');
      let body = '';
      let bodyLine = start.start.line + 2;
      let endLine = delim ? delim.start.line + 1 : bodyLine;
      if (content) {
        bodyLine = content.start.line + 1;
        const last = Math.min(content.end.line, this.lines.length - 1);
        const parts: string[] = [];
        for (let l = content.start.line; l <= last; l++) {
          let s = this.lines[l] ?? '';
          if (l === content.end.line) s = s.slice(0, content.end.character);
          if (l === content.start.line) s = s.slice(content.start.character);
          parts.push(stripTabs ? s.replace(/^\t+/, '') : s);
        }
        body = parts.join('\n');
        if (!delim) endLine = last + 1;
      }
      out.push({ name: h.getName(), body, bodyLine, endLine, terminated: delim !== null });
    }
    return out;
  }

  private startStage(ins: DfInstruction): void {
    const index = this.stages.length;
    ins.stage = index;
    const words = splitWords(ins.args, this.escape).map((w) => w.text);
    if (words.length !== 1 && !(words.length === 3 && words[1]!.toLowerCase() === 'as')) {
      if (words.length > 0) this.errors.push({ line: ins.line, message: 'FROM expects "FROM [--platform=PLATFORM] IMAGE [AS NAME]"' });
    }
    const image = words[0] ?? '';
    const defaults = globalArgDefaults(this.globalArgs);
    const sub = substitute(image, defaults);
    const from: DfFrom = {
      instruction: ins,
      image,
      resolved: sub.value,
      viaArgs: sub.substituted,
      scratch: sub.value?.toLowerCase() === 'scratch',
    };
    const platform = ins.flags.find((f) => f.name === 'platform');
    if (platform?.value) from.platform = platform.value;
    if (words.length === 3 && words[1]!.toLowerCase() === 'as') {
      const name = words[2]!;
      if (!/^[a-zA-Z][a-zA-Z0-9._-]*$/.test(name)) {
        this.errors.push({ line: ins.line, message: `invalid build stage name "${truncate(name, 40)}": use letters, digits, "-", "_" and "."` });
      }
      from.stageName = name.toLowerCase();
    }
    if (sub.value !== undefined && !from.scratch) {
      const parent = this.stages.findIndex((s) => s.name !== undefined && s.name === sub.value!.toLowerCase());
      if (parent >= 0) from.parentStage = parent;
      else if (sub.value !== '') from.ref = parseImageRef(sub.value);
    }
    this.stages.push({ index, name: from.stageName, from, instructions: [], line: ins.line, endLine: ins.endLine });
  }
}

// ---------------------------------------------------------------------------------------------
// Text helpers

/**
 * Joins an instruction's lines the way Docker does (see the module comment). Starts at
 * (`startLine`, `startChar`) and stops at the first line that does not end with the escape
 * character, or after `lastLine`.
 */
export function joinContinuations(lines: string[], startLine: number, startChar: number, lastLine: number, escape: string): { text: string; map: LineMap } {
  let text = '';
  const offsets: number[] = [];
  const lineNos: number[] = [];
  for (let l = startLine; l <= lastLine && l < lines.length; l++) {
    let s = l === startLine ? (lines[l] ?? '').slice(startChar) : (lines[l] ?? '');
    if (l !== startLine) {
      const t = s.trimStart();
      if (t === '' || t.startsWith('#')) continue;
    }
    const cont = continuationIndex(s, escape);
    if (cont >= 0) s = s.slice(0, cont);
    offsets.push(text.length);
    lineNos.push(l + 1);
    text += s;
    if (cont < 0) break;
  }
  return { text, map: { offsets, lines: lineNos } };
}

/** Index of a trailing escape character (followed only by blanks), or -1. */
function continuationIndex(s: string, escape: string): number {
  let i = s.length - 1;
  while (i >= 0 && (s[i] === ' ' || s[i] === '\t')) i--;
  return i >= 0 && s[i] === escape ? i : -1;
}

function shiftMap(map: LineMap, by: number): LineMap {
  if (by === 0) return map;
  const offsets: number[] = [];
  const lines: number[] = [];
  for (let i = 0; i < map.offsets.length; i++) {
    const next = i + 1 < map.offsets.length ? map.offsets[i + 1]! : Infinity;
    if (next <= by) continue; // chunk lies entirely before the cut
    offsets.push(Math.max(0, map.offsets[i]! - by));
    lines.push(map.lines[i]!);
  }
  return { offsets, lines };
}

function sourceText(lines: string[], l0: number, c0: number, l1: number, c1: number): string {
  if (l0 === l1) return (lines[l0] ?? '').slice(c0, c1);
  const parts = [(lines[l0] ?? '').slice(c0)];
  for (let l = l0 + 1; l < l1; l++) parts.push(lines[l] ?? '');
  parts.push((lines[l1] ?? '').slice(0, c1));
  return parts.join('\n');
}

function skipBlanks(s: string, i: number): number {
  while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
  return i;
}

/** End of a whitespace-delimited token starting at `i`, honouring double and single quotes. */
function tokenEnd(s: string, i: number): number {
  let q = '';
  for (; i < s.length; i++) {
    const c = s[i]!;
    if (q) {
      if (c === q) q = '';
    } else if (c === '"' || c === "'") q = c;
    else if (c === ' ' || c === '\t') break;
  }
  return i;
}

function parseFlag(tok: string): DfFlag {
  const eq = tok.indexOf('=');
  const name = (eq < 0 ? tok : tok.slice(0, eq)).toLowerCase();
  const value = eq < 0 ? null : unquote(tok.slice(eq + 1));
  const options: Record<string, string | null> = {};
  if (value !== null) {
    for (const part of value.split(',')) {
      const e = part.indexOf('=');
      const k = (e < 0 ? part : part.slice(0, e)).trim();
      if (k) options[k.toLowerCase()] = e < 0 ? null : unquote(part.slice(e + 1).trim());
    }
  }
  return { name, value, options };
}

function unquote(s: string): string {
  if (s.length >= 2 && (s[0] === '"' || s[0] === "'") && s[s.length - 1] === s[0]) return s.slice(1, -1);
  return s;
}

/** Docker's exec form: the arguments parse as a JSON array of strings. */
function parseJsonArray(args: string): string[] | undefined {
  const t = args.trim();
  if (!t.startsWith('[') || !t.endsWith(']')) return undefined;
  try {
    const v: unknown = JSON.parse(t);
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  } catch {
    /* shell form */
  }
  return undefined;
}

function properties(ai: AstInstruction): DfProperty[] {
  const get = (ai as unknown as { getProperties?: () => AstProperty[] }).getProperties;
  if (!get) return [];
  try {
    return get.call(ai).map((p) => ({ name: p.getName(), value: p.getValue(), line: p.getNameRange().start.line + 1 }));
  } catch {
    return [];
  }
}

export interface Word {
  text: string;
  /** Offset of the word's first character in the input. */
  offset: number;
}

/**
 * Splits instruction arguments into words as Docker's shell lexer does for FROM, COPY, ADD,
 * EXPOSE, USER, WORKDIR, VOLUME: blanks separate words, quotes group and are removed, the escape
 * character escapes the next character outside single quotes. Variables are left as written.
 */
export function splitWords(s: string, escape = '\\'): Word[] {
  const out: Word[] = [];
  let cur = '';
  let start = -1;
  let q = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (q === "'") {
      if (c === "'") q = '';
      else cur += c;
      continue;
    }
    if (c === escape && i + 1 < s.length) {
      if (start < 0) start = i;
      const n = s[i + 1]!;
      // Inside double quotes only a few characters are escapable; keep the escape otherwise.
      if (q === '"' && n !== '"' && n !== escape && n !== '$') cur += c;
      cur += n;
      i++;
      continue;
    }
    if (q === '"') {
      if (c === '"') q = '';
      else cur += c;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\n') {
      if (start >= 0) out.push({ text: cur, offset: start });
      cur = '';
      start = -1;
      continue;
    }
    if (start < 0) start = i;
    if (c === '"' || c === "'") q = c;
    else cur += c;
  }
  if (start >= 0) out.push({ text: cur, offset: start });
  return out;
}

function globalArgDefaults(args: DfInstruction[]): Map<string, string | null> {
  const m = new Map<string, string | null>();
  for (const a of args) for (const p of a.properties ?? []) m.set(p.name, p.value);
  return m;
}

/**
 * Substitutes `$NAME`, `${NAME}`, `${NAME:-word}`, `${NAME-word}`, `${NAME:+word}` with global ARG
 * defaults. `value` is undefined when a variable has no known value (build-time only).
 */
export function substitute(s: string, vars: Map<string, string | null>): { value?: string; substituted: boolean } {
  if (!s.includes('$')) return { value: s, substituted: false };
  let ok = true;
  const value = s.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g, (_m, braced: string | undefined, op: string | undefined, word: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare)!;
    const v = vars.get(name);
    const set = v !== undefined && v !== null;
    const nonEmpty = set && v !== '';
    if (op === ':-') return nonEmpty ? v! : word ?? '';
    if (op === '-') return set ? v! : word ?? '';
    if (op === ':+') return nonEmpty ? word ?? '' : '';
    if (op === '+') return set ? word ?? '' : '';
    if (!set) ok = false;
    return v ?? '';
  });
  return ok ? { value, substituted: true } : { substituted: true };
}

export function parseImageRef(s: string): ImageRef {
  let rest = s;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  let registry: string | undefined;
  const first = rest.indexOf('/');
  if (first >= 0) {
    const head = rest.slice(0, first);
    if (head.includes('.') || head.includes(':') || head === 'localhost') {
      registry = head;
      rest = rest.slice(first + 1);
    }
  }
  const ref: ImageRef = { text: s, repository: rest };
  if (registry !== undefined) ref.registry = registry;
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return ref;
}

/** Comment lines outside instructions (not parser directives), for ignore pragmas. */
function collectComments(lines: string[], instructions: DfInstruction[], directiveCount: number): DfComment[] {
  const covered = new Uint8Array(lines.length + 2);
  for (const ins of instructions) for (let l = ins.line; l <= ins.endLine && l <= lines.length; l++) covered[l] = 1;
  const out: DfComment[] = [];
  let seenDirectives = 0;
  for (let i = 0; i < lines.length; i++) {
    const ln = i + 1;
    if (covered[ln]) continue;
    const t = lines[i]!.trimStart();
    if (!t.startsWith('#')) continue;
    if (seenDirectives < directiveCount && /^#\s*[a-zA-Z]+\s*=/.test(t) && out.length === 0) {
      seenDirectives++;
      continue;
    }
    out.push({ line: ln, text: t.slice(1).trim() });
  }
  return out;
}

function truncate(s: string, n: number): string {
  return s.length > n ? s.slice(0, n) + '…' : s;
}
