/**
 * Field paths in the notation Kubernetes uses in its error messages (apimachinery field.Path):
 * `spec.template.spec.containers[1].securityContext`, and `metadata.annotations[some.key/x]` for
 * map keys that are not plain identifiers (the key is written unquoted inside brackets).
 */

/** One step of a field path: a map key (string) or a list index (number). */
export type PathSegment = string | number;

/** A key that can be written after a dot: no dots, brackets or whitespace. */
const PLAIN_KEY = /^[^.[\]\s]+$/;

/** Appends a key or index to a path string. */
export function child(path: string, segment: PathSegment): string {
  if (typeof segment === 'number') return `${path}[${segment}]`;
  if (PLAIN_KEY.test(segment)) return path === '' ? segment : `${path}.${segment}`;
  return `${path}[${segment}]`;
}

/** Joins segments into a path string. */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const s of segments) out = child(out, s);
  return out;
}

/**
 * Splits a path string into segments. `[n]` (digits only) is a list index, any other bracketed
 * text is a map key; dots separate keys outside brackets. Never throws: a malformed path yields
 * the segments read so far (a locator then falls back to the deepest node it can find).
 */
export function parsePath(path: string): PathSegment[] {
  const out: PathSegment[] = [];
  let i = 0;
  const n = path.length;
  while (i < n) {
    const c = path[i];
    if (c === '.') {
      i++;
      continue;
    }
    if (c === '[') {
      const end = path.indexOf(']', i + 1);
      if (end < 0) break;
      const inner = path.slice(i + 1, end);
      out.push(/^\d{1,9}$/.test(inner) ? Number(inner) : inner);
      i = end + 1;
      continue;
    }
    let j = i;
    while (j < n && path[j] !== '.' && path[j] !== '[') j++;
    out.push(path.slice(i, j));
    i = j;
  }
  return out;
}
