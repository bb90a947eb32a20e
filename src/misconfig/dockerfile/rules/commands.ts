/**
 * Rules over the shell commands of RUN instructions that are not about one package manager:
 * remote code piped into shells, disabled TLS/signature verification, sudo, cd, pipefail, wget
 * and curl habits, useradd, chmod 777, relinking /bin/sh.
 */
import type { LintContext, LocatedCommand } from '../context.js';
import type { DfInstruction } from '../model.js';
import { parseArgs, type ShellCommand } from '../shell.js';
import { apk, apt, pip, rpmTool, zypper } from './packages.js';
import { commandText, type Rule } from './util.js';

const DOWNLOADERS: ReadonlySet<string> = new Set(['curl', 'wget', 'fetch', 'http', 'aria2c']);
const INTERPRETERS = /^(sh|bash|dash|ash|zsh|ksh|mksh|fish|python[0-9.]*|perl|ruby|node|php|pwsh|powershell|source|\.|eval)$/;

const CURL_VALUE = new Set([
  '-A', '-b', '-c', '-C', '-d', '-D', '-e', '-E', '-F', '-H', '-K', '-m', '-o', '-P', '-Q', '-r', '-t', '-T', '-u', '-U', '-w', '-x', '-X', '-y', '-Y', '-z',
  '--user-agent', '--cookie', '--cookie-jar', '--continue-at', '--data', '--data-raw', '--data-binary', '--data-urlencode', '--dump-header', '--referer',
  '--cert', '--form', '--header', '--config', '--max-time', '--output', '--proxy', '--user', '--request', '--write-out', '--connect-timeout', '--retry',
  '--cacert', '--capath', '--key', '--output-dir', '--resolve', '--url',
]);
const WGET_VALUE = new Set(['-O', '-o', '-a', '-P', '-t', '-T', '-U', '-e', '-i', '-B', '-w', '-Q', '-l', '-A', '-R', '-D', '-I', '-X', '--output-document', '--output-file', '--append-output', '--directory-prefix', '--user-agent', '--header', '--tries', '--timeout', '--execute', '--input-file', '--progress', '--user', '--password']);

function isDownloader(cmd: ShellCommand): boolean {
  return DOWNLOADERS.has(cmd.name);
}

function mentionsDownload(arg: string): boolean {
  return /(\$\(|`|<\()\s*(curl|wget|fetch)\b/.test(arg);
}

function report(ctx: LintContext, id: string, ins: DfInstruction, lc: LocatedCommand, description: string): void {
  ctx.report(id, ins, { line: lc.line, description, evidence: commandText(lc.cmd) });
}

/** PLM-DF-030: curl … | sh, sh -c "$(curl …)", bash <(curl …), eval "$(wget -O- …)". */
const remotePipedToShell: Rule = (ctx) => {
  for (const { ins, run } of ctx.runsOf(ctx.model.stages)) {
    let reported = false;
    const byPipeline = new Map<number, LocatedCommand[]>();
    for (const lc of run.commands) {
      const list = byPipeline.get(lc.cmd.pipeline);
      if (list) list.push(lc);
      else byPipeline.set(lc.cmd.pipeline, [lc]);
    }
    for (const members of byPipeline.values()) {
      const dl = members.findIndex(({ cmd }) => isDownloader(cmd));
      if (dl < 0) continue;
      const sh = members.slice(dl + 1).find(({ cmd }) => INTERPRETERS.test(cmd.name));
      if (sh) {
        const evidence = members.map(({ cmd }) => commandText(cmd)).join(' | ');
        ctx.report('PLM-DF-030', ins, { line: members[dl]!.line, description: `Output of ${members[dl]!.cmd.name} is piped into ${sh.cmd.name} and executed without verification.`, evidence });
        reported = true;
        break;
      }
    }
    if (reported) continue;
    const sub = run.commands.find(({ cmd }) => INTERPRETERS.test(cmd.name) && cmd.args.some(mentionsDownload));
    if (sub) report(ctx, 'PLM-DF-030', ins, sub, `${sub.cmd.name} executes a script downloaded in a command substitution, without verification.`);
  }
};

/** PLM-DF-032 / PLM-DF-033: TLS and package-signature verification turned off. */
const verificationDisabled: Rule = (ctx) => {
  for (const { ins, run } of ctx.runsOf(ctx.model.stages)) {
    const tls: LocatedCommand[] = [];
    const sig: LocatedCommand[] = [];
    for (const lc of run.commands) {
      const { cmd } = lc;
      if (cmd.assignments.some((a) => /^(NODE_TLS_REJECT_UNAUTHORIZED=0|GIT_SSL_NO_VERIFY=(1|true)|PYTHONHTTPSVERIFY=0)$/i.test(a))) tls.push(lc);
      else if (cmd.name === 'curl' && parseArgs(cmd.args, CURL_VALUE).flags.has('-k')) tls.push(lc);
      else if (cmd.name === 'curl' && cmd.args.includes('--insecure')) tls.push(lc);
      else if (cmd.name === 'wget' && cmd.args.includes('--no-check-certificate')) tls.push(lc);
      else if (pip(cmd) && cmd.args.some((a) => a === '--trusted-host' || a.startsWith('--trusted-host='))) tls.push(lc);
      else if ((cmd.name === 'npm' || cmd.name === 'yarn' || cmd.name === 'pnpm') && /\bstrict-ssl\b/.test(cmd.args.join(' ')) && /\bfalse\b/.test(cmd.args.join(' '))) tls.push(lc);
      else if (cmd.name === 'git' && /http\.sslverify[= ]+(false|0)/i.test(cmd.args.join(' '))) tls.push(lc);

      const a = apt(cmd);
      const opts = a ? [...(a.p.values.get('-o') ?? []), ...(a.p.values.get('--option') ?? [])] : [];
      if (a && (a.p.flags.has('--allow-unauthenticated') || a.p.flags.has('--allow-insecure-repositories') || a.p.flags.has('--force-yes') || opts.some((o) => /AllowUnauthenticated=(true|1|yes)|AllowInsecureRepositories=(true|1|yes)/i.test(o)))) sig.push(lc);
      else if (apk(cmd)?.p.flags.has('--allow-untrusted')) sig.push(lc);
      else if (rpmTool(cmd) && (cmd.args.includes('--nogpgcheck') || cmd.args.some((x) => /^--setopt=.*gpgcheck=(0|false|no)$/i.test(x)))) sig.push(lc);
      else if (cmd.name === 'rpm' && cmd.args.some((x) => x === '--nosignature' || x === '--nodigest' || x === '--nogpg')) sig.push(lc);
      else if (zypper(cmd)?.p.flags.has('--no-gpg-checks')) sig.push(lc);
    }
    if (tls[0]) report(ctx, 'PLM-DF-032', ins, tls[0], 'The command turns off TLS certificate verification.');
    if (sig[0]) report(ctx, 'PLM-DF-033', ins, sig[0], 'The command installs packages without verifying their signatures.');
    else if (/\[[^\]]*\btrusted=yes\b[^\]]*\]/.test(run.text) || /\bgpgcheck\s*=\s*0\b/.test(run.text)) {
      ctx.report('PLM-DF-033', ins, { description: 'A repository is configured without signature checks ([trusted=yes] or gpgcheck=0).' });
    }
  }
};

/** PLM-DF-070 sudo, PLM-DF-071 cd, PLM-DF-075 pointless commands, PLM-DF-069 ln /bin/sh, PLM-DF-035 chmod. */
const simpleCommands: Rule = (ctx) => {
  const POINTLESS = new Set(['ssh', 'vim', 'shutdown', 'service', 'ps', 'free', 'top', 'kill', 'mount', 'ifconfig']);
  for (const { ins, run } of ctx.runsOf(ctx.model.stages)) {
    const sudo = run.commands.find(({ cmd }) => cmd.wrappers.includes('sudo') || cmd.name === 'sudo');
    if (sudo) report(ctx, 'PLM-DF-070', ins, sudo, 'sudo is used in a RUN.');
    const cd = run.commands.find(({ cmd }) => cmd.name === 'cd' && !cmd.inSubstitution);
    if (cd) report(ctx, 'PLM-DF-071', ins, cd, `"cd ${cd.cmd.args[0] ?? ''}" changes directory inside a RUN.`);
    const seen = new Set<string>();
    for (const lc of run.commands) {
      if (POINTLESS.has(lc.cmd.name) && !seen.has(lc.cmd.name) && !lc.cmd.inSubstitution) {
        seen.add(lc.cmd.name);
        report(ctx, 'PLM-DF-075', ins, lc, `"${lc.cmd.name}" does nothing useful while building an image.`);
      }
    }
    const ln = run.commands.find(({ cmd }) => cmd.name === 'ln' && cmd.args.filter((a) => !a.startsWith('-')).slice(-1)[0] === '/bin/sh');
    if (ln) report(ctx, 'PLM-DF-069', ins, ln, '/bin/sh is relinked to another shell.');
    const chmod = run.commands.find(({ cmd }) => cmd.name === 'chmod' && cmd.args.some(isWorldWritableMode));
    if (chmod) report(ctx, 'PLM-DF-035', ins, chmod, `chmod ${chmod.cmd.args.find(isWorldWritableMode)} makes files writable by every user.`);
  }
};

/** Octal mode with the "others write" bit and no sticky bit, or symbolic o+w / a+w. */
export function isWorldWritableMode(m: string): boolean {
  if (/^[0-7]{3,4}$/.test(m)) {
    const digits = m.padStart(4, '0');
    const sticky = (Number(digits[0]) & 1) === 1;
    return (Number(digits[3]) & 2) === 2 && !sticky;
  }
  return m.split(',').some((part) => /^[ugoa]*[oa][ugoa]*[+=][rwxXst]*w/.test(part));
}

/** PLM-DF-072: pipes without pipefail (POSIX shells only). */
const pipefail: Rule = (ctx) => {
  for (const { ins, stage, run } of ctx.runsOf(ctx.model.stages)) {
    if (!run.posix || run.exec || ctx.isWindows(stage.index)) continue;
    const shell = ctx.shellFor(ins);
    if (shell.some((a) => /pipefail/.test(a))) continue;
    const pipe = run.commands.find(({ cmd }) => cmd.depth === 0 && cmd.pipeLength > 1 && cmd.pipeIndex === 0);
    if (!pipe) continue;
    const setPipefail = run.commands.find(({ cmd }) => cmd.name === 'set' && cmd.args.includes('pipefail') && cmd.offset < pipe.cmd.offset);
    if (setPipefail) continue;
    const members = run.commands.filter(({ cmd }) => cmd.pipeline === pipe.cmd.pipeline).map(({ cmd }) => commandText(cmd));
    ctx.report('PLM-DF-072', ins, { line: pipe.line, description: 'A pipeline runs without "set -o pipefail": a failure before the last command is ignored.', evidence: members.join(' | ') });
  }
};

/** PLM-DF-073 wget without progress, PLM-DF-074 wget and curl in one stage. */
const downloaders: Rule = (ctx) => {
  for (const stage of ctx.model.stages) {
    const first: Record<string, { ins: DfInstruction; lc: LocatedCommand } | undefined> = {};
    for (const { ins, run } of ctx.runsOf([stage])) {
      for (const lc of run.commands) {
        const { cmd } = lc;
        if (cmd.name !== 'wget' && cmd.name !== 'curl') continue;
        first[cmd.name] ??= { ins, lc };
        if (cmd.name === 'wget') {
          const p = parseArgs(cmd.args, WGET_VALUE);
          const quiet = ['-q', '--quiet', '-nv', '--no-verbose', '-o', '--output-file', '-a', '--append-output', '--progress'].some((f) => p.flags.has(f)) || cmd.args.some((a) => a === '-nv' || a.startsWith('--progress'));
          if (!quiet) report(ctx, 'PLM-DF-073', ins, lc, 'wget prints its default progress output into the build log.');
        }
      }
    }
    const { wget, curl } = first;
    if (wget && curl) {
      const later = wget.ins.line > curl.ins.line || (wget.ins === curl.ins && wget.lc.cmd.offset > curl.lc.cmd.offset) ? wget : curl;
      report(ctx, 'PLM-DF-074', later.ins, later.lc, `Both wget and curl are used in this stage (first at lines ${Math.min(wget.lc.line, curl.lc.line)} and ${Math.max(wget.lc.line, curl.lc.line)}).`);
    }
  }
};

/** PLM-DF-076: useradd -u <large> without -l. */
const useradd: Rule = (ctx) => {
  for (const { ins, run } of ctx.runsOf(ctx.model.stages)) {
    for (const lc of run.commands) {
      if (lc.cmd.name !== 'useradd') continue;
      const p = parseArgs(lc.cmd.args, new Set(['-u', '--uid', '-g', '--gid', '-G', '--groups', '-d', '--home-dir', '-s', '--shell', '-c', '--comment', '-k', '--skel', '-K', '--key', '-e', '--expiredate', '-f', '--inactive', '-p', '--password', '-b', '--base-dir', '-R', '--root', '-P', '--prefix', '-Z', '--selinux-user']));
      const uid = (p.values.get('-u') ?? p.values.get('--uid') ?? [])[0];
      if (uid === undefined || !/^[0-9]+$/.test(uid) || Number(uid) <= 99999) continue;
      if (p.flags.has('-l') || p.flags.has('--no-log-init')) continue;
      report(ctx, 'PLM-DF-076', ins, lc, `useradd -u ${uid} without -l creates large sparse log files.`);
    }
  }
};

export const COMMAND_RULES: readonly Rule[] = [remotePipedToShell, verificationDisabled, simpleCommands, pipefail, downloaders, useradd];
