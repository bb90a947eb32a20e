/**
 * Kubernetes Pod Security Standards (baseline / restricted) evaluator — the same checks, field
 * coverage, per-version behaviour and messages as Kubernetes' pod-security-admission library.
 *
 * Typical use:
 *   const t = extractPodTemplate(manifest);            // ../workloads.js
 *   if (t) {
 *     const r = evaluatePod(t, 'restricted', 'latest', t);
 *     if (!r.allowed) console.log(podSecurityMessage(r, 'restricted', 'latest'));
 *   }
 */
export {
  evaluatePod,
  checksFor,
  checkCatalog,
  forbiddenReason,
  forbiddenDetail,
  podSecurityMessage,
  type PodSpecHolder,
  type EvaluateOptions,
  type MessageOptions,
  type CheckInfo,
} from './evaluate.js';
export type { PssResult, PssViolation } from './model.js';
export { MAX_MINOR, PSS_LEVELS, resolveMinor, type PssLevel } from './version.js';
export { SAFE_SYSCTLS } from './checks/sysctls.js';
