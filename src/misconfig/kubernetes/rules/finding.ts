/** Building findings from rule metadata and a located field. */
import type { K8sFinding, ObjectRef, RuleMeta } from '../model.js';

/** A field of an object, located in the source (made while the object is visited). */
export interface Anchor {
  readonly ref: ObjectRef;
  readonly path: string;
  readonly line?: number;
}

export function findingAt(anchor: Anchor, rule: RuleMeta, message: string, evidence?: string): K8sFinding {
  const f: {
    -readonly [K in keyof K8sFinding]: K8sFinding[K];
  } = {
    ruleId: rule.id,
    severity: rule.severity,
    title: rule.title,
    message,
    remediation: rule.remediation,
    category: rule.category,
    object: anchor.ref,
    path: anchor.path,
  };
  if (anchor.line !== undefined) f.line = anchor.line;
  if (evidence !== undefined) f.evidence = evidence;
  return f;
}
