/**
 * Runtime hygiene: health probes, immutable configuration, and secrets written into manifests.
 */
import type { Collector, ObjectContext, RuleModule } from './types.js';
import { arr, describe, obj, own, q, rule, str } from './util.js';
import { redact } from './redact.js';
import { findingAt } from './finding.js';
import type { MisconfigFinding } from '../model.js';

const CAT = 'hygiene';

export const NO_LIVENESS = rule(
  'PLM-K8S-050', 'low', CAT,
  'Container has no liveness probe',
  'Without a liveness probe a hung process keeps its pod "Running" forever; Kubernetes only restarts containers that exit.',
  'Add a livenessProbe (httpGet, tcpSocket, grpc or exec) that fails when the process can no longer make progress.',
  ['tasks/configure-pod-container/configure-liveness-readiness-startup-probes/'],
);
export const NO_READINESS = rule(
  'PLM-K8S-051', 'low', CAT,
  'Container has no readiness probe',
  'Without a readiness probe a pod receives Service traffic as soon as it starts, before it can serve it, and keeps receiving it while overloaded or broken.',
  'Add a readinessProbe that succeeds only when the container can serve requests.',
  ['tasks/configure-pod-container/configure-liveness-readiness-startup-probes/'],
);
export const MUTABLE_CONFIG = rule(
  'PLM-K8S-052', 'info', CAT,
  'Referenced ConfigMap or Secret is not immutable',
  'A mutable ConfigMap/Secret can be changed under running pods (volume contents update live), so what runs differs from what was deployed and reviewed; immutable ones also spare the API server a watch per pod.',
  'Set immutable: true and roll out changes by creating a new, versioned ConfigMap/Secret name.',
  ['concepts/configuration/configmap/#configmap-immutable'],
);
export const ENV_SECRET = rule(
  'PLM-K8S-053', 'high', CAT,
  'Secret passed as a literal environment variable',
  'A secret written as an env `value:` is stored in plain text in the manifest, in version control, in the object on the API server (readable by anyone who can read the workload) and in `kubectl describe` output.',
  'Store the value in a Secret and reference it with env[].valueFrom.secretKeyRef (or mount it as a file); rotate the exposed secret.',
  ['concepts/configuration/secret/#good-practices'],
);

/** Workloads that run until stopped; Jobs run to completion and need no probes. */
const LONG_RUNNING = new Set(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'PodTemplate']);

function probes(ctx: ObjectContext): void {
  if (!ctx.template || !LONG_RUNNING.has(ctx.ref.kind)) return;
  for (const c of ctx.containers) {
    if (c.group !== 'containers') continue;
    const who = `${c.label} of ${describe(ctx.ref.kind, ctx.ref.name, ctx.ref.namespace)}`;
    if (!obj(own(c.container, 'livenessProbe'))) ctx.report(NO_LIVENESS, c.path, `${who} has no livenessProbe`);
    if (!obj(own(c.container, 'readinessProbe'))) ctx.report(NO_READINESS, c.path, `${who} has no readinessProbe`);
  }
}

// Env var names that hold secrets: a secret-ish word as a whole `_`/`-`-separated component (or the
// camelCase end of the name) — `DB_PASSWORD`, `apiKey`, `GITHUB_TOKEN`, `AWS_SECRET_ACCESS_KEY`.
const SECRET_WORDS =
  /(?:^|[_\-.])(?:PASSWORD|PASSWD|PASSPHRASE|PWD|PASS|SECRET|SECRETS|TOKEN|APIKEY|API_KEY|ACCESS_KEY|SECRET_KEY|PRIVATE_KEY|PRIVATEKEY|CLIENT_SECRET|CREDENTIALS?|AUTH_KEY|SIGNING_KEY|ENCRYPTION_KEY|MASTER_KEY|CONNECTION_STRING|DSN)(?:$|[_\-.])/;
// Names that mention a secret but hold something else: a path, a reference, a setting.
const NOT_A_SECRET = /(?:^|[_\-.])(?:FILE|PATH|DIR|NAME|REF|URL|URI|ENDPOINT|ID|TTL|EXPIRY|EXPIRES|EXPIRATION|TIMEOUT|LENGTH|SIZE|ENABLED|DISABLED|ENABLE|TYPE|MODE|HEADER|FIELD|KEY_ID|ROTATION|VERSION|PROVIDER|AUDIENCE|ISSUER|SCOPE)$/;

/** Camel-case to upper snake: `dbPassword` -> `DB_PASSWORD`. */
function normalizeName(name: string): string {
  return /[a-z]/.test(name) ? name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase() : name;
}

export function looksLikeSecretName(name: string): boolean {
  const n = normalizeName(name);
  return SECRET_WORDS.test(n) && !NOT_A_SECRET.test(n);
}

/** Values that are clearly not secrets: empty, booleans, `$(VAR)` references, placeholders. */
function isPlaceholder(value: string): boolean {
  const v = value.trim();
  if (v.length < 4) return true;
  if (/^(?:true|false|yes|no|on|off|null|none|changeme|change-me|redacted|xxx+|\*+)$/i.test(v)) return true;
  if (/^\$\([A-Za-z_][A-Za-z0-9_]*\)$/.test(v)) return true; // Kubernetes env expansion of another var
  if (/^\$\{[^}]*\}$/.test(v) || /^<[^>]*>$/.test(v) || /^\{\{.*\}\}$/.test(v)) return true; // template leftovers
  return false;
}

function envSecrets(ctx: ObjectContext): void {
  for (const c of ctx.containers) {
    const env = arr(own(c.container, 'env'));
    for (let i = 0; i < env.length; i++) {
      const name = str(own(env[i], 'name'));
      const value = own(env[i], 'value');
      if (name === undefined || typeof value !== 'string' || !looksLikeSecretName(name) || isPlaceholder(value)) continue;
      ctx.report(
        ENV_SECRET,
        `${c.path}.env[${i}].value`,
        `${c.label} of ${describe(ctx.ref.kind, ctx.ref.name, ctx.ref.namespace)} sets ${q(name, 80)} to a literal value`,
        `${name.slice(0, 80)}=${redact(value)}`,
      );
    }
  }
}

interface ConfigRef {
  readonly kind: 'ConfigMap' | 'Secret';
  readonly name: string;
  /** `Deployment/web (volume "config")` */
  readonly from: string;
}

/** Names of ConfigMaps/Secrets a pod spec uses: volumes, projected volumes, env, envFrom. */
function configRefs(ctx: ObjectContext): ConfigRef[] {
  const out: ConfigRef[] = [];
  const spec = ctx.podSpec;
  const owner = `${ctx.ref.kind}/${ctx.ref.name || '(unnamed)'}`;
  const add = (kind: ConfigRef['kind'], name: unknown, how: string): void => {
    if (typeof name === 'string' && name !== '') out.push({ kind, name, from: `${owner} (${how})` });
  };
  for (const v of arr(own(spec, 'volumes'))) {
    const vn = str(own(v, 'name')) ?? '?';
    add('ConfigMap', own(own(v, 'configMap'), 'name'), `volume ${q(vn, 40)}`);
    add('Secret', own(own(v, 'secret'), 'secretName'), `volume ${q(vn, 40)}`);
    for (const s of arr(own(own(v, 'projected'), 'sources'))) {
      add('ConfigMap', own(own(s, 'configMap'), 'name'), `projected volume ${q(vn, 40)}`);
      add('Secret', own(own(s, 'secret'), 'name'), `projected volume ${q(vn, 40)}`);
    }
  }
  for (const c of ctx.containers) {
    const cn = str(own(c.container, 'name')) ?? '?';
    for (const e of arr(own(c.container, 'env'))) {
      const vf = own(e, 'valueFrom');
      add('ConfigMap', own(own(vf, 'configMapKeyRef'), 'name'), `env of ${q(cn, 40)}`);
      add('Secret', own(own(vf, 'secretKeyRef'), 'name'), `env of ${q(cn, 40)}`);
    }
    for (const e of arr(own(c.container, 'envFrom'))) {
      add('ConfigMap', own(own(e, 'configMapRef'), 'name'), `envFrom of ${q(cn, 40)}`);
      add('Secret', own(own(e, 'secretRef'), 'name'), `envFrom of ${q(cn, 40)}`);
    }
  }
  return out;
}

const MAX_LISTED = 3;

function immutableCollector(): Collector {
  /** `${kind}\0${namespace}\0${name}` -> who references it */
  const refs = new Map<string, string[]>();
  const configs: Array<{ key: string; make: (from: string[]) => MisconfigFinding }> = [];
  return {
    visit(ctx) {
      const { kind, apiVersion, namespace, name } = ctx.ref;
      if ((kind === 'ConfigMap' || kind === 'Secret') && apiVersion === 'v1') {
        if (own(ctx.object, 'immutable') === true) return;
        const anchor = ctx.at(own(ctx.object, 'immutable') !== undefined ? 'immutable' : 'metadata.name');
        const who = describe(kind, name, namespace);
        configs.push({
          key: `${kind}\0${namespace}\0${name}`,
          make: (from) => {
            const listed = from.slice(0, MAX_LISTED).join(', ') + (from.length > MAX_LISTED ? `, and ${from.length - MAX_LISTED} more` : '');
            return findingAt(anchor, MUTABLE_CONFIG, `${who} is used by ${listed} but is not immutable`);
          },
        });
        return;
      }
      if (!ctx.template) return;
      for (const r of configRefs(ctx)) {
        const key = `${r.kind}\0${namespace}\0${r.name}`;
        let list = refs.get(key);
        if (!list) refs.set(key, (list = []));
        if (list.length <= MAX_LISTED * 4) list.push(r.from);
      }
    },
    finish(emit) {
      for (const c of configs) {
        const from = refs.get(c.key);
        if (from) emit(c.make([...new Set(from)]));
      }
    },
  };
}

export const hygieneModule: RuleModule = {
  rules: [NO_LIVENESS, NO_READINESS, MUTABLE_CONFIG, ENV_SECRET],
  object(ctx) {
    probes(ctx);
    envSecrets(ctx);
  },
  collector: immutableCollector,
};
