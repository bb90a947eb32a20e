/**
 * Namespace-level rules ("this namespace has no ResourceQuota / default-deny NetworkPolicy") report
 * on one object per namespace: the Namespace object when it is among the inputs, otherwise the
 * first workload in that namespace.
 */
import type { MisconfigFinding, RuleMeta } from '../model.js';
import { findingAt, type Anchor } from './finding.js';
import type { ObjectContext } from './types.js';
import { q } from './util.js';

export interface NamespaceAnchor {
  readonly namespace: string;
  /** `has 3 workloads (Deployment/web, StatefulSet/db, Job/migrate)`, or `is declared` for a Namespace without workloads. */
  summary(): string;
  finding(rule: RuleMeta, message: string): MisconfigFinding;
}

/** `namespace "prod"`, or a description of objects that name no namespace. */
export function namespaceLabel(ns: string): string {
  return ns === '' ? 'the namespace of objects without metadata.namespace' : `namespace ${q(ns)}`;
}

interface Entry {
  anchor: Anchor;
  /** The anchor is the Namespace object itself. */
  isNamespace: boolean;
  workloads: string[];
  count: number;
}

const LISTED = 3;

/** Tracks namespaces that hold workloads, and where to report on each. */
export class NamespaceAnchors {
  private readonly entries = new Map<string, Entry>();
  private readonly namespaceObjects = new Map<string, Anchor>();

  visit(ctx: ObjectContext): void {
    const { kind, name, namespace } = ctx.ref;
    if (kind === 'Namespace' && ctx.ref.apiVersion === 'v1') {
      const anchor = ctx.at('metadata.name');
      if (!this.namespaceObjects.has(name)) this.namespaceObjects.set(name, anchor);
      const e = this.entries.get(name);
      if (e && !e.isNamespace) {
        e.anchor = anchor;
        e.isNamespace = true;
      }
      if (!e) this.entries.set(name, { anchor, isNamespace: true, workloads: [], count: 0 });
      return;
    }
    if (!ctx.template) return;
    let e = this.entries.get(namespace);
    if (!e) {
      const nsObject = this.namespaceObjects.get(namespace);
      e = {
        anchor: nsObject ?? ctx.at(namespace === '' ? 'metadata' : 'metadata.namespace'),
        isNamespace: nsObject !== undefined,
        workloads: [],
        count: 0,
      };
      this.entries.set(namespace, e);
    }
    e.count++;
    if (e.workloads.length < LISTED) e.workloads.push(`${kind}/${name || '(unnamed)'}`);
  }

  /**
   * Namespaces with workloads, in order of first appearance; with `declared`, also namespaces
   * declared by a Namespace object that holds no workload among the inputs.
   */
  all(declared = false): NamespaceAnchor[] {
    return [...this.entries.entries()]
      .filter(([, e]) => e.count > 0 || declared)
      .map(([namespace, e]) => ({
        namespace,
        summary: () =>
          e.count === 0
            ? 'is declared'
            : `has ${e.count} workload${e.count === 1 ? '' : 's'} (${e.workloads.join(', ')}${e.count > e.workloads.length ? ', …' : ''})`,
        finding: (rule, message) => findingAt(e.anchor, rule, message),
      }));
  }
}
