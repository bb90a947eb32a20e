/**
 * Configuration-file handlers and the walker that feeds them. A handler claims files (by name
 * while walking a directory, or by content for a file named explicitly) and lints them into the
 * shared finding model (./findings.ts). The list of handlers lives in ./registry.ts; adding a
 * file type means one handler and one line there.
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
  /** Registries base images may come from (Dockerfile DL3026). */
  allowedRegistries?: string[];
}

export interface ConfigHandler {
  /** Short type name used in output (`dockerfile`, `kubernetes`). */
  readonly kind: string;
  readonly checks: readonly CheckInfo[];
  /** Whether a file found while walking belongs to this handler (path relative to the root, `/`-separated). */
  matchesPath(relPath: string): boolean;
  /** For a file named on the command line that no handler claims by name. */
  sniff?(text: string): boolean;
  /** Larger files are reported as errors without being read. */
  readonly maxBytes: number;
  lint(text: string, file: string, opts: ConfigScanOptions): ConfigLintResult;
}

export interface ConfigFileResult {
  file: string;
  kind: string;
  findings: MisconfigFinding[];
  errors: ConfigParseError[];
}

export interface ConfigScanResult {
  files: ConfigFileResult[];
}

const SKIP_DIRS: ReadonlySet<string> = new Set(['.git', '.hg', '.svn', 'node_modules', '.terraform', '.venv', '__pycache__']);
const MAX_DEPTH = 64;
const MAX_ENTRIES = 500_000;

/** Forward-slash path for output. */
function display(p: string): string {
  return p.split('\\').join('/');
}

/**
 * Lints one file or every recognized file under a directory. A missing path or an explicit file
 * no handler recognizes is an error (PlimsollError); problems with individual files are
 * reported per file.
 */
export async function scanConfigPath(path: string, handlers: readonly ConfigHandler[], opts: ConfigScanOptions = {}): Promise<ConfigScanResult> {
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
    if (!handler) {
      const sniffable = handlers.filter((h) => h.sniff);
      if (sniffable.length > 0 && st.size <= Math.max(...sniffable.map((h) => h.maxBytes))) {
        const text = (await readFile(path)).toString('utf8');
        handler = sniffable.find((h) => st.size <= h.maxBytes && h.sniff!(text));
      }
    }
    if (!handler) {
      throw new PlimsollError('SOURCE_UNSUPPORTED', `${file} is not a recognized configuration file (supported: ${handlers.map((h) => h.kind).join(', ')}); Dockerfiles are recognized by name (Dockerfile, *.Dockerfile, Dockerfile.*, Containerfile) or by content`);
    }
    return { files: [await lintFile(path, file, st.size, handler, opts)] };
  }
  if (!st.isDirectory()) throw new PlimsollError('SOURCE_UNSUPPORTED', `${path} is neither a file nor a directory`);

  const files: ConfigFileResult[] = [];
  let entries = 0;
  const walk = async (dir: string, rel: string, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH) return;
    let names: string[];
    try {
      names = (await readdir(dir)).sort();
    } catch {
      return; // unreadable directory: skip quietly, like find(1) without -print errors
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
      if (handler) files.push(await lintFile(full, display(join(path, relPath)), ls.size, handler, opts));
    }
  };
  await walk(path, '', 0);
  return { files };
}

async function lintFile(path: string, file: string, size: number, handler: ConfigHandler, opts: ConfigScanOptions): Promise<ConfigFileResult> {
  if (size > handler.maxBytes) {
    return { file, kind: handler.kind, findings: [], errors: [{ file, message: `file is ${size} bytes, over the ${handler.maxBytes}-byte limit for a ${handler.kind}; not linted` }] };
  }
  let text: string;
  try {
    text = (await readFile(path)).toString('utf8');
  } catch (e) {
    return { file, kind: handler.kind, findings: [], errors: [{ file, message: `cannot read: ${(e as Error).message}` }] };
  }
  const r = handler.lint(text, file, opts);
  return { file, kind: handler.kind, findings: r.findings, errors: r.errors };
}
