/**
 * Loading Kubernetes manifests: files, directories and stdin (`-`, e.g. `helm template | plimsoll
 * config -`) into objects that remember where each of their fields is in the source text.
 *
 * Parsing is defensive — manifests are untrusted:
 * - every document is parsed on its own (a broken document never hides its neighbours), after a
 *   size check on its raw text, so one huge document is refused before it is parsed;
 * - alias expansion is bounded (`maxAliasCount`: "billion laughs");
 * - duplicate keys are an error, as in kubectl;
 * - deep nesting that would exhaust the stack is an error, not a crash;
 * - a document that is not a Kubernetes object (no apiVersion/kind) is reported and skipped.
 *
 * Scalars resolve like kubectl's YAML decoder (go-yaml v2, YAML 1.1): `yes`/`on`/`y` are booleans
 * and `0755` is octal, so `privileged: yes` is caught; timestamps and `1:20` sexagesimals stay strings.
 */
import { readdir, lstat, stat, open } from 'node:fs/promises';
import { join } from 'node:path';
import { LineCounter, parseAllDocuments, isMap, isSeq, isScalar, isAlias, type Document, type Node as YamlNode, Schema, type Tags } from 'yaml';
import type { KubernetesObject } from './types.js';
import type { ManifestError, ObjectRef } from './model.js';
import { parsePath, type PathSegment } from './paths.js';

export interface LoadLimits {
  /** Largest input file (or stdin) read, in bytes. */
  maxFileBytes: number;
  /** Largest single YAML document parsed, in bytes (the Kubernetes API itself accepts ~3 MiB requests). */
  maxDocumentBytes: number;
  /**
   * Most YAML nodes a document may have, estimated from its structural characters before parsing
   * (`: - , [ {`). Parsed YAML costs up to ~1 KiB of memory per node, so a dense document (`- {}`
   * repeated) is refused by this rather than by its byte size. Large real CRDs have ~100k.
   */
  maxDocumentNodes: number;
  /** Alias expansions allowed per document (yaml's maxAliasCount). */
  maxAliasCount: number;
  /** Errors reported per file before the rest are summarised in one. */
  maxErrorsPerFile: number;
  /** Files read from directories (recursively), in total. */
  maxFiles: number;
}

export const DEFAULT_LIMITS: Readonly<LoadLimits> = Object.freeze({
  maxFileBytes: 256 * 1024 * 1024,
  maxDocumentBytes: 16 * 1024 * 1024,
  maxDocumentNodes: 500_000,
  maxAliasCount: 100,
  maxErrorsPerFile: 50,
  maxFiles: 100_000,
});

export interface ManifestInput {
  /** Shown in findings: the path as given, or `-` for stdin. */
  file: string;
  text: string;
}

/** One Kubernetes object of the input, with a way to find the source line of any field path. */
export interface LoadedObject {
  readonly ref: ObjectRef;
  readonly object: KubernetesObject;
  /**
   * 1-based line of the field at `path` (object-relative, e.g. `spec.containers[0].image`): the
   * line of its key for a map entry, of its first token for a list item. When the field does not
   * exist, the line of its closest existing ancestor.
   */
  locate(path: string | readonly PathSegment[]): number | undefined;
}

/** A parsed document: its objects (a `List` gives several), or why it could not be used. */
export type DocumentResult = { readonly objects: LoadedObject[] } | { readonly error: ManifestError };

const MANIFEST_EXT = /\.(ya?ml|json)$/i;

/** True for file names the Kubernetes loader reads from directories. */
export function isManifestFileName(name: string): boolean {
  return MANIFEST_EXT.test(name);
}

// --- reading -------------------------------------------------------------------------------

/**
 * Reads manifest inputs: files, directories (recursively, `*.yaml`, `*.yml`, `*.json`, sorted,
 * hidden entries and symlinks skipped) and `-` (stdin). Problems with one path are
 * returned as errors; the other paths are still read.
 */
export async function readManifestInputs(
  paths: readonly string[],
  options: { stdin?: NodeJS.ReadableStream; limits?: Partial<LoadLimits> } = {},
): Promise<{ inputs: ManifestInput[]; errors: ManifestError[] }> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const inputs: ManifestInput[] = [];
  const errors: ManifestError[] = [];
  let files = 0;
  const readOne = async (file: string): Promise<void> => {
    if (++files > limits.maxFiles) {
      if (files === limits.maxFiles + 1) {
        errors.push({ file, code: 'TOO_LARGE', message: `more than ${limits.maxFiles} manifest files; the rest were not read (check a smaller directory)` });
      }
      return;
    }
    try {
      inputs.push({ file, text: await readCapped(file, limits.maxFileBytes) });
    } catch (e) {
      errors.push(readError(file, e, limits.maxFileBytes));
    }
  };
  const walk = async (dir: string): Promise<void> => {
    let names: string[];
    try {
      names = (await readdir(dir)).sort();
    } catch (e) {
      errors.push(readError(dir, e, limits.maxFileBytes));
      return;
    }
    for (const name of names) {
      if (name.startsWith('.')) continue;
      const p = join(dir, name);
      let st;
      try {
        st = await lstat(p);
      } catch (e) {
        errors.push(readError(p, e, limits.maxFileBytes));
        continue;
      }
      // Symlinks are not followed inside directories: a checked-out repository could point one at
      // ~/.kube/config or a directory loop.
      if (st.isDirectory()) await walk(p);
      else if (isManifestFileName(name) && st.isFile()) await readOne(p);
    }
  };
  for (const p of paths) {
    if (p === '-') {
      try {
        inputs.push({ file: '-', text: await readStream(options.stdin ?? process.stdin, limits.maxFileBytes) });
      } catch (e) {
        errors.push(readError('-', e, limits.maxFileBytes));
      }
      continue;
    }
    let st;
    try {
      st = await stat(p);
    } catch (e) {
      errors.push(readError(p, e, limits.maxFileBytes));
      continue;
    }
    if (st.isDirectory()) await walk(p);
    else await readOne(p);
  }
  return { inputs, errors };
}

class TooLarge extends Error {}

function readError(file: string, e: unknown, cap: number): ManifestError {
  if (e instanceof TooLarge) {
    return { file, code: 'TOO_LARGE', message: `larger than ${cap} bytes; split it into smaller files` };
  }
  const code = (e as NodeJS.ErrnoException)?.code;
  const why = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : (e as Error)?.message ?? String(e);
  return { file, code: 'READ_ERROR', message: `cannot read: ${why}` };
}

async function readCapped(file: string, cap: number): Promise<string> {
  const fh = await open(file, 'r');
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new Error('not a regular file');
    if (st.size > cap) throw new TooLarge();
    // Read at most cap+1 bytes: the file may grow between stat and read.
    const buf = Buffer.alloc(Math.min(st.size, cap) + 1);
    let n = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, n, buf.length - n, n);
      if (bytesRead === 0) break;
      n += bytesRead;
      if (n === buf.length) {
        if (n > cap) throw new TooLarge();
        break;
      }
    }
    return decode(buf.subarray(0, n));
  } finally {
    await fh.close();
  }
}

async function readStream(stream: NodeJS.ReadableStream, cap: number): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    total += b.length;
    if (total > cap) throw new TooLarge();
    chunks.push(b);
  }
  return decode(Buffer.concat(chunks));
}

/** UTF-8 with the BOM dropped (Windows editors add it; yaml would keep it in the first key). */
function decode(buf: Buffer): string {
  const text = buf.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

// --- splitting -----------------------------------------------------------------------------

/** A `---`-delimited piece of a YAML stream. */
interface Chunk {
  readonly text: string;
  /** 1-based line of the chunk's first character in the file. */
  readonly line: number;
}


/**
 * Splits a stream at `---` lines. A line starting with `---` followed by a blank or the end of the
 * line is always a document marker in YAML (c-forbidden: it cannot occur inside any scalar), so
 * this never cuts a document in two. Text before the first marker is a document only if it holds
 * more than comments and blanks. Splitting first lets each document be size-checked before parsing
 * and keeps a broken document from affecting its neighbours.
 */
function* splitDocuments(text: string): Generator<Chunk> {
  const marker = /^---(?=[ \t\r\n]|$)/gm; // per call: generators may interleave
  let start = 0;
  let line = 1;
  let m: RegExpExecArray | null;
  while ((m = marker.exec(text)) !== null) {
    if (m.index > start) {
      // The bare document before the first marker counts only if it has content.
      if (start > 0 || !isBlank(text, 0, m.index)) yield { text: text.slice(start, m.index), line };
      line += countNewlines(text, start, m.index);
      start = m.index;
    }
  }
  if (start > 0 || !isBlank(text, 0, text.length)) yield { text: text.slice(start), line };
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Only whitespace and `#` comments between `from` and `to`. */
function isBlank(text: string, from: number, to: number): boolean {
  let i = from;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (c === 0x23 /* # */) {
      const nl = text.indexOf('\n', i);
      if (nl < 0 || nl >= to) return true;
      i = nl + 1;
    } else if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) {
      i++;
    } else {
      return false;
    }
  }
  return true;
}

/**
 * An estimate of the YAML nodes in `text`, from the indicators that introduce them: `, [ {` always,
 * `:` and `-` when followed by a blank or line end (mapping values, block sequence entries), and
 * `:` right after a quote (JSON's `"a":1`). Dashes inside names and colons inside URLs are not
 * counted. Stops counting past `cap`.
 */
function estimateNodes(text: string, cap: number): number {
  let n = 0;
  const len = text.length;
  for (let i = 0; i < len; i++) {
    const c = text.charCodeAt(i);
    let node = false;
    if (c === 0x2c || c === 0x5b || c === 0x7b) {
      node = true; // , [ {
    } else if (c === 0x3a || c === 0x2d) {
      const next = i + 1 < len ? text.charCodeAt(i + 1) : 0x0a;
      node = next === 0x20 || next === 0x0a || next === 0x0d || next === 0x09 || (c === 0x3a && i > 0 && text.charCodeAt(i - 1) === 0x22);
    }
    if (node && ++n > cap) return n;
  }
  return n;
}

/** A chunk that is a marker line followed by nothing but blanks/comments: an empty document. */
function isEmptyDocument(chunk: string): boolean {
  if (!chunk.startsWith('---')) return false;
  const nl = chunk.indexOf('\n');
  const rest = nl < 0 ? '' : chunk.slice(nl);
  const head = (nl < 0 ? chunk : chunk.slice(0, nl)).slice(3);
  return isBlank(head, 0, head.length) && isBlank(rest, 0, rest.length);
}

// --- parsing -------------------------------------------------------------------------------

/**
 * kubectl's YAML 1.1 scalars, minus timestamps and base-60 numbers (go-yaml v2 has neither). Built
 * once: yaml would otherwise build a schema for every document.
 */
const SCHEMA = new Schema({
  schema: 'yaml-1.1',
  merge: true,
  resolveKnownTags: false,
  customTags: (tags: Tags): Tags =>
    tags.filter((t) => {
      if (typeof t === 'string') return t !== 'timestamp' && t !== 'intTime' && t !== 'floatTime';
      return t.format !== 'TIME' && t.tag !== 'tag:yaml.org,2002:timestamp';
    }),
});

const PARSE_OPTIONS = {
  version: '1.1' as const,
  schema: SCHEMA,
  uniqueKeys: true,
  merge: true,
  prettyErrors: false,
};

/**
 * Parses one input into documents. Yields a result per document (in order), so a caller can check
 * objects and drop their syntax trees as it goes.
 */
export function* parseManifest(input: ManifestInput, limitsIn: Partial<LoadLimits> = {}): Generator<DocumentResult> {
  const limits = { ...DEFAULT_LIMITS, ...limitsIn };
  const file = input.file;
  let errorCount = 0;
  let suppressed = 0;
  const fail = (error: ManifestError): DocumentResult | undefined => {
    errorCount++;
    if (errorCount <= limits.maxErrorsPerFile) return { error };
    suppressed++;
    return undefined;
  };
  if (input.text.length > limits.maxFileBytes) {
    yield { error: { file, code: 'TOO_LARGE', message: `larger than ${limits.maxFileBytes} bytes; split it into smaller files` } };
    return;
  }
  const counter = { next: 0 };
  // A UTF-8 BOM (Windows editors) would otherwise become part of the first key.
  const text = input.text.charCodeAt(0) === 0xfeff ? input.text.slice(1) : input.text;
  for (const chunk of splitDocuments(text)) {
    if (isEmptyDocument(chunk.text)) {
      counter.next++;
      continue;
    }
    if (Buffer.byteLength(chunk.text, 'utf8') > limits.maxDocumentBytes) {
      const document = counter.next++;
      const r = fail({
        file,
        document,
        line: chunk.line,
        code: 'TOO_LARGE',
        message: `document ${document} is larger than ${limits.maxDocumentBytes} bytes; it was not parsed`,
      });
      if (r) yield r;
      continue;
    }
    const nodes = estimateNodes(chunk.text, limits.maxDocumentNodes);
    if (nodes > limits.maxDocumentNodes) {
      const document = counter.next++;
      const r = fail({
        file,
        document,
        line: chunk.line,
        code: 'TOO_LARGE',
        message: `document ${document} has more than ${limits.maxDocumentNodes} YAML nodes (estimated); it was not parsed — split it into smaller documents`,
      });
      if (r) yield r;
      continue;
    }
    for (const result of parseChunk(file, chunk, counter, limits)) {
      if ('error' in result) {
        const r = fail(result.error);
        if (r) yield r;
      } else {
        yield result;
      }
    }
  }
  if (suppressed > 0) {
    yield { error: { file, code: 'TOO_MANY_ERRORS', message: `${suppressed} more errors not shown` } };
  }
}

/** Parses one chunk (normally one document; more if it uses `...` end markers). */
function* parseChunk(file: string, chunk: Chunk, counter: { next: number }, limits: LoadLimits): Generator<DocumentResult> {
  const lc = new LineCounter();
  const lineOf = (offset: number): number => chunk.line + lc.linePos(offset).line - 1;
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(chunk.text, { ...PARSE_OPTIONS, lineCounter: lc }) as Document.Parsed[];
  } catch (e) {
    yield { error: deepOrInternal(file, counter.next++, chunk.line, e) };
    return;
  }
  if (!Array.isArray(docs)) docs = []; // an empty stream gives an EmptyStream object
  for (const doc of docs) {
    const document = counter.next++;
    const docLine = lineOf(doc.contents?.range?.[0] ?? doc.range[0]);
    if (doc.errors.length > 0) {
      const e = doc.errors[0]!;
      const line = lineOf(e.pos[0]);
      if (/call stack/i.test(e.message)) {
        yield { error: { file, document, line: docLine, code: 'TOO_DEEP', message: `document ${document} nests too deeply to parse` } };
        continue;
      }
      const dup = e.code === 'DUPLICATE_KEY';
      const more = doc.errors.length > 1 ? ` (and ${doc.errors.length - 1} more)` : '';
      yield {
        error: {
          file,
          document,
          line,
          code: dup ? 'DUPLICATE_KEY' : 'YAML_SYNTAX',
          message: dup
            ? `document ${document}: duplicate key${keyAt(chunk.text, e.pos)}; Kubernetes rejects duplicate keys — remove one`
            : `document ${document}: invalid YAML: ${firstLine(e.message)}${more}`,
        },
      };
      continue;
    }
    if (doc.contents === null) continue; // empty document (`---` with comments only)
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: limits.maxAliasCount });
    } catch (e) {
      const msg = (e as Error)?.message ?? '';
      if (/alias/i.test(msg)) {
        yield {
          error: {
            file,
            document,
            line: docLine,
            code: 'ALIAS_LIMIT',
            message: `document ${document}: too many YAML alias expansions (more than ${limits.maxAliasCount}); refusing a possible "billion laughs" document`,
          },
        };
      } else {
        yield { error: deepOrInternal(file, document, docLine, e) };
      }
      continue;
    }
    if (value === null || value === undefined) continue;
    const source = helmSource(doc);
    const objects: LoadedObject[] = [];
    const problems: ManifestError[] = [];
    const asObject = (v: unknown, item: number | undefined, prefix: readonly PathSegment[]): void => {
      const where = item === undefined ? `document ${document}` : `document ${document} item ${item}`;
      const line = item === undefined ? docLine : locateNode(doc, prefix, lineOf) ?? docLine;
      const problem = notKubernetes(v);
      if (problem) {
        problems.push({
          file,
          document,
          ...(item !== undefined ? { item } : {}),
          line,
          code: 'NOT_KUBERNETES',
          message: `${where} is not a Kubernetes object: ${problem}`,
        });
        return;
      }
      const o = v as KubernetesObject;
      const meta = o.metadata !== null && typeof o.metadata === 'object' ? o.metadata : {};
      const name = typeof meta.name === 'string' && meta.name !== '' ? meta.name : typeof meta.generateName === 'string' ? meta.generateName : '';
      const ref: ObjectRef = {
        file,
        document,
        ...(item !== undefined ? { item } : {}),
        apiVersion: o.apiVersion as string,
        kind: o.kind as string,
        namespace: typeof meta.namespace === 'string' ? meta.namespace : '',
        name,
        line,
        ...(source === undefined ? {} : { source }),
      };
      objects.push({
        ref,
        object: o,
        locate: (path) => {
          const segs = typeof path === 'string' ? parsePath(path) : path;
          return locateNode(doc, prefix.length ? [...prefix, ...segs] : segs, lineOf);
        },
      });
    };
    if (isList(value)) {
      const items = (value as { items: unknown[] }).items;
      for (let i = 0; i < items.length; i++) asObject(items[i], i, ['items', i]);
    } else {
      asObject(value, undefined, []);
    }
    for (const p of problems) yield { error: p };
    if (objects.length > 0) yield { objects };
  }
}

function deepOrInternal(file: string, document: number, line: number, e: unknown): ManifestError {
  if (e instanceof RangeError) {
    return { file, document, line, code: 'TOO_DEEP', message: `document ${document} nests too deeply to parse` };
  }
  return { file, document, line, code: 'YAML_SYNTAX', message: `document ${document}: cannot parse: ${firstLine((e as Error)?.message ?? String(e))}` };
}

function firstLine(s: string): string {
  const l = s.split('\n')[0] ?? '';
  return l.length > 200 ? `${l.slice(0, 200)}…` : l;
}

/** ` "name"` for a duplicate-key error, from the source text at the error position. */
function keyAt(text: string, pos: readonly [number, number]): string {
  const raw = text.slice(pos[0], Math.min(pos[1], pos[0] + 80)).trim();
  const key = /^["']?([^"':\n]{1,60})/.exec(raw)?.[1];
  return key ? ` "${key}"` : '';
}

/** `kind: List` (or any `*List` kind) with an `items` array: kubectl applies each item. */
function isList(v: unknown): boolean {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  // List types carry only ListMeta and items; a custom resource named `...List` has a spec/data.
  return typeof o.kind === 'string' && o.kind.endsWith('List') && Array.isArray(o.items) && !('spec' in o) && !('data' in o);
}

/** Why a value is not a Kubernetes object, or '' when it is one. */
function notKubernetes(v: unknown): string {
  if (v === null || typeof v !== 'object') return `it is a ${v === null ? 'null' : typeof v}, not a mapping`;
  if (Array.isArray(v)) return 'it is a list, not a mapping';
  const o = v as Record<string, unknown>;
  const missing: string[] = [];
  if (typeof o.apiVersion !== 'string' || o.apiVersion === '') missing.push('apiVersion');
  if (typeof o.kind !== 'string' || o.kind === '') missing.push('kind');
  return missing.length ? `no ${missing.join(' or ')} (is it a Helm values file or other non-Kubernetes YAML?)` : '';
}

/** The path in Helm's `# Source: <chart>/templates/<file>` comment, if the document has one. */
function helmSource(doc: Document.Parsed): string | undefined {
  const contents = doc.contents;
  const firstKey = isMap(contents) ? (contents.items[0]?.key as YamlNode | undefined) : undefined;
  // At the very top of a stream yaml attaches the comment to the first key, elsewhere to the map.
  const comments = [doc.commentBefore, contents?.commentBefore, firstKey?.commentBefore];
  for (const c of comments) {
    if (!c) continue;
    const m = /^\s*Source:\s*(\S.*?)\s*$/m.exec(c);
    if (m) return m[1]!.slice(0, 300);
  }
  return undefined;
}

/**
 * Walks the document's syntax tree along `segments` and returns the line of the deepest node
 * reached: a map entry's key, a list item's first token. Stops at aliases (the alias is where the
 * value is used) and at keys that come from `<<` merges (their parent is reported).
 */
function locateNode(doc: Document.Parsed, segments: readonly PathSegment[], lineOf: (offset: number) => number): number | undefined {
  let node: YamlNode | null | unknown = doc.contents;
  let offset = (node as YamlNode | null)?.range?.[0];
  for (const seg of segments) {
    if (node === null || node === undefined || isAlias(node)) break;
    if (typeof seg === 'number') {
      if (!isSeq(node)) break;
      const item = node.items[seg] as YamlNode | undefined;
      if (item === undefined || item === null) break;
      node = item;
      offset = item.range?.[0] ?? offset;
    } else {
      if (!isMap(node)) break;
      let found: { key: unknown; value: unknown } | undefined;
      for (const pair of node.items) {
        const k = pair.key;
        if (isScalar(k) && String(k.value) === seg) {
          found = pair;
          break;
        }
      }
      if (!found) break;
      const keyNode = found.key as YamlNode;
      offset = keyNode.range?.[0] ?? offset;
      node = found.value;
    }
  }
  return offset === undefined ? undefined : lineOf(offset);
}
