/**
 * Rust binaries built with cargo-auditable: one package per entry of the embedded dependency
 * list (see auditable.ts), purl pkg:cargo/<name>@<version>.
 *
 * Every entry is kept (Syft does the same), with metadata.source. Only crates.io entries get the
 * 'crates.io' ecosystem: "local" (workspace members, the binary's own crate), "git" and
 * alternative-"registry" crates get 'unknown', so that a local crate that happens to share a
 * crates.io name is not matched against crates.io advisories.
 */
import type { Cataloger, CatalogContext } from '../types.js';
import type { Package } from '../../sbom/model.js';
import type { FileRecord } from '../../image/fs/types.js';
import { makePackage, purl } from '../../sbom/package.js';
import { Executable, ExeFormatError } from '../binary/executable.js';
import { isExecutableCandidate } from '../binary/candidates.js';
import { DEP_SECTION, MAX_SECTION_BYTES, parseDepSection } from './auditable.js';

const NAME = 'rust-auditable-binary';
/** a fully size-optimized, stripped Rust hello-world (std) is ~280 KiB on x86_64 */
export const RUST_MIN_BINARY_SIZE = 128 * 1024;

export const rustAuditableCataloger: Cataloger = {
  name: NAME,
  wants(path, header) {
    return isExecutableCandidate(path, header, RUST_MIN_BINARY_SIZE);
  },
  async catalog(ctx: CatalogContext): Promise<Package[]> {
    const out: Package[] = [];
    for (const f of ctx.files) {
      if (f.type !== 'file') continue;
      try {
        out.push(...(await catalogFile(ctx, f)));
      } catch (e) {
        ctx.warn(`${NAME}: ${f.path}: ${e instanceof Error ? e.message : String(e)}; skipped`);
      }
    }
    return out;
  },
};

async function catalogFile(ctx: CatalogContext, f: FileRecord): Promise<Package[]> {
  let exe: Executable | undefined;
  try {
    exe = await Executable.open(await ctx.fs.localPath(f.path));
  } catch (e) {
    // Corrupt executable headers are reported by the Go binary cataloger, which reads the same
    // files; reporting them twice is noise.
    if (e instanceof ExeFormatError) return [];
    throw e;
  }
  if (!exe) return [];
  let section: Buffer | undefined;
  try {
    section = await exe.readSection(DEP_SECTION, MAX_SECTION_BYTES);
  } finally {
    await exe.close();
  }
  if (!section) return [];
  const info = parseDepSection(section);
  if (info.skipped > 0) ctx.warn(`${NAME}: ${f.path}: ${info.skipped} malformed entr${info.skipped === 1 ? 'y' : 'ies'} in the ${DEP_SECTION} dependency list skipped`);
  const location = { path: f.path, layerDigest: f.layerDigest, layerIndex: f.layerIndex };
  const seen = new Set<string>();
  const out: Package[] = [];
  for (const p of info.packages) {
    // package ids derive from purl + path: one package per purl (a local crate that shadows a
    // crates.io one of the same name and version is not told apart)
    const id = purl('cargo', undefined, p.name, p.version);
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(
      makePackage({
        name: p.name,
        version: p.version,
        type: 'cargo',
        ecosystem: p.source === 'crates.io' ? 'crates.io' : 'unknown',
        purl: id,
        licenses: [],
        locations: [location],
        foundBy: NAME,
        metadata: { source: p.source, kind: p.kind, root: p.root, dependencies: p.dependencies, auditableFormat: info.format },
      }),
    );
  }
  return out;
}
