/**
 * `plimsoll policy apply` and `plimsoll policy test`: a Kyverno-compatible validate engine.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { Option } from 'commander';
import { PlimsollError, ExitCode } from '../util/errors.js';
import { loadPolicyDocs, parseDocuments, readText, yamlFiles } from '../policy/load.js';
import { applyPolicies, parseSet } from '../policy/apply.js';
import { compileException, isExceptionDoc } from '../policy/exceptions.js';
import { dedupe, defaultNamespace, resourcesFromText, toResource } from '../policy/resources.js';
import { policyReports, resultsTable, summaryOf } from '../policy/report.js';
import { findTestFiles, runTestFile, summarize, type TestFileResult } from '../policy/test-runner.js';
import { renderTable } from '../policy/report.js';
import type { AdmissionInfo, Json, JsonObject, Operation, Resource } from '../policy/types.js';

function isObj(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function readDocs(paths: string[]): { doc: JsonObject; source: string }[] {
  const out: { doc: JsonObject; source: string }[] = [];
  for (const p of paths) {
    let files: string[];
    try {
      files = yamlFiles(p);
    } catch (e) {
      throw new PlimsollError('SOURCE_NOT_FOUND', `cannot read ${p}: ${(e as Error).message}`);
    }
    for (const f of files) for (const doc of parseDocuments(readText(f), f)) out.push({ doc, source: f });
  }
  return out;
}

function readResources(paths: string[]): Resource[] {
  const out: Resource[] = [];
  for (const p of paths) {
    if (p === '-') {
      out.push(...resourcesFromText(readFileSync(0, 'utf8'), '-'));
      continue;
    }
    for (const { doc, source } of readDocs([p])) {
      const r = toResource(doc, source);
      if (r) out.push(r);
    }
  }
  return dedupe(out.map(defaultNamespace));
}

interface ApplyFlags {
  resource: string[];
  format: 'table' | 'json' | 'policy-report';
  set: string[];
  values?: string;
  userinfo?: string;
  exception: string[];
  operation: Operation;
  explain?: boolean;
}

interface TestFlags {
  fileName: string;
  format: 'table' | 'json';
  explain?: boolean;
  failOnly?: boolean;
}

function testTable(results: TestFileResult[], explain: boolean, failOnly: boolean): string {
  let out = '';
  let id = 0;
  for (const r of results) {
    out += `Loading test ${r.name} ( ${r.file} ) ...\n`;
    for (const e of r.policyErrors) out += `  Warning: ${e}\n`;
    if (r.error) out += `  Error: ${r.error}\n`;
    const rows = r.rows.filter((x) => !failOnly || !x.ok);
    if (rows.length === 0) continue;
    out += renderTable(
      ['ID', 'POLICY', 'RULE', 'RESOURCE', 'RESULT', 'REASON'],
      rows.map((x) => [String(++id), x.policy, x.rule, `${x.kind ? x.kind + '/' : ''}${x.resource}`, x.ok ? 'Pass' : 'Fail', x.reason]),
      70,
    )
      .split('\n')
      .map((l) => (l ? '  ' + l : l))
      .join('\n');
    if (explain) {
      for (const x of rows) {
        out += `  ${x.policy}/${x.rule} on ${x.resource}: expected ${x.expected}, got ${x.actual}${x.message ? ` — ${x.message}` : ''}\n`;
        for (const t of x.trace ?? []) out += `      ${t.step}: ${t.detail}\n`;
      }
    }
  }
  const s = summarize(results);
  out += `\nTest Summary: ${s.passed} tests passed and ${s.failed} tests failed\n`;
  return out;
}

export function registerPolicyCommand(program: Command): void {
  const policy = program.command('policy').description('Kyverno-compatible policy engine: validate resources against ClusterPolicy/Policy rules');

  policy
    .command('apply')
    .description('apply Kyverno policies to Kubernetes resources; exits 1 when an Enforce rule fails')
    .argument('<policy...>', 'policy files or directories (YAML/JSON, multi-document)')
    .requiredOption('-r, --resource <file...>', 'resource files or directories ("-" reads stdin)')
    .addOption(new Option('-o, --format <format>', 'output format').choices(['table', 'json', 'policy-report']).default('table'))
    .option('-s, --set <key=value...>', 'variables, e.g. request.operation=UPDATE', [])
    .option('--values <file>', 'a Kyverno CLI Values file (globalValues are used)')
    .option('--userinfo <file>', 'a Kyverno CLI UserInfo file (roles, clusterRoles, userInfo)')
    .option('--exception <file...>', 'PolicyException files', [])
    .addOption(new Option('--operation <op>', 'admission operation').choices(['CREATE', 'UPDATE', 'DELETE', 'CONNECT']).default('CREATE'))
    .option('--explain', 'show which anchor or condition decided each rule')
    .action((policyPaths: string[], flags: ApplyFlags) => {
      const loaded = loadPolicyDocs(readDocs(policyPaths));
      const loadErrors = [...loaded.errors, ...loaded.policies.flatMap((p) => p.errors)];
      for (const e of loadErrors) process.stderr.write(`plimsoll: error: ${e.message}\n`);
      if (loaded.policies.length === 0 && loadErrors.length > 0) throw new PlimsollError('PARSE_ERROR', 'no policy could be loaded (see the errors above)');
      if (loaded.policies.length === 0) throw new PlimsollError('USAGE', `no ClusterPolicy or Policy found in ${policyPaths.join(', ')}`);
      const exceptions = [
        ...loaded.others.filter((o) => isExceptionDoc(o.doc)).map((o) => compileException(o.doc)),
        ...readDocs(flags.exception).filter((d) => isExceptionDoc(d.doc)).map((d) => compileException(d.doc)),
      ];
      const variables: Record<string, Json> = {};
      const namespaceLabels: Record<string, Record<string, string>> = {};
      if (flags.values) {
        for (const { doc } of readDocs([flags.values])) {
          if (isObj(doc['globalValues'])) Object.assign(variables, doc['globalValues']);
          for (const ns of Array.isArray(doc['namespaceSelector']) ? doc['namespaceSelector'] : []) {
            if (isObj(ns) && typeof ns['name'] === 'string' && isObj(ns['labels'])) namespaceLabels[ns['name']] = Object.fromEntries(Object.entries(ns['labels']).map(([k, v]) => [k, String(v)]));
          }
        }
      }
      Object.assign(variables, parseSet(flags.set));
      let userInfo: AdmissionInfo | undefined;
      if (flags.userinfo) {
        const d = readDocs([flags.userinfo])[0]?.doc ?? {};
        const ui = isObj(d['userInfo']) ? d['userInfo'] : {};
        const list = (v: Json | undefined): string[] => (Array.isArray(v) ? v.map(String) : []);
        userInfo = { username: typeof ui['username'] === 'string' ? ui['username'] : undefined, groups: list(ui['groups']), roles: list(d['roles']), clusterRoles: list(d['clusterRoles']) };
      }
      const resources = readResources(flags.resource);
      const op = typeof variables['request.operation'] === 'string' ? (variables['request.operation'] as Operation) : flags.operation;
      const { rows, enforceFailures } = applyPolicies({
        policies: loaded.policies,
        resources,
        exceptions,
        variables,
        userInfo,
        operation: op,
        namespaceLabels,
        explain: flags.explain,
      });
      const s = summaryOf(rows);
      if (flags.format === 'json') {
        process.stdout.write(JSON.stringify({ results: rows, summary: s, errors: loadErrors.map((e) => e.message) }, null, 2) + '\n');
      } else if (flags.format === 'policy-report') {
        const reports = policyReports(rows);
        process.stdout.write(JSON.stringify(reports.length === 1 ? reports[0] : { apiVersion: 'v1', kind: 'List', items: reports }, null, 2) + '\n');
      } else {
        let out = `Applied ${loaded.policies.length} ${loaded.policies.length === 1 ? 'policy' : 'policies'} to ${resources.length} ${resources.length === 1 ? 'resource' : 'resources'}\n\n`;
        out += rows.length ? resultsTable(rows) : 'no rule matched any resource\n';
        if (flags.explain) {
          for (const r of rows) {
            out += `\n${r.policy}/${r.rule} on ${r.kind}/${r.namespace ? r.namespace + '/' : ''}${r.name}: ${r.result}\n`;
            for (const t of r.trace ?? []) out += `    ${t.step}: ${t.detail}\n`;
          }
        }
        out += `\npass: ${s.pass}, fail: ${s.fail}, warn: ${s.warn}, error: ${s.error}, skip: ${s.skip}\n`;
        process.stdout.write(out);
      }
      if (enforceFailures > 0) process.exitCode = ExitCode.FINDINGS;
      else if (loadErrors.length > 0) process.exitCode = ExitCode.INPUT;
    });

  policy
    .command('test')
    .description('run Kyverno CLI test files (kyverno-test.yaml) and check every expected result')
    .argument('<dir...>', 'directories to search for test files (or test files)')
    .option('-f, --file-name <name>', 'test file name to look for', 'kyverno-test.yaml')
    .addOption(new Option('-o, --format <format>', 'output format').choices(['table', 'json']).default('table'))
    .option('--explain', 'trace why each rule passed, failed or was skipped')
    .option('--fail-only', 'show only the expected results that were not met')
    .action((dirs: string[], flags: TestFlags) => {
      const files = dirs.flatMap((d) => {
        try {
          return findTestFiles(d, flags.fileName);
        } catch (e) {
          throw new PlimsollError('SOURCE_NOT_FOUND', `cannot read ${d}: ${(e as Error).message}`);
        }
      });
      if (files.length === 0) throw new PlimsollError('USAGE', `no ${flags.fileName} found under ${dirs.join(', ')}`);
      const results = files.map((f) => runTestFile(f, { explain: flags.explain }));
      const s = summarize(results);
      if (flags.format === 'json') {
        const tests = results.flatMap((r) =>
          r.rows.map((x) => ({
            testFile: x.testFile,
            policy: x.policy,
            rule: x.rule,
            resource: x.resource,
            kind: x.kind,
            expected: x.expected,
            actual: x.actual,
            ok: x.ok,
            reason: x.reason,
            message: x.message,
            ...(flags.explain && x.trace ? { trace: x.trace } : {}),
          })),
        );
        const errors = results.filter((r) => r.error).map((r) => ({ testFile: r.file, error: r.error }));
        process.stdout.write(JSON.stringify({ results: tests, errors, summary: s }, null, 2) + '\n');
      } else {
        process.stdout.write(testTable(results, Boolean(flags.explain), Boolean(flags.failOnly)));
      }
      if (s.failed > 0 || results.some((r) => r.error)) process.exitCode = ExitCode.FINDINGS;
    });
}
