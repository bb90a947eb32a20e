/**
 * What rules see: the parsed model plus derived facts (which stages ship, which SHELL is in
 * effect, whether a stage is Windows) and the parsed shell commands of each RUN, computed once.
 */
import type { MisconfigFinding } from '../findings.js';
import { dockerfileCheck } from './checks.js';
import { lineAt, type DfInstruction, type DfStage, type DockerfileModel, type LineMap } from './model.js';
import { evidence as makeEvidence } from './redact.js';
import { parseShell, shellCScript, type ShellCommand } from './shell.js';

export const DEFAULT_SHELL: readonly string[] = Object.freeze(['/bin/sh', '-c']);
const POSIX_SHELLS: ReadonlySet<string> = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh', 'busybox']);

export interface LocatedCommand {
  cmd: ShellCommand;
  /** Source line of the command. */
  line: number;
}

export interface RunAnalysis {
  commands: LocatedCommand[];
  /** False when the SHELL is PowerShell/cmd: no POSIX analysis was done. */
  posix: boolean;
  /** Exec (JSON) form without a shell. */
  exec: boolean;
  /** The command text plus heredoc bodies, for plain-text checks. */
  text: string;
}

export interface LintOptions {
  /** DL3026: registries base images may come from (`docker.io`, `*.corp.example`). Off when absent. */
  allowedRegistries?: string[];
}

export interface Report {
  description: string;
  line?: number;
  endLine?: number;
  evidence?: string;
}

/** A finding plus the instruction it belongs to (for ignore pragmas). */
export interface RawFinding {
  finding: MisconfigFinding;
  anchor: DfInstruction;
}

export class LintContext {
  readonly raw: RawFinding[] = [];
  /** Stage indexes whose layers end up in the final image. */
  readonly shipped: ReadonlySet<number>;
  private readonly shellAt = new Map<DfInstruction, readonly string[]>();
  private readonly windows: boolean[] = [];
  private readonly runs = new Map<DfInstruction, RunAnalysis>();

  constructor(
    readonly model: DockerfileModel,
    readonly file: string,
    readonly opts: LintOptions = {},
  ) {
    const shipped = new Set<number>();
    for (let s: DfStage | undefined = this.finalStage; s && !shipped.has(s.index); s = this.parentOf(s)) shipped.add(s.index);
    this.shipped = shipped;

    const endShell: (readonly string[])[] = [];
    for (const stage of model.stages) {
      const parent = this.parentOf(stage);
      let shell = parent ? endShell[parent.index]! : DEFAULT_SHELL;
      let win = parent ? this.windows[parent.index]! : looksWindowsImage(stage);
      for (const ins of stage.instructions) {
        if (ins.keyword === 'SHELL' && ins.json && ins.json.length > 0) shell = ins.json;
        if (!isPosixShell(shell)) win = true;
        this.shellAt.set(ins, shell);
        if (ins.trigger) this.shellAt.set(ins.trigger, shell);
      }
      endShell[stage.index] = shell;
      this.windows[stage.index] = win;
    }
  }

  get finalStage(): DfStage {
    return this.model.stages[this.model.stages.length - 1]!;
  }

  stage(i: number): DfStage | undefined {
    return this.model.stages[i];
  }

  parentOf(s: DfStage): DfStage | undefined {
    const p = s.from.parentStage;
    return p !== undefined && p < s.index ? this.model.stages[p] : undefined;
  }

  /** The stage and the stages it builds on, nearest first. */
  chain(s: DfStage): DfStage[] {
    const out: DfStage[] = [];
    for (let cur: DfStage | undefined = s; cur && !out.includes(cur); cur = this.parentOf(cur)) out.push(cur);
    return out;
  }

  /** Shipped stages, final first. */
  shippedStages(): DfStage[] {
    return this.chain(this.finalStage);
  }

  isWindows(stageIndex: number): boolean {
    return this.windows[stageIndex] ?? false;
  }

  shellFor(ins: DfInstruction): readonly string[] {
    return this.shellAt.get(ins) ?? DEFAULT_SHELL;
  }

  /** Parsed commands of a RUN (memoized). */
  run(ins: DfInstruction): RunAnalysis {
    let r = this.runs.get(ins);
    if (!r) {
      r = analyzeRun(ins, this.shellFor(ins));
      this.runs.set(ins, r);
    }
    return r;
  }

  /** Every RUN of the given stages with its analysis. */
  *runsOf(stages: Iterable<DfStage>): Generator<{ ins: DfInstruction; stage: DfStage; run: RunAnalysis }> {
    for (const stage of stages) for (const ins of stage.instructions) if (ins.keyword === 'RUN') yield { ins, stage, run: this.run(ins) };
  }

  report(id: string, ins: DfInstruction, r: Report, anchor: DfInstruction = ins): void {
    const check = dockerfileCheck(id);
    const line = r.line ?? ins.line;
    const endLine = r.endLine ?? (r.line === undefined ? ins.endLine : undefined);
    const finding: MisconfigFinding = {
      id: check.id,
      ...(check.aliases.length > 0 ? { aliases: [...check.aliases] } : {}),
      severity: check.severity,
      title: check.title,
      description: r.description,
      remediation: check.remediation,
      target: { file: this.file, line, ...(endLine !== undefined && endLine !== line ? { endLine } : {}) },
    };
    const stage = ins.stage >= 0 ? this.model.stages[ins.stage] : undefined;
    if (stage && this.model.stages.length > 1) {
      finding.target.object = { kind: 'stage', index: stage.index, ...(stage.name ? { name: stage.name } : {}) };
    }
    const ev = r.evidence ?? ins.source;
    if (ev) finding.evidence = makeEvidence(ev);
    this.raw.push({ finding, anchor });
  }
}

export function isPosixShell(shell: readonly string[]): boolean {
  const exe = basename(shell[0] ?? '').toLowerCase().replace(/\.exe$/, '');
  if (exe === 'powershell' || exe === 'pwsh' || exe === 'cmd') return false;
  return true;
}

function looksWindowsImage(stage: DfStage): boolean {
  const ref = stage.from.ref;
  if (!ref) return false;
  const text = `${ref.registry ?? ''}/${ref.repository}:${ref.tag ?? ''}`.toLowerCase();
  return /mcr\.microsoft\.com\/windows|(^|[/:-])(nanoserver|windowsservercore|servercore)([-:]|$)|ltsc20\d\d/.test(text);
}

function basename(s: string): string {
  const i = Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\'));
  return i >= 0 ? s.slice(i + 1) : s;
}

function shellQuote(a: string): string {
  return `'${a.replace(/'/g, `'\\''`)}'`;
}

function analyzeRun(ins: DfInstruction, shell: readonly string[]): RunAnalysis {
  const bodies = ins.heredocs.map((h) => h.body);
  const text = [ins.args, ...bodies].join('\n');
  if (ins.json) {
    // Exec form: no shell, unless the command itself is one (["/bin/sh", "-c", "…"]).
    const argv = ins.json;
    const script = argv.length > 0 ? shellCScript(basename(argv[0]!), argv.slice(1)) : undefined;
    const parsed = parseShell(script ? script.text : argv.map(shellQuote).join(' '));
    return { commands: parsed.commands.map((cmd) => ({ cmd, line: ins.line })), posix: true, exec: script === undefined, text };
  }
  if (!isPosixShell(shell)) return { commands: [], posix: false, exec: false, text };

  const top = parseShell(ins.args).commands.map((cmd) => ({ cmd, line: lineAt(ins.argsMap, Math.max(0, cmd.offset)) }));
  const commands: LocatedCommand[] = [...top];
  for (const h of ins.heredocs) {
    const consumer = top.find(({ cmd }) => cmd.redirects.some((r) => (r.op === '<<' || r.op === '<<-') && r.target === h.name));
    // `RUN <<EOF` alone: the body is the script. `RUN bash <<EOF`: bash reads it as a script.
    const isScript = consumer ? POSIX_SHELLS.has(consumer.cmd.name) : top.length === 0;
    if (!isScript) continue;
    const map = bodyMap(h.body, h.bodyLine);
    for (const cmd of parseShell(h.body).commands) commands.push({ cmd, line: lineAt(map, Math.max(0, cmd.offset)) });
  }
  return { commands, posix: true, exec: false, text };
}

function bodyMap(body: string, firstLine: number): LineMap {
  const offsets = [0];
  const lines = [firstLine];
  for (let i = body.indexOf('\n'); i >= 0; i = body.indexOf('\n', i + 1)) {
    offsets.push(i + 1);
    lines.push(firstLine + offsets.length - 1);
  }
  return { offsets, lines };
}
