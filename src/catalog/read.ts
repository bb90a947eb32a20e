/** Small helpers every text-reading cataloger needs. */
import type { FileRecord } from '../image/fs/types.js';
import type { Location, Package } from '../sbom/model.js';
import type { CatalogContext } from './types.js';

export function locationOf(rec: FileRecord): Location {
  return { path: rec.path, layerDigest: rec.layerDigest, layerIndex: rec.layerIndex };
}

/** Read a captured regular file as UTF-8, refusing oversized or binary content. Never throws. */
export async function readCatalogText(ctx: CatalogContext, rec: FileRecord, max: number, who: string): Promise<string | undefined> {
  if (rec.type !== 'file' && rec.type !== 'hardlink') return undefined;
  if (rec.size > max) {
    ctx.warn(`${who}: ${rec.path}: ${rec.size} bytes is over the ${max}-byte limit for this kind of file; skipped`);
    return undefined;
  }
  let buf: Buffer;
  try {
    buf = await ctx.fs.readFile(rec.path);
  } catch (e) {
    ctx.warn(`${who}: ${rec.path}: could not be read (${(e as Error).message}); skipped`);
    return undefined;
  }
  if (buf.length > max) {
    ctx.warn(`${who}: ${rec.path}: ${buf.length} bytes is over the ${max}-byte limit for this kind of file; skipped`);
    return undefined;
  }
  if (buf.subarray(0, 8192).includes(0)) {
    ctx.warn(`${who}: ${rec.path}: binary content where text was expected; skipped`);
    return undefined;
  }
  return buf.toString('utf8');
}

/** Deterministic package order: name, version, first location. */
export function byNameVersionPath(a: Package, b: Package): number {
  const ka = [a.name, a.version, a.locations[0]?.path ?? ''];
  const kb = [b.name, b.version, b.locations[0]?.path ?? ''];
  for (let i = 0; i < 3; i++) if (ka[i] !== kb[i]) return ka[i]! < kb[i]! ? -1 : 1;
  return 0;
}
