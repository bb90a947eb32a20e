/**
 * Minimal typed model of the Kubernetes core/v1 (and workload) objects plimsoll inspects.
 *
 * Only the fields the misconfiguration checks read are modelled; every field is optional and
 * `null`-able because the objects come from user-supplied YAML/JSON (manifests, Helm output,
 * admission requests). Code that consumes these types must still treat them as untrusted: a
 * field typed `boolean` may hold a string in a hostile or broken manifest. The Pod Security
 * evaluator (./pss) reads them defensively for that reason.
 *
 * Field names follow the Kubernetes JSON (camelCase) wire format, so a parsed manifest can be
 * used directly.
 */

/** `metadata` of any object (subset of meta/v1 ObjectMeta). */
export interface ObjectMeta {
  name?: string | null;
  namespace?: string | null;
  labels?: Record<string, string> | null;
  annotations?: Record<string, string> | null;
  [key: string]: unknown;
}

export interface SELinuxOptions {
  user?: string | null;
  role?: string | null;
  type?: string | null;
  level?: string | null;
}

/** `Unconfined` | `RuntimeDefault` | `Localhost` (others are invalid but may appear). */
export type SeccompProfileType = 'Unconfined' | 'RuntimeDefault' | 'Localhost' | (string & {});

export interface SeccompProfile {
  type?: SeccompProfileType | null;
  localhostProfile?: string | null;
}

/** `Unconfined` | `RuntimeDefault` | `Localhost` (others are invalid but may appear). */
export type AppArmorProfileType = 'Unconfined' | 'RuntimeDefault' | 'Localhost' | (string & {});

export interface AppArmorProfile {
  type?: AppArmorProfileType | null;
  localhostProfile?: string | null;
}

export interface WindowsSecurityContextOptions {
  gmsaCredentialSpecName?: string | null;
  gmsaCredentialSpec?: string | null;
  runAsUserName?: string | null;
  hostProcess?: boolean | null;
}

export interface Capabilities {
  add?: string[] | null;
  drop?: string[] | null;
}

/** Container-level securityContext (core/v1 SecurityContext). */
export interface SecurityContext {
  capabilities?: Capabilities | null;
  privileged?: boolean | null;
  seLinuxOptions?: SELinuxOptions | null;
  windowsOptions?: WindowsSecurityContextOptions | null;
  runAsUser?: number | null;
  runAsGroup?: number | null;
  runAsNonRoot?: boolean | null;
  readOnlyRootFilesystem?: boolean | null;
  allowPrivilegeEscalation?: boolean | null;
  /** `Default` | `Unmasked` */
  procMount?: string | null;
  seccompProfile?: SeccompProfile | null;
  appArmorProfile?: AppArmorProfile | null;
}

export interface Sysctl {
  name?: string | null;
  value?: string | null;
}

/** Pod-level securityContext (core/v1 PodSecurityContext). */
export interface PodSecurityContext {
  seLinuxOptions?: SELinuxOptions | null;
  windowsOptions?: WindowsSecurityContextOptions | null;
  runAsUser?: number | null;
  runAsGroup?: number | null;
  runAsNonRoot?: boolean | null;
  supplementalGroups?: number[] | null;
  fsGroup?: number | null;
  sysctls?: Sysctl[] | null;
  seccompProfile?: SeccompProfile | null;
  appArmorProfile?: AppArmorProfile | null;
}

export interface ContainerPort {
  name?: string | null;
  hostPort?: number | null;
  containerPort?: number | null;
  protocol?: string | null;
  hostIP?: string | null;
}

export interface HTTPGetAction {
  path?: string | null;
  port?: number | string | null;
  host?: string | null;
  scheme?: string | null;
}

export interface TCPSocketAction {
  port?: number | string | null;
  host?: string | null;
}

/** Probe handler (exec / httpGet / tcpSocket / grpc) plus timing fields. */
export interface Probe {
  exec?: { command?: string[] | null } | null;
  httpGet?: HTTPGetAction | null;
  tcpSocket?: TCPSocketAction | null;
  grpc?: { port?: number | null; service?: string | null } | null;
  [key: string]: unknown;
}

export interface LifecycleHandler {
  exec?: { command?: string[] | null } | null;
  httpGet?: HTTPGetAction | null;
  /** Deprecated in the API but still accepted, and still checked by Pod Security. */
  tcpSocket?: TCPSocketAction | null;
  sleep?: { seconds?: number | null } | null;
}

export interface Lifecycle {
  postStart?: LifecycleHandler | null;
  preStop?: LifecycleHandler | null;
}

export interface Container {
  name?: string | null;
  image?: string | null;
  ports?: ContainerPort[] | null;
  securityContext?: SecurityContext | null;
  livenessProbe?: Probe | null;
  readinessProbe?: Probe | null;
  startupProbe?: Probe | null;
  lifecycle?: Lifecycle | null;
  /** Native sidecars (`Always`) are ordinary init containers to Pod Security. */
  restartPolicy?: string | null;
  [key: string]: unknown;
}

/** Ephemeral containers share the Container shape (EphemeralContainerCommon). */
export interface EphemeralContainer extends Container {
  targetContainerName?: string | null;
}

/**
 * A volume: `name` plus exactly one volume source key (`emptyDir`, `hostPath`, `configMap`, ...).
 * Sources are kept open-ended: Pod Security only needs to know which key is set.
 */
export interface Volume {
  name?: string | null;
  hostPath?: { path?: string | null; type?: string | null } | null;
  emptyDir?: Record<string, unknown> | null;
  [source: string]: unknown;
}

export interface PodOS {
  /** `linux` | `windows` */
  name?: string | null;
}

export interface PodSpec {
  volumes?: Volume[] | null;
  initContainers?: Container[] | null;
  containers?: Container[] | null;
  ephemeralContainers?: EphemeralContainer[] | null;
  hostNetwork?: boolean | null;
  hostPID?: boolean | null;
  hostIPC?: boolean | null;
  /** `false` puts the pod in a user namespace (KEP-127). */
  hostUsers?: boolean | null;
  securityContext?: PodSecurityContext | null;
  os?: PodOS | null;
  runtimeClassName?: string | null;
  [key: string]: unknown;
}

export interface PodTemplateSpec {
  metadata?: ObjectMeta | null;
  spec?: PodSpec | null;
}

/** Any Kubernetes object: apiVersion/kind/metadata plus an untyped remainder. */
export interface KubernetesObject {
  apiVersion?: string | null;
  kind?: string | null;
  metadata?: ObjectMeta | null;
  [key: string]: unknown;
}

export interface Pod extends KubernetesObject {
  spec?: PodSpec | null;
}

/** Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, ReplicationController. */
export interface TemplatedWorkload extends KubernetesObject {
  spec?: { template?: PodTemplateSpec | null; [key: string]: unknown } | null;
}

export interface CronJob extends KubernetesObject {
  spec?: {
    jobTemplate?: { metadata?: ObjectMeta | null; spec?: { template?: PodTemplateSpec | null; [key: string]: unknown } | null } | null;
    [key: string]: unknown;
  } | null;
}

export interface PodTemplate extends KubernetesObject {
  template?: PodTemplateSpec | null;
}
