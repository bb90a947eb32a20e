/**
 * plimsoll's typed model of a Dockerfile, produced by ./parse.ts from dockerfile-ast's syntax
 * tree. Lint rules only read this model. All line numbers are 1-based.
 */

/** Instructions Docker knows. Anything else is a syntax error. */
export const KEYWORDS = [
  'ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'FROM', 'HEALTHCHECK', 'LABEL',
  'MAINTAINER', 'ONBUILD', 'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR',
] as const;
export type Keyword = (typeof KEYWORDS)[number];

/** `--name=value` before the arguments (`--from`, `--chown`, `--chmod`, `--link`, `--mount`, `--platform`, ...). */
export interface DfFlag {
  name: string;
  /** null for a bare `--link`. */
  value: string | null;
  /** `key=value` parts of comma-separated values (`--mount=type=cache,target=/x`). */
  options: Record<string, string | null>;
}

export interface DfHeredoc {
  /** Delimiter word (`EOF`). */
  name: string;
  /** The body (leading tabs removed for `<<-`), lines joined with `\n`. */
  body: string;
  /** First line of the body (1-based); equals the line after the operator. */
  bodyLine: number;
  /** Line of the closing delimiter, or the last line when unterminated. */
  endLine: number;
  terminated: boolean;
}

/** ENV / ARG / LABEL `name=value` pairs. */
export interface DfProperty {
  name: string;
  /** Unquoted value; null for `ARG NAME` with no default. */
  value: string | null;
  line: number;
}

/** Maps offsets in a joined text back to source lines. */
export interface LineMap {
  /** Ascending offsets in the joined text where a chunk from `lines[i]` starts. */
  offsets: number[];
  lines: number[];
}

export interface DfInstruction {
  keyword: Keyword;
  /** First and last source line (continuations and heredoc bodies included). */
  line: number;
  endLine: number;
  /** The instruction exactly as written (all its lines). */
  source: string;
  /**
   * The arguments after the keyword and the flags, with line continuations joined and comment
   * lines inside continuations dropped (as Docker does). Heredoc bodies are not included.
   */
  args: string;
  /** Line map for `args`. */
  argsMap: LineMap;
  flags: DfFlag[];
  /** Exec form: the arguments were a JSON array of strings. */
  json?: string[];
  heredocs: DfHeredoc[];
  /** Index of the build stage (-1: global ARG before the first FROM). */
  stage: number;
  /** ENV/ARG/LABEL pairs. */
  properties?: DfProperty[];
  /** ONBUILD's trigger instruction. */
  trigger?: DfInstruction;
}

export interface ImageRef {
  /** As resolved (ARG defaults substituted). */
  text: string;
  registry?: string;
  /** Path without registry, tag and digest, e.g. `library/alpine` is reported as written: `alpine`. */
  repository: string;
  tag?: string;
  digest?: string;
}

export interface DfFrom {
  instruction: DfInstruction;
  /** The image argument as written (`${BASE}:3.19`). */
  image: string;
  /** After substituting global ARG defaults; undefined when a variable has no default. */
  resolved?: string;
  /** True when global ARG defaults were substituted. */
  viaArgs: boolean;
  ref?: ImageRef;
  platform?: string;
  /** `AS name`, lower-cased (stage names are case-insensitive). */
  stageName?: string;
  /** `FROM scratch`. */
  scratch: boolean;
  /** Index of an earlier stage this one builds on (`FROM builder`). */
  parentStage?: number;
}

export interface DfStage {
  index: number;
  name?: string;
  from: DfFrom;
  /** Instructions after FROM, in order (FROM itself is `from.instruction`). */
  instructions: DfInstruction[];
  line: number;
  endLine: number;
}

export interface DfComment {
  line: number;
  /** Text after `#`, trimmed. */
  text: string;
}

export interface DockerfileModel {
  /** `\` or the backtick set by `# escape=`. */
  escape: string;
  /** Parser directives (`syntax`, `escape`, `check`), lower-cased names. */
  directives: Record<string, string>;
  /** ARGs before the first FROM. */
  globalArgs: DfInstruction[];
  stages: DfStage[];
  /** Every instruction in source order (global ARGs, FROMs, stage instructions; not ONBUILD triggers). */
  instructions: DfInstruction[];
  comments: DfComment[];
  /** Number of source lines. */
  lineCount: number;
}

export function flag(ins: DfInstruction, name: string): DfFlag | undefined {
  return ins.flags.find((f) => f.name === name);
}

/** Source line of an offset into a joined text (see LineMap). */
export function lineAt(map: LineMap, offset: number): number {
  const { offsets, lines } = map;
  if (offsets.length === 0) return 1;
  let lo = 0;
  let hi = offsets.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (offsets[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lines[lo]!;
}
