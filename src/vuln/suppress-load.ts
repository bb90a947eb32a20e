/** Loads suppressors from --vex files and the ignore file (implementations in src/vuln/vex/). */
import type { Suppressor } from './suppress.js';

export async function loadSuppressors(opts: { vex: string[]; ignoreFile?: string }): Promise<Suppressor[]> {
  const out: Suppressor[] = [];
  if (opts.vex.length || opts.ignoreFile) {
    const { loadVexSuppressors, loadIgnoreFile } = await import('./vex/index.js');
    if (opts.vex.length) out.push(await loadVexSuppressors(opts.vex));
    if (opts.ignoreFile) out.push(await loadIgnoreFile(opts.ignoreFile));
  }
  return out;
}
