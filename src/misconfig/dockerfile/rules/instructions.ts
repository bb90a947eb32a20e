/**
 * Rules about instructions themselves (not the commands inside RUN): ADD/COPY, stage names,
 * CMD/ENTRYPOINT/HEALTHCHECK, WORKDIR, ENV, ONBUILD, EXPOSE, MAINTAINER, RUN flags.
 */
import type { LintContext } from '../context.js';
import type { DfInstruction, DfStage } from '../model.js';
import { splitWords } from '../parse.js';
import { isWorldWritableMode } from './commands.js';
import { installsDependencies } from './packages.js';
import { commandText, type Rule } from './util.js';

const URL_RE = /^[a-z][a-z0-9+.-]*:\/\//i;
const GIT_RE = /^(git@|git:\/\/)|\.git(#|$)/;
/** Local archives ADD extracts (identity, gzip, bzip2, xz, zstd tarballs). */
const ARCHIVE_RE = /\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tb2|tar\.xz|txz|tar\.zst|tzst|tar\.lz|tlz|tar\.lzma|tar\.Z|tZ|gz|bz2|xz|zst|lzma|Z)$/;

interface CopyArgs {
  sources: string[];
  dest: string;
}

function copyArgs(ctx: LintContext, ins: DfInstruction): CopyArgs | undefined {
  const words = ins.json ?? splitWords(ins.args, ctx.model.escape).map((w) => w.text);
  if (words.length === 0) return undefined;
  return { sources: words.slice(0, -1), dest: words[words.length - 1]! };
}

function isAbsolutePath(p: string): boolean {
  return p.startsWith('/') || p.startsWith('$') || p.startsWith('\\') || /^[A-Za-z]:([\\/]|$)/.test(p) || p.startsWith('%');
}

const addAndCopy: Rule = (ctx) => {
  for (const stage of ctx.model.stages) {
    let workdirSet = ctx.chain(stage).slice(1).some((s) => s.instructions.some((i) => i.keyword === 'WORKDIR'));
    for (const ins of stage.instructions) {
      if (ins.keyword === 'WORKDIR') workdirSet = true;
      if (ins.keyword !== 'ADD' && ins.keyword !== 'COPY') continue;
      const a = copyArgs(ctx, ins);
      if (!a) continue;
      const sources = a.sources.filter((s) => !s.startsWith('<<'));
      const fromFlag = ins.flags.find((f) => f.name === 'from');

      if (ins.keyword === 'ADD') {
        const remote = sources.filter((s) => URL_RE.test(s) || GIT_RE.test(s));
        const local = sources.filter((s) => !URL_RE.test(s) && !GIT_RE.test(s));
        const checksum = ins.flags.some((f) => f.name === 'checksum' && f.value);
        const unverified = remote.filter((s) => !checksum && !/#[0-9a-f]{40}$/i.test(s));
        if (unverified.length > 0) ctx.report('PLM-DF-031', ins, { description: `ADD downloads ${unverified.join(', ')} without verifying a checksum.` });
        if (!fromFlag && local.length > 0 && local.every((s) => !ARCHIVE_RE.test(s))) {
          ctx.report('PLM-DF-050', ins, { description: `ADD copies local ${local.length === 1 ? 'file' : 'files'} ${local.join(', ')}: COPY is enough.` });
        }
      }

      if (a.sources.length >= 2 && !a.dest.endsWith('/') && !a.dest.endsWith('\\') && !a.dest.includes('$')) {
        ctx.report('PLM-DF-051', ins, { description: `${ins.keyword} has ${a.sources.length} sources but the destination "${a.dest}" does not end with "/".` });
      }
      if (!isAbsolutePath(a.dest) && !workdirSet && !ctx.isWindows(stage.index)) {
        ctx.report('PLM-DF-062', ins, { description: `${ins.keyword} to "${a.dest}" before any WORKDIR: the destination depends on the base image.` });
      }
      const chmod = ins.flags.find((f) => f.name === 'chmod');
      if (chmod?.value && isWorldWritableMode(chmod.value)) {
        ctx.report('PLM-DF-035', ins, { description: `${ins.keyword} --chmod=${chmod.value} makes files writable by every user.` });
      }
      if (fromFlag?.value) checkCopyFrom(ctx, stage, ins, fromFlag.value);
    }
  }
};

function checkCopyFrom(ctx: LintContext, stage: DfStage, ins: DfInstruction, from: string): void {
  if (from.includes('$')) return;
  const stages = ctx.model.stages;
  if (/^[0-9]+$/.test(from)) {
    const n = Number(from);
    if (n === stage.index) ctx.report('PLM-DF-052', ins, { description: `--from=${from} is this stage's own index.` });
    else if (n > stage.index) ctx.report('PLM-DF-053', ins, { description: `--from=${from} refers to stage ${n}, which is not defined before this instruction.` });
    return;
  }
  const name = from.toLowerCase();
  if (stage.name === name) {
    ctx.report('PLM-DF-052', ins, { description: `--from=${from} is the stage this instruction belongs to.` });
    return;
  }
  const idx = stages.findIndex((s) => s.name === name);
  if (idx >= 0 && idx < stage.index) return;
  if (idx > stage.index) {
    ctx.report('PLM-DF-053', ins, { description: `--from=${from} names a stage defined later (line ${stages[idx]!.line}).` });
    return;
  }
  // Not a stage. Image references (with a registry, tag or digest) are fine; a bare word is
  // probably a misspelt stage name (or a named build context).
  if (!/[:/@.]/.test(from)) {
    ctx.report('PLM-DF-053', ins, { description: `--from=${from} is not a stage defined earlier; Docker will look for a build context or pull the image "${from}".` });
  }
}

const stageNames: Rule = (ctx) => {
  const seen = new Map<string, DfStage>();
  for (const stage of ctx.model.stages) {
    const name = stage.name;
    if (!name) continue;
    const ins = stage.from.instruction;
    if (name === 'scratch' || name === 'context') ctx.report('PLM-DF-055', ins, { description: `"${name}" is reserved and cannot name a stage.` });
    const prev = seen.get(name);
    if (prev) ctx.report('PLM-DF-054', ins, { description: `Stage name "${name}" is already used at line ${prev.line}.` });
    else seen.set(name, stage);
  }
};

const perStage: Rule = (ctx) => {
  for (const stage of ctx.model.stages) {
    const count: Record<string, DfInstruction[]> = { CMD: [], ENTRYPOINT: [], HEALTHCHECK: [] };
    let prev: DfInstruction | undefined;
    for (const ins of stage.instructions) {
      count[ins.keyword]?.push(ins);
      if ((ins.keyword === 'CMD' || ins.keyword === 'ENTRYPOINT') && !ins.json) {
        const looksJson = ins.args.trim().startsWith('[');
        ctx.report('PLM-DF-056', ins, {
          description: looksJson
            ? `${ins.keyword} starts with "[" but is not valid JSON (use double quotes), so Docker runs it in shell form.`
            : `${ins.keyword} uses the shell form.`,
        });
      }
      if (ins.keyword === 'RUN' && prev?.keyword === 'RUN' && prev.flags.length === 0 && ins.flags.length === 0 && prev.heredocs.length === 0 && ins.heredocs.length === 0) {
        ctx.report('PLM-DF-066', ins, { description: `RUN follows the RUN at line ${prev.line}; they can be combined.` });
      }
      prev = ins;
    }
    const ids: Record<string, string> = { CMD: 'PLM-DF-057', ENTRYPOINT: 'PLM-DF-058', HEALTHCHECK: 'PLM-DF-059' };
    for (const [kw, list] of Object.entries(count)) {
      for (const ins of list.slice(1)) ctx.report(ids[kw]!, ins, { description: `${kw} also appears at line ${list[0]!.line}; only the last one takes effect.` });
    }
  }
};

const simpleInstructions: Rule = (ctx) => {
  for (const stage of ctx.model.stages) {
    const win = ctx.isWindows(stage.index);
    for (const ins of stage.instructions) {
      switch (ins.keyword) {
        case 'MAINTAINER':
          ctx.report('PLM-DF-060', ins, { description: 'MAINTAINER is deprecated.' });
          break;
        case 'WORKDIR': {
          const dir = splitWords(ins.args, ctx.model.escape)[0]?.text ?? '';
          if (dir !== '' && !isAbsolutePath(dir) && !(win && /^[A-Za-z]:/.test(dir))) {
            ctx.report('PLM-DF-061', ins, { description: `WORKDIR "${dir}" is relative.` });
          }
          break;
        }
        case 'ENV': {
          const defined = new Set<string>();
          for (const p of ins.properties ?? []) {
            const refs = [...(p.value ?? '').matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!);
            const bad = refs.find((r) => defined.has(r));
            if (bad) ctx.report('PLM-DF-063', ins, { line: p.line, description: `${p.name} refers to $${bad}, which is defined in the same ENV instruction.` });
            defined.add(p.name);
          }
          break;
        }
        case 'ONBUILD': {
          const t = ins.trigger?.keyword;
          if (t === 'ONBUILD' || t === 'FROM' || t === 'MAINTAINER') ctx.report('PLM-DF-064', ins, { description: `ONBUILD ${t} is not allowed.` });
          break;
        }
        case 'EXPOSE':
          checkExpose(ctx, ins);
          break;
        case 'RUN': {
          const sec = ins.flags.find((f) => f.name === 'security');
          if (sec?.value === 'insecure') ctx.report('PLM-DF-034', ins, { description: 'RUN --security=insecure runs the command outside the build sandbox.' });
          break;
        }
        default:
          break;
      }
    }
  }
};

function checkExpose(ctx: LintContext, ins: DfInstruction): void {
  for (const w of splitWords(ins.args, ctx.model.escape)) {
    const spec = w.text;
    if (spec.includes('$')) continue;
    const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(spec);
    if (!m) {
      ctx.report('PLM-DF-041', ins, { description: `"${spec}" is not a port, a port range or port/protocol.` });
      continue;
    }
    const lo = Number(m[1]);
    const hi = m[2] !== undefined ? Number(m[2]) : lo;
    if (lo > 65535 || hi > 65535 || hi < lo) {
      ctx.report('PLM-DF-041', ins, { description: `"${spec}" is outside the port range 0-65535.` });
      continue;
    }
    if (lo <= 22 && 22 <= hi && (m[3] ?? 'tcp').toLowerCase() === 'tcp') {
      ctx.report('PLM-DF-040', ins, { description: `EXPOSE ${spec} exposes the SSH port.` });
    }
  }
}

/**
 * PLM-DF-067: COPY of the whole context before a dependency install in the same stage.
 * PLM-DF-068: COPY of a local archive that a later RUN extracts with tar.
 */
const copyOrder: Rule = (ctx) => {
  for (const stage of ctx.model.stages) {
    const list = stage.instructions;
    for (let i = 0; i < list.length; i++) {
      const ins = list[i]!;
      if ((ins.keyword !== 'COPY' && ins.keyword !== 'ADD') || ins.flags.some((f) => f.name === 'from')) continue;
      const a = copyArgs(ctx, ins);
      if (!a) continue;
      const wholeContext = a.sources.some((s) => s === '.' || s === './' || s === '*' || s === './*' || s === './.');
      if (wholeContext) {
        for (const later of list.slice(i + 1)) {
          if (later.keyword !== 'RUN') continue;
          const inst = ctx.run(later).commands.find(({ cmd }) => installsDependencies(cmd));
          if (inst) {
            ctx.report('PLM-DF-067', ins, { description: `The whole build context is copied before "${commandText(inst.cmd).slice(0, 80)}" (line ${inst.line}): any source change reinstalls all dependencies.` });
            break;
          }
        }
      }
      if (ins.keyword === 'COPY') {
        for (const src of a.sources.filter((s) => ARCHIVE_RE.test(s) && !URL_RE.test(s))) {
          const base = src.slice(src.lastIndexOf('/') + 1);
          const extract = list.slice(i + 1).find((later) => later.keyword === 'RUN' && ctx.run(later).commands.some(({ cmd }) => cmd.name === 'tar' && isExtract(cmd.args) && cmd.args.some((x) => x.endsWith(base))));
          if (extract) ctx.report('PLM-DF-068', ins, { description: `${src} is copied and then extracted at line ${extract.line}; ADD extracts it in one step.` });
        }
      }
    }
  }
};

function isExtract(args: string[]): boolean {
  const first = args[0] ?? '';
  return args.some((a) => a === '--extract' || a === '--get' || (/^-[A-Za-z]+$/.test(a) && a.includes('x'))) || /^[A-Za-z]*x[A-Za-z]*$/.test(first);
}

export const INSTRUCTION_RULES: readonly Rule[] = [addAndCopy, stageNames, perStage, simpleInstructions, copyOrder];
