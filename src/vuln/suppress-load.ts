/** Loads suppressors from --vex files and the ignore file (implementations in src/vuln/vex/). */
import type { Suppressor } from './suppress.js';

export async function loadSuppressors(opts: { vex: string[]; ignoreFile?: string }): Promise<Suppressor[]> {
  const out: Suppressor[] = [];
  if (opts.vex.length || opts.ignoreFile) {
    const { loadVexSuppressor, loadIgnoreFile } = await import('./vex/index.js');
    for (const f of opts.vex) out.push(await loadVexSuppressor(f));
    if (opts.ignoreFile) out.push(await loadIgnoreFile(opts.ignoreFile));
  }
  return out;
}
