/**
 * The Kyverno policy library's Pod Security Standards policies (../shared/corpora/kyverno/policies/
 * pod-security) as an oracle: every resource their kyverno-tests list must pass or fail our
 * `checkManifests(..., { pss })` exactly as the test expects, judged by the PSS checks that
 * implement the policy's control.
 *
 * Each classic policy (`baseline/*`, `restricted/*`) implements one control: a resource "fails"
 * when our verdict at that level has a violation of the control's check(s). The `subrule/*`
 * policies use Kyverno's `validate.podSecurity` (a whole level, with optional `exclude` of controls,
 * optionally only for some images); those fail when any non-excluded violation remains.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { checkManifests } from './check.js';
import { checkCatalog, type PssLevel } from './pss/index.js';
import type { CheckedObject, PssViolationReport } from './model.js';

const ROOT = fileURLToPath(new URL('../../../../shared/corpora/kyverno/policies/pod-security/', import.meta.url));
const skip = !existsSync(join(ROOT, 'README.md')) && `shared corpora absent: ${ROOT} (needs ../shared/corpora/kyverno)`;

type Matcher = (v: PssViolationReport) => boolean;

const check = (...ids: string[]): Matcher => (v) => ids.includes(v.check);
/** A check whose failing field paths include one ending in one of `suffixes` (a part of the control). */
const field = (id: string, ...suffixes: RegExp[]): Matcher => (v) => v.check === id && v.fieldPaths.some((p) => suffixes.some((s) => s.test(p)));

/**
 * Classic policy folder -> the level to evaluate at, and per Kyverno rule the PSS check (or the part
 * of a check, by failing field) that implements it. Rules missing here fall back to `default`.
 */
const CLASSIC: Record<string, { level: PssLevel; rules: Record<string, Matcher> }> = {
  'baseline/disallow-capabilities': { level: 'baseline', rules: { 'adding-capabilities': check('capabilities_baseline') } },
  'baseline/disallow-host-namespaces': { level: 'baseline', rules: { 'host-namespaces': check('hostNamespaces') } },
  'baseline/disallow-host-path': { level: 'baseline', rules: { 'host-path': check('hostPathVolumes') } },
  'baseline/disallow-host-ports': { level: 'baseline', rules: { 'host-ports-none': check('hostPorts') } },
  'baseline/disallow-host-process': { level: 'baseline', rules: { 'host-process-containers': check('windowsHostProcess') } },
  'baseline/disallow-privileged-containers': { level: 'baseline', rules: { 'privileged-containers': check('privileged') } },
  'baseline/disallow-proc-mount': { level: 'baseline', rules: { 'check-proc-mount': check('procMount') } },
  'baseline/disallow-selinux': {
    level: 'baseline',
    rules: {
      'selinux-type': field('seLinuxOptions', /\.seLinuxOptions\.type$/),
      'selinux-user-role': field('seLinuxOptions', /\.seLinuxOptions\.(user|role)$/),
    },
  },
  'baseline/restrict-apparmor-profiles': { level: 'baseline', rules: { 'app-armor': check('appArmorProfile') } },
  'baseline/restrict-seccomp': { level: 'baseline', rules: { 'check-seccomp': check('seccompProfile_baseline') } },
  'baseline/restrict-sysctls': { level: 'baseline', rules: { 'check-sysctls': check('sysctls') } },
  'restricted/disallow-capabilities-strict': {
    level: 'restricted',
    rules: {
      'require-drop-all': field('capabilities_restricted', /\.capabilities\.drop$/),
      'adding-capabilities-strict': field('capabilities_restricted', /\.capabilities\.add\[\d+\]$/),
    },
  },
  'restricted/disallow-privilege-escalation': { level: 'restricted', rules: { 'privilege-escalation': check('allowPrivilegeEscalation') } },
  'restricted/require-run-as-non-root-user': { level: 'restricted', rules: { 'run-as-non-root-user': check('runAsUser') } },
  'restricted/require-run-as-nonroot': { level: 'restricted', rules: { 'run-as-non-root': check('runAsNonRoot') } },
  'restricted/restrict-seccomp-strict': { level: 'restricted', rules: { 'check-seccomp-strict': check('seccompProfile_restricted') } },
  'restricted/restrict-volume-types': { level: 'restricted', rules: { 'restricted-volumes': check('restrictedVolumes') } },
};

/**
 * Policies with a kyverno-test that are not a Pod Security Standards control, and why.
 * `disallow-host-ports-range` allows host ports 5000-6000, which PSS (hostPorts: none) forbids.
 */
const NOT_PSS: Record<string, string> = {
  'baseline/disallow-host-ports-range': 'Kyverno allows a host port range; the PSS control forbids all host ports',
};

/** The `validate.podSecurity` policies with a kyverno-test. */
const SUBRULES = [
  'subrule/podsecurity-subrule-baseline',
  'subrule/restricted/restricted-latest',
  'subrule/restricted/restricted-exclude-capabilities',
  'subrule/restricted/restricted-exclude-seccomp',
];

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

interface KyvernoTest {
  policies?: string[];
  resources?: string[];
  results?: Array<{ kind: string; policy: string; rule: string; resources: string[]; result: 'pass' | 'fail' | 'skip' }>;
}

interface Expectation {
  kind: string;
  name: string;
  rule: string;
  result: 'pass' | 'fail';
}

interface LoadedTest {
  expectations: Expectation[];
  policy: Record<string, unknown>;
  /** checkManifests over the test's resources with `--pss LEVEL:latest`. */
  run: (level: PssLevel) => CheckedObject[];
}

function readTest(dir: string): LoadedTest {
  const testDir = join(dir, '.kyverno-test');
  const t = parse(readFileSync(join(testDir, 'kyverno-test.yaml'), 'utf8')) as KyvernoTest;
  const inputs = (t.resources ?? []).map((r) => ({ file: r, text: readFileSync(resolve(testDir, r), 'utf8') }));
  const policy = parse(readFileSync(resolve(testDir, t.policies![0]!), 'utf8')) as Record<string, unknown>;
  const expectations: Expectation[] = [];
  for (const r of t.results ?? []) {
    if (r.result === 'skip') continue;
    for (const name of r.resources) expectations.push({ kind: r.kind, name: name.split('/').pop()!, rule: r.rule, result: r.result });
  }
  const run = (level: PssLevel): CheckedObject[] => {
    const res = checkManifests(inputs, { pss: { level, version: 'latest' } });
    assert.deepEqual(res.errors, [], `${relative(ROOT, dir)}: resources load without errors`);
    return res.objects;
  };
  return { expectations, policy, run };
}

function find(objects: CheckedObject[], e: Expectation, where: string): CheckedObject {
  const o = objects.find((x) => x.kind === e.kind && x.name === e.name);
  assert.ok(o, `${where}: resource ${e.kind}/${e.name} not found in the test's resources`);
  assert.ok(o.pss, `${where}: ${e.kind}/${e.name} has no pod template verdict`);
  return o;
}

test('Kyverno pod-security classic policies: same pass/fail per resource as their kyverno-tests', { skip }, () => {
  let compared = 0;
  const mismatches: string[] = [];
  for (const [folder, { level, rules }] of Object.entries(CLASSIC)) {
    const dir = join(ROOT, folder);
    assert.ok(existsSync(join(dir, '.kyverno-test/kyverno-test.yaml')), `${folder} has a kyverno-test`);
    const t = readTest(dir);
    const objects = t.run(level);
    assert.ok(t.expectations.length > 0, `${folder}: results listed`);
    for (const e of t.expectations) {
      const o = find(objects, e, folder);
      const matcher = rules[e.rule];
      assert.ok(matcher, `${folder}: no PSS mapping for Kyverno rule ${e.rule}`);
      const failed = o.pss!.violations.filter(matcher);
      const got = failed.length > 0 ? 'fail' : 'pass';
      compared++;
      if (got !== e.result) {
        mismatches.push(`${folder} (${e.rule}): ${e.kind}/${e.name}: Kyverno expects ${e.result}, we say ${got} (${o.pss!.violations.map((v) => `${v.check}: ${v.detail}`).join('; ') || 'no violations'})`);
      }
    }
  }
  assert.deepEqual(mismatches, []);
  assert.ok(compared >= 400, `compared ${compared} resource verdicts`);
});

test('every Kyverno pod-security kyverno-test is covered or explicitly out of scope', { skip }, () => {
  const seen = new Set([...Object.keys(CLASSIC), ...Object.keys(NOT_PSS), ...SUBRULES]);
  for (const level of ['baseline', 'restricted']) {
    for (const name of readdirSafe(join(ROOT, level))) {
      if (existsSync(join(ROOT, level, name, '.kyverno-test/kyverno-test.yaml'))) {
        assert.ok(seen.has(`${level}/${name}`), `${level}/${name} is neither compared nor listed as out of scope`);
      }
    }
  }
});

/** `ghcr.io/kyverno/test-nginx*`-style image globs of podSecurity exclusions. */
function globMatch(pattern: string, s: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(s);
}

test('Kyverno validate.podSecurity subrules: same pass/fail per resource (level, version, exclusions)', { skip }, () => {
  const controlOf = new Map(checkCatalog().map((c) => [c.id, c.control]));
  const mismatches: string[] = [];
  let compared = 0;
  for (const folder of SUBRULES) {
    const dir = join(ROOT, folder);
    const t = readTest(dir);
    const rule = ((t.policy.spec as { rules: Array<{ validate: { podSecurity: PodSecurityRule } }> }).rules[0]!).validate.podSecurity;
    assert.equal(rule.version, 'latest');
    const objects = t.run(rule.level);
    for (const e of t.expectations) {
      const o = find(objects, e, folder);
      const images = imagesOf(o, dir);
      const remaining = o.pss!.violations.filter((v) => {
        const control = controlOf.get(v.check);
        return !(rule.exclude ?? []).some(
          (x) => x.controlName === control && (x.images === undefined || images.every((img) => x.images!.some((p) => globMatch(p, img)))),
        );
      });
      const got = remaining.length > 0 ? 'fail' : 'pass';
      compared++;
      if (got !== e.result) mismatches.push(`${folder} (${e.rule}): ${e.kind}/${e.name}: Kyverno expects ${e.result}, we say ${got} (${remaining.map((v) => v.check).join(', ')})`);
    }
  }
  assert.deepEqual(mismatches, []);
  assert.ok(compared >= 8, `compared ${compared}`);
});

interface PodSecurityRule {
  level: PssLevel;
  version: string;
  exclude?: Array<{ controlName: string; images?: string[] }>;
}

/** Images of every container of a test resource (read again from its file: verdicts carry no spec). */
function imagesOf(o: CheckedObject, dir: string): string[] {
  const text = readFileSync(resolve(join(dir, '.kyverno-test'), o.file), 'utf8');
  const docs = text.split(/^---$/m).map((d) => parse(d) as { kind?: string; metadata?: { name?: string }; spec?: unknown } | null);
  const doc = docs.find((d) => d?.kind === o.kind && d?.metadata?.name === o.name);
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'image' && typeof x === 'string') out.push(x);
        else walk(x);
      }
    }
  };
  walk(doc?.spec);
  return out;
}

