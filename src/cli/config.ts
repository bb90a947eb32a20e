/**
 * plimsoll config PATH — lint configuration files (Dockerfiles today; more handlers plug in via
 * src/misconfig/registry.ts) and print the findings as a table, JSON (docs/config-format.md) or
 * SARIF 2.1.0.
 *
 * Exit codes: 0 ok; 1 (or --exit-code N) when a reported finding is at or above --fail-on;
 * 2 usage; 3 when a file could not be parsed (the report is still printed first).
 */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { Option } from 'commander';
import { VERSION } from '../version.js';
import { ExitCode, PlimsollError } from '../util/errors.js';
import {
  SEVERITIES,
  atLeast,
  compareFindings,
  isSeverity,
  parseSeverityList,
  severityRank,
  type CheckInfo,
  type MisconfigFinding,
  type Severity,
} from '../misconfig/findings.js';
import { scanConfigPath, type ConfigFileResult, type ConfigHandler, type ConfigScanOptions, type ConfigScanResult, type HandlerCliOption } from '../misconfig/handlers.js';
import { CONFIG_HANDLERS } from '../misconfig/registry.js';
import { buildSarif } from '../report/sarif.js';

export type ConfigFormat = 'table' | 'json' | 'sarif';

export const CONFIG_JSON_SCHEMA = 'https://plimsoll.dev/schema/config/v1';

interface ConfigFlags {
  format: ConfigFormat;
  output?: string;
  severity?: string;
  failOn?: string;
  exitCode?: string;
  ignore?: string;
  allowedRegistries?: string;
}

export interface ConfigCommandOptions {
  /** Handlers to dispatch to (default: src/misconfig/registry.ts). */
  handlers?: readonly ConfigHandler[];
  /** Output sinks (default: process.stdout / process.stderr); tests pass their own. */
  io?: { out(s: string): void; err(s: string): void; readStdin?(limit: number): Promise<string> };
}

export function registerConfigCommand(program: Command, options: ConfigCommandOptions = {}): void {
  const handlers = options.handlers ?? CONFIG_HANDLERS;
  const io = options.io ?? { out: (s: string) => void process.stdout.write(s), err: (s: string) => void process.stderr.write(s) };
  const cmd = program
    .command('config')
    .description(`find misconfigurations in configuration files (${handlers.map((h) => h.kind).join(', ')}): one file, every such file under a directory, or - for standard input`)
    .argument('<path>', 'a file, a directory to search, or - for standard input')
    .addOption(new Option('-o, --format <format>', 'output format').choices(['table', 'json', 'sarif']).default('table'))
    .option('--output <file>', 'write the report to FILE instead of stdout')
    .option('--severity <list>', `only report these severities, comma-separated (${SEVERITIES.join(',')})`)
    .option('--fail-on <severity>', 'exit with code 1 (or --exit-code) when a reported finding is at or above this severity')
    .option('--exit-code <n>', 'exit code to use for --fail-on; alone, it fails on any reported finding')
    .option('--ignore <ids>', 'check ids or hadolint aliases to skip, comma-separated (PLM-DF-003,DL3059)')
    .option('--allowed-registries <list>', 'registries base images may come from (enables PLM-DF-005/DL3026), comma-separated')
    .addHelpText(
      'after',
      `
Inline ignores in Dockerfiles (hadolint-compatible):
  # hadolint ignore=DL3008,DL3015     (or: # plimsoll ignore=PLM-DF-080) on the line above an instruction
  # hadolint global ignore=DL3059     anywhere: the whole file
  # hadolint stage ignore=DL3004      above a FROM: that stage

Exit codes: 0 ok, 1 findings at or above --fail-on, 2 usage error, 3 a file could not be read or parsed.`,
    );
  // Handler-specific options (e.g. Kubernetes --pss), passed to the scan under their key.
  const extra: { option: Option; spec: HandlerCliOption }[] = [];
  for (const h of handlers) {
    for (const spec of h.cliOptions ?? []) {
      if (extra.some((e) => e.spec.flags === spec.flags)) continue;
      const option = new Option(spec.flags, spec.description);
      cmd.addOption(option);
      extra.push({ option, spec });
    }
  }
  cmd.action(async (path: string, flags: ConfigFlags) => {
    const opts = parseFlags(flags);
    const scanOpts: ConfigScanOptions = {
      ...(opts.ignore.length > 0 ? { ignore: opts.ignore } : {}),
      ...(opts.allowedRegistries.length > 0 ? { allowedRegistries: opts.allowedRegistries } : {}),
    };
    for (const { option, spec } of extra) {
      const raw = (flags as unknown as Record<string, unknown>)[option.attributeName()];
      if (raw === undefined) continue;
      scanOpts[spec.key] = spec.parse && typeof raw === 'string' ? spec.parse(raw) : raw;
    }
    const result = await scanConfigPath(path, handlers, scanOpts, io.readStdin ? { readStdin: io.readStdin } : {});
    const shown = filterSeverities(result, opts.severities);
    const out = formatConfigReport(shown, flags.format, handlers);
    if (flags.output) await writeFile(flags.output, out);
    else io.out(out);

    const errors = shown.files.flatMap((f) => f.errors);
    const quiet = Boolean(program.opts().quiet);
    if (errors.length > 0) {
      if (!quiet && flags.format !== 'table') for (const e of errors) io.err(`plimsoll: error: ${e.file}${e.line ? ':' + e.line : ''}: ${e.message}\n`);
      process.exitCode = ExitCode.INPUT;
      return;
    }
    if (opts.failOn) {
      const threshold = opts.failOn;
      if (shown.files.some((f) => f.findings.some((x) => atLeast(x.severity, threshold)))) process.exitCode = opts.exitCode;
    }
  });
}

interface ParsedFlags {
  severities?: Severity[];
  failOn?: Severity;
  exitCode: number;
  ignore: string[];
  allowedRegistries: string[];
}

function parseFlags(f: ConfigFlags): ParsedFlags {
  let severities: Severity[] | undefined;
  if (f.severity !== undefined) {
    try {
      severities = parseSeverityList(f.severity);
    } catch (e) {
      throw new PlimsollError('USAGE', `--severity: ${(e as Error).message}`);
    }
    if (severities.length === 0) throw new PlimsollError('USAGE', '--severity needs at least one severity');
  }
  let failOn: Severity | undefined;
  if (f.failOn !== undefined) {
    const s = f.failOn.trim().toLowerCase();
    if (!isSeverity(s)) throw new PlimsollError('USAGE', `--fail-on: unknown severity "${f.failOn}" (expected one of ${SEVERITIES.join(', ')})`);
    failOn = s;
  }
  let exitCode: number = ExitCode.FINDINGS;
  if (f.exitCode !== undefined) {
    if (!/^\d+$/.test(f.exitCode) || Number(f.exitCode) > 255) throw new PlimsollError('USAGE', `--exit-code: "${f.exitCode}" is not a number from 0 to 255`);
    exitCode = Number(f.exitCode);
    // --exit-code alone: fail on any reported finding (the least severe reported level).
    failOn ??= severities ? severities.reduce((a, b) => (severityRank(a) < severityRank(b) ? a : b)) : 'info';
  }
  const list = (s?: string): string[] => (s ?? '').split(',').map((x) => x.trim()).filter((x) => x !== '');
  return { ...(severities ? { severities } : {}), ...(failOn ? { failOn } : {}), exitCode, ignore: list(f.ignore), allowedRegistries: list(f.allowedRegistries) };
}

function filterSeverities(r: ConfigScanResult, severities?: Severity[]): ConfigScanResult {
  if (!severities) return r;
  return { files: r.files.map((f) => ({ ...f, findings: f.findings.filter((x) => severities.includes(x.severity)) })) };
}

// ---------------------------------------------------------------------------------------------
// Formats

export function formatConfigReport(r: ConfigScanResult, format: ConfigFormat, handlers: readonly ConfigHandler[] = CONFIG_HANDLERS): string {
  switch (format) {
    case 'table':
      return formatConfigTable(r);
    case 'json':
      return formatConfigJson(r);
    case 'sarif':
      return formatConfigSarif(r, handlers);
  }
}

function countBySeverity(findings: readonly MisconfigFinding[]): Record<Severity, number> {
  const c = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) c[f.severity]++;
  return c;
}

function severitySummary(findings: readonly MisconfigFinding[]): string {
  const c = countBySeverity(findings);
  return SEVERITIES.filter((s) => c[s] > 0).map((s) => `${c[s]} ${s}`).join(', ');
}

export function formatConfigTable(r: ConfigScanResult): string {
  const out: string[] = [];
  const all = r.files.flatMap((f) => f.findings);
  for (const f of r.files) {
    if (f.findings.length === 0 && f.errors.length === 0) continue;
    const n = f.findings.length;
    out.push(`${f.file} (${f.kind}: ${n} finding${n === 1 ? '' : 's'}${n > 0 ? ': ' + severitySummary(f.findings) : ''})`);
    for (const e of f.errors) out.push(`  ${e.line !== undefined ? `line ${e.line}` : 'file'}: parse error: ${e.message}`);
    const rows = [...f.findings].sort(compareFindings).map((x) => ({
      line: x.target.line !== undefined ? String(x.target.line) : '-',
      sev: x.severity.toUpperCase(),
      id: x.id + (x.aliases && x.aliases.length > 0 ? ` (${x.aliases.join(',')})` : ''),
      title: x.title,
      desc: x.description,
    }));
    if (rows.length === 0) continue;
    const wl = Math.max(4, ...rows.map((x) => x.line.length));
    const ws = Math.max(8, ...rows.map((x) => x.sev.length));
    const wi = Math.max(5, ...rows.map((x) => x.id.length));
    out.push(`  ${'LINE'.padEnd(wl)}  ${'SEVERITY'.padEnd(ws)}  ${'CHECK'.padEnd(wi)}  TITLE`);
    for (const x of rows) {
      out.push(`  ${x.line.padEnd(wl)}  ${x.sev.padEnd(ws)}  ${x.id.padEnd(wi)}  ${x.title}`);
      out.push(`  ${' '.repeat(wl + ws + wi + 6)}${x.desc}`);
    }
    out.push('');
  }
  const withErrors = r.files.filter((f) => f.errors.length > 0).length;
  const summary = `${r.files.length} file${r.files.length === 1 ? '' : 's'} checked, ${all.length} finding${all.length === 1 ? '' : 's'}${all.length > 0 ? ' (' + severitySummary(all) + ')' : ''}${withErrors > 0 ? `, ${withErrors} file${withErrors === 1 ? '' : 's'} with parse errors` : ''}`;
  out.push(r.files.length === 0 ? 'No configuration files found.' : summary);
  return out.join('\n') + '\n';
}

/** plimsoll's JSON report (docs/config-format.md). */
export function configJsonDocument(r: ConfigScanResult): unknown {
  const all = r.files.flatMap((f) => f.findings);
  return {
    schema: CONFIG_JSON_SCHEMA,
    tool: { name: 'plimsoll', version: VERSION },
    summary: {
      files: r.files.length,
      findings: all.length,
      errors: r.files.reduce((n, f) => n + f.errors.length, 0),
      bySeverity: countBySeverity(all),
    },
    results: r.files.map((f: ConfigFileResult) => ({
      file: f.file,
      type: f.kind,
      findings: [...f.findings].sort(compareFindings).map(orderFinding),
      ...(f.objects ? { objects: f.objects } : {}),
      errors: f.errors.map((e) => ({ ...(e.line !== undefined ? { line: e.line } : {}), message: e.message })),
    })),
  };
}

export function formatConfigJson(r: ConfigScanResult): string {
  return JSON.stringify(configJsonDocument(r), null, 2) + '\n';
}

function orderFinding(f: MisconfigFinding): MisconfigFinding {
  const t = f.target;
  return {
    id: f.id,
    ...(f.aliases ? { aliases: f.aliases } : {}),
    severity: f.severity,
    title: f.title,
    description: f.description,
    remediation: f.remediation,
    target: {
      file: t.file,
      ...(t.line !== undefined ? { line: t.line } : {}),
      ...(t.endLine !== undefined ? { endLine: t.endLine } : {}),
      ...(t.path !== undefined ? { path: t.path } : {}),
      ...(t.object !== undefined ? { object: t.object } : {}),
    },
    ...(f.evidence !== undefined ? { evidence: f.evidence } : {}),
  };
}

export function formatConfigSarif(r: ConfigScanResult, handlers: readonly ConfigHandler[] = CONFIG_HANDLERS): string {
  const checks = new Map<string, { check: CheckInfo; kind: string }>();
  for (const h of handlers) for (const c of h.checks) checks.set(c.id, { check: c, kind: h.kind });
  const findings = r.files.flatMap((f) => f.findings).sort(compareFindings);
  // Only the rules that fired, in id order (GitHub needs every referenced rule; listing all is allowed but noisy).
  const used = [...new Set(findings.map((f) => f.id))].sort();
  const rules = used.map((id) => {
    const c = checks.get(id);
    const f = findings.find((x) => x.id === id)!;
    return {
      id,
      title: c?.check.title ?? f.title,
      description: c?.check.description ?? f.description,
      remediation: c?.check.remediation ?? f.remediation,
      references: c?.check.references ?? [],
      severity: c?.check.severity ?? f.severity,
      tags: [c?.kind ?? 'config', ...(c?.check.aliases ?? f.aliases ?? [])],
    };
  });
  const log = buildSarif({
    toolName: 'plimsoll',
    toolVersion: VERSION,
    informationUri: 'https://plimsoll.dev',
    rules,
    results: findings.map((f) => ({
      ruleId: f.id,
      severity: f.severity,
      message: `${f.title}: ${f.description}`,
      file: f.target.file,
      ...(f.target.line !== undefined ? { startLine: f.target.line } : {}),
      ...(f.target.endLine !== undefined ? { endLine: f.target.endLine } : {}),
      ...(f.evidence !== undefined ? { snippet: f.evidence } : {}),
      ...(f.target.object?.name || f.target.object?.kind ? { logicalName: [f.target.object.kind, f.target.object.namespace, f.target.object.name ?? String(f.target.object.index ?? '')].filter(Boolean).join('/') } : {}),
      fingerprintKey: f.description,
    })),
  });
  return JSON.stringify(log, null, 2) + '\n';
}
