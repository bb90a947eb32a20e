/**
 * Input discovery and reading for `db import`: which files a PATH argument stands for, what each one
 * is, and a bounded reader per kind that yields parsed JSON values (or per-record errors).
 *
 *  PATH is a directory -> its *.json files (recursively) form one source (the directory); every
 *                         *.jsonl / *.ndjson / *.zip inside is a source of its own; Debian DSA/DLA text
 *                         lists are recorded as skipped sources; anything else is ignored (and listed).
 *  PATH is a file      -> one source, recognised by content (zip magic) or extension.
 * Symbolic links inside directories are not followed (no loops, no escaping the tree).
 */
import { createReadStream, openSync, readSync, closeSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { PlimsollError } from '../../util/errors.js';

export type InputKind = 'jsonl' | 'json' | 'json-dir' | 'zip' | 'debian-dsa-list' | 'unsupported';

export interface PlannedInput {
  /** absolute path: the file, or the directory for json-dir */
  location: string;
  kind: InputKind;
  /** json-dir: the member files */
  files?: string[];
  note?: string;
}

export interface InputPlan {
  inputs: PlannedInput[];
  /** files found in directories that are not advisory data (relative to their PATH) */
  ignored: string[];
}

export const MAX_JSON_FILE_BYTES = 256 * 1024 * 1024;
export const MAX_JSONL_LINE_BYTES = 64 * 1024 * 1024;
const MAX_FILES = 10_000_000;

export const DSA_LIST_NOTE =
  'Debian DSA/DLA text list (data/DSA/list, data/DLA/list): not imported. These lists only name the fixed version per release (buster/bullseye era in the shared snapshot, no bookworm); use Debian OSV records or tracker JSON instead';

function sniff(path: string): { zip: boolean; head: string } {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(512);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const b = buf.subarray(0, n);
    const zip = n >= 4 && b[0] === 0x50 && b[1] === 0x4b && (b[2] === 3 || b[2] === 5) && (b[3] === 4 || b[3] === 6);
    return { zip, head: b.toString('utf8') };
  } finally {
    closeSync(fd);
  }
}

const DSA_HEAD_RE = /^\[\d{1,2} [A-Z][a-z]{2} \d{4}\] D[SL]A-\d+/;

function classifyFile(path: string): { kind: InputKind; note?: string } {
  const ext = extname(path).toLowerCase();
  let s: { zip: boolean; head: string };
  try {
    s = sniff(path);
  } catch (e) {
    throw new PlimsollError('IO_ERROR', `cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
  if (s.zip || ext === '.zip') return { kind: 'zip' };
  if (ext === '.jsonl' || ext === '.ndjson') return { kind: 'jsonl' };
  if (ext === '.json') return { kind: 'json' };
  if (DSA_HEAD_RE.test(s.head.trimStart())) return { kind: 'debian-dsa-list', note: DSA_LIST_NOTE };
  const first = s.head.trimStart()[0];
  if (first === '{') return { kind: 'jsonl' };
  if (first === '[') return { kind: 'json' };
  return { kind: 'unsupported', note: 'not JSON, JSONL or a zip archive' };
}

/** Resolve PATH arguments into inputs. Missing paths are an error before anything is written. */
export async function planInputs(paths: string[]): Promise<InputPlan> {
  const inputs: PlannedInput[] = [];
  const ignored: string[] = [];
  const seen = new Set<string>();
  let fileCount = 0;
  for (const p of paths) {
    const abs = resolve(p);
    let st;
    try {
      st = await stat(abs);
    } catch {
      throw new PlimsollError('SOURCE_NOT_FOUND', `${p}: no such file or directory (expected OSV JSON/JSONL files, a directory of them, or an all.zip)`);
    }
    if (st.isDirectory()) {
      const jsonFiles: string[] = [];
      const walk = async (dir: string): Promise<void> => {
        const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        for (const ent of entries) {
          const full = join(dir, ent.name);
          if (++fileCount > MAX_FILES) throw new PlimsollError('PARSE_ERROR', `${p}: more than ${MAX_FILES} files; refusing to walk further`);
          if (ent.isSymbolicLink()) {
            ignored.push(`${full} (symbolic link, not followed)`);
          } else if (ent.isDirectory()) {
            await walk(full);
          } else if (ent.isFile()) {
            const ext = extname(ent.name).toLowerCase();
            if (ext === '.json') jsonFiles.push(full);
            else if (ext === '.jsonl' || ext === '.ndjson' || ext === '.zip') addFile(full, ext === '.zip' ? 'zip' : 'jsonl');
            else if (ext === '.txt' || ent.name === 'list') {
              const c = classifyFile(full);
              if (c.kind === 'debian-dsa-list') addFile(full, 'debian-dsa-list', c.note);
              else ignored.push(full);
            } else ignored.push(full);
          }
        }
      };
      const addFile = (full: string, kind: InputKind, note?: string): void => {
        if (seen.has(full)) return;
        seen.add(full);
        inputs.push({ location: full, kind, ...(note ? { note } : {}) });
      };
      await walk(abs);
      if (jsonFiles.length > 0 && !seen.has(abs)) {
        seen.add(abs);
        inputs.push({ location: abs, kind: 'json-dir', files: jsonFiles });
      }
    } else if (st.isFile()) {
      if (seen.has(abs)) continue;
      seen.add(abs);
      const c = classifyFile(abs);
      inputs.push({ location: abs, kind: c.kind, ...(c.note ? { note: c.note } : {}) });
    } else {
      throw new PlimsollError('SOURCE_UNSUPPORTED', `${p}: not a regular file or directory`);
    }
  }
  return { inputs, ignored };
}

/** A value read from an input, or the reason one record could not be read. */
export type InputItem = { where: string; value: unknown } | { where: string; error: string };

/** Parse a .json file: one record, an array of records, or an OSV API response {vulns: [...]}. */
export async function* readJsonFile(path: string, label = basename(path)): AsyncGenerator<InputItem> {
  const st = await stat(path);
  if (st.size > MAX_JSON_FILE_BYTES) {
    yield { where: label, error: `${label}: ${st.size} bytes, more than the ${MAX_JSON_FILE_BYTES}-byte limit for one JSON file; skipped` };
    return;
  }
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    yield { where: label, error: `${label}: not valid JSON (${(e as Error).message}); skipped` };
    return;
  }
  yield* spread(value, label);
}

/** Parse a JSON value from a buffer (zip member) the same way as a .json file. */
export function* readJsonBuffer(data: Buffer, label: string): Generator<InputItem> {
  let value: unknown;
  try {
    value = JSON.parse(data.toString('utf8'));
  } catch (e) {
    yield { where: label, error: `${label}: not valid JSON (${(e as Error).message}); skipped` };
    return;
  }
  yield* spread(value, label);
}

function* spread(value: unknown, label: string): Generator<InputItem> {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield { where: `${label}[${i}]`, value: value[i] };
  } else if (typeof value === 'object' && value !== null && Array.isArray((value as { vulns?: unknown }).vulns) && !('id' in value)) {
    const vulns = (value as { vulns: unknown[] }).vulns;
    for (let i = 0; i < vulns.length; i++) yield { where: `${label}.vulns[${i}]`, value: vulns[i] };
  } else {
    yield { where: label, value };
  }
}

/**
 * Stream a JSONL file line by line with a cap on line length (a hostile multi-gigabyte line is skipped,
 * never buffered whole). Blank lines are ignored; a bad line is one per-record error.
 */
export async function* readJsonlFile(path: string, label = basename(path), maxLine = MAX_JSONL_LINE_BYTES): AsyncGenerator<InputItem> {
  let pending: Buffer[] = [];
  let pendingLen = 0;
  let overflow = false;
  let lineNo = 0;
  const emit = (buf: Buffer): InputItem | undefined => {
    lineNo++;
    const text = buf.toString('utf8').trim();
    if (text === '') return undefined;
    try {
      return { where: `${label}:${lineNo}`, value: JSON.parse(text) };
    } catch (e) {
      return { where: `${label}:${lineNo}`, error: `${label}:${lineNo}: not valid JSON (${(e as Error).message}); line skipped` };
    }
  };
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      const end = nl < 0 ? chunk.length : nl;
      const piece = chunk.subarray(start, end);
      if (!overflow) {
        if (pendingLen + piece.length > maxLine) {
          overflow = true;
          pending = [];
          pendingLen = 0;
        } else if (piece.length > 0) {
          pending.push(piece);
          pendingLen += piece.length;
        }
      }
      if (nl < 0) break;
      if (overflow) {
        lineNo++;
        yield { where: `${label}:${lineNo}`, error: `${label}:${lineNo}: line longer than ${maxLine} bytes; skipped` };
        overflow = false;
      } else {
        const item = emit(Buffer.concat(pending, pendingLen));
        if (item) yield item;
      }
      pending = [];
      pendingLen = 0;
      start = nl + 1;
    }
  }
  if (overflow) {
    lineNo++;
    yield { where: `${label}:${lineNo}`, error: `${label}:${lineNo}: line longer than ${maxLine} bytes; skipped` };
  } else if (pendingLen > 0) {
    const item = emit(Buffer.concat(pending, pendingLen));
    if (item) yield item;
  }
}
