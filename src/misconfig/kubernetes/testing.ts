/** Test helpers for the Kubernetes checks (excluded from the build). */
import { checkManifests } from './check.js';
import type { CheckOptions, CheckResult, MisconfigFinding } from './model.js';

/** Checks YAML text given as one file `test.yaml`. */
export function check(yaml: string, options: CheckOptions = {}): CheckResult {
  return checkManifests([{ file: 'test.yaml', text: yaml }], options);
}

/** Findings of one rule. */
export function findings(yaml: string, id: string, options: CheckOptions = {}): MisconfigFinding[] {
  return check(yaml, options).findings.filter((f) => f.id === id);
}

/** A Deployment whose pod spec is `podSpec` (YAML, indented for `spec.template.spec`). */
export function deployment(podSpec: string, opts: { name?: string; namespace?: string; labels?: string } = {}): string {
  const ns = opts.namespace === undefined ? '' : `\n  namespace: ${opts.namespace}`;
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${opts.name ?? 'web'}${ns}
spec:
  selector:
    matchLabels: ${opts.labels ?? '{app: web}'}
  template:
    metadata:
      labels: ${opts.labels ?? '{app: web}'}
    spec:
${podSpec.replace(/^\n/, '').replace(/^/gm, '      ')}
`;
}

/** A container spec that passes every per-container rule, to vary one field at a time. */
export const GOOD_CONTAINER = `name: app
image: registry.example.com/app:1.2.3@sha256:${'a'.repeat(64)}
resources:
  requests: {cpu: 100m, memory: 64Mi}
  limits: {cpu: 500m, memory: 128Mi, ephemeral-storage: 1Gi}
securityContext:
  readOnlyRootFilesystem: true
livenessProbe: {httpGet: {path: /healthz, port: 8080}}
readinessProbe: {httpGet: {path: /ready, port: 8080}}`;

/** `containers:` with one container: GOOD_CONTAINER plus/overridden by `extra` top-level keys. */
export function podWith(extra = '', podFields = ''): string {
  const lines = GOOD_CONTAINER.split('\n');
  const extraKeys = new Set(extra.split('\n').filter((l) => /^\S/.test(l)).map((l) => l.split(':')[0]));
  // Drop GOOD_CONTAINER blocks whose top-level key `extra` overrides.
  const kept: string[] = [];
  let skipping = false;
  for (const l of lines) {
    if (/^\S/.test(l)) skipping = extraKeys.has(l.split(':')[0]!);
    if (!skipping) kept.push(l);
  }
  const container = [...kept, ...(extra ? extra.split('\n') : [])];
  return `${podFields ? `${podFields}\n` : ''}automountServiceAccountToken: false
containers:
- ${container.join('\n  ')}`;
}
