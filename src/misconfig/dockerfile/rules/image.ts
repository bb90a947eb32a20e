/**
 * Rules about the image as a whole: base image references, the user the container runs as, and
 * HEALTHCHECK.
 */
import { splitWords } from '../parse.js';
import type { DfInstruction } from '../model.js';
import type { Rule } from './util.js';

/** PLM-DF-001..005: FROM references. */
const baseImage: Rule = (ctx) => {
  for (const stage of ctx.model.stages) {
    const f = stage.from;
    const ins = f.instruction;
    if (f.platform !== undefined && !f.platform.includes('$')) {
      ctx.report('PLM-DF-004', ins, { description: `FROM --platform=${f.platform} fixes the platform.` });
    }
    const ref = f.ref;
    if (!ref || f.scratch) continue;
    const via = f.viaArgs ? ` (${f.image} resolved with the ARG defaults)` : '';
    if (ref.digest === undefined && ref.tag === undefined) {
      ctx.report('PLM-DF-002', ins, { description: `"${ref.text}" has no tag: it means "${ref.text}:latest"${via}.` });
    } else if (ref.digest === undefined && ref.tag === 'latest') {
      ctx.report('PLM-DF-001', ins, { description: `"${ref.text}" uses the latest tag${via}.` });
    }
    if (ref.digest === undefined) {
      ctx.report('PLM-DF-003', ins, { description: `"${ref.text}" is not pinned by digest${via}.` });
    }
    const allowed = ctx.opts.allowedRegistries;
    if (allowed && allowed.length > 0) {
      const registry = ref.registry ?? 'docker.io';
      if (!allowed.some((a) => registryMatches(a, registry))) {
        ctx.report('PLM-DF-005', ins, { description: `"${ref.text}" comes from ${registry}, which is not in the allowed registries (${allowed.join(', ')}).` });
      }
    }
  }
};

function registryMatches(pattern: string, registry: string): boolean {
  const p = pattern.toLowerCase();
  const r = registry.toLowerCase();
  if (p === '*') return true;
  if (p.startsWith('*.')) return r.endsWith(p.slice(1));
  if ((p === 'docker.io' || p === 'index.docker.io' || p === 'registry-1.docker.io') && (r === 'docker.io' || r === 'index.docker.io' || r === 'registry-1.docker.io')) return true;
  return p === r;
}

/** USER root (PLM-DF-010) and no USER (PLM-DF-011) in the stages that make the final image. */
const user: Rule = (ctx) => {
  const final = ctx.finalStage;
  if (ctx.isWindows(final.index)) return;
  let last: DfInstruction | undefined;
  for (const s of ctx.shippedStages()) {
    const users = s.instructions.filter((i) => i.keyword === 'USER');
    if (users.length > 0) {
      last = users[users.length - 1];
      break;
    }
  }
  if (!last) {
    if (final.from.scratch && final.instructions.length === 0) return;
    ctx.report('PLM-DF-011', final.from.instruction, { description: 'The final stage never sets USER, so the container runs as the base image\'s user (usually root).' });
    return;
  }
  const name = splitWords(last.args, ctx.model.escape)[0]?.text ?? '';
  const userPart = name.split(':')[0]!;
  if (userPart === 'root' || userPart === '0') {
    ctx.report('PLM-DF-010', last, { description: `The last USER is "${name}": the container runs as root.` });
  }
};

/** PLM-DF-065: no HEALTHCHECK in the final image. */
const healthcheck: Rule = (ctx) => {
  const has = ctx.shippedStages().some((s) => s.instructions.some((i) => i.keyword === 'HEALTHCHECK'));
  if (has) return;
  const final = ctx.finalStage;
  ctx.report('PLM-DF-065', final.from.instruction, { description: 'The final image defines no HEALTHCHECK.' });
};

export const IMAGE_RULES: readonly Rule[] = [baseImage, user, healthcheck];
