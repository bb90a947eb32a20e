/**
 * Test helper: load a real directory tree into a MemoryFS under an image path, so catalogers can
 * be checked against trees produced by the real tools (npm install, pip, Debian packages).
 */
import { readdirSync, lstatSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { MemoryFS, type MemoryEntry } from '../../image/fs/memory.js';

/**
 * Walk `root` (symlinks are kept as symlinks, not followed) and mount it at `mountAt` ("/app").
 * `include(relPath, isDir)` can prune the walk; by default everything is loaded.
 */
export function memoryFsFromDir(root: string, mountAt: string, include: (rel: string, isDir: boolean) => boolean = () => true): MemoryFS {
  const files: Record<string, MemoryEntry> = {};
  const mount = mountAt.replace(/\/+$/, '');
  const stack = [''];
  while (stack.length) {
    const rel = stack.pop()!;
    for (const name of readdirSync(join(root, rel))) {
      const r = rel ? `${rel}/${name}` : name;
      const abs = join(root, r);
      const st = lstatSync(abs);
      if (st.isSymbolicLink()) files[`${mount}/${r}`] = { symlink: readlinkSync(abs) };
      else if (st.isDirectory()) {
        if (!include(r, true)) continue;
        files[`${mount}/${r}`] = { dir: true };
        stack.push(r);
      } else if (st.isFile() && include(r, false)) files[`${mount}/${r}`] = readFileSync(abs);
    }
  }
  return new MemoryFS(files);
}
