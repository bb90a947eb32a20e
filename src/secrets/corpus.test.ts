/**
 * Rule-quality tests against the shared gitleaks corpus (skipped when ../shared is absent):
 *  - gitleaks.toml loads completely through our TOML reader and RE2 translator
 *  - upstream config fixtures: valid/ loads, invalid/ is rejected
 *  - labelled samples (rule-samples.json): recall on true positives and false-positive rate per rule
 *    family, for the gitleaks rules (one rule + global allowlists per detector, as upstream tests do) and
 *    for plimsoll's own built-in rules (whole default set)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadGitleaksToml } from './gitleaks.js';
import { compileRuleSet } from './compile.js';
import { SecretScanner } from './scanner.js';
import { defaultRuleSet } from './rules.js';
import { parseRe2, translateRe2 } from './regex.js';
import { shannonEntropy } from './entropy.js';
import { expandTemplate, findGroup, generate, rng } from './testing.js';
import type { RuleSet, RuleSpec } from './types.js';

const CORPUS = fileURLToPath(new URL('../../../shared/corpora/secrets/gitleaks/', import.meta.url));
const TOML = join(CORPUS, 'gitleaks.toml');
const SAMPLES = join(CORPUS, 'rule-samples.json');
const absent = !existsSync(TOML) || !existsSync(SAMPLES);
const skip = absent && `shared corpora absent: ${CORPUS} (gitleaks.toml, rule-samples.json)`;

interface RuleSamples {
  rule_id: string;
  tp: string[];
  fp: string[];
  tp_samples: { identifier: string; secret: string }[];
  tp_with_path: { path: string; content: string }[];
  fp_with_path: { path: string; content: string }[];
}
interface SamplesFile {
  sample_templates: Record<string, string>;
  rules: RuleSamples[];
}

interface Sample {
  ruleId: string;
  family: string;
  kind: 'tp' | 'fp';
  source: 'literal' | 'template' | 'path' | 'generated';
  text: string;
  path: string;
}

const FAMILY_ALIAS: Record<string, string> = { '1password': 'onepassword', vault: 'hashicorp' };
export function family(ruleId: string): string {
  const f = ruleId.split('-')[0]!;
  return FAMILY_ALIAS[f] ?? f;
}

function loadGitleaks(): RuleSet {
  return loadGitleaksToml(readFileSync(TOML, 'utf8'), { source: 'gitleaks.toml' });
}

/** gitleaks' generic "identifier … operator … secret" rules, tested upstream through sample templates */
const KV_SHAPE = /\[\\s'"\]\{0,3\}\(\?:=\|>\|:\{1,3\}=/;

/** Samples from the corpus plus generated TPs for rules that have no literal one. */
function buildSamples(set: RuleSet, data: SamplesFile): Sample[] {
  const templates = Object.values(data.sample_templates);
  const inToml = new Map(set.rules.map((r) => [r.id, r]));
  const out: Sample[] = [];
  const add = (s: Omit<Sample, 'family'>): void => {
    out.push({ ...s, family: family(s.ruleId) });
  };
  for (const r of data.rules) {
    for (const t of r.tp) add({ ruleId: r.rule_id, kind: 'tp', source: 'literal', text: t, path: '' });
    for (const t of r.fp) add({ ruleId: r.rule_id, kind: 'fp', source: 'literal', text: t, path: '' });
    for (const s of r.tp_samples) for (const tpl of templates) add({ ruleId: r.rule_id, kind: 'tp', source: 'template', text: expandTemplate(tpl, s.identifier, s.secret), path: '' });
    for (const p of r.tp_with_path) add({ ruleId: r.rule_id, kind: 'tp', source: 'path', text: p.content, path: p.path });
    for (const p of r.fp_with_path) add({ ruleId: r.rule_id, kind: 'fp', source: 'path', text: p.content, path: p.path });
    const spec = inToml.get(r.rule_id);
    const hasLiteral = r.tp.length + r.tp_samples.length + r.tp_with_path.length > 0;
    if (!hasLiteral && spec && typeof spec.regex === 'string' && !spec.path) out.push(...generated(spec, templates));
  }
  return out;
}

/** Generated TPs: the secret group embedded through every template, or the whole pattern. */
function generated(spec: RuleSpec, templates: string[]): Sample[] {
  const src = spec.regex as string;
  const ast = parseRe2(src).ast;
  const t = translateRe2(src);
  if (!t.ok) return [];
  const re = new RegExp(t.source, t.flags);
  const r = rng([...spec.id].reduce((a, c) => a * 31 + c.charCodeAt(0), 7) >>> 0);
  const out: Sample[] = [];
  const fam = family(spec.id);
  const entropyOk = (secret: string): boolean => !spec.entropy || shannonEntropy(secret) > spec.entropy;
  if (KV_SHAPE.test(src)) {
    const group = findGroup(ast, spec.secretGroup || 1);
    const ident = spec.keywords?.[0] ?? spec.id;
    for (let n = 0, tries = 0; n < 2 && tries < 50; tries++) {
      const secret = generate(group!, r);
      if (!entropyOk(secret) || /\s/.test(secret)) continue;
      const texts = templates.map((tpl) => expandTemplate(tpl, ident, secret));
      if (!texts.every((x) => re.test(x))) continue;
      n++;
      for (const text of texts) out.push({ ruleId: spec.id, family: fam, kind: 'tp', source: 'generated', text, path: '' });
    }
  } else {
    const kw = spec.keywords ?? [];
    for (let n = 0, tries = 0; n < 3 && tries < 50; tries++) {
      let text = generate(ast, r);
      // the rule only runs when a keyword occurs; patterns that don't contain one get it as context
      if (kw.length && !kw.some((k) => text.toLowerCase().includes(k))) text = `${kw[0]}: ${text}`;
      const m = re.exec(text);
      if (!m) continue;
      const secret = spec.secretGroup ? m[spec.secretGroup] : m.slice(1).find((g) => g) ?? m[0];
      if (!secret || !entropyOk(secret)) continue;
      n++;
      out.push({ ruleId: spec.id, family: fam, kind: 'tp', source: 'generated', text, path: '' });
    }
  }
  return out;
}

interface Tally {
  tp: number;
  tpFound: number;
  fp: number;
  fpFlagged: number;
}
const tally = (): Tally => ({ tp: 0, tpFound: 0, fp: 0, fpFlagged: 0 });

function report(title: string, byFamily: Map<string, Tally>, bySource: Map<string, Tally>, diag: (s: string) => void): Tally {
  const total = tally();
  for (const t of byFamily.values()) {
    total.tp += t.tp;
    total.tpFound += t.tpFound;
    total.fp += t.fp;
    total.fpFlagged += t.fpFlagged;
  }
  const pct = (a: number, b: number): string => (b === 0 ? '   -  ' : `${((100 * a) / b).toFixed(1).padStart(5)}%`);
  diag(`${title}: TP recall ${total.tpFound}/${total.tp} (${pct(total.tpFound, total.tp).trim()}), FP ${total.fpFlagged}/${total.fp} (${pct(total.fpFlagged, total.fp).trim()})`);
  for (const [src, t] of [...bySource].sort()) diag(`  by source ${src.padEnd(10)} recall ${pct(t.tpFound, t.tp)} (${t.tpFound}/${t.tp})  FP ${pct(t.fpFlagged, t.fp)} (${t.fpFlagged}/${t.fp})`);
  const rows = [...byFamily].sort(([a], [b]) => a.localeCompare(b));
  const imperfect = rows.filter(([, t]) => t.tpFound < t.tp || t.fpFlagged > 0);
  diag(`  ${rows.length} families; ${rows.length - imperfect.length} with full recall and no FP; the others:`);
  for (const [f, t] of imperfect) diag(`    ${f.padEnd(22)} recall ${pct(t.tpFound, t.tp)} (${t.tpFound}/${t.tp})  FP ${pct(t.fpFlagged, t.fp)} (${t.fpFlagged}/${t.fp})`);
  return total;
}

function count(map: Map<string, Tally>, key: string, s: Sample, hit: boolean): void {
  let t = map.get(key);
  if (!t) map.set(key, (t = tally()));
  if (s.kind === 'tp') {
    t.tp++;
    if (hit) t.tpFound++;
  } else {
    t.fp++;
    if (hit) t.fpFlagged++;
  }
}

test('gitleaks.toml: all rules load (TOML reader + RE2 translation)', { skip }, (t) => {
  const set = loadGitleaks();
  const compiled = compileRuleSet(set);
  t.diagnostic(`gitleaks.toml: ${set.rules.length} rules, ${compiled.rules.length} loaded, ${compiled.skipped.length} skipped, ${compiled.warnings.length} warnings`);
  for (const s of compiled.skipped) t.diagnostic(`  skipped ${s.id}: ${s.reason}`);
  for (const w of compiled.warnings) t.diagnostic(`  warning: ${w}`);
  assert.equal(set.rules.length, 222);
  assert.deepEqual(compiled.skipped, []);
  assert.equal(compiled.rules.length, 222);
  assert.equal(set.allowlists.length, 1);
  assert.equal(compiled.global[0]!.paths.length, 25);
  const windowed = compiled.rules.filter((r) => r.regex && r.keywordCovered).length;
  t.diagnostic(`  ${windowed} rules scan only windows around keyword hits; ${compiled.rules.filter((r) => r.regex && !r.keywordCovered).map((r) => r.id).join(', ')} run over whole files containing a keyword`);
});

test('gitleaks config fixtures: valid/ loads, invalid/ is rejected', { skip }, () => {
  const dir = join(CORPUS, 'testdata-config');
  const read = (p: string): string => readFileSync(p, 'utf8');
  // upstream paths look like ../testdata/config/valid/x.toml; resolve by file name
  const index = new Map<string, string>();
  for (const sub of ['', 'valid', 'invalid']) for (const f of readdirSync(join(dir, sub))) if (f.endsWith('.toml')) index.set(f, join(dir, sub, f));
  const resolveExtend = (p: string): string | undefined => {
    const f = index.get(basename(p));
    if (f) return read(f);
    // extend_base_2.toml extends upstream's config/extend_3.toml, which the corpus does not carry
    return basename(p) === 'extend_3.toml' ? '' : undefined;
  };
  for (const f of readdirSync(join(dir, 'valid'))) {
    const set = loadGitleaksToml(read(join(dir, 'valid', f)), { source: f, resolveExtend, defaultRules: defaultRuleSet });
    assert.ok(set.rules.length > 0 || set.allowlists.length > 0, `${f}: loaded nothing`);
    const c = compileRuleSet(set);
    assert.deepEqual(c.skipped, [], `${f}: rules skipped`);
  }
  for (const f of readdirSync(join(dir, 'invalid'))) {
    assert.throws(() => loadGitleaksToml(read(join(dir, 'invalid', f)), { source: f, resolveExtend, defaultRules: defaultRuleSet }), /./, `${f} should be rejected`);
  }
  // the top-level detect fixtures load too
  for (const f of readdirSync(dir)) {
    if (!f.endsWith('.toml')) continue;
    const c = compileRuleSet(loadGitleaksToml(read(join(dir, f)), { source: f, resolveExtend, defaultRules: defaultRuleSet }));
    assert.deepEqual(c.skipped, [], `${f}: rules skipped`);
  }
});

test('gitleaks rules on the labelled samples: recall and FP rate per family', { skip }, (t) => {
  const set = loadGitleaks();
  const data = JSON.parse(readFileSync(SAMPLES, 'utf8')) as SamplesFile;
  const samples = buildSamples(set, data);
  const byId = new Map(set.rules.map((r) => [r.id, r]));
  const scanners = new Map<string, SecretScanner>();
  const byFamily = new Map<string, Tally>();
  const bySource = new Map<string, Tally>();
  const misses: string[] = [];
  for (const s of samples) {
    const rule = byId.get(s.ruleId);
    if (!rule) continue; // generator-only rules that are not shipped in gitleaks.toml
    let sc = scanners.get(s.ruleId);
    if (!sc) scanners.set(s.ruleId, (sc = new SecretScanner({ rules: [rule], allowlists: set.allowlists, source: s.ruleId })));
    const n = sc.scan(s.path, Buffer.from(s.text)).findings.length;
    const hit = s.source === 'path' && s.kind === 'tp' ? n === 1 : n > 0;
    count(byFamily, s.family, s, hit);
    count(bySource, s.source, s, hit);
    if ((s.kind === 'tp') !== hit && misses.length < 40) misses.push(`${s.kind} ${s.ruleId} [${s.source}] ${JSON.stringify(s.text.slice(0, 100))}`);
  }
  const total = report('gitleaks.toml rules', byFamily, bySource, (x) => t.diagnostic(x));
  for (const m of misses) t.diagnostic(`  miss: ${m}`);
  // RE2 → JS translation + our engine must reproduce upstream's own test expectations
  assert.ok(total.tpFound / total.tp >= 0.98, `recall ${total.tpFound}/${total.tp}`);
  assert.ok(total.fpFlagged / total.fp <= 0.02, `FP ${total.fpFlagged}/${total.fp}`);
  const lit = bySource.get('literal')!;
  assert.ok(lit.tpFound / lit.tp >= 0.98, `literal recall ${lit.tpFound}/${lit.tp}`);
});

test("plimsoll's built-in rules on the same samples: recall and FP rate per family", { skip }, (t) => {
  const gl = loadGitleaks();
  const data = JSON.parse(readFileSync(SAMPLES, 'utf8')) as SamplesFile;
  const samples = buildSamples(gl, data);
  const sc = new SecretScanner(defaultRuleSet());
  // an FP sample of one gitleaks rule can be a true secret of a sibling rule of the same provider
  // (e.g. an Anthropic admin key is an FP for the Anthropic API-key rule): family-level credit can't
  // judge those, so they are left out of the FP count
  const glAll = new SecretScanner(gl);
  let siblings = 0;
  const byFamily = new Map<string, Tally>();
  const bySource = new Map<string, Tally>();
  const anyRule = tally();
  const misses: string[] = [];
  for (const s of samples) {
    if (s.kind === 'fp' && glAll.scan(s.path, Buffer.from(s.text)).findings.some((f) => f.ruleId !== s.ruleId && family(f.ruleId) === s.family)) {
      siblings++;
      continue;
    }
    const findings = sc.scan(s.path, Buffer.from(s.text)).findings;
    // credit only a rule of the same provider family (the generic rule gets its own family)
    const hit = findings.some((f) => family(f.ruleId) === s.family);
    count(byFamily, s.family, s, hit);
    count(bySource, s.source, s, hit);
    const any = findings.length > 0;
    if (s.kind === 'tp') {
      anyRule.tp++;
      if (any) anyRule.tpFound++;
    } else {
      anyRule.fp++;
      if (any) anyRule.fpFlagged++;
    }
    if ((s.kind === 'tp') !== hit && misses.length < 60) misses.push(`${s.kind} ${s.ruleId} [${s.source}] ${JSON.stringify(s.text.slice(0, 90))}`);
  }
  const total = report('plimsoll built-in rules (same-family credit)', byFamily, bySource, (x) => t.diagnostic(x));
  t.diagnostic(`  ${siblings} FP samples left out: they are true secrets of a sibling rule of the same provider`);
  t.diagnostic(`plimsoll built-in rules (any rule): TP ${anyRule.tpFound}/${anyRule.tp}, FP ${anyRule.fpFlagged}/${anyRule.fp}`);
  for (const m of misses) t.diagnostic(`  miss: ${m}`);
  // floors: our rules must catch what gitleaks' rules catch for nearly every provider; the FP budget is
  // dominated by 15 Google API keys that gitleaks allowlists by value (keys shipped in public software)
  assert.ok(total.tpFound / total.tp >= 0.97, `recall ${total.tpFound}/${total.tp}`);
  assert.ok(total.fpFlagged / total.fp <= 0.08, `FP ${total.fpFlagged}/${total.fp}`);
  const lit = bySource.get('literal')!;
  assert.ok(lit.tpFound / lit.tp >= 0.95, `literal recall ${lit.tpFound}/${lit.tp}`);
});

test('gitleaks rules: window scanning equals whole-file scanning on documents built from the samples', { skip }, () => {
  const set = loadGitleaks();
  const data = JSON.parse(readFileSync(SAMPLES, 'utf8')) as SamplesFile;
  const texts = buildSamples(set, data).map((s) => s.text);
  const windowed = new SecretScanner(set);
  const whole = new SecretScanner(set, { maxHitsPerFile: 0 });
  const r = rng(2024);
  const seps = ['\n', ' ', '\n\n', '\t', ' = ', '\r\n'];
  const key = (b: Buffer, sc: SecretScanner): string[] => sc.scanBuffer('config/app.yaml', b).map((f) => `${f.ruleId}@${f.line}:${f.column}:${f.secretHash}`).sort();
  let findings = 0;
  for (let i = 0; i < 150; i++) {
    let doc = '';
    for (let k = 0; k < 25; k++) doc += texts[Math.floor(r() * texts.length)] + seps[Math.floor(r() * seps.length)];
    const b = Buffer.from(doc);
    const want = key(b, whole);
    findings += want.length;
    assert.deepEqual(key(b, windowed), want, `document ${i}`);
  }
  assert.ok(findings > 1000);
});

const DETECT_SECRETS = fileURLToPath(new URL('../../../shared/corpora/secrets/detect-secrets/', import.meta.url));

test('detect-secrets samples: "pragma: allowlist secret" suppresses a line that is otherwise reported', { skip: !existsSync(DETECT_SECRETS) && `shared corpora absent: ${DETECT_SECRETS}` }, () => {
  const sc = new SecretScanner();
  const yaml = readFileSync(join(DETECT_SECRETS, 'config.yaml'), 'utf8');
  const line = yaml.split('\n').findIndex((l) => l.includes('pragma: allowlist secret')) + 1;
  assert.ok(line > 0);
  assert.ok(!sc.scanText('config.yaml', yaml).some((f) => f.line === line));
  const unmarked = yaml.replace(/\s*# pragma: allowlist secret/, '');
  assert.ok(sc.scanText('config.yaml', unmarked).some((f) => f.line === line && f.ruleId === 'generic-api-key'));
  // the .ini and .env samples hold only digit strings and unlabeled base64: nothing our keyword rules report
  for (const f of ['config.ini', 'config.env']) assert.deepEqual(sc.scanText(f, readFileSync(join(DETECT_SECRETS, f), 'utf8')), []);
});
