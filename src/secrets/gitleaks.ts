/**
 * Loading rule files in gitleaks' config format (TOML, or the same structure as JSON).
 *
 * Schema (gitleaks v8.25+):
 *   title, description, minVersion
 *   [extend] useDefault | path, disabledRules = [...]
 *   [[rules]] id, description, regex, path, secretGroup, entropy, keywords, tags, skipReport
 *     [rules.allowlist] (deprecated single form)  or  [[rules.allowlists]]
 *       description, condition ("OR"/"AND"), commits, paths, regexTarget ("secret"/"match"/"line"),
 *       regexes, stopwords
 *   [allowlist] (deprecated) or [[allowlists]] — same keys plus targetRules = [rule ids]
 *
 * Validation mirrors gitleaks' config loader: a file it would reject is rejected here
 * (PlimsollError PARSE_ERROR, message naming the file and the rule). Regexes are NOT compiled here —
 * a pattern the JS engine can't honour only skips that rule later (see compile.ts), so one odd rule
 * never prevents the rest from loading.
 *
 * `[extend] useDefault = true` extends plimsoll's built-in rules (we do not ship gitleaks' data);
 * `[extend] path = …` needs a `resolveExtend` callback (files are the caller's business).
 */
import { PlimsollError } from '../util/errors.js';
import { groupCountOf } from './compile.js';
import { parseToml, type TomlTable, type TomlValue } from './toml.js';
import type { AllowlistSpec, RuleSet, RuleSpec, SecretSeverity } from './types.js';

export interface LoadOptions {
  /** name for messages, e.g. the file path */
  source?: string;
  /** return the text of an `[extend] path` config (resolved relative to the caller's choice), or undefined */
  resolveExtend?: (path: string) => string | undefined;
  /** the rule set used for `[extend] useDefault = true`; default: plimsoll's built-in rules */
  defaultRules?: () => RuleSet;
}

/** gitleaks allows two levels of extension */
const MAX_EXTEND_DEPTH = 2;

export function loadGitleaksToml(text: string, opts: LoadOptions = {}): RuleSet {
  const source = opts.source ?? 'gitleaks config';
  return fromDocument(parseToml(text, source), source, opts, 0);
}

export function loadGitleaksJson(text: string, opts: LoadOptions = {}): RuleSet {
  const source = opts.source ?? 'rule file';
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new PlimsollError('PARSE_ERROR', `${source}: invalid JSON: ${(e as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new PlimsollError('PARSE_ERROR', `${source}: expected a JSON object with "rules" (gitleaks config structure)`);
  }
  return fromDocument(doc as TomlTable, source, opts, 0);
}

/** A user rule file: JSON if it looks like JSON (or the name ends in .json), TOML otherwise. */
export function loadRuleFile(text: string, opts: LoadOptions & { fileName?: string } = {}): RuleSet {
  const name = opts.fileName ?? opts.source ?? '';
  const looksJson = /\.json$/i.test(name) || (!/\.toml$/i.test(name) && /^\s*\{/.test(text));
  return looksJson ? loadGitleaksJson(text, { ...opts, source: opts.source ?? name }) : loadGitleaksToml(text, { ...opts, source: opts.source ?? name });
}

// ---------------------------------------------------------------------------------------------

function bad(source: string, msg: string): never {
  throw new PlimsollError('PARSE_ERROR', `${source}: ${msg}`);
}

function isTable(v: unknown): v is TomlTable {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: TomlValue | undefined, source: string, what: string): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string') bad(source, `${what} must be a string`);
  return v;
}

function strList(v: TomlValue | undefined, source: string, what: string): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) bad(source, `${what} must be an array of strings`);
  return v as string[];
}

function num(v: TomlValue | undefined, source: string, what: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || Number.isNaN(v)) bad(source, `${what} must be a number`);
  return v;
}

const RULE_KEYS = new Set(['id', 'description', 'regex', 'path', 'secretgroup', 'entropy', 'keywords', 'tags', 'allowlist', 'allowlists', 'skipreport', 'required', 'severity', 'title']);
const ALLOWLIST_KEYS = new Set(['description', 'condition', 'commits', 'paths', 'regextarget', 'regexes', 'stopwords', 'targetrules']);

/** gitleaks (viper) matches keys case-insensitively */
function lowerKeys(t: TomlTable): Map<string, TomlValue> {
  const m = new Map<string, TomlValue>();
  for (const [k, v] of Object.entries(t)) m.set(k.toLowerCase(), v);
  return m;
}

function parseAllowlist(v: TomlValue, where: string, source: string, warnings: string[]): AllowlistSpec & { targetRules?: string[] } {
  if (!isTable(v)) bad(source, `${where}: an allowlist must be a table`);
  const m = lowerKeys(v);
  for (const k of m.keys()) if (!ALLOWLIST_KEYS.has(k)) warnings.push(`${source}: ${where}: unknown allowlist key "${k}" ignored`);
  const cond = (str(m.get('condition'), source, `${where}.condition`) ?? '').toUpperCase();
  let condition: 'OR' | 'AND';
  if (cond === 'AND' || cond === '&&') condition = 'AND';
  else if (cond === '' || cond === 'OR' || cond === '||') condition = 'OR';
  else bad(source, `${where}: unknown allowlist condition "${cond}" (expected "AND" or "OR")`);
  const target = str(m.get('regextarget'), source, `${where}.regexTarget`);
  if (target !== undefined && target !== '' && target !== 'secret' && target !== 'match' && target !== 'line') {
    bad(source, `${where}: unknown allowlist regexTarget "${target}" (expected "secret", "match" or "line")`);
  }
  const a: AllowlistSpec & { targetRules?: string[] } = {
    description: str(m.get('description'), source, `${where}.description`),
    condition,
    commits: strList(m.get('commits'), source, `${where}.commits`),
    paths: strList(m.get('paths'), source, `${where}.paths`),
    regexTarget: target === '' || target === undefined ? 'secret' : target,
    regexes: strList(m.get('regexes'), source, `${where}.regexes`),
    stopwords: strList(m.get('stopwords'), source, `${where}.stopwords`),
    targetRules: strList(m.get('targetrules'), source, `${where}.targetRules`),
  };
  if (!a.commits?.length && !a.paths?.length && !a.regexes?.length && !a.stopwords?.length) {
    bad(source, `${where}: an allowlist must contain at least one check (commits, paths, regexes or stopwords)`);
  }
  return a;
}

const SEVERITIES = new Set(['critical', 'high', 'medium', 'low']);

/** A rule as written in the file; fields are undefined when absent (matters for extend merging). */
interface RawRule {
  id: string;
  description?: string;
  title?: string;
  severity?: SecretSeverity;
  regex?: string;
  path?: string;
  secretGroup?: number;
  entropy?: number;
  keywords: string[];
  tags: string[];
  allowlists: AllowlistSpec[];
  skipReport: boolean;
}

function parseRule(v: TomlValue, i: number, source: string, warnings: string[]): RawRule {
  if (!isTable(v)) bad(source, `rules[${i}] must be a table`);
  const m = lowerKeys(v);
  const id = str(m.get('id'), source, `rules[${i}].id`) ?? '';
  const where = id ? `rule "${id}"` : `rules[${i}]`;
  for (const k of m.keys()) if (!RULE_KEYS.has(k)) warnings.push(`${source}: ${where}: unknown key "${k}" ignored`);
  const sev = str(m.get('severity'), source, `${where}.severity`);
  if (sev !== undefined && !SEVERITIES.has(sev)) bad(source, `${where}: severity must be one of critical, high, medium, low`);
  const single = m.get('allowlist');
  const multi = m.get('allowlists');
  if (single !== undefined && multi !== undefined) bad(source, `${where}: [rules.allowlist] is deprecated and cannot be used alongside [[rules.allowlists]]`);
  const allowlists: AllowlistSpec[] = [];
  if (single !== undefined) allowlists.push(parseAllowlist(single, `${where} allowlist`, source, warnings));
  if (multi !== undefined) {
    if (!Array.isArray(multi)) bad(source, `${where}: allowlists must be an array of tables`);
    multi.forEach((a, k) => allowlists.push(parseAllowlist(a, `${where} allowlists[${k}]`, source, warnings)));
  }
  for (const a of allowlists) if ((a as { targetRules?: string[] }).targetRules?.length) bad(source, `${where}: targetRules is only valid in global allowlists`);
  if (m.get('required') !== undefined) warnings.push(`${source}: ${where}: composite rules ([[rules.required]]) are not supported; the rule is evaluated on its own`);
  const sg = num(m.get('secretgroup'), source, `${where}.secretGroup`);
  if (sg !== undefined && (!Number.isInteger(sg) || sg < 0)) bad(source, `${where}: secretGroup must be a non-negative integer`);
  return {
    id,
    description: str(m.get('description'), source, `${where}.description`),
    title: str(m.get('title'), source, `${where}.title`),
    severity: sev as SecretSeverity | undefined,
    regex: str(m.get('regex'), source, `${where}.regex`) || undefined,
    path: str(m.get('path'), source, `${where}.path`) || undefined,
    secretGroup: sg,
    entropy: num(m.get('entropy'), source, `${where}.entropy`),
    keywords: (strList(m.get('keywords'), source, `${where}.keywords`) ?? []).map((k) => k.toLowerCase()),
    tags: strList(m.get('tags'), source, `${where}.tags`) ?? [],
    allowlists,
    skipReport: m.get('skipreport') === true,
  };
}

function toSpec(r: RawRule): RuleSpec {
  const spec: RuleSpec = { id: r.id, keywords: r.keywords, tags: r.tags, allowlists: r.allowlists };
  if (r.description !== undefined) spec.description = r.description;
  if (r.title !== undefined) spec.title = r.title;
  if (r.severity !== undefined) spec.severity = r.severity;
  if (r.regex !== undefined) spec.regex = r.regex;
  if (r.path !== undefined) spec.path = r.path;
  if (r.secretGroup !== undefined && r.secretGroup !== 0) spec.secretGroup = r.secretGroup;
  if (r.entropy !== undefined && r.entropy !== 0) spec.entropy = r.entropy;
  return spec;
}

/** gitleaks' extend semantics: set fields override, lists are appended */
function mergeRule(base: RuleSpec, r: RawRule): RuleSpec {
  const out: RuleSpec = { ...base };
  if (r.description !== undefined) out.description = r.description;
  if (r.title !== undefined) out.title = r.title;
  if (r.severity !== undefined) out.severity = r.severity;
  if (r.entropy !== undefined && r.entropy !== 0) out.entropy = r.entropy;
  if (r.secretGroup !== undefined && r.secretGroup !== 0) out.secretGroup = r.secretGroup;
  if (r.regex !== undefined) out.regex = r.regex;
  if (r.path !== undefined) out.path = r.path;
  out.tags = [...(base.tags ?? []), ...r.tags];
  out.keywords = [...(base.keywords ?? []), ...r.keywords];
  out.allowlists = [...(base.allowlists ?? []), ...r.allowlists];
  return out;
}

function fromDocument(doc: TomlTable, source: string, opts: LoadOptions, depth: number): RuleSet {
  const warnings: string[] = [];
  const top = lowerKeys(doc);
  const rulesV = top.get('rules');
  if (rulesV !== undefined && !Array.isArray(rulesV)) bad(source, '"rules" must be an array of tables ([[rules]])');
  const raw = (rulesV ?? []).map((r, i) => parseRule(r, i, source, warnings));
  const skipReported = raw.filter((r) => r.skipReport).map((r) => r.id);

  // global allowlists
  const singleG = top.get('allowlist');
  const multiG = top.get('allowlists');
  if (singleG !== undefined && multiG !== undefined) bad(source, '[allowlist] is deprecated and cannot be used alongside [[allowlists]]');
  const globals: (AllowlistSpec & { targetRules?: string[] })[] = [];
  if (singleG !== undefined) globals.push(parseAllowlist(singleG, 'global allowlist', source, warnings));
  if (multiG !== undefined) {
    if (!Array.isArray(multiG)) bad(source, '"allowlists" must be an array of tables ([[allowlists]])');
    multiG.forEach((a, k) => globals.push(parseAllowlist(a, `allowlists[${k}]`, source, warnings)));
  }

  // extend: the base's rules come first; a rule with the same id in this file is merged into it
  const entries: { raw?: RawRule; base?: RuleSpec }[] = raw.map((r) => ({ raw: r }));
  let extended = false;
  let globalAllowlists: AllowlistSpec[] = globals.filter((g) => !g.targetRules?.length);
  const extendV = top.get('extend');
  if (extendV !== undefined && depth < MAX_EXTEND_DEPTH) {
    if (!isTable(extendV)) bad(source, '[extend] must be a table');
    const ex = lowerKeys(extendV);
    const useDefault = ex.get('usedefault') === true;
    const path = str(ex.get('path'), source, 'extend.path');
    const disabled = new Set(strList(ex.get('disabledrules'), source, 'extend.disabledRules') ?? []);
    if (ex.get('url') !== undefined) warnings.push(`${source}: [extend] url is not supported and was ignored`);
    if (useDefault && path) bad(source, '[extend] cannot set both path and useDefault');
    let base: RuleSet | undefined;
    if (useDefault) {
      if (!opts.defaultRules) bad(source, '[extend] useDefault = true, but no default rule set is available');
      base = opts.defaultRules();
    } else if (path) {
      const text = opts.resolveExtend?.(path);
      if (text === undefined) bad(source, `[extend] path "${path}" could not be read`);
      base = /\.json$/i.test(path) ? loadGitleaksJson(text, { ...opts, source: path }) : fromDocument(parseToml(text, path), path, opts, depth + 1);
    }
    if (base) {
      extended = true;
      for (const id of disabled) if (!base.rules.some((r) => r.id === id)) warnings.push(`${source}: disabled rule "${id}" does not exist in the extended config`);
      const byId = new Map(entries.map((e) => [e.raw!.id, e]));
      const fromBase: { raw?: RawRule; base?: RuleSpec }[] = [];
      for (const b of base.rules) {
        if (disabled.has(b.id)) continue;
        const own = byId.get(b.id);
        if (own) own.base = b;
        else fromBase.push({ base: b });
      }
      entries.push(...fromBase);
      globalAllowlists = [...globalAllowlists, ...base.allowlists];
      warnings.push(...(base.warnings ?? []));
    }
  } else if (extendV !== undefined) {
    warnings.push(`${source}: [extend] nested deeper than ${MAX_EXTEND_DEPTH} levels was ignored`);
  }

  // validate (after extension, as gitleaks does)
  const specs: RuleSpec[] = [];
  for (const { raw: r, base } of entries) {
    if (!r) {
      specs.push(base!);
      continue;
    }
    if (!r.id.trim()) {
      const ctx = r.regex ? `, regex: ${r.regex}` : r.path ? `, path: ${r.path}` : r.description ? `, description: ${r.description}` : '';
      bad(source, `rule |id| is missing or empty${ctx}`);
    }
    const spec = base ? mergeRule(base, r) : toSpec(r);
    if (spec.regex === undefined && spec.path === undefined) {
      // gitleaks skips this check for configs that extend another one; we drop the rule instead
      if (!extended) bad(source, `rule "${r.id}": both regex and path are empty, the rule would have no effect`);
      warnings.push(`${source}: rule "${r.id}" has neither regex nor path (and extends nothing) and was ignored`);
      continue;
    }
    if (spec.regex !== undefined && spec.secretGroup) {
      const groups = groupCountOf(spec.regex);
      if (groups !== null && spec.secretGroup > groups) {
        bad(source, `rule "${r.id}": invalid secretGroup ${spec.secretGroup}, the regex has ${groups} capture group(s)`);
      }
    }
    specs.push(spec);
  }
  // skipReport rules only feed composite rules, which we do not support: leave them out
  const finalSpecs = specs.filter((s) => !skipReported.includes(s.id));
  if (skipReported.length) warnings.push(`${source}: ${skipReported.length} rule(s) with skipReport = true were left out`);

  // targeted global allowlists
  for (const g of globals) {
    if (!g.targetRules?.length) continue;
    const { targetRules, ...a } = g;
    for (const id of targetRules) {
      const spec = finalSpecs.find((s) => s.id === id);
      if (!spec) bad(source, `[[allowlists]] target rule ID "${id}" does not exist`);
      spec.allowlists = [...(spec.allowlists ?? []), a];
    }
  }
  const title = str(top.get('title'), source, 'title');
  return { rules: finalSpecs, allowlists: globalAllowlists, source: title ? `${source} (${title})` : source, warnings };
}
