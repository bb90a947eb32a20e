/**
 * Configuration-file handlers and the walker that feeds them. A handler claims files (by name
 * while walking a directory, or by content for a file named explicitly or read from stdin) and
 * lints them into the shared finding model (./findings.ts). The list of handlers lives in
 * ./registry.ts; adding a file type means one handler and one line there.
 *
 * The walker is careful with untrusted trees: it never follows symlinks, skips VCS and
 * dependency directories, bounds depth and entry count, and refuses files over the handler's size
 * limit (reported as an error for that file, not a crash).
 */
import { lstat, readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { PlimsollError } from '../util/errors.js';
import type { CheckInfo, ConfigLintResult, ConfigParseError, MisconfigFinding } from './findings.js';

export interface ConfigScanOptions {
  /** Check ids or aliases to skip. */
  ignore?: string[];
  /** Registries base images may come from (Dockerfile DL3026, Kubernetes image checks). */
  allowedRegistries?: string[];
  /** Handler-specific options declared through `ConfigHandler.cliOptions`. */
  [key: string]: unknown;
}

/** A command-line option a handler adds to `plimsoll config` (e.g. Kubernetes `--pss`). */
export interface HandlerCliOption {
  /** commander flags, e.g. `--pss <level[:version]>`. */
  flags: string;
  description: string;
  /** Key of ConfigScanOptions the (parsed) value is passed under. */
  key: string;
  /** Validates and converts the raw value; throw PlimsollError('USAGE', …) on bad input. */
  parse?(value: string): unknown;
}

export interface ConfigInput {
  file: string;
  text: string;
}

export interface ConfigFileResult extends ConfigLintResult {
  file: string;
  kind: string;
  /**
   * Set by a handler for a file it claimed by name during a directory walk whose content turned
   * out not to be its type (a values.yaml, some other tool's YAML): the file is left out.
   */
  notApplicable?: boolean;
  /**
   * Every object the handler checked in this file, with per-object verdicts (Kubernetes: file,
   * document index, kind, namespace, name and the Pod Security verdict). Written to the JSON report.
   */
  objects?: unknown[];
}

export interface ConfigHandler {
  /** Short type name used in output (`dockerfile`, `kubernetes`). */
  readonly kind: string;
  readonly checks: readonly CheckInfo[];
  /** Whether a file found while walking belongs to this handler (path relative to the root, `/`-separated). */
  matchesPath(relPath: string): boolean;
  /** For a file named on the command line (or stdin) that no handler claims by name. */
  sniff?(text: string): boolean;
  /** Larger files are reported as errors without being read. */
  readonly maxBytes: number;
  lint(text: string, file: string, opts: ConfigScanOptions): ConfigLintResult;
  /**
   * Optional: lint every claimed file in one call, for checks that look across files. Returns
   * one result per input. `walked`: the inputs came from a directory walk.
   */
  lintMany?(inputs: readonly ConfigInput[], opts: ConfigScanOptions, walked: boolean): ConfigFileResult[];
  /** Extra `plimsoll config` options this handler understands. */
  readonly cliOptions?: readonly HandlerCliOption[];
}

export interface ConfigScanResult {
  files: ConfigFileResult[];
}

export interface ScanIo {
  /** Reads standard input for PATH `-` (default: process.stdin, bounded). */
  readStdin?(limit: number): Promise<string>;
}

const SKIP_DIRS: ReadonlySet<string> = new Set(['.git', '.hg', '.svn', 'node_modules', '.terraform', '.venv', '__pycache__']);
const MAX_DEPTH = 64;
const MAX_ENTRIES = 500_000;

/** Forward-slash path for output. */
function display(p: string): string {
  return p.split('\\').join('/');
}

function lintOne(h: ConfigHandler, input: ConfigInput, opts: ConfigScanOptions, walked: boolean): ConfigFileResult {
  if (h.lintMany) {
    const r = h.lintMany([input], opts, walked)[0];
    if (r) return r;
  }
  const r = h.lint(input.text, input.file, opts);
  return { file: input.file, kind: h.kind, findings: r.findings, errors: r.errors };
}

function sniffHandler(handlers: readonly ConfigHandler[], text: string, size: number): ConfigHandler | undefined {
  return handlers.find((h) => h.sniff && size <= h.maxBytes && h.sniff(text));
}

function unrecognized(file: string, handlers: readonly ConfigHandler[]): PlimsollError {
  return new PlimsollError(
    'SOURCE_UNSUPPORTED',
    `${file} is not a recognized configuration file (supported: ${handlers.map((h) => h.kind).join(', ')}); Dockerfiles are recognized by name (Dockerfile, *.Dockerfile, Dockerfile.*, Containerfile) or by content`,
  );
}

/**
 * Lints one file, standard input (`-`), or every recognized file under a directory. A missing
 * path or an explicit file no handler recognizes is an error (PlimsollError); problems with
 * individual files are reported per file.
 */
export async function scanConfigPath(path: string, handlers: readonly ConfigHandler[], opts: ConfigScanOptions = {}, io: ScanIo = {}): Promise<ConfigScanResult> {
  if (path === '-') {
    const limit = Math.max(...handlers.map((h) => h.maxBytes));
    const text = await (io.readStdin ?? readStdin)(limit);
    const size = Buffer.byteLength(text, 'utf8');
    const handler = sniffHandler(handlers, text, size);
    if (!handler) throw unrecognized('standard input', handlers);
    return { files: [lintOne(handler, { file: '-', text }, opts, false)] };
  }

  let st;
  try {
    st = await stat(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new PlimsollError(code === 'ENOENT' ? 'SOURCE_NOT_FOUND' : 'IO_ERROR', `cannot read ${path}: ${code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`, { cause: e });
  }
  if (st.isFile()) {
    const file = display(path);
    let handler = handlers.find((h) => h.matchesPath(basename(path)));
    let text: string | undefined;
    if (!handler) {
      const limit = Math.max(0, ...handlers.filter((h) => h.sniff).map((h) => h.maxBytes));
      if (st.size <= limit) {
        text = (await readFile(path)).toString('utf8');
        handler = sniffHandler(handlers, text, st.size);
      }
    }
    if (!handler) throw unrecognized(file, handlers);
    if (st.size > handler.maxBytes) return { files: [tooLarge(file, st.size, handler)] };
    text ??= (await readFile(path)).toString('utf8');
    return { files: [lintOne(handler, { file, text }, opts, false)] };
  }
  if (!st.isDirectory()) throw new PlimsollError('SOURCE_UNSUPPORTED', `${path} is neither a file nor a directory`);

  const files: ConfigFileResult[] = [];
  /** Inputs of handlers that lint all files at once. */
  const batched = new Map<ConfigHandler, ConfigInput[]>();
  let entries = 0;
  const walk = async (dir: string, rel: string, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH) return;
    let names: string[];
    try {
      names = (await readdir(dir)).sort();
    } catch {
      return; // unreadable directory: skipped, like find(1) does after reporting
    }
    for (const name of names) {
      if (++entries > MAX_ENTRIES) return;
      const full = join(dir, name);
      const relPath = rel === '' ? name : `${rel}/${name}`;
      let ls;
      try {
        ls = await lstat(full);
      } catch {
        continue;
      }
      if (ls.isSymbolicLink()) continue;
      if (ls.isDirectory()) {
        if (!SKIP_DIRS.has(name)) await walk(full, relPath, depth + 1);
        continue;
      }
      if (!ls.isFile()) continue;
      const handler = handlers.find((h) => h.matchesPath(relPath));
      if (!handler) continue;
      const file = display(join(path, relPath));
      if (ls.size > handler.maxBytes) {
        files.push(tooLarge(file, ls.size, handler));
        continue;
      }
      let text: string;
      try {
        text = (await readFile(full)).toString('utf8');
      } catch (e) {
        files.push({ file, kind: handler.kind, findings: [], errors: [{ file, message: `cannot read: ${(e as Error).message}` }] });
        continue;
      }
      if (handler.lintMany) {
        const list = batched.get(handler);
        if (list) list.push({ file, text });
        else batched.set(handler, [{ file, text }]);
      } else {
        files.push(lintOne(handler, { file, text }, opts, true));
      }
    }
  };
  await walk(path, '', 0);
  for (const [handler, inputs] of batched) files.push(...handler.lintMany!(inputs, opts, true));
  const kept = files.filter((f) => !f.notApplicable);
  kept.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { files: kept };
}

function tooLarge(file: string, size: number, handler: ConfigHandler): ConfigFileResult {
  const errors: ConfigParseError[] = [{ file, message: `file is ${size} bytes, over the ${handler.maxBytes}-byte limit for a ${handler.kind}; not linted` }];
  const findings: MisconfigFinding[] = [];
  return { file, kind: handler.kind, findings, errors };
}

async function readStdin(limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += b.length;
    if (size > limit) throw new PlimsollError('PARSE_ERROR', `standard input is over the ${limit}-byte limit for configuration files`);
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}
