/**
 * Kubernetes manifest checks: public API.
 *
 *   checkManifests(inputs, opts)     → { objects, findings, errors } for YAML/JSON manifest texts
 *   readManifestInputs(paths, opts)  → files, directories and `-` (stdin) read into inputs
 *   kubernetesHandler                → the `plimsoll config` handler (lint one file, lintMany all)
 *   KUBERNETES_RULES                 → every rule (PLM-K8S-NNN and PLM-K8S-PSS-<check>)
 */
export { checkManifests, validateCheckOptions, IGNORE_ANNOTATION } from './check.js';
export { readManifestInputs, parseManifest, DEFAULT_LIMITS, isManifestFileName, type ManifestInput, type LoadLimits, type LoadedObject } from './load.js';
export {
  kubernetesHandler,
  lintManifests,
  parsePssFlag,
  isKubernetesCandidate,
  looksLikeKubernetes,
  type KubernetesHandler,
  type KubernetesScanOptions,
  type KubernetesFileResult,
} from './handler.js';
export { KUBERNETES_RULES, kubernetesRule } from './rules/index.js';
export type * from './model.js';
