/**
 * Helpers for the version-comparator tests: locating the shared upstream vector corpus and reading its
 * `<a> <op> <b>` relation files (see /work/shared/corpora/versions/README.md).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Directory of the shared version vectors (outside the repository; may be absent). */
export const VECTORS_DIR = fileURLToPath(new URL('../../../../shared/corpora/versions/', import.meta.url));

export function vectorPath(name: string): string {
  return VECTORS_DIR + name;
}

export function vectorsAbsent(name: string): string | false {
  return existsSync(vectorPath(name)) ? false : `shared corpora absent: ${vectorPath(name)}`;
}

export function readVector(name: string): string {
  return readFileSync(vectorPath(name), 'utf8');
}

export type RelOp = '<' | '<=' | '=' | '>=' | '>' | '!=';

export interface Relation {
  readonly line: number;
  readonly text: string;
  readonly a: string;
  readonly op: RelOp;
  readonly b: string;
  /** A leading '!' in the file: the relation must be false. */
  readonly negated: boolean;
}

/**
 * Parse `<a> <op> <b>` lines. Skips blank lines and lines starting with '#'; strips inline comments
 * (whitespace + '#'). `extraOps` lets a file use additional operator spellings (mapped to RelOp or kept).
 */
export function readRelations(name: string): Relation[] {
  const out: Relation[] = [];
  readVector(name)
    .split('\n')
    .forEach((raw, idx) => {
      const text = raw.replace(/\s+#.*$/, '').trimEnd();
      if (text.trim() === '' || text.startsWith('#')) return;
      const parts = text.split(/[ \t]+/);
      if (parts.length !== 3) throw new Error(`${name}:${idx + 1}: cannot parse relation line ${JSON.stringify(raw)}`);
      let [a, op, b] = parts as [string, string, string];
      let negated = false;
      if (a.startsWith('!')) {
        negated = true;
        a = a.slice(1);
      }
      if (!['<', '<=', '=', '>=', '>', '!='].includes(op)) throw new Error(`${name}:${idx + 1}: unknown operator ${op}`);
      out.push({ line: idx + 1, text: raw, a, op: op as RelOp, b, negated });
    });
  return out;
}

/** Does comparator result `c` satisfy `op`? */
export function holds(c: number, op: RelOp): boolean {
  switch (op) {
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '=':
      return c === 0;
    case '>=':
      return c >= 0;
    case '>':
      return c > 0;
    case '!=':
      return c !== 0;
  }
}

/** Tally of a vector run: failures carry enough context to diagnose. */
export class Tally {
  pass = 0;
  readonly failures: string[] = [];
  get total(): number {
    return this.pass + this.failures.length;
  }
  check(ok: boolean, what: string): void {
    if (ok) this.pass++;
    else this.failures.push(what);
  }
  /** Run `fn`; an exception counts as a failure with its message. */
  run(what: string, fn: () => boolean): void {
    try {
      this.check(fn(), what);
    } catch (e) {
      this.failures.push(`${what} (threw: ${(e as Error).message})`);
    }
  }
  summary(): string {
    return `${this.pass}/${this.total}`;
  }
}
