/** The registry of Kubernetes rule modules. Adding a rule area touches this list only. */
import type { RuleMeta } from '../model.js';
import type { RuleModule } from './types.js';
import { resourcesModule } from './resources.js';
import { imagesModule } from './images.js';
import { privilegeModule } from './privilege.js';
import { rbacModule } from './rbac.js';
import { networkModule } from './network.js';
import { hygieneModule } from './hygiene.js';
import { PSS_RULES } from './pss.js';

export const MODULES: readonly RuleModule[] = [resourcesModule, imagesModule, privilegeModule, rbacModule, networkModule, hygieneModule];

/** Every rule (PLM-K8S-NNN, then the Pod Security checks), for `--list-rules`, docs and SARIF. */
export const KUBERNETES_RULES: readonly RuleMeta[] = Object.freeze([...MODULES.flatMap((m) => m.rules), ...PSS_RULES]);

const BY_ID = new Map(KUBERNETES_RULES.map((r) => [r.id, r]));

export function kubernetesRule(id: string): RuleMeta | undefined {
  return BY_ID.get(id);
}
