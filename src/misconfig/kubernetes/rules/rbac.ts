/**
 * Privileged RBAC: Roles/ClusterRoles that grant everything, read secrets, or let their holder
 * gain more rights (escalate, bind, impersonate), and bindings to cluster-admin.
 */
import type { ObjectContext, RuleModule } from './types.js';
import { arr, describe, own, q, rule, str, strings } from './util.js';

const CAT = 'rbac';

export const WILDCARD = rule(
  'PLM-K8S-030', 'high', CAT,
  'Role grants wildcard verbs or resources',
  '`*` in verbs or resources grants every current and future permission of that kind, including ones added by later API versions and CRDs.',
  'List the verbs and resources the subject needs explicitly.',
  ['concepts/security/rbac-good-practices/'],
);
export const SECRETS_READ = rule(
  'PLM-K8S-031', 'high', CAT,
  'Role can read Secrets',
  'get, list or watch on secrets discloses every credential in scope (service account tokens, registry and TLS keys, application passwords); list and watch return their contents too.',
  'Remove read access to secrets, or limit it to `get` on specific resourceNames.',
  ['concepts/security/rbac-good-practices/#listing-secrets'],
);
export const CLUSTER_ADMIN = rule(
  'PLM-K8S-032', 'critical', CAT,
  'Binding grants cluster-admin',
  'cluster-admin allows every action on every resource; whoever holds a bound subject\'s credentials controls the cluster (or the whole namespace, for a RoleBinding).',
  'Bind a Role/ClusterRole with only the permissions the subject needs.',
  ['reference/access-authn-authz/rbac/#user-facing-roles'],
);
export const ESCALATION_VERBS = rule(
  'PLM-K8S-033', 'high', CAT,
  'Role allows privilege escalation (escalate, bind or impersonate)',
  '`escalate` lets the holder grant roles with permissions it lacks, `bind` lets it bind any role, `impersonate` lets it act as other users, groups or service accounts — each is a path to cluster-admin.',
  'Remove the escalate, bind and impersonate verbs; grant the needed permissions directly.',
  ['concepts/security/rbac-good-practices/#escalate-verb'],
);

const READ_VERBS = new Set(['get', 'list', 'watch', '*']);
const ESCALATING = ['escalate', 'bind', 'impersonate'];

function isRbac(apiVersion: string): boolean {
  return apiVersion.startsWith('rbac.authorization.k8s.io/');
}

function roles(ctx: ObjectContext): void {
  const who = describe(ctx.ref.kind, ctx.ref.name, ctx.ref.namespace);
  const rules = arr(own(ctx.object, 'rules'));
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i];
    const verbs = strings(own(r, 'verbs'));
    const resources = strings(own(r, 'resources'));
    const apiGroups = own(r, 'apiGroups') === undefined ? [''] : strings(own(r, 'apiGroups'));
    const base = `rules[${i}]`;
    const wildVerbs = verbs.includes('*');
    const wildResources = resources.includes('*');
    if (wildVerbs || wildResources) {
      const what = [wildVerbs ? 'verbs' : '', wildResources ? 'resources' : ''].filter(Boolean).join(' and ');
      ctx.report(
        WILDCARD,
        `${base}.${wildVerbs ? 'verbs' : 'resources'}`,
        `${who} grants "*" ${what} (rule ${i}: verbs ${JSON.stringify(verbs)} on resources ${JSON.stringify(resources)} in apiGroups ${JSON.stringify(apiGroups)})`,
        `verbs: ${JSON.stringify(verbs)}, resources: ${JSON.stringify(resources)}`,
      );
    }
    const coreGroup = apiGroups.includes('') || apiGroups.includes('*');
    const readVerbs = verbs.filter((v) => READ_VERBS.has(v));
    if (coreGroup && resources.includes('secrets') && readVerbs.length > 0) {
      const named = strings(own(r, 'resourceNames'));
      // `get` on named secrets is the least-privilege way to read one secret.
      const onlyNamedGet = named.length > 0 && readVerbs.every((v) => v === 'get');
      if (!onlyNamedGet) {
        ctx.report(
          SECRETS_READ,
          `${base}.resources`,
          `${who} can ${readVerbs.join('/')} secrets${named.length ? ` (${named.length} named)` : ''}`,
          `verbs: ${JSON.stringify(verbs)}, resources: ${JSON.stringify(resources)}`,
        );
      }
    }
    const esc = ESCALATING.filter((v) => verbs.includes(v));
    if (esc.length > 0) {
      ctx.report(
        ESCALATION_VERBS,
        `${base}.verbs`,
        `${who} grants ${esc.join(', ')} on ${resources.length ? resources.join(', ') : '(no resources)'}`,
        `verbs: ${JSON.stringify(verbs)}`,
      );
    }
  }
}

function bindings(ctx: ObjectContext): void {
  const roleRef = own(ctx.object, 'roleRef');
  if (str(own(roleRef, 'kind')) !== 'ClusterRole' || str(own(roleRef, 'name')) !== 'cluster-admin') return;
  const subjects = arr(own(ctx.object, 'subjects'))
    .map((s) => `${str(own(s, 'kind')) ?? '?'} ${q(str(own(s, 'name')) ?? '?', 60)}`)
    .slice(0, 5);
  const scope = ctx.ref.kind === 'ClusterRoleBinding' ? 'the whole cluster' : `namespace ${q(ctx.ref.namespace || '(unset)')}`;
  ctx.report(
    CLUSTER_ADMIN,
    'roleRef.name',
    `${describe(ctx.ref.kind, ctx.ref.name, ctx.ref.namespace)} gives cluster-admin over ${scope} to ${subjects.length ? subjects.join(', ') : 'no subjects yet'}`,
    'roleRef: ClusterRole/cluster-admin',
  );
}

export const rbacModule: RuleModule = {
  rules: [WILDCARD, SECRETS_READ, CLUSTER_ADMIN, ESCALATION_VERBS],
  object(ctx) {
    if (!isRbac(ctx.ref.apiVersion)) return;
    const k = ctx.ref.kind;
    if (k === 'Role' || k === 'ClusterRole') roles(ctx);
    else if (k === 'RoleBinding' || k === 'ClusterRoleBinding') bindings(ctx);
  },
};
