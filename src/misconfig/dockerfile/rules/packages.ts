/**
 * Package-manager rules: apt, apk, yum/dnf/microdnf, zypper, pip, npm, yarn, gem, go install.
 * Each rule recognizes the tool's command line with its own option table (which options take a
 * value) so that option values are not mistaken for package names.
 */
import type { LintContext, LocatedCommand, RunAnalysis } from '../context.js';
import type { DfInstruction, DfStage } from '../model.js';
import { hasAny, parseArgs, type ParsedArgs, type ShellCommand } from '../shell.js';
import { assignmentSet, commandText, envIsSet, hasCacheMount, isVariable, list, removes, type Rule } from './util.js';

// ---------------------------------------------------------------------------------------------
// Command recognizers

interface Invocation {
  tool: string;
  sub: string;
  p: ParsedArgs;
  /** Operands after the subcommand. */
  packages: string[];
}

const APT_VALUE = new Set(['-o', '-c', '-t', '-a', '--option', '--config-file', '--target-release', '--default-release', '--host-architecture']);
export function apt(cmd: ShellCommand): Invocation | undefined {
  if (cmd.name !== 'apt-get' && cmd.name !== 'apt' && cmd.name !== 'aptitude') return undefined;
  const p = parseArgs(cmd.args, APT_VALUE);
  return { tool: cmd.name, sub: p.operands[0] ?? '', p, packages: p.operands.slice(1) };
}

const APK_VALUE = new Set(['-t', '--virtual', '-X', '--repository', '--repositories-file', '-p', '--root', '--arch', '--cache-dir', '--keys-dir', '--cache-max-age', '--timeout']);
export function apk(cmd: ShellCommand): Invocation | undefined {
  if (cmd.name !== 'apk') return undefined;
  const p = parseArgs(cmd.args, APK_VALUE);
  return { tool: 'apk', sub: p.operands[0] ?? '', p, packages: p.operands.slice(1) };
}

const RPM_VALUE = new Set([
  '-c', '--config', '--installroot', '--releasever', '-x', '--exclude', '-d', '--debuglevel', '-e', '--errorlevel',
  '--enablerepo', '--disablerepo', '--repo', '--repoid', '--setopt', '--forcearch', '--downloaddir', '--destdir',
  '--color', '--rpmverbosity', '-R', '--randomwait', '--repofrompath', '--comment', '--advisory', '--cve',
]);
/** yum, dnf, dnf5, microdnf (the tool name is in `tool`). */
export function rpmTool(cmd: ShellCommand): Invocation | undefined {
  if (cmd.name !== 'yum' && cmd.name !== 'dnf' && cmd.name !== 'dnf5' && cmd.name !== 'microdnf' && cmd.name !== 'tdnf') return undefined;
  const p = parseArgs(cmd.args, RPM_VALUE);
  let sub = p.operands[0] ?? '';
  let packages = p.operands.slice(1);
  if (sub === 'group' || sub === 'groups') {
    sub = 'group' + (packages[0] ?? '');
    packages = packages.slice(1);
  }
  return { tool: cmd.name === 'microdnf' || cmd.name === 'dnf5' || cmd.name === 'tdnf' ? 'dnf' : cmd.name, sub, p, packages };
}

const ZYPPER_VALUE = new Set(['--root', '-R', '-c', '--config', '--reposd-dir', '-D', '--cache-dir', '-C', '--raw-cache-dir', '--solv-cache-dir', '--pkg-cache-dir', '-t', '--type', '-r', '--repo', '--from']);
export function zypper(cmd: ShellCommand): Invocation | undefined {
  if (cmd.name !== 'zypper') return undefined;
  const p = parseArgs(cmd.args, ZYPPER_VALUE);
  const alias: Record<string, string> = { in: 'install', rm: 'remove', up: 'update', dup: 'dist-upgrade', si: 'source-install', cc: 'clean' };
  const sub = p.operands[0] ?? '';
  return { tool: 'zypper', sub: alias[sub] ?? sub, p, packages: p.operands.slice(1) };
}

const PIP_VALUE = new Set([
  '-r', '--requirement', '-c', '--constraint', '-e', '--editable', '-t', '--target', '--platform', '--python-version',
  '--implementation', '--abi', '--root', '--prefix', '--src', '-i', '--index-url', '--extra-index-url', '-f',
  '--find-links', '--upgrade-strategy', '--progress-bar', '--global-option', '--install-option', '--config-settings',
  '-C', '--report', '--root-user-action', '--log', '--proxy', '--retries', '--timeout', '--exists-action',
  '--trusted-host', '--cert', '--client-cert', '--cache-dir', '--no-binary', '--only-binary', '--python',
  '--keyring-provider', '--use-feature', '--use-deprecated',
]);
/** pip, pip3, pip3.12, python -m pip, python3 -m pip. */
export function pip(cmd: ShellCommand): Invocation | undefined {
  let args: string[] | undefined;
  if (/^pip[0-9.]*$/.test(cmd.name)) args = cmd.args;
  else if (/^python[0-9.]*$/.test(cmd.name)) {
    const m = cmd.args.indexOf('-m');
    if (m >= 0 && cmd.args[m + 1] === 'pip') args = cmd.args.slice(m + 2);
  }
  if (!args) return undefined;
  const p = parseArgs(args, PIP_VALUE);
  return { tool: 'pip', sub: p.operands[0] ?? '', p, packages: p.operands.slice(1) };
}

const NPM_INSTALL = new Set(['install', 'i', 'in', 'ins', 'inst', 'insta', 'instal', 'isnt', 'isnta', 'isntal', 'isntall', 'add']);
const NPM_VALUE = new Set(['--prefix', '--registry', '-w', '--workspace', '--tag', '--omit', '--include', '--install-strategy', '--cache', '--userconfig', '--loglevel', '--location', '--before']);
export function npm(cmd: ShellCommand): Invocation | undefined {
  if (cmd.name !== 'npm') return undefined;
  const p = parseArgs(cmd.args, NPM_VALUE);
  const sub = p.operands[0] ?? '';
  return { tool: 'npm', sub: NPM_INSTALL.has(sub) ? 'install' : sub, p, packages: p.operands.slice(1) };
}

const GEM_VALUE = new Set(['-v', '--version', '-i', '--install-dir', '-n', '--bindir', '-s', '--source', '-P', '--trust-policy', '--platform', '-g', '--file']);
export function gem(cmd: ShellCommand): Invocation | undefined {
  if (cmd.name !== 'gem') return undefined;
  const p = parseArgs(cmd.args, GEM_VALUE);
  const sub = p.operands[0] ?? '';
  return { tool: 'gem', sub: sub === 'i' ? 'install' : sub, p, packages: p.operands.slice(1) };
}

const GO_VALUE = new Set(['-o', '-tags', '-ldflags', '-gcflags', '-asmflags', '-mod', '-modfile', '-p', '-pkgdir', '-toolexec', '-buildmode', '-compiler', '-overlay', '-pgo', '-C', '-covermode', '-coverpkg', '-gccgoflags', '-installsuffix', '-exec']);
/** `go install …` with Go's single-dash long options. */
export function goInstall(cmd: ShellCommand): string[] | undefined {
  if (cmd.name !== 'go' || cmd.args[0] !== 'install') return undefined;
  const pkgs: string[] = [];
  for (let i = 1; i < cmd.args.length; i++) {
    const a = cmd.args[i]!;
    if (a.startsWith('-')) {
      if (GO_VALUE.has(a.replace(/^--/, '-'))) i++;
      continue;
    }
    pkgs.push(a);
  }
  return pkgs;
}

/** Whether a command installs dependencies (for the cache-busting check). */
export function installsDependencies(cmd: ShellCommand): boolean {
  const a = apt(cmd);
  if (a) return a.sub === 'install' || a.sub === 'build-dep';
  const k = apk(cmd);
  if (k) return k.sub === 'add';
  const r = rpmTool(cmd);
  if (r) return r.sub === 'install' || r.sub === 'groupinstall';
  const z = zypper(cmd);
  if (z) return z.sub === 'install';
  const pp = pip(cmd);
  if (pp) return pp.sub === 'install' && hasAny(pp.p, '-r', '--requirement');
  const n = npm(cmd);
  if (n) return n.sub === 'install' || n.sub === 'ci';
  if (cmd.name === 'yarn') return cmd.args.length === 0 || cmd.args[0] === 'install' || cmd.args.every((x) => x.startsWith('-'));
  if (cmd.name === 'pnpm') return cmd.args[0] === 'install' || cmd.args[0] === 'i';
  if (cmd.name === 'pipenv') return cmd.args[0] === 'install' || cmd.args[0] === 'sync';
  if (cmd.name === 'poetry' || cmd.name === 'bundle' || cmd.name === 'composer') return cmd.args[0] === 'install';
  if (cmd.name === 'go') return cmd.args[0] === 'mod' && cmd.args[1] === 'download';
  if (cmd.name === 'cargo') return cmd.args[0] === 'fetch';
  return false;
}

// ---------------------------------------------------------------------------------------------
// Iteration helpers

interface Hit<T> {
  ins: DfInstruction;
  stage: DfStage;
  run: RunAnalysis;
  lc: LocatedCommand;
  inv: T;
}

function* each<T>(ctx: LintContext, stages: Iterable<DfStage>, recognize: (c: ShellCommand) => T | undefined): Generator<Hit<T>> {
  for (const { ins, stage, run } of ctx.runsOf(stages)) {
    for (const lc of run.commands) {
      const inv = recognize(lc.cmd);
      if (inv !== undefined) yield { ins, stage, run, lc, inv };
    }
  }
}

function reportCmd(ctx: LintContext, id: string, h: { ins: DfInstruction; lc: LocatedCommand }, description: string): void {
  ctx.report(id, h.ins, { line: h.lc.line, description, evidence: commandText(h.lc.cmd) });
}

// ---------------------------------------------------------------------------------------------
// apt

const APT_INTERACTIVE = new Set(['install', 'upgrade', 'dist-upgrade', 'full-upgrade', 'remove', 'purge', 'autoremove', 'build-dep']);
const APT_INSTALLS = new Set(['install', 'upgrade', 'dist-upgrade', 'full-upgrade', 'build-dep', 'reinstall']);

function aptAssumesYes(a: Invocation, cmd: ShellCommand): boolean {
  if (hasAny(a.p, '-y', '--yes', '--assume-yes')) return true;
  if (cmd.args.some((x) => /^-[a-zA-Z]*q[a-zA-Z]*q/.test(x) || x === '-q=2' || x === '--quiet=2')) return true;
  return [...(a.p.values.get('-o') ?? []), ...(a.p.values.get('--option') ?? [])].some((v) => /^APT::Get::Assume-Yes=(true|1|yes)$/i.test(v));
}

const aptRules: Rule = (ctx) => {
  const stages = ctx.model.stages;
  // Whether an apt.conf snippet in the stage chain disables recommends.
  const noRecommendsConf = new Map<number, number>(); // stage index → line of the config RUN
  for (const { ins, stage, run } of ctx.runsOf(stages)) {
    if (/Install-Recommends\W+(false|0|no)/i.test(run.text) && !noRecommendsConf.has(stage.index)) noRecommendsConf.set(stage.index, ins.line);
  }
  const confBefore = (stage: DfStage, ins: DfInstruction): boolean =>
    ctx.chain(stage).some((s) => {
      const l = noRecommendsConf.get(s.index);
      return l !== undefined && (s !== stage || l < ins.line);
    });

  const reportedApt = new Set<DfInstruction>();
  for (const h of each(ctx, stages, apt)) {
    const { inv: a, lc } = h;
    if (a.tool === 'apt' && !reportedApt.has(h.ins)) {
      reportedApt.add(h.ins);
      reportCmd(ctx, 'PLM-DF-086', h, `"apt ${a.sub}" in a script: apt warns that its CLI is not stable; use apt-get.`);
    }
    if (a.tool === 'aptitude') continue;
    if (APT_INTERACTIVE.has(a.sub) && !aptAssumesYes(a, lc.cmd)) {
      reportCmd(ctx, 'PLM-DF-082', h, `"${a.tool} ${a.sub}" without -y waits for confirmation.`);
    }
    if (a.sub === 'dist-upgrade' || a.sub === 'full-upgrade') {
      reportCmd(ctx, 'PLM-DF-085', h, `"${a.tool} ${a.sub}" may move the image to another distribution release.`);
    }
    if (a.sub !== 'install') continue;
    const pkgs = a.packages.filter((p) => !isVariable(p));
    const unpinned = pkgs.filter((p) => !p.includes('=') && !p.includes('/') && !p.endsWith('.deb'));
    if (unpinned.length > 0) {
      reportCmd(ctx, 'PLM-DF-080', h, `Packages installed without a version: ${list(unpinned)}.`);
    }
    const noRec =
      hasAny(a.p, '--no-install-recommends') ||
      [...(a.p.values.get('-o') ?? []), ...(a.p.values.get('--option') ?? [])].some((v) => /^APT::Install-Recommends=(false|0|no)$/i.test(v)) ||
      confBefore(h.stage, h.ins);
    if (!noRec && a.packages.length > 0) {
      reportCmd(ctx, 'PLM-DF-083', h, `"${a.tool} install" pulls in recommended packages too.`);
    }
  }

  // DL3009: lists left behind by update, in shipped stages.
  for (const { ins, run } of ctx.runsOf(ctx.shippedStages())) {
    const update = run.commands.find(({ cmd }) => apt(cmd)?.sub === 'update');
    if (!update) continue;
    const cleaned =
      removes(run, '/var/lib/apt/lists') ||
      run.commands.some(({ cmd }) => apt(cmd)?.sub === 'dist-clean') ||
      hasCacheMount(ins, '/var/lib/apt/lists', '/var/lib/apt');
    if (!cleaned) ctx.report('PLM-DF-081', ins, { line: update.line, description: 'apt-get update runs but /var/lib/apt/lists is not removed in the same RUN.', evidence: commandText(update.cmd) });
  }
};

/** PLM-DF-084: update without install in the same RUN (apt and apk). */
const updateAlone: Rule = (ctx) => {
  for (const { ins, run } of ctx.runsOf(ctx.model.stages)) {
    const aptUpdate = run.commands.find(({ cmd }) => apt(cmd)?.sub === 'update');
    if (aptUpdate && !run.commands.some(({ cmd }) => APT_INSTALLS.has(apt(cmd)?.sub ?? ''))) {
      ctx.report('PLM-DF-084', ins, { line: aptUpdate.line, description: `"${aptUpdate.cmd.name} update" without an install in the same RUN: a later install uses a stale cached index.`, evidence: commandText(aptUpdate.cmd) });
      continue;
    }
    const apkUpdate = run.commands.find(({ cmd }) => apk(cmd)?.sub === 'update');
    if (apkUpdate && !run.commands.some(({ cmd }) => ['add', 'upgrade'].includes(apk(cmd)?.sub ?? ''))) {
      ctx.report('PLM-DF-084', ins, { line: apkUpdate.line, description: '"apk update" without an install in the same RUN: use apk add --no-cache instead.', evidence: commandText(apkUpdate.cmd) });
    }
  }
};

// ---------------------------------------------------------------------------------------------
// apk

const apkRules: Rule = (ctx) => {
  for (const h of each(ctx, ctx.model.stages, apk)) {
    if (h.inv.sub !== 'add') continue;
    const unpinned = h.inv.packages.filter((p) => !isVariable(p) && !/[=~<>]/.test(p) && !p.endsWith('.apk') && !p.includes('/'));
    if (unpinned.length > 0) reportCmd(ctx, 'PLM-DF-090', h, `Packages installed without a version: ${list(unpinned)}.`);
    if (
      ctx.shipped.has(h.stage.index) &&
      !hasAny(h.inv.p, '--no-cache', '--no-network') &&
      !hasCacheMount(h.ins, '/var/cache/apk', '/etc/apk/cache') &&
      !removes(h.run, '/var/cache/apk')
    ) {
      reportCmd(ctx, 'PLM-DF-091', h, '"apk add" without --no-cache leaves the package index in the layer.');
    }
  }
};

// ---------------------------------------------------------------------------------------------
// yum / dnf / microdnf

const RPM_INTERACTIVE = new Set(['install', 'groupinstall', 'localinstall', 'reinstall', 'remove', 'erase', 'upgrade', 'update', 'downgrade', 'autoremove', 'distro-sync']);
const RPM_INSTALLS = new Set(['install', 'groupinstall', 'localinstall', 'reinstall', 'upgrade', 'update', 'downgrade']);

function rpmPinned(p: string): boolean {
  return (
    isVariable(p) ||
    p.startsWith('@') ||
    p.endsWith('.rpm') ||
    p.includes('/') ||
    /-(?:[0-9]+:)?[0-9][A-Za-z0-9._+~^]*(?:-[0-9][A-Za-z0-9._+~^]*)?$/.test(p)
  );
}

const rpmRules: Rule = (ctx) => {
  const ids = {
    yum: { yes: 'PLM-DF-095', clean: 'PLM-DF-096', pin: 'PLM-DF-097' },
    dnf: { yes: 'PLM-DF-098', clean: 'PLM-DF-099', pin: 'PLM-DF-100' },
  } as const;
  for (const h of each(ctx, ctx.model.stages, rpmTool)) {
    const { inv: r } = h;
    const id = ids[r.tool as 'yum' | 'dnf'];
    if (RPM_INTERACTIVE.has(r.sub) && !hasAny(r.p, '-y', '--assumeyes')) {
      reportCmd(ctx, id.yes, h, `"${h.lc.cmd.name} ${r.sub}" without -y waits for confirmation.`);
    }
    if (r.sub === 'install') {
      const unpinned = r.packages.filter((p) => !rpmPinned(p));
      if (unpinned.length > 0) reportCmd(ctx, id.pin, h, `Packages installed without a version: ${list(unpinned)}.`);
    }
  }
  // clean all, per RUN, shipped stages only.
  for (const { ins, run } of ctx.runsOf(ctx.shippedStages())) {
    for (const tool of ['yum', 'dnf'] as const) {
      const inst = run.commands.find(({ cmd }) => {
        const r = rpmTool(cmd);
        return r?.tool === tool && RPM_INSTALLS.has(r.sub);
      });
      if (!inst) continue;
      const caches = tool === 'yum' ? ['/var/cache/yum'] : ['/var/cache/dnf', '/var/cache/yum', '/var/cache/libdnf5'];
      const cleaned =
        run.commands.some(({ cmd }) => {
          const r = rpmTool(cmd);
          return r?.sub === 'clean' && r.packages.includes('all');
        }) ||
        removes(run, ...caches) ||
        hasCacheMount(ins, ...caches);
      if (!cleaned) ctx.report(ids[tool].clean, ins, { line: inst.line, description: `"${inst.cmd.name} clean all" is missing after the install in this RUN.`, evidence: commandText(inst.cmd) });
    }
  }
};

// ---------------------------------------------------------------------------------------------
// zypper

const ZYPPER_INTERACTIVE = new Set(['install', 'remove', 'update', 'patch', 'dist-upgrade', 'source-install', 'install-new-recommends']);

const zypperRules: Rule = (ctx) => {
  for (const h of each(ctx, ctx.model.stages, zypper)) {
    const { inv: z } = h;
    if (ZYPPER_INTERACTIVE.has(z.sub) && !hasAny(z.p, '-n', '--non-interactive', '-y', '--no-confirm')) {
      reportCmd(ctx, 'PLM-DF-101', h, `"zypper ${z.sub}" without --non-interactive (or -y) waits for confirmation.`);
    }
    if (z.sub === 'dist-upgrade') reportCmd(ctx, 'PLM-DF-102', h, '"zypper dist-upgrade" may move the image to another release.');
    if (z.sub === 'install' && !(z.p.values.get('-t') ?? z.p.values.get('--type') ?? []).some((t) => t !== 'package')) {
      const unpinned = z.packages.filter((p) => !isVariable(p) && !/[=<>]/.test(p) && !p.endsWith('.rpm') && !p.includes('/') && !/^(pattern|patch|product|srcpackage):/.test(p));
      if (unpinned.length > 0) reportCmd(ctx, 'PLM-DF-104', h, `Packages installed without a version: ${list(unpinned)}.`);
    }
  }
  for (const { ins, run } of ctx.runsOf(ctx.shippedStages())) {
    const inst = run.commands.find(({ cmd }) => ['install', 'update', 'patch', 'dist-upgrade'].includes(zypper(cmd)?.sub ?? ''));
    if (!inst) continue;
    const cleaned = run.commands.some(({ cmd }) => zypper(cmd)?.sub === 'clean') || removes(run, '/var/cache/zypp') || hasCacheMount(ins, '/var/cache/zypp');
    if (!cleaned) ctx.report('PLM-DF-103', ins, { line: inst.line, description: '"zypper clean" is missing after the install in this RUN.', evidence: commandText(inst.cmd) });
  }
};

// ---------------------------------------------------------------------------------------------
// pip

function pipPinned(p: string): boolean {
  return (
    isVariable(p) ||
    /(==|>=|<=|~=|!=|<|>|@)/.test(p) ||
    p.includes('/') ||
    p.includes('://') ||
    p === '.' ||
    p.startsWith('.') ||
    /\.(whl|tar\.gz|tgz|zip|tar\.bz2)$/.test(p)
  );
}

const pipRules: Rule = (ctx) => {
  for (const h of each(ctx, ctx.model.stages, pip)) {
    const { inv: p } = h;
    if (p.sub !== 'install') continue;
    if (!hasAny(p.p, '-c', '--constraint')) {
      const unpinned = p.packages.filter((x) => !pipPinned(x));
      if (unpinned.length > 0) reportCmd(ctx, 'PLM-DF-110', h, `Packages installed without a version: ${list(unpinned)}.`);
    }
    if (!ctx.shipped.has(h.stage.index)) continue;
    const noCache =
      hasAny(p.p, '--no-cache-dir') ||
      assignmentSet(h.lc.cmd, 'PIP_NO_CACHE_DIR') ||
      envIsSet(ctx, h.stage, 'PIP_NO_CACHE_DIR', h.ins) ||
      h.ins.flags.some((f) => f.name === 'mount' && f.options.type === 'cache' && /\.cache(\/pip)?\/?$/.test(f.options.target ?? f.options.dst ?? ''));
    if (!noCache) reportCmd(ctx, 'PLM-DF-111', h, '"pip install" without --no-cache-dir keeps the download cache in the layer.');
  }
};

// ---------------------------------------------------------------------------------------------
// npm, yarn, gem, go

function npmPinned(p: string): boolean {
  if (isVariable(p)) return true;
  if (/^(\.|\/|~|file:|git[+:]|https?:|github:|gitlab:|bitbucket:|npm:)/.test(p) || /\.(tgz|tar\.gz)$/.test(p)) return true;
  if (!p.startsWith('@') && p.includes('/')) return true; // user/repo GitHub shorthand
  const at = p.startsWith('@') ? p.indexOf('@', 1) : p.indexOf('@');
  if (at < 0) return false;
  const ver = p.slice(at + 1);
  return ver !== '' && ver !== 'latest' && ver !== 'next' && ver !== '*';
}

const npmRules: Rule = (ctx) => {
  for (const h of each(ctx, ctx.model.stages, npm)) {
    if (h.inv.sub !== 'install') continue;
    const unpinned = h.inv.packages.filter((p) => !npmPinned(p));
    if (unpinned.length > 0) reportCmd(ctx, 'PLM-DF-112', h, `Packages installed without a version: ${list(unpinned)}.`);
  }
};

const yarnRules: Rule = (ctx) => {
  for (const { ins, run } of ctx.runsOf(ctx.shippedStages())) {
    const inst = run.commands.find(({ cmd }) => cmd.name === 'yarn' && (cmd.args.length === 0 || cmd.args[0] === 'install' || cmd.args.every((a) => a.startsWith('-'))));
    if (!inst) continue;
    const cleaned =
      run.commands.some(({ cmd }) => cmd.name === 'yarn' && cmd.args[0] === 'cache' && cmd.args[1] === 'clean') ||
      removes(run, '/usr/local/share/.cache/yarn', '/root/.cache/yarn', '/root/.yarn/berry/cache') ||
      ins.flags.some((f) => f.name === 'mount' && f.options.type === 'cache' && /yarn/.test(f.options.target ?? f.options.dst ?? ''));
    if (!cleaned) ctx.report('PLM-DF-113', ins, { line: inst.line, description: '"yarn install" runs but "yarn cache clean" is missing in the same RUN.', evidence: commandText(inst.cmd) });
  }
};

const gemRules: Rule = (ctx) => {
  for (const h of each(ctx, ctx.model.stages, gem)) {
    if (h.inv.sub !== 'install' || hasAny(h.inv.p, '-v', '--version')) continue;
    const unpinned = h.inv.packages.filter((p) => !isVariable(p) && !p.includes(':') && !p.endsWith('.gem') && !p.includes('/'));
    if (unpinned.length > 0) reportCmd(ctx, 'PLM-DF-114', h, `Gems installed without a version: ${list(unpinned)}.`);
  }
};

const goRules: Rule = (ctx) => {
  for (const h of each(ctx, ctx.model.stages, goInstall)) {
    const unpinned = h.inv.filter((p) => {
      if (isVariable(p) || p.startsWith('.') || p.startsWith('/')) return false;
      const at = p.lastIndexOf('@');
      return at < 0 || p.slice(at + 1) === 'latest';
    });
    if (unpinned.length > 0) reportCmd(ctx, 'PLM-DF-115', h, `Modules installed without a fixed version: ${list(unpinned)}.`);
  }
};

export const PACKAGE_RULES: readonly Rule[] = [aptRules, updateAlone, apkRules, rpmRules, zypperRules, pipRules, npmRules, yarnRules, gemRules, goRules];
