/**
 * lintDockerfile: parse, run every rule, apply ignore pragmas, sort.
 *
 * Ignore pragmas (hadolint-compatible, plus plimsoll's own spelling), in comments:
 *   # hadolint ignore=DL3008,DL3015      on the line(s) right above an instruction
 *   # plimsoll ignore=PLM-DF-080         same, with plimsoll ids (aliases work in both)
 *   # hadolint global ignore=DL3059      anywhere: the whole file
 *   # hadolint stage ignore=DL3004       above a FROM: that whole stage
 * A pragma belongs to an instruction when it is in the block of comment lines directly above it.
 */
import { checkMatches, compareFindings, type ConfigLintResult, type ConfigParseError } from '../findings.js';
import { LintContext, type LintOptions, type RawFinding } from './context.js';
import type { DfInstruction, DockerfileModel } from './model.js';
import { parseDockerfile, type ParseOptions } from './parse.js';
import { COMMAND_RULES } from './rules/commands.js';
import { IMAGE_RULES } from './rules/image.js';
import { INSTRUCTION_RULES } from './rules/instructions.js';
import { PACKAGE_RULES } from './rules/packages.js';
import { SECRET_RULES } from './rules/secrets.js';
import type { Rule } from './rules/util.js';

export interface DockerfileLintOptions extends LintOptions, ParseOptions {
  /** Check ids or aliases to skip everywhere (`DL3008`, `PLM-DF-003`). */
  ignore?: string[];
}

const RULES: readonly Rule[] = [...IMAGE_RULES, ...SECRET_RULES, ...INSTRUCTION_RULES, ...COMMAND_RULES, ...PACKAGE_RULES];

export function lintDockerfile(text: string, file: string, opts: DockerfileLintOptions = {}): ConfigLintResult {
  const parsed = parseDockerfile(text, opts);
  const errors: ConfigParseError[] = parsed.errors.map((e) => ({ file, ...(e.line !== undefined ? { line: e.line } : {}), message: e.message }));
  if (!parsed.model) return { findings: [], errors };
  const ctx = new LintContext(parsed.model, file, opts);
  for (const rule of RULES) {
    try {
      rule(ctx);
    } catch (e) {
      // A rule bug must not hide the other rules' findings; report it as an error on the file.
      errors.push({ file, message: `internal error in a lint rule: ${(e as Error)?.message ?? String(e)} (please report it)` });
    }
  }
  const pragmas = collectPragmas(parsed.model);
  const global = [...pragmas.global, ...(opts.ignore ?? [])];
  const findings = ctx.raw
    .filter((r) => !isIgnored(r, global, pragmas))
    .map((r) => r.finding)
    .sort(compareFindings);
  return { findings: dedupe(findings), errors };
}

interface Pragmas {
  global: string[];
  /** instruction start line → ids */
  byLine: Map<number, string[]>;
  /** stage index → ids */
  byStage: Map<number, string[]>;
}

const PRAGMA = /^(hadolint|plimsoll)\s+(?:(global|stage)\s+)?ignore\s*=\s*([A-Za-z0-9_,\s-]+)$/i;

function collectPragmas(model: DockerfileModel): Pragmas {
  const comments = new Map(model.comments.map((c) => [c.line, c.text]));
  const p: Pragmas = { global: [], byLine: new Map(), byStage: new Map() };
  const parse = (text: string): { scope: string; ids: string[] } | undefined => {
    const m = PRAGMA.exec(text.trim());
    if (!m) return undefined;
    return { scope: (m[2] ?? '').toLowerCase(), ids: m[3]!.split(/[,\s]+/).filter((x) => x !== '') };
  };
  for (const c of model.comments) {
    const r = parse(c.text);
    if (r?.scope === 'global') p.global.push(...r.ids);
  }
  const visit = (ins: DfInstruction): void => {
    for (let l = ins.line - 1; comments.has(l); l--) {
      const r = parse(comments.get(l)!);
      if (!r) continue;
      if (r.scope === '') p.byLine.set(ins.line, [...(p.byLine.get(ins.line) ?? []), ...r.ids]);
      else if (r.scope === 'stage' && ins.keyword === 'FROM') p.byStage.set(ins.stage, [...(p.byStage.get(ins.stage) ?? []), ...r.ids]);
    }
  };
  model.instructions.forEach(visit);
  return p;
}

function isIgnored(r: RawFinding, global: string[], p: Pragmas): boolean {
  const ids = [...global, ...(p.byLine.get(r.anchor.line) ?? []), ...(p.byStage.get(r.anchor.stage) ?? [])];
  return ids.some((id) => checkMatches(r.finding, id));
}

/** The same check at the same line with the same description is reported once. */
function dedupe(list: ReturnType<typeof lintDockerfile>['findings']): ReturnType<typeof lintDockerfile>['findings'] {
  const seen = new Set<string>();
  return list.filter((f) => {
    const k = `${f.id}\u0000${f.target.line}\u0000${f.description}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
