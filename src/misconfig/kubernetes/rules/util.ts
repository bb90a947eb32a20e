/**
 * Defensive readers for untrusted parsed manifests: a field typed `boolean` in ../types.ts may hold
 * a string, a list may be a map. These never throw and never read inherited properties.
 */
import type { RuleMeta, Severity } from '../model.js';

const DOCS = 'https://kubernetes.io/docs/';

export type Obj = Record<string, unknown>;

export function obj(v: unknown): Obj | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
}

export function own(o: unknown, key: string): unknown {
  const m = obj(o);
  return m !== undefined && Object.prototype.hasOwnProperty.call(m, key) ? m[key] : undefined;
}

export function arr(v: unknown): readonly unknown[] {
  return Array.isArray(v) ? v : [];
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Strings of a list (other entries ignored). */
export function strings(v: unknown): string[] {
  return arr(v).filter((x): x is string => typeof x === 'string');
}

/** A map of string values (labels, selectors); non-string values are dropped. */
export function stringMap(v: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const o = obj(v);
  if (o) for (const [k, val] of Object.entries(o)) if (typeof val === 'string' || typeof val === 'number' || typeof val === 'boolean') out.set(k, String(val));
  return out;
}

/** Quote a user-supplied string for a message: JSON-escaped and at most `max` characters. */
export function q(s: string, max = 120): string {
  const t = s.length > max ? `${s.slice(0, max)}…` : s;
  return JSON.stringify(t);
}

/** `Deployment "web" in namespace "prod"` / `ClusterRole "x"`. */
export function describe(kind: string, name: string, namespace: string): string {
  return `${kind} ${q(name || '(unnamed)')}${namespace ? ` in namespace ${q(namespace)}` : ''}`;
}

/** Rule metadata; `references` are kubernetes.io/docs/ paths or full URLs. */
export function rule(
  id: string,
  severity: Severity,
  category: string,
  title: string,
  description: string,
  remediation: string,
  references: readonly string[] = [],
): RuleMeta {
  return Object.freeze({
    id,
    aliases: [],
    severity,
    category,
    title,
    description,
    remediation,
    references: references.map((r) => (/^https?:/.test(r) ? r : DOCS + r)),
  });
}
