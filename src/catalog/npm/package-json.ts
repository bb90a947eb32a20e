/**
 * The manifest of an installed npm package (node_modules/<name>/package.json).
 * https://docs.npmjs.com/cli/v10/configuring-npm/package-json
 */

export interface NpmManifest {
  name: string;
  version: string;
  licenses: string[];
  author?: string;
  homepage?: string;
  description?: string;
  private?: boolean;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** npm names: at most 214 characters, `name` or `@scope/name`, no whitespace or control characters. */
export function isPlausibleName(name: unknown): name is string {
  if (typeof name !== 'string' || name === '' || name.length > 214 || /\s/.test(name) || CONTROL.test(name)) return false;
  if (name.startsWith('@')) return /^@[^/]+\/[^/]+$/.test(name);
  return !name.includes('/');
}

/** A version we can put in a purl: short, no whitespace/control characters. */
export function isPlausibleVersion(v: unknown): v is string {
  return typeof v === 'string' && v !== '' && v.length <= 256 && !/\s/.test(v) && !CONTROL.test(v);
}

/** Split "@scope/name" into purl namespace and name. */
export function splitNpmName(name: string): { namespace?: string; name: string } {
  if (name.startsWith('@')) {
    const k = name.indexOf('/');
    return { namespace: name.slice(0, k), name: name.slice(k + 1) };
  }
  return { name };
}

function shortString(v: unknown, max = 512): string | undefined {
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  if (t === '') return undefined;
  return t.length > max ? t.slice(0, max) + '…' : t;
}

/** One license value: "MIT", "(MIT OR Apache-2.0)", or the legacy { type, url } object. */
function licenseOf(v: unknown): string | undefined {
  if (typeof v === 'string') return shortString(v, 256);
  if (v && typeof v === 'object' && !Array.isArray(v)) return shortString((v as Record<string, unknown>).type, 256);
  return undefined;
}

/**
 * Licenses from the modern `license` field and the deprecated `licenses` field (an array of
 * strings or {type,url} objects, or a single object), in that order, without duplicates.
 */
export function npmLicenses(doc: Record<string, unknown>): string[] {
  const out: string[] = [];
  const add = (v: unknown): void => {
    const l = licenseOf(v);
    if (l !== undefined && !out.includes(l)) out.push(l);
  };
  add(doc.license);
  const legacy = doc.licenses;
  if (Array.isArray(legacy)) legacy.slice(0, 64).forEach(add);
  else add(legacy);
  return out;
}

function personOf(v: unknown): string | undefined {
  if (typeof v === 'string') return shortString(v, 256);
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    const name = shortString(o.name, 256);
    if (!name) return undefined;
    const email = shortString(o.email, 256);
    return email ? `${name} <${email}>` : name;
  }
  return undefined;
}

/**
 * Parse an installed package.json. Returns undefined when the document is not an object or lacks
 * a usable name/version (callers decide whether that deserves a warning). `fallbackName` is the
 * name implied by the directory layout, used only when the file has no `name`.
 */
export function parsePackageJson(text: string, fallbackName?: string): NpmManifest | { error: string } | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    return { error: `not valid JSON (${(e as Error).message})` };
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return { error: 'not a JSON object' };
  const o = doc as Record<string, unknown>;
  const name = o.name === undefined ? fallbackName : o.name;
  if (!isPlausibleName(name)) return o.name === undefined ? undefined : { error: 'implausible package name' };
  if (o.version === undefined) return undefined;
  if (!isPlausibleVersion(o.version)) return { error: 'implausible version' };
  const m: NpmManifest = { name, version: o.version, licenses: npmLicenses(o) };
  const author = personOf(o.author);
  if (author) m.author = author;
  const homepage = shortString(o.homepage, 1024);
  if (homepage) m.homepage = homepage;
  const description = shortString(o.description);
  if (description) m.description = description;
  if (o.private === true) m.private = true;
  return m;
}
