/**
 * A small typed SARIF 2.1.0 builder for every plimsoll scanner (misconfigurations, secrets,
 * vulnerabilities). It produces what GitHub code scanning accepts:
 *
 * - one run per tool invocation, `tool.driver` with name, version, informationUri and rules;
 * - each rule with shortDescription, fullDescription, help (text + markdown), helpUri,
 *   `defaultConfiguration.level` and `properties["security-severity"]` (a number as a string,
 *   which GitHub maps to critical ≥ 9.0, high ≥ 7.0, medium ≥ 4.0, low > 0);
 * - each result with ruleId + ruleIndex, level, message, and a physical location whose URI is
 *   relative to `%SRCROOT%` when the file is under the base directory (so GitHub can link it);
 *   `region.startLine` is only emitted for lines ≥ 1;
 * - `partialFingerprints` stable across line moves, so alerts keep their identity.
 *
 * Spec: https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
 * GitHub: https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning
 */
import { createHash } from 'node:crypto';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Severity } from '../misconfig/findings.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
export const SARIF_VERSION = '2.1.0';

export type SarifLevel = 'error' | 'warning' | 'note' | 'none';

export interface SarifMessage {
  text: string;
  markdown?: string;
}

export interface SarifReportingDescriptor {
  id: string;
  name?: string;
  shortDescription: SarifMessage;
  fullDescription?: SarifMessage;
  help?: SarifMessage;
  helpUri?: string;
  defaultConfiguration?: { level: SarifLevel };
  properties?: Record<string, unknown>;
}

export interface SarifRegion {
  startLine?: number;
  endLine?: number;
  startColumn?: number;
  endColumn?: number;
  snippet?: { text: string };
}

export interface SarifLocation {
  physicalLocation: {
    artifactLocation: { uri: string; uriBaseId?: string };
    region?: SarifRegion;
  };
  logicalLocations?: { name?: string; fullyQualifiedName?: string; kind?: string }[];
}

export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: SarifLevel;
  message: SarifMessage;
  locations: SarifLocation[];
  partialFingerprints?: Record<string, string>;
  properties?: Record<string, unknown>;
}

export interface SarifRun {
  tool: { driver: { name: string; version?: string; semanticVersion?: string; informationUri?: string; rules: SarifReportingDescriptor[] } };
  originalUriBaseIds?: Record<string, { uri: string }>;
  results: SarifResult[];
  columnKind?: 'utf16CodeUnits' | 'unicodeCodePoints';
}

export interface SarifLog {
  $schema: string;
  version: typeof SARIF_VERSION;
  runs: SarifRun[];
}

// ---------------------------------------------------------------------------------------------
// Input model

export interface SarifRuleInput {
  id: string;
  /** PascalCase-ish identifier; optional. */
  name?: string;
  /** One line (the check's title). */
  title: string;
  /** Why it matters. */
  description?: string;
  /** What to do; becomes `help`. */
  remediation?: string;
  helpUri?: string;
  /** Extra links appended to the markdown help. */
  references?: string[];
  severity: Severity;
  /** e.g. `security`, `dockerfile`; `security` is always added. */
  tags?: string[];
}

export interface SarifResultInput {
  ruleId: string;
  /** Result severity (defaults to the rule's). */
  severity?: Severity;
  message: string;
  /** File path as reported (relative to `baseDir` or absolute). Omit for results without a file. */
  file?: string;
  startLine?: number;
  endLine?: number;
  snippet?: string;
  /** Logical location, e.g. a Kubernetes object or a Dockerfile stage. */
  logicalName?: string;
  /** Identity beyond rule+file (e.g. the finding's description or a package purl). */
  fingerprintKey?: string;
  properties?: Record<string, unknown>;
}

export interface SarifRunInput {
  toolName: string;
  toolVersion?: string;
  informationUri?: string;
  rules: SarifRuleInput[];
  results: SarifResultInput[];
  /** Directory relative file URIs are resolved against (`%SRCROOT%`); default: process.cwd(). */
  baseDir?: string;
}

/** GitHub's security-severity scores, chosen in the middle of each band. */
export function securitySeverity(s: Severity): string | undefined {
  switch (s) {
    case 'critical':
      return '9.5';
    case 'high':
      return '8.0';
    case 'medium':
      return '5.5';
    case 'low':
      return '2.0';
    case 'info':
      return undefined; // not a security issue: shown as a note without a security score
  }
}

export function sarifLevel(s: Severity): SarifLevel {
  return s === 'critical' || s === 'high' ? 'error' : s === 'medium' ? 'warning' : 'note';
}

/**
 * Artifact location for a reported path: relative to the base directory (with `%SRCROOT%`) when
 * inside it, otherwise an absolute file:// URI. Segments are percent-encoded.
 */
export function artifactLocation(file: string, baseDir: string): { uri: string; uriBaseId?: string } {
  const abs = resolve(baseDir, file);
  const rel = relative(baseDir, abs);
  if (rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)) {
    return { uri: rel.split(sep).map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
  }
  return { uri: pathToFileURL(abs).href };
}

export function buildSarifRun(input: SarifRunInput): SarifRun {
  const baseDir = resolve(input.baseDir ?? process.cwd());
  const ruleIndex = new Map<string, number>();
  const rules: SarifReportingDescriptor[] = input.rules.map((r, i) => {
    ruleIndex.set(r.id, i);
    return ruleDescriptor(r);
  });
  const results: SarifResult[] = [];
  for (const res of input.results) {
    const idx = ruleIndex.get(res.ruleId);
    if (idx === undefined) throw new Error(`SARIF result refers to rule ${res.ruleId}, which is not in the rule list`);
    const rule = input.rules[idx]!;
    const severity = res.severity ?? rule.severity;
    const location: SarifLocation = { physicalLocation: { artifactLocation: artifactLocation(res.file ?? '.', baseDir) } };
    if (res.file === undefined) location.physicalLocation.artifactLocation = { uri: '.', uriBaseId: '%SRCROOT%' };
    if (res.startLine !== undefined && res.startLine >= 1) {
      const region: SarifRegion = { startLine: res.startLine };
      if (res.endLine !== undefined && res.endLine > res.startLine) region.endLine = res.endLine;
      if (res.snippet) region.snippet = { text: res.snippet };
      location.physicalLocation.region = region;
    }
    if (res.logicalName) location.logicalLocations = [{ name: res.logicalName }];
    const fp = createHash('sha256')
      .update([res.ruleId, res.file ?? '', res.fingerprintKey ?? res.message].join('\u0000'))
      .digest('hex');
    const result: SarifResult = {
      ruleId: res.ruleId,
      ruleIndex: idx,
      level: sarifLevel(severity),
      message: { text: res.message },
      locations: [location],
      partialFingerprints: { 'plimsoll/v1': fp },
    };
    const props: Record<string, unknown> = { ...(res.properties ?? {}) };
    if (res.severity !== undefined && res.severity !== rule.severity) {
      props.severity = severity;
      const ss = securitySeverity(severity);
      if (ss) props['security-severity'] = ss;
    }
    if (Object.keys(props).length > 0) result.properties = props;
    results.push(result);
  }
  const run: SarifRun = {
    tool: {
      driver: {
        name: input.toolName,
        ...(input.toolVersion ? { version: input.toolVersion, semanticVersion: input.toolVersion } : {}),
        ...(input.informationUri ? { informationUri: input.informationUri } : {}),
        rules,
      },
    },
    originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(baseDir + sep).href } },
    results,
    columnKind: 'utf16CodeUnits',
  };
  return run;
}

function ruleDescriptor(r: SarifRuleInput): SarifReportingDescriptor {
  const helpText = [r.remediation ?? r.description ?? r.title, ...(r.references ?? [])].join('\n');
  const md = [
    `**${escapeMd(r.title)}**`,
    r.description ? `\n${escapeMd(r.description)}` : '',
    r.remediation ? `\n**Remediation:** ${escapeMd(r.remediation)}` : '',
    r.references && r.references.length > 0 ? '\n' + r.references.map((u) => `- <${u}>`).join('\n') : '',
  ].join('\n').trim();
  const tags = ['security', ...(r.tags ?? []).filter((t) => t !== 'security')];
  const properties: Record<string, unknown> = { tags, precision: 'high', severity: r.severity };
  const ss = securitySeverity(r.severity);
  if (ss) properties['security-severity'] = ss;
  return {
    id: r.id,
    ...(r.name ? { name: r.name } : {}),
    shortDescription: { text: r.title },
    fullDescription: { text: r.description ?? r.title },
    help: { text: helpText, markdown: md },
    ...(r.helpUri ?? r.references?.[0] ? { helpUri: r.helpUri ?? r.references![0]! } : {}),
    defaultConfiguration: { level: sarifLevel(r.severity) },
    properties,
  };
}

function escapeMd(s: string): string {
  return s.replace(/([\\`*_[\]<>])/g, '\\$1');
}

export function buildSarif(runs: SarifRunInput | SarifRunInput[]): SarifLog {
  const list = Array.isArray(runs) ? runs : [runs];
  return { $schema: SARIF_SCHEMA, version: SARIF_VERSION, runs: list.map(buildSarifRun) };
}
