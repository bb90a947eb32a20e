/** Helpers for cataloger unit tests: run one cataloger over a FileSystemView the way the pipeline does. */
import type { Cataloger } from './types.js';
import type { Distro, Package } from '../sbom/model.js';
import type { FileSystemView } from '../image/fs/types.js';

export async function runCataloger(c: Cataloger, fs: FileSystemView, distro?: Distro): Promise<{ packages: Package[]; warnings: string[] }> {
  const warnings: string[] = [];
  const files = [...fs.list()].filter((f) => c.wants(f.path.slice(1), { path: f.path.slice(1), type: f.type, mode: f.mode, size: f.size, linkname: f.linkname }));
  const packages = await c.catalog({ fs, files, distro, warn: (m) => warnings.push(m) });
  return { packages, warnings };
}
