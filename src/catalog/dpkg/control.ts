/**
 * deb822 "control file" paragraphs as dpkg stores them in var/lib/dpkg/status, updates/NNNN and
 * (distroless) status.d/<pkg>.
 *
 * Syntax (deb-control(5), dpkg's lib/dpkg/parse.c):
 *   - paragraphs are separated by one or more empty lines;
 *   - a field is "Name: value"; names are case-insensitive; blanks around ":" are skipped;
 *   - a line starting with a space or tab continues the previous field's value;
 *   - trailing blanks of a value are dropped.
 * dpkg aborts on any syntax error. We are reading untrusted images, so we warn and recover instead:
 * a line without a colon is skipped, a duplicate field keeps its first value, a blank-only line ends
 * the paragraph, CRLF line ends are accepted. Nothing here throws.
 */
import { printable as truncate } from '../os/util.js';

export { truncate };

export interface Paragraph {
  /** lower-cased field name → value (continuation lines joined with "\n", as written) */
  fields: Map<string, string>;
  /** 1-based line number of the paragraph's first field */
  line: number;
}

/** Upper bound for one paragraph's field count; real packages have ~20. */
const MAX_FIELDS = 4096;

/**
 * Split deb822 text into paragraphs. `warn` gets one message per problem (with the line number);
 * the caller prefixes the file name.
 */
export function parseParagraphs(text: string, warn: (message: string) => void): Paragraph[] {
  const out: Paragraph[] = [];
  let cur: Paragraph | undefined;
  let lastKey: string | undefined;
  let lastDuplicate = false;
  let lineNo = 0;
  let pos = 0;
  const n = text.length;

  const finish = (): void => {
    if (cur && cur.fields.size > 0) out.push(cur);
    cur = undefined;
    lastKey = undefined;
    lastDuplicate = false;
  };

  while (pos <= n) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = n;
    let line = text.slice(pos, end);
    pos = end + 1;
    lineNo++;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (end === n && line === '') break;

    const first = line.charCodeAt(0);
    if (line.length === 0 || isBlankOnly(line)) {
      // dpkg treats a blank-only line inside a value as an error; ending the paragraph is the
      // forgiving reading and what other deb822 parsers do.
      finish();
      continue;
    }
    if (first === 0x20 || first === 0x09) {
      // continuation line
      if (!cur || lastKey === undefined) {
        warn(`line ${lineNo}: continuation line outside a field; skipped`);
        continue;
      }
      if (lastDuplicate) continue;
      cur.fields.set(lastKey, cur.fields.get(lastKey)! + '\n' + line);
      continue;
    }
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trimEnd() : '';
    if (colon <= 0 || name === '' || /\s/.test(name)) {
      warn(`line ${lineNo}: "${truncate(line)}" is not a "Field: value" line; skipped`);
      lastKey = undefined;
      continue;
    }
    cur ??= { fields: new Map(), line: lineNo };
    const key = name.toLowerCase();
    if (cur.fields.has(key)) {
      warn(`line ${lineNo}: duplicate field "${name}" in one paragraph; the first value is kept`);
      lastKey = key;
      lastDuplicate = true;
      continue;
    }
    if (cur.fields.size >= MAX_FIELDS) {
      warn(`line ${lineNo}: more than ${MAX_FIELDS} fields in one paragraph; the rest are ignored`);
      lastKey = key;
      lastDuplicate = true;
      continue;
    }
    cur.fields.set(key, line.slice(colon + 1).trim());
    lastKey = key;
    lastDuplicate = false;
  }
  finish();
  // Trailing blanks of multi-line values (dpkg trims the value's end).
  for (const p of out) for (const [k, v] of p.fields) if (v.includes('\n')) p.fields.set(k, v.trimEnd());
  return out;
}

function isBlankOnly(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0x0c && c !== 0x0b) return false;
  }
  return true;
}

