/**
 * The `plimsoll config` handler for Kubernetes manifests (*.yaml, *.yml, *.json, and stdin `-`
 * such as `helm template . | plimsoll config -`).
 *
 * Kubernetes rules need the whole input at once — "no ResourceQuota in this namespace", "no
 * Service routes to this port" look across files — so besides the per-file `lint` of the
 * ConfigHandler interface the handler offers `lintMany`, which checks every claimed file in one
 * pass and splits the result back per file. `lint` alone sees one file's objects only.
 */
import { basename } from 'node:path';
import { checkMatches, type CheckInfo, type MisconfigFinding } from '../findings.js';
import type { ConfigFileResult, ConfigHandler, ConfigInput, ConfigScanOptions } from '../handlers.js';
import { checkManifests } from './check.js';
import { DEFAULT_LIMITS, isManifestFileName } from './load.js';
import type { CheckedObject, CheckOptions, ManifestError } from './model.js';
import { KUBERNETES_RULES } from './rules/index.js';
import { PSS_LEVELS, type PssLevel } from './pss/index.js';
import { PlimsollError } from '../../util/errors.js';

export interface KubernetesScanOptions extends ConfigScanOptions {
  /** `--pss LEVEL[:VERSION]`: parsed (parsePssFlag) or the raw flag value. */
  pss?: { level: PssLevel; version: string } | string;
}

/** One input file's share of a multi-file check. */
export interface KubernetesFileResult extends ConfigFileResult {
  kind: 'kubernetes';
  /** Every object checked in this file, with its findings and PSS verdict (for the JSON report). */
  objects: CheckedObject[];
}

/**
 * Parses `--pss LEVEL[:VERSION]` (`restricted`, `baseline:v1.30`, `restricted:latest`). VERSION
 * defaults to `latest`. Throws PlimsollError(USAGE).
 */
export function parsePssFlag(value: string): { level: PssLevel; version: string } {
  const [level, version = 'latest', extra] = value.trim().split(':');
  if (extra !== undefined || !PSS_LEVELS.includes(level as PssLevel)) {
    throw new PlimsollError('USAGE', `--pss: "${value}" is not LEVEL[:VERSION] with LEVEL one of ${PSS_LEVELS.join(', ')} (e.g. restricted, baseline:v1.30)`);
  }
  if (version !== 'latest' && !/^v1\.\d+$/.test(version)) {
    throw new PlimsollError('USAGE', `--pss: version "${version}" must be "latest" or "v1.<minor>" (e.g. v1.30)`);
  }
  return { level: level as PssLevel, version };
}

/**
 * File names that are YAML/JSON but never Kubernetes manifests, skipped in directory walks so
 * `plimsoll config .` in a repository does not trip over package.json or CI configuration.
 */
const NOT_MANIFEST =
  /(?:^|\/)(?:package(?:-lock)?\.json|tsconfig(?:\.[\w-]+)?\.json|jsconfig\.json|composer\.(?:json|lock)|renovate\.json|\.?eslintrc(?:\.\w+)?|Chart\.ya?ml|Chart\.lock|values(?:[.-][\w.-]+)?\.ya?ml|(?:docker-)?compose(?:[.-][\w.-]+)?\.ya?ml|\.gitlab-ci\.ya?ml|\.pre-commit-config\.ya?ml|mkdocs\.ya?ml|pnpm-lock\.yaml|\.goreleaser\.ya?ml|\.travis\.ya?ml|appveyor\.ya?ml|codecov\.ya?ml|dependabot\.ya?ml|\.golangci\.ya?ml|[^/]+\.schema\.json)$/i;
const CI_DIRS = /(?:^|\/)\.(?:github|gitlab|circleci|buildkite)\//;

export function isKubernetesCandidate(relPath: string): boolean {
  return isManifestFileName(basename(relPath)) && !NOT_MANIFEST.test(relPath) && !CI_DIRS.test(relPath);
}

/** Content check for explicitly named files: a top-level apiVersion and kind (YAML or JSON). */
export function looksLikeKubernetes(text: string): boolean {
  const head = text.slice(0, 256 * 1024);
  return (/^apiVersion:\s*\S/m.test(head) && /^kind:\s*\S/m.test(head)) || (/"apiVersion"\s*:/.test(head) && /"kind"\s*:/.test(head));
}

function toCheckOptions(opts: KubernetesScanOptions): CheckOptions {
  const pss = typeof opts.pss === 'string' ? parsePssFlag(opts.pss) : opts.pss;
  const registries = Array.isArray(opts.allowedRegistries) ? opts.allowedRegistries.filter((r): r is string => typeof r === 'string') : [];
  return {
    ...(pss ? { pss } : {}),
    ...(registries.length > 0 ? { allowedRegistries: registries } : {}),
  };
}

function ignored(f: MisconfigFinding, ignore: readonly string[]): boolean {
  return ignore.some((id) => checkMatches(f, id));
}

/**
 * Checks all inputs together and returns one result per input, in input order. `walked`: the
 * files came from a directory walk — a file with no Kubernetes object at all (a values file, some
 * other tool's YAML) is then marked `notApplicable` (left out of the report) instead of reporting
 * an error per document. Throws PlimsollError(USAGE) for an invalid `pss`.
 */
export function lintManifests(inputs: readonly ConfigInput[], opts: KubernetesScanOptions = {}, walked = false): KubernetesFileResult[] {
  const r = checkManifests(inputs, toCheckOptions(opts));
  const ignore = Array.isArray(opts.ignore) ? opts.ignore : [];
  const byFile = new Map<string, KubernetesFileResult>();
  for (const input of inputs) {
    if (!byFile.has(input.file)) byFile.set(input.file, { file: input.file, kind: 'kubernetes', findings: [], errors: [], objects: [] });
  }
  const entry = (file: string): KubernetesFileResult => {
    let e = byFile.get(file);
    if (!e) byFile.set(file, (e = { file, kind: 'kubernetes', findings: [], errors: [], objects: [] }));
    return e;
  };
  for (const o of r.objects) {
    if (ignore.length > 0) o.findings = o.findings.filter((f) => !ignored(f, ignore));
    entry(o.file).objects.push(o);
  }
  for (const f of r.findings) if (!ignored(f, ignore)) entry(f.target.file).findings.push(f);
  for (const e of r.errors) entry(e.file).errors.push(e as ManifestError);
  const out = [...byFile.values()];
  if (walked) {
    for (const f of out) {
      if (f.objects.length === 0 && f.errors.length > 0 && f.errors.every((e) => (e as ManifestError).code === 'NOT_KUBERNETES')) {
        f.errors = [];
        f.notApplicable = true;
      }
    }
  }
  return out;
}

export interface KubernetesHandler extends ConfigHandler {
  /** All claimed files at once (cross-file rules work); see lintManifests. */
  lintMany(inputs: readonly ConfigInput[], opts: ConfigScanOptions, walked: boolean): KubernetesFileResult[];
}

export const kubernetesHandler: KubernetesHandler = {
  kind: 'kubernetes',
  checks: KUBERNETES_RULES as readonly CheckInfo[],
  maxBytes: DEFAULT_LIMITS.maxFileBytes,
  matchesPath: isKubernetesCandidate,
  sniff: looksLikeKubernetes,
  lint: (text, file, opts) => lintManifests([{ file, text }], opts as KubernetesScanOptions)[0]!,
  lintMany: (inputs, opts, walked) => lintManifests(inputs, opts as KubernetesScanOptions, walked),
  cliOptions: [
    {
      flags: '--pss <level[:version]>',
      description: 'also evaluate every Kubernetes pod template against a Pod Security Standard: privileged, baseline or restricted, at latest or v1.<minor> (e.g. restricted, baseline:v1.30)',
      key: 'pss',
      parse: parsePssFlag,
    },
  ],
};
