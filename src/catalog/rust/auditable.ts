/**
 * cargo-auditable dependency data: the ".dep-v0" linker section (ELF/PE; "__DATA,.dep-v0" on
 * Mach-O) holds zlib-compressed JSON (schema https://rustsec.org/schemas/cargo-auditable.json):
 *
 *   { "format"?: number, "packages": [ { "name", "version", "source", "kind"?: "build"|"runtime",
 *     "dependencies"?: [index...], "root"?: bool } ] }
 *
 * source is "crates.io", "git", "local", "registry" or another string; kind defaults to
 * "runtime", root to false, dependencies to [] (indexes into packages).
 */
import { inflateSync } from 'node:zlib';

export const DEP_SECTION = '.dep-v0';
/** compressed section size limit */
export const MAX_SECTION_BYTES = 4 * 1024 * 1024;
/** decompressed JSON limit (cargo-auditable's own reader defaults to 8 MiB) */
export const MAX_JSON_BYTES = 16 * 1024 * 1024;
export const MAX_PACKAGES = 100_000;

export interface AuditablePackage {
  name: string;
  version: string;
  source: string;
  kind: 'build' | 'runtime';
  root: boolean;
  /** direct dependencies as "name@version" (indexes resolved; dangling ones dropped) */
  dependencies: string[];
}

export interface AuditableInfo {
  format: number;
  packages: AuditablePackage[];
  /** entries dropped because they were malformed */
  skipped: number;
}

export class AuditableError extends Error {
  override name = 'AuditableError';
}

/** Decompress and validate a .dep-v0 section. Throws AuditableError with a readable reason. */
export function parseDepSection(compressed: Buffer): AuditableInfo {
  let json: Buffer;
  try {
    json = inflateSync(compressed, { maxOutputLength: MAX_JSON_BYTES });
  } catch (e) {
    const msg = e instanceof RangeError || (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' ? `decompresses to more than ${MAX_JSON_BYTES} bytes` : `is not valid zlib data (${(e as Error).message})`;
    throw new AuditableError(`${DEP_SECTION} section ${msg}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(json.toString('utf8'));
  } catch (e) {
    throw new AuditableError(`${DEP_SECTION} section is not valid JSON (${(e as Error).message})`);
  }
  return validate(doc);
}

function validate(doc: unknown): AuditableInfo {
  if (typeof doc !== 'object' || doc === null || !Array.isArray((doc as { packages?: unknown }).packages)) {
    throw new AuditableError(`${DEP_SECTION} JSON has no "packages" array`);
  }
  const rawFormat = (doc as { format?: unknown }).format;
  const format = typeof rawFormat === 'number' && Number.isInteger(rawFormat) && rawFormat >= 0 ? rawFormat : 0;
  const list = (doc as { packages: unknown[] }).packages;
  if (list.length > MAX_PACKAGES) throw new AuditableError(`${DEP_SECTION} JSON lists ${list.length} packages (limit ${MAX_PACKAGES})`);
  // first pass: the valid entries, by their original index (dependency indexes refer to it)
  const byIndex: Array<AuditablePackage | undefined> = [];
  const rawDeps: unknown[] = [];
  let skipped = 0;
  for (const p of list) {
    const r = typeof p === 'object' && p !== null ? (p as Record<string, unknown>) : undefined;
    if (!r || typeof r.name !== 'string' || r.name === '' || typeof r.version !== 'string' || r.version === '') {
      skipped++;
      byIndex.push(undefined);
      rawDeps.push(undefined);
      continue;
    }
    byIndex.push({
      name: r.name,
      version: r.version,
      source: typeof r.source === 'string' && r.source !== '' ? r.source : 'unknown',
      kind: r.kind === 'build' ? 'build' : 'runtime',
      root: r.root === true,
      dependencies: [],
    });
    rawDeps.push(r.dependencies);
  }
  const packages: AuditablePackage[] = [];
  byIndex.forEach((pkg, i) => {
    if (!pkg) return;
    const deps = rawDeps[i];
    if (Array.isArray(deps)) {
      for (const d of deps) {
        const target = Number.isInteger(d) ? byIndex[d as number] : undefined;
        if (target && target !== pkg) pkg.dependencies.push(`${target.name}@${target.version}`);
      }
    }
    packages.push(pkg);
  });
  return { format, packages, skipped };
}
