/**
 * Composer documents:
 *  - vendor/composer/installed.json — what `composer install` put in vendor/. Composer 1 writes a
 *    JSON array of packages; Composer 2 writes { packages: [...], dev: bool, "dev-package-names": [...] }.
 *  - composer.lock — { packages: [...], "packages-dev": [...] }.
 * https://getcomposer.org/doc/01-basic-usage.md#installing-dependencies
 */

export interface ComposerPackage {
  name: string;
  version: string;
  licenses: string[];
  dev: boolean;
  type?: string;
  description?: string;
  homepage?: string;
  /** source reference (git commit) for dev-branch versions */
  reference?: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

/** "vendor/name": Composer's rule, relaxed to allow upper case from old packages. */
export function isValidComposerName(n: string): boolean {
  return n.length <= 256 && /^[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9])?\/[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9])?$/.test(n);
}

export function isPlausibleVersion(v: string): boolean {
  // eslint-disable-next-line no-control-regex
  return v.length > 0 && v.length <= 256 && !/[\s\u0000-\u001f\u007f]/.test(v);
}

function str(v: unknown, max: number): string | undefined {
  if (typeof v !== 'string' || v.trim() === '') return undefined;
  const t = v.trim();
  return t.length > max ? t.slice(0, max) + '…' : t;
}

function licensesOf(v: unknown): string[] {
  const list = Array.isArray(v) ? v : [v];
  const out: string[] = [];
  for (const l of list.slice(0, 64)) {
    const s = str(l, 256);
    if (s && !out.includes(s)) out.push(s);
  }
  return out;
}

/** Entries from one array of package objects; counts the malformed ones. */
function readList(list: unknown, dev: (name: string) => boolean, bad: { n: number }): ComposerPackage[] {
  if (!Array.isArray(list)) return [];
  const out: ComposerPackage[] = [];
  for (const e of list.slice(0, 200_000)) {
    if (!isObj(e) || typeof e.name !== 'string' || typeof e.version !== 'string' || !isValidComposerName(e.name) || !isPlausibleVersion(e.version)) {
      bad.n++;
      continue;
    }
    const p: ComposerPackage = { name: e.name, version: e.version, licenses: licensesOf(e.license), dev: dev(e.name) };
    const type = str(e.type, 64);
    if (type) p.type = type;
    const description = str(e.description, 512);
    if (description) p.description = description;
    const homepage = str(e.homepage, 1024);
    if (homepage) p.homepage = homepage;
    if (e.version.startsWith('dev-') && isObj(e.source)) {
      const ref = str(e.source.reference, 128);
      if (ref) p.reference = ref;
    }
    out.push(p);
  }
  return out;
}

function parseJson(text: string): { doc?: unknown; error?: string } {
  try {
    return { doc: JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) };
  } catch (e) {
    return { error: `not valid JSON (${(e as Error).message})` };
  }
}

export interface ComposerResult {
  packages: ComposerPackage[];
  problems: string[];
}

export function parseInstalledJson(text: string): ComposerResult {
  const { doc, error } = parseJson(text);
  if (error) return { packages: [], problems: [error] };
  const bad = { n: 0 };
  let packages: ComposerPackage[];
  if (Array.isArray(doc)) {
    packages = readList(doc, () => false, bad); // Composer 1: no dev information
  } else if (isObj(doc) && Array.isArray(doc.packages)) {
    const devNames = new Set(Array.isArray(doc['dev-package-names']) ? doc['dev-package-names'].filter((n): n is string => typeof n === 'string') : []);
    packages = readList(doc.packages, (n) => devNames.has(n), bad);
  } else {
    return { packages: [], problems: ['neither a Composer 1 array nor a Composer 2 {packages: [...]} document'] };
  }
  return { packages, problems: bad.n ? [`${bad.n} entries without a usable name/version were skipped`] : [] };
}

export function parseComposerLock(text: string): ComposerResult {
  const { doc, error } = parseJson(text);
  if (error) return { packages: [], problems: [error] };
  if (!isObj(doc)) return { packages: [], problems: ['not a JSON object'] };
  const bad = { n: 0 };
  const packages = [...readList(doc.packages, () => false, bad), ...readList(doc['packages-dev'], () => true, bad)];
  return { packages, problems: bad.n ? [`${bad.n} entries without a usable name/version were skipped`] : [] };
}
