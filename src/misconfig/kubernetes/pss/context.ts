/**
 * Per-evaluation view of a pod (metadata + spec) shared by all checks, and the small text helpers
 * that reproduce pod-security-admission's message formatting.
 *
 * Input is untrusted parsed YAML/JSON: every accessor tolerates wrong types (a string where an
 * object is expected, a number where an array is expected, ...) by treating the field as unset,
 * which is what a typed Go decoder would refuse outright. Nothing here throws on bad input.
 */

/** A plain JSON-ish object. */
export type Obj = Record<string, unknown>;

export function obj(v: unknown): Obj | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
}

export function arr(v: unknown): readonly unknown[] {
  return Array.isArray(v) ? v : EMPTY;
}

const EMPTY: readonly unknown[] = Object.freeze([]);

/** String form of a scalar; '' for null/undefined/objects (a Go string field's zero value). */
export function str(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(v);
    default:
      return '';
  }
}

/** Own-property read (never walks the prototype chain, so `constructor` etc. are not "set"). */
export function own(o: Obj | undefined, key: string): unknown {
  return o !== undefined && Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
}

/** Go's `x != nil` for a pointer/struct field decoded from JSON: present and not null. */
export function isSet(v: unknown): boolean {
  return v !== undefined && v !== null;
}

export type ContainerGroup = 'initContainers' | 'containers' | 'ephemeralContainers';

export interface ContainerRef {
  readonly group: ContainerGroup;
  readonly index: number;
  readonly name: string;
  /** The container object (may be an empty object if the list entry was malformed). */
  readonly c: Obj;
  /** Its securityContext, if it is an object. */
  readonly sc: Obj | undefined;
}

export interface PodContext {
  readonly meta: Obj | undefined;
  readonly annotations: Obj | undefined;
  readonly spec: Obj;
  /** spec.securityContext, if an object. */
  readonly podSC: Obj | undefined;
  /** init containers, then containers, then ephemeral containers (pod-security-admission's visit order). */
  readonly containers: readonly ContainerRef[];
  /** Field path of the pod spec, e.g. `spec` or `spec.template.spec`. */
  readonly specPath: string;
  /** Field path of the pod metadata, e.g. `metadata` or `spec.template.metadata`. */
  readonly metaPath: string;
  /** spec.os.name == "windows" */
  readonly windows: boolean;
  /** spec.hostUsers == false (pod runs in a user namespace) */
  readonly userNamespace: boolean;
}

const GROUPS: readonly ContainerGroup[] = ['initContainers', 'containers', 'ephemeralContainers'];
const NO_CONTAINERS: readonly ContainerRef[] = Object.freeze([]);

export function buildContext(metadata: unknown, spec: unknown, specPath: string, metaPath: string): PodContext {
  const s = obj(spec) ?? {};
  const meta = obj(metadata);
  let containers: ContainerRef[] | undefined;
  for (const group of GROUPS) {
    const list = own(s, group);
    if (!Array.isArray(list)) continue;
    for (let i = 0; i < list.length; i++) {
      const c = obj(list[i]) ?? {};
      (containers ??= []).push({ group, index: i, name: str(own(c, 'name')), c, sc: obj(own(c, 'securityContext')) });
    }
  }
  return {
    meta,
    annotations: obj(own(meta, 'annotations')),
    spec: s,
    podSC: obj(own(s, 'securityContext')),
    containers: containers ?? NO_CONTAINERS,
    specPath,
    metaPath,
    windows: str(own(obj(own(s, 'os')), 'name')) === 'windows',
    userNamespace: own(s, 'hostUsers') === false,
  };
}

/** `spec.containers[2]` (with the context's spec prefix). */
export function containerPath(ctx: PodContext, ref: ContainerRef): string {
  return `${ctx.specPath}.${ref.group}[${ref.index}]`;
}

/** `spec.containers[2].securityContext.<rest>` */
export function containerSCPath(ctx: PodContext, ref: ContainerRef, rest: string): string {
  return `${ctx.specPath}.${ref.group}[${ref.index}].securityContext.${rest}`;
}

/** `spec.securityContext.<rest>` */
export function podSCPath(ctx: PodContext, rest: string): string {
  return `${ctx.specPath}.securityContext.${rest}`;
}

/** `metadata.annotations[<key>]` — Go field.Path key syntax (unquoted). */
export function annotationPath(ctx: PodContext, key: string): string {
  return `${ctx.metaPath}.annotations[${key}]`;
}

// ---- message helpers (same output as pod-security-admission's helpers.go) ----

export function pluralize(singular: string, plural: string, count: number): string {
  return count === 1 ? singular : plural;
}

/** `"a", "b"` — items wrapped in double quotes without escaping, as upstream's joinQuote. */
export function joinQuote(items: readonly string[]): string {
  return items.length === 0 ? '' : `"${items.join('", "')}"`;
}

/** Sorted, de-duplicated copy (Go `sets.String.List()`: byte-wise ascending order). */
export function sortedSet(items: Iterable<string>): string[] {
  return [...new Set(items)].sort(byteCompare);
}

export function byteCompare(a: string, b: string): number {
  // Go compares strings byte-wise (UTF-8); for the BMP this equals UTF-16 code-unit order, and
  // astral characters (surrogates, 0xD800+) can only sort differently against U+E000..U+FFFF.
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Go's `%q` verb (strconv.Quote) for the strings we format: escapes `"`, `\` and control bytes. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    switch (ch) {
      case '"':
        out += '\\"';
        break;
      case '\\':
        out += '\\\\';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\t':
        out += '\\t';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\x07':
        out += '\\a';
        break;
      case '\b':
        out += '\\b';
        break;
      case '\f':
        out += '\\f';
        break;
      case '\v':
        out += '\\v';
        break;
      default:
        if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
        else if ((cp >= 0x80 && cp < 0xa0) || cp === 0x2028 || cp === 0x2029 || cp === 0xfeff) {
          out += `\\u${cp.toString(16).padStart(4, '0')}`;
        } else out += ch;
    }
  }
  return out + '"';
}

/** `container "a"` / `containers "a", "b"` */
export function containersPhrase(names: readonly string[]): string {
  return `${pluralize('container', 'containers', names.length)} ${joinQuote(names)}`;
}
