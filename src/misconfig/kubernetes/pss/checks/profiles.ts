/**
 * AppArmor and seccomp profile checks (annotations and securityContext fields).
 * Semantics and messages follow pod-security-admission's check_appArmorProfile.go and
 * check_seccompProfile_{baseline,restricted}.go.
 */
import {
  annotationPath,
  containersPhrase,
  containerSCPath,
  goQuote,
  joinQuote,
  obj,
  own,
  pluralize,
  podSCPath,
  sortedSet,
  str,
  type PodContext,
} from '../context.js';
import type { CheckFailure, CheckFn } from '../model.js';

const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

function allowedAppArmorAnnotation(v: string): boolean {
  return v === '' || v === 'runtime/default' || v.startsWith('localhost/');
}

function allowedProfileType(t: unknown): boolean {
  return t === 'RuntimeDefault' || t === 'Localhost';
}

/**
 * appArmorProfile (1.0+, one revision that covers both channels at every version):
 * securityContext.appArmorProfile.type (pod and containers) must be RuntimeDefault or Localhost;
 * the deprecated `container.apparmor.security.beta.kubernetes.io/*` annotations must be empty,
 * `runtime/default` or `localhost/*`.
 */
export function appArmorProfile(ctx: PodContext): CheckFailure | null {
  let setters: string[] | undefined;
  let badValues: string[] | undefined;
  let paths: string[] | undefined;
  const podProfile = obj(own(ctx.podSC, 'appArmorProfile'));
  if (podProfile && !allowedProfileType(own(podProfile, 'type'))) {
    (setters ??= []).push('pod');
    (badValues ??= []).push(str(own(podProfile, 'type')));
    (paths ??= []).push(podSCPath(ctx, 'appArmorProfile.type'));
  }
  let bad: string[] | undefined;
  for (const ref of ctx.containers) {
    const profile = obj(own(ref.sc, 'appArmorProfile'));
    if (!profile || allowedProfileType(own(profile, 'type'))) continue;
    (bad ??= []).push(ref.name);
    (badValues ??= []).push(str(own(profile, 'type')));
    (paths ??= []).push(containerSCPath(ctx, ref, 'appArmorProfile.type'));
  }
  if (bad) (setters ??= []).push(containersPhrase(bad));

  let annotations: string[] | undefined;
  let annotationKeys: string[] | undefined;
  if (ctx.annotations) {
    for (const key of Object.keys(ctx.annotations)) {
      if (!key.startsWith(APPARMOR_ANNOTATION_PREFIX)) continue;
      const value = str(ctx.annotations[key]);
      if (allowedAppArmorAnnotation(value)) continue;
      (annotations ??= []).push(`${key}=${goQuote(value)}`);
      (annotationKeys ??= []).push(key);
    }
  }
  const values = badValues ? sortedSet(badValues) : [];
  if (annotations) {
    annotations.sort();
    values.push(...annotations);
    (setters ??= []).push(pluralize('annotation', 'annotations', annotations.length));
    for (const key of annotationKeys!.sort()) (paths ??= []).push(annotationPath(ctx, key));
  }
  if (!setters) return null;
  return {
    reason: pluralize('forbidden AppArmor profile', 'forbidden AppArmor profiles', values.length),
    detail: `${setters.join(' and ')} must not set AppArmor profile type to ${joinQuote(values)}`,
    fieldPaths: paths!,
  };
}

const SECCOMP_POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const SECCOMP_CONTAINER_ANNOTATION_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';

function validSeccompAnnotation(v: string): boolean {
  return v === 'runtime/default' || v === 'docker/default' || v.startsWith('localhost/');
}

function validSeccompType(t: unknown): boolean {
  return t === 'Localhost' || t === 'RuntimeDefault';
}

/**
 * seccompProfile_baseline (1.0 – 1.18): the alpha seccomp annotations, if present, must be
 * `runtime/default`, `docker/default` or `localhost/*` (the pod annotation and one per container).
 */
export function seccompProfileBaseline_1_0(ctx: PodContext): CheckFailure | null {
  const ann = ctx.annotations;
  if (!ann) return null;
  let forbidden: string[] | undefined;
  let paths: string[] | undefined;
  for (let i = -1; i < ctx.containers.length; i++) {
    const key = i < 0 ? SECCOMP_POD_ANNOTATION : SECCOMP_CONTAINER_ANNOTATION_PREFIX + ctx.containers[i]!.name;
    if (!Object.prototype.hasOwnProperty.call(ann, key)) continue;
    const v = str(ann[key]);
    if (validSeccompAnnotation(v)) continue;
    (forbidden ??= []).push(`${key}=${goQuote(v)}`);
    (paths ??= []).push(annotationPath(ctx, key));
  }
  if (!forbidden) return null;
  const list = sortedSet(forbidden);
  return {
    reason: 'seccompProfile',
    detail: `forbidden ${pluralize('annotation', 'annotations', list.length)} ${list.join(', ')}`,
    fieldPaths: sortedSet(paths!),
  };
}

/** Shared body of the field-based seccomp checks; `required` makes an unset profile a failure. */
function seccompFields(ctx: PodContext, required: boolean): CheckFailure | null {
  let setters: string[] | undefined;
  let badValues: string[] | undefined;
  let paths: string[] | undefined;
  let podSet = false;
  const podProfile = obj(own(ctx.podSC, 'seccompProfile'));
  if (podProfile) {
    if (!validSeccompType(own(podProfile, 'type'))) {
      (setters ??= []).push('pod');
      (badValues ??= []).push(str(own(podProfile, 'type')));
      (paths ??= []).push(podSCPath(ctx, 'seccompProfile.type'));
    } else {
      podSet = true;
    }
  }
  let explicit: string[] | undefined;
  let implicit: string[] | undefined;
  let implicitPaths: string[] | undefined;
  for (const ref of ctx.containers) {
    const profile = obj(own(ref.sc, 'seccompProfile'));
    if (profile) {
      if (validSeccompType(own(profile, 'type'))) continue;
      (explicit ??= []).push(ref.name);
      (badValues ??= []).push(str(own(profile, 'type')));
      (paths ??= []).push(containerSCPath(ctx, ref, 'seccompProfile.type'));
    } else if (required && !podSet) {
      (implicit ??= []).push(ref.name);
      (implicitPaths ??= []).push(containerSCPath(ctx, ref, 'seccompProfile.type'));
    }
  }
  if (explicit) (setters ??= []).push(containersPhrase(explicit));
  if (setters) {
    return {
      reason: 'seccompProfile',
      detail: `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(badValues!))}`,
      fieldPaths: paths!,
    };
  }
  if (implicit) {
    return {
      reason: 'seccompProfile',
      detail: `pod or ${containersPhrase(implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
      fieldPaths: [podSCPath(ctx, 'seccompProfile.type'), ...implicitPaths!],
    };
  }
  return null;
}

/** seccompProfile_baseline (1.19+): seccompProfile.type, where set, must be RuntimeDefault or Localhost. */
export const seccompProfileBaseline_1_19: CheckFn = (ctx) => seccompFields(ctx, false);

/**
 * seccompProfile_restricted (1.19+): the pod, or every container, must set seccompProfile.type to
 * RuntimeDefault or Localhost (and nothing may set another value). Overrides the baseline check.
 */
export const seccompProfileRestricted_1_19: CheckFn = (ctx) => seccompFields(ctx, true);

/** seccompProfile_restricted (1.25+): Windows pods are exempt. */
export const seccompProfileRestricted_1_25: CheckFn = (ctx) => (ctx.windows ? null : seccompFields(ctx, true));
