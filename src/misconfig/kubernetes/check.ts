/**
 * `checkManifests`: parse the inputs, run every rule on every object (and the Pod Security
 * Standards evaluator on every pod template when asked), and return the objects with their
 * findings plus per-file/per-document errors.
 *
 * Objects are processed one document at a time: a document's syntax tree (needed for source lines)
 * and parsed value are dropped once its objects were visited; rules that look across objects keep
 * only the little they need. Memory follows the results, not the input.
 */
import { checksFor } from './pss/index.js';
import { extractPodTemplate } from './workloads.js';
import type { Container, PodSpec } from './types.js';
import { parseManifest, type LoadedObject, type ManifestInput } from './load.js';
import { checkMatches, compareFindings } from '../findings.js';
import type { CheckedObject, CheckOptions, CheckResult, ManifestError, MisconfigFinding, ObjectRef, RuleMeta } from './model.js';
import { MODULES } from './rules/index.js';
import { checkPss } from './rules/pss.js';
import { findingAt, ownerOf, type Anchor } from './rules/finding.js';
import type { Collector, ContainerGroup, ContainerInfo, ObjectContext } from './rules/types.js';
import { arr, obj, own, q, str } from './rules/util.js';

const GROUPS: ReadonlyArray<[ContainerGroup, string]> = [
  ['initContainers', 'init container'],
  ['containers', 'container'],
  ['ephemeralContainers', 'ephemeral container'],
];

/** Containers per group a pod template may have before the rest are skipped (real pods have a few). */
export const MAX_CONTAINERS = 1000;
/** Findings kept per object; a hostile object could otherwise produce millions. */
export const MAX_FINDINGS_PER_OBJECT = 1000;

function containersOf(spec: PodSpec | null, specPath: string): { list: ContainerInfo[]; skipped: number } {
  const out: ContainerInfo[] = [];
  let skipped = 0;
  if (!spec) return { list: out, skipped };
  for (const [group, word] of GROUPS) {
    const list = arr(own(spec, group));
    skipped += Math.max(0, list.length - MAX_CONTAINERS);
    for (let i = 0; i < list.length && i < MAX_CONTAINERS; i++) {
      const c = obj(list[i]);
      if (!c) continue;
      const name = str(own(c, 'name'));
      out.push({
        container: c as Container,
        group,
        index: i,
        path: `${specPath}.${group}[${i}]`,
        label: name ? `${word} ${q(name, 80)}` : `${word} #${i}`,
      });
    }
  }
  return { list: out, skipped };
}

/**
 * Annotation on an object listing rule ids (comma-separated) it is exempt from, e.g.
 * `plimsoll.dev/ignore: PLM-K8S-023` on a CNI DaemonSet that needs hostNetwork.
 */
export const IGNORE_ANNOTATION = 'plimsoll.dev/ignore';

function ignoreAnnotation(object: unknown): string[] {
  const v = own(own(own(object, 'metadata'), 'annotations'), IGNORE_ANNOTATION);
  return typeof v === 'string' ? v.split(',').map((x) => x.trim()).filter((x) => x !== '') : [];
}

/** Validates options up front so a bad `--pss` fails before any input is read. */
export function validateCheckOptions(options: CheckOptions): void {
  if (options.pss) checksFor(options.pss.level, options.pss.version); // throws PlimsollError(USAGE)
}

/**
 * Checks Kubernetes manifests. Never throws for bad input (it becomes `errors`); throws
 * PlimsollError(USAGE) for invalid options.
 */
export function checkManifests(inputs: readonly ManifestInput[], options: CheckOptions = {}): CheckResult {
  validateCheckOptions(options);
  const collectors: Collector[] = [];
  for (const m of MODULES) if (m.collector) collectors.push(m.collector(options));
  const objects: CheckedObject[] = [];
  const byRef = new Map<ObjectRef, CheckedObject>();
  const errors: ManifestError[] = [];
  /** Rule ids an object opts out of with the `plimsoll.dev/ignore` annotation. */
  const optOuts = new Map<CheckedObject, string[]>();

  const ruleFailed = (ref: ObjectRef, e: unknown): void => {
    // A rule must never throw on hostile input; if one does, say so and keep going.
    errors.push({
      file: ref.file,
      document: ref.document,
      ...(ref.item !== undefined ? { item: ref.item } : {}),
      ...(ref.line !== undefined ? { line: ref.line } : {}),
      code: 'CHECK_FAILED',
      message: `document ${ref.document}: ${ref.kind} ${q(ref.name)}: a check failed unexpectedly (please report this bug): ${(e as Error)?.message ?? String(e)}`,
    });
  };

  const limitError = (ref: ObjectRef, message: string): void => {
    errors.push({
      file: ref.file,
      document: ref.document,
      ...(ref.item !== undefined ? { item: ref.item } : {}),
      ...(ref.line !== undefined ? { line: ref.line } : {}),
      code: 'TOO_LARGE',
      message: `document ${ref.document}: ${message}`,
    });
  };

  const visit = (loaded: LoadedObject): void => {
    const ref = loaded.ref;
    const checked: CheckedObject = { ...ref, findings: [] };
    objects.push(checked);
    byRef.set(ref, checked);
    const ignore = ignoreAnnotation(loaded.object);
    if (ignore.length > 0) optOuts.set(checked, ignore);
    const template = extractPodTemplate(loaded.object);
    const podSpec = template ? ((obj(template.spec) as PodSpec | undefined) ?? null) : null;
    const at = (path: string): Anchor => {
      const line = loaded.locate(path);
      return line === undefined ? { ref, path } : { ref, path, line };
    };
    const containers = template ? containersOf(podSpec, template.specPath) : { list: [], skipped: 0 };
    if (containers.skipped > 0) {
      limitError(ref, `${ref.kind} ${q(ref.name)} has more than ${MAX_CONTAINERS} containers in one list; ${containers.skipped} were not checked`);
    }
    // Findings made for this object (reported now or kept by collectors for later), capped.
    let made = 0;
    const make = (rule: RuleMeta, path: string, message: string, evidence?: string): MisconfigFinding | undefined => {
      if (++made > MAX_FINDINGS_PER_OBJECT) {
        if (made === MAX_FINDINGS_PER_OBJECT + 1) {
          limitError(ref, `${ref.kind} ${q(ref.name)} produced more than ${MAX_FINDINGS_PER_OBJECT} findings; the rest were dropped`);
        }
        return undefined;
      }
      return findingAt(at(path), rule, message, evidence);
    };
    const ctx: ObjectContext = {
      ref,
      object: loaded.object,
      loaded,
      template,
      podSpec,
      containers: containers.list,
      options,
      at,
      finding: make,
      report: (rule, path, message, evidence) => {
        const f = make(rule, path, message, evidence);
        if (f) checked.findings.push(f);
      },
    };
    for (const m of MODULES) {
      if (!m.object) continue;
      try {
        m.object(ctx);
      } catch (e) {
        ruleFailed(ref, e);
      }
    }
    for (const c of collectors) {
      try {
        c.visit(ctx);
      } catch (e) {
        ruleFailed(ref, e);
      }
    }
    if (options.pss && template) {
      try {
        const report = checkPss(ctx, options.pss.level, options.pss.version);
        if (report) checked.pss = report;
      } catch (e) {
        ruleFailed(ref, e);
      }
    }
  };

  for (const input of inputs) {
    for (const result of parseManifest(input, options.limits)) {
      if ('error' in result) errors.push(result.error);
      else for (const loaded of result.objects) visit(loaded);
    }
  }

  const emit = (f: MisconfigFinding): void => {
    const owner = ownerOf(f);
    if (owner) byRef.get(owner)?.findings.push(f);
  };
  for (const c of collectors) c.finish(emit);

  for (const [o, ids] of optOuts) o.findings = o.findings.filter((f) => !ids.some((id) => checkMatches(f, id)));
  const findings: MisconfigFinding[] = [];
  for (const o of objects) {
    o.findings.sort(compareFindings);
    for (const f of o.findings) findings.push(f);
  }
  findings.sort(compareFindings);
  return { objects, findings, errors };
}
