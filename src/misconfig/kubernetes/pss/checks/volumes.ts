/**
 * restrictedVolumes (restricted, 1.0+): only ephemeral/projected-style and PVC volume sources are
 * allowed (pod-security-admission check_restrictedVolumes.go). Overrides baseline hostPathVolumes.
 */
import { arr, isSet, joinQuote, obj, own, pluralize, sortedSet, str, type Obj, type PodContext } from '../context.js';
import type { CheckFailure } from '../model.js';

/** Volume sources the restricted profile allows (`image` was added upstream in 1.33, at policy v1.0). */
const ALLOWED = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'image',
  'persistentVolumeClaim',
  'projected',
  'secret',
] as const;

/**
 * Restricted sources, in upstream's switch order: the first one set names the volume's type in
 * the message (the JSON field name, which is also upstream's message name).
 */
const RESTRICTED = [
  'hostPath',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'nfs',
  'iscsi',
  'glusterfs',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'fc',
  'azureFile',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'portworxVolume',
  'scaleIO',
  'storageos',
] as const;

/**
 * Classifies one volume: `null` if allowed, else its restricted type name (a source field name or
 * "unknown").
 *
 * A volume naming no source at all is allowed: the API server defaults it to `emptyDir: {}`
 * before admission (SetDefaults_Volume), which is why upstream's restricted pass fixtures
 * contain `- name: volume0`. A volume whose only source key is one we do not know is reported
 * as upstream's "unknown" type — conservative for sources added after this table.
 */
function classify(v: Obj | undefined): string | null {
  if (!v) return null; // a non-object list entry has no source: defaulted to emptyDir
  for (const key of ALLOWED) if (isSet(own(v, key))) return null;
  for (const key of RESTRICTED) if (isSet(own(v, key))) return key;
  for (const key of Object.keys(v)) if (key !== 'name' && isSet(v[key])) return UNKNOWN;
  return null;
}

const UNKNOWN = 'unknown';

export function restrictedVolumes(ctx: PodContext): CheckFailure | null {
  const volumes = arr(own(ctx.spec, 'volumes'));
  let names: string[] | undefined;
  let types: string[] | undefined;
  let paths: string[] | undefined;
  for (let i = 0; i < volumes.length; i++) {
    const v = obj(volumes[i]);
    const bad = classify(v);
    if (!bad) continue;
    (names ??= []).push(str(own(v, 'name')));
    (types ??= []).push(bad);
    (paths ??= []).push(bad === UNKNOWN ? `${ctx.specPath}.volumes[${i}]` : `${ctx.specPath}.volumes[${i}].${bad}`);
  }
  if (!names) return null;
  const typeList = sortedSet(types!);
  return {
    reason: 'restricted volume types',
    detail:
      `${pluralize('volume', 'volumes', names.length)} ${joinQuote(names)} ${pluralize('uses', 'use', names.length)} ` +
      `${pluralize('restricted volume type', 'restricted volume types', typeList.length)} ${joinQuote(typeList)}`,
    fieldPaths: paths!,
  };
}
