/** Building findings (the shared MisconfigFinding) from rule metadata and a located field. */
import type { MisconfigFinding } from '../../findings.js';
import type { ObjectRef, RuleMeta } from '../model.js';

/** A field of an object, located in the source (made while the object is visited). */
export interface Anchor {
  readonly ref: ObjectRef;
  /** Object-relative field path. */
  readonly path: string;
  readonly line?: number;
}

/** Which object each finding belongs to (findings made in `visit` are reported in `finish`). */
const owners = new WeakMap<MisconfigFinding, ObjectRef>();

export function ownerOf(finding: MisconfigFinding): ObjectRef | undefined {
  return owners.get(finding);
}

type TargetObject = NonNullable<MisconfigFinding['target']['object']>;

/** One frozen `target.object` per object, shared by all its findings. */
const targetObjects = new WeakMap<ObjectRef, TargetObject>();

let lastRef: ObjectRef | undefined;
let lastTarget: TargetObject | undefined;

function targetObject(ref: ObjectRef): TargetObject {
  if (ref === lastRef) return lastTarget!; // findings come in runs per object
  let o = targetObjects.get(ref);
  if (!o) {
    const t: TargetObject = { apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, index: ref.document };
    if (ref.namespace !== '') t.namespace = ref.namespace;
    targetObjects.set(ref, (o = Object.freeze(t)));
  }
  lastRef = ref;
  lastTarget = o;
  return o;
}

/** Descriptions quote user data (names, PSS details listing every container); keep them readable. */
const MAX_DESCRIPTION = 2000;

export function findingAt(anchor: Anchor, rule: RuleMeta, description: string, evidence?: string): MisconfigFinding {
  const ref = anchor.ref;
  const object = targetObject(ref);
  const f: MisconfigFinding = {
    id: rule.id,
    severity: rule.severity,
    title: rule.title,
    description: description.length > MAX_DESCRIPTION ? `${description.slice(0, MAX_DESCRIPTION)}…` : description,
    remediation: rule.remediation,
    target: {
      file: ref.file,
      ...(anchor.line !== undefined ? { line: anchor.line } : {}),
      path: anchor.path,
      object,
    },
  };
  if (rule.aliases.length > 0) f.aliases = [...rule.aliases];
  if (evidence !== undefined) f.evidence = evidence.length > 300 ? `${evidence.slice(0, 300)}…` : evidence;
  owners.set(f, ref);
  return f;
}
