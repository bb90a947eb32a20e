/**
 * Dockerfile linting: public API.
 *
 *   lintDockerfile(text, file, opts?) → { findings, errors }
 *   lintPath(path, opts?)             → every Dockerfile under a directory (or one file)
 *   dockerfileHandler                 → the handler `plimsoll config` dispatches to
 */
import type { ConfigScanOptions, ConfigHandler, ConfigScanResult } from '../handlers.js';
import { scanConfigPath } from '../handlers.js';
import { DOCKERFILE_CHECKS } from './checks.js';
import { lintDockerfile, type DockerfileLintOptions } from './lint.js';
import { DEFAULT_MAX_BYTES } from './parse.js';

export { DOCKERFILE_CHECKS, dockerfileCheck } from './checks.js';
export { lintDockerfile, type DockerfileLintOptions } from './lint.js';
export { parseDockerfile, type ParseOutcome } from './parse.js';
export type * from './model.js';

/** Extensions after `Dockerfile.` that mark something else (templates, docs, ignore files). */
const NOT_DOCKERFILE_EXT = /\.(dockerignore|md|txt|json|ya?ml|sh|ps1|bak|orig|rej|swp|tmpl|tpl|template|j2|jinja2?|erb|in|m4|sample|example|diff|patch|lock)$/i;

/**
 * Names Docker tools pick up as Dockerfiles: `Dockerfile`, `Containerfile` (any case),
 * `*.Dockerfile`/`*.dockerfile`/`*.Containerfile`, `Dockerfile.*`/`Containerfile.*` (except
 * templates and documentation such as `Dockerfile.template`, `Dockerfile.md`).
 */
export function isDockerfileName(relPath: string): boolean {
  const name = relPath.slice(relPath.lastIndexOf('/') + 1);
  const lower = name.toLowerCase();
  if (lower === 'dockerfile' || lower === 'containerfile') return true;
  if (/\.(dockerfile|containerfile)$/.test(lower)) return true;
  if (/^(dockerfile|containerfile)[.-]/.test(lower)) return !NOT_DOCKERFILE_EXT.test(lower);
  return false;
}

/** Content check for files named explicitly: the first instruction is FROM, or ARG then FROM. */
export function looksLikeDockerfile(text: string): boolean {
  const head = text.slice(0, 64 * 1024);
  const lines = head.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  for (const l of lines.slice(0, 50)) {
    if (/^FROM\s+\S/i.test(l)) return true;
    if (!/^ARG\s+\S/i.test(l)) return false;
  }
  return false;
}

export const dockerfileHandler: ConfigHandler = {
  kind: 'dockerfile',
  checks: DOCKERFILE_CHECKS,
  maxBytes: DEFAULT_MAX_BYTES,
  matchesPath: isDockerfileName,
  sniff: looksLikeDockerfile,
  lint: (text, file, opts) => lintDockerfile(text, file, opts as DockerfileLintOptions),
};

/** Lints one Dockerfile or every Dockerfile below a directory. */
export function lintPath(path: string, opts: ConfigScanOptions = {}): Promise<ConfigScanResult> {
  return scanConfigPath(path, [dockerfileHandler], opts);
}
