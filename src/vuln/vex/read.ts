/** Reading --vex and --ignorefile inputs: bounded size, errors that name the file. */
import { readFile, stat } from 'node:fs/promises';
import { PlimsollError } from '../../util/errors.js';

export const MAX_VEX_BYTES = 64 * 1024 * 1024;
export const MAX_IGNORE_BYTES = 8 * 1024 * 1024;

/** A PARSE_ERROR naming the file (and the place in it). */
export function bad(file: string, problem: string): PlimsollError {
  return new PlimsollError('PARSE_ERROR', `${file}: ${problem}`);
}

export async function readText(file: string, what: string, maxBytes: number): Promise<string> {
  const st = await stat(file).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') throw new PlimsollError('NOT_FOUND', `${file}: no such ${what} file`);
    throw new PlimsollError('IO_ERROR', `${file}: cannot read the ${what} file (${e.code ?? e.message})`);
  });
  if (!st.isFile()) throw new PlimsollError('IO_ERROR', `${file}: the ${what} file is not a regular file`);
  if (st.size > maxBytes) throw new PlimsollError('IO_ERROR', `${file}: the ${what} file is ${st.size} bytes, more than the ${maxBytes} allowed`);
  const buf = await readFile(file).catch((e: NodeJS.ErrnoException) => {
    throw new PlimsollError('IO_ERROR', `${file}: cannot read the ${what} file (${e.code ?? e.message})`);
  });
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    throw bad(file, `the ${what} file is not UTF-8 text`);
  }
  return text.replace(/^\uFEFF/, '');
}

/** JSON.parse with an error naming the file. */
export function parseJson(file: string, text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw bad(file, `not valid JSON, so not a ${what} document (${(e as Error).message})`);
  }
}

export type Json = Record<string, unknown>;

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A non-empty string field, or undefined. */
export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

/**
 * RFC 3339 date-time → ms. undefined when absent; throws when present but not a date-time.
 * Date.parse accepts more than RFC 3339, so the shape is checked first.
 */
export function parseTime(file: string, where: string, v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const s = typeof v === 'string' ? v : '';
  const ok = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(s);
  // Date.parse keeps milliseconds only; nanosecond fractions (vexctl writes them) are truncated.
  const ms = ok ? Date.parse(s.replace(/(\.\d{3})\d+/, '$1')) : NaN;
  if (Number.isNaN(ms)) throw bad(file, `${where}: ${JSON.stringify(v).slice(0, 80)} is not an RFC 3339 date-time (e.g. 2024-05-01T12:00:00Z)`);
  return ms;
}
