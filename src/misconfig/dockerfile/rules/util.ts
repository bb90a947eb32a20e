/** Helpers shared by the rule modules. */
import type { LintContext, RunAnalysis } from '../context.js';
import type { DfInstruction, DfStage } from '../model.js';
import type { ShellCommand } from '../shell.js';

export type Rule = (ctx: LintContext) => void;

/** The command as text for evidence (assignments and wrappers included). */
export function commandText(cmd: ShellCommand): string {
  return [...cmd.assignments, ...cmd.argv].join(' ');
}

/** Lists at most `n` items, then "and N more". */
export function list(items: readonly string[], n = 5): string {
  const shown = items.slice(0, n).map((s) => (s.length > 60 ? s.slice(0, 59) + '…' : s));
  return items.length > n ? `${shown.join(', ')} and ${items.length - n} more` : shown.join(', ');
}

/** RUN --mount=type=cache (or tmpfs) whose target is one of `prefixes` or below/above it. */
export function hasCacheMount(ins: DfInstruction, ...prefixes: string[]): boolean {
  return ins.flags.some((f) => {
    if (f.name !== 'mount') return false;
    const type = f.options.type;
    if (type !== 'cache' && type !== 'tmpfs') return false;
    const target = (f.options.target ?? f.options.dst ?? f.options.destination ?? '').replace(/\/+$/, '');
    return target !== '' && prefixes.some((p) => p === target || p.startsWith(target + '/') || target.startsWith(p + '/'));
  });
}

/** `rm` of any of the paths (or a parent/child of them) in the same RUN. */
export function removes(run: RunAnalysis, ...paths: string[]): boolean {
  return run.commands.some(({ cmd }) => {
    if (cmd.name !== 'rm' && !(cmd.name === 'find' && cmd.args.includes('-delete'))) return false;
    return cmd.args.some((a) => {
      const t = a.replace(/\/\*+$/, '').replace(/\/+$/, '');
      return paths.some((p) => t === p || t.startsWith(p + '/') || (p.startsWith(t + '/') && t.split('/').length > 3));
    });
  });
}

/** ENV values visible in the stage chain of `stage` before `before` (or anywhere when undefined). */
export function envIsSet(ctx: LintContext, stage: DfStage, name: string, before?: DfInstruction): boolean {
  for (const s of ctx.chain(stage)) {
    for (const ins of s.instructions) {
      if (before && s === stage && ins.line >= before.line) break;
      if (ins.keyword === 'ENV' && ins.properties?.some((p) => p.name === name)) return true;
    }
  }
  return false;
}

export function assignmentSet(cmd: ShellCommand, name: string): boolean {
  return cmd.assignments.some((a) => a.startsWith(name + '='));
}

/** Operand looks like a shell variable we cannot evaluate. */
export function isVariable(s: string): boolean {
  return s.includes('$') || s.includes('`');
}
