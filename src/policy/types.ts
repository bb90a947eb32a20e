/**
 * Shared types of the Kyverno-compatible policy engine.
 *
 * Policies and resources are untrusted parsed YAML/JSON, so they are typed as `Json` and read
 * defensively. Compiled forms (see load.ts) hold precompiled patterns, JMESPath ASTs and
 * templates so an evaluation never re-parses anything that is fixed in the policy.
 */

export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

/** Outcome of one rule on one resource (policy report vocabulary). */
export type RuleStatus = 'pass' | 'fail' | 'skip' | 'error' | 'warn';

export type FailureAction = 'Audit' | 'Enforce';

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

/** Who made the (simulated) admission request. */
export interface AdmissionInfo {
  username?: string;
  uid?: string;
  groups?: string[];
  roles?: string[];
  clusterRoles?: string[];
}

/** One step of an --explain trace: which part of the rule decided and why. */
export interface TraceEntry {
  step: string;
  detail: string;
}

export interface RuleResponse {
  rule: string;
  /** Engine status; `warn` only appears after report mapping (policies.kyverno.io/scored: "false"). */
  status: Exclude<RuleStatus, 'warn'>;
  message: string;
  failureAction: FailureAction;
  /** Present when evaluation was run with explain enabled. */
  trace?: TraceEntry[];
  /** Pod Security checks that failed (podSecurity rules). */
  podSecurityChecks?: { check: string; reason: string; detail: string }[];
  /** Set when a PolicyException turned the rule into a skip. */
  exception?: string;
}

/** A parsed Kubernetes object with its identity pulled out once. */
export interface Resource {
  object: JsonObject;
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string;
  /** Where it came from (file path, `-`), for messages. */
  source?: string;
}

/**
 * Everything about one simulated admission request besides the policy: the object, the old
 * object for UPDATE/DELETE, who sent it, and values supplied by a test (variables that
 * override context entries, namespace labels for namespaceSelector).
 */
export interface EvalRequest {
  resource: Resource;
  oldObject?: JsonObject | null;
  operation?: Operation;
  userInfo?: AdmissionInfo;
  namespaceLabels?: Record<string, string>;
  /** Extra JSON-context variables (dotted keys allowed: `request.operation`). */
  variables?: Record<string, Json>;
  /** Per-rule variables (test values for one rule; they also stand in for its context entries). */
  ruleVariables?: Record<string, Record<string, Json>>;
  /** Overrides the group/version/kind used for matching (subresources). */
  gvk?: { group: string; version: string; kind: string };
  subresource?: string;
  /** Offline data source for configMap / apiCall / globalReference context entries. */
  dataSource?: ContextDataSource;
  /** Record an explanation trace for every rule. */
  explain?: boolean;
}

/** Resolves context entries without a cluster (test-supplied data). */
export interface ContextDataSource {
  /** A ConfigMap by namespace/name, or undefined when unknown. */
  configMap?(namespace: string, name: string): JsonObject | undefined;
  /** An API GET (urlPath like /api/v1/namespaces/x/pods) or undefined when unknown. */
  apiGet?(urlPath: string): Json | undefined;
  /** An external service call by URL (apiCall.service). */
  serviceCall?(url: string, method: string, body: Json): Json | undefined;
  /** A global context entry by name. */
  globalReference?(name: string): Json | undefined;
}

export interface PolicyResponse {
  policy: string;
  /** namespace of a namespaced Policy, '' for ClusterPolicy */
  policyNamespace: string;
  resource: Resource;
  rules: RuleResponse[];
  /** Rules that exist (incl. autogen) but did not match this resource. */
  notMatched: string[];
}
