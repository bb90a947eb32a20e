/**
 * SLSA provenance v1 predicates (slsa.dev/spec/v1.0/provenance) from the CI context:
 *
 *   GitHub Actions — buildType https://actions.github.io/buildtypes/workflow/v1 (what GitHub's own
 *     attest-build-provenance writes): externalParameters.workflow {ref, repository, path},
 *     internalParameters.github {event_name, repository_id, repository_owner_id, runner_environment},
 *     the source commit as resolved dependency, builder https://github.com/actions/runner/<env>,
 *     invocationId = the run attempt URL.
 *   GitLab CI — buildType after GitLab runner's PROVENANCE.md: externalParameters {source, entryPoint,
 *     variables (ref, pipeline source, tag — never secrets)}, builder = the runner URL, invocationId =
 *     the job URL, startedOn = CI_JOB_STARTED_AT.
 *   generic — buildType https://plimsoll.dev/buildtypes/generic/v1, builder given by --builder-id,
 *     the local git checkout (origin URL without credentials, HEAD commit) as resolved dependency.
 *
 * Extra external parameters and resolved dependencies come from the command line.
 */
import { PlimsollError } from '../../util/errors.js';
import { isDigest } from '../../util/digest.js';
import type { ResourceDescriptor } from '../intoto/resource-descriptor.js';
import { slsaProvenanceV1Problems } from '../intoto/predicates.js';
import { formatProblems } from '../intoto/problems.js';
import type { CiContext } from './ci.js';

export const GITHUB_BUILD_TYPE = 'https://actions.github.io/buildtypes/workflow/v1';
export const GENERIC_BUILD_TYPE = 'https://plimsoll.dev/buildtypes/generic/v1';
export const GENERIC_BUILDER_ID = 'https://plimsoll.dev/builder/local';

export interface ProvenanceOptions {
  builderId?: string;
  buildType?: string;
  externalParameters?: Record<string, string>;
  dependencies?: ResourceDescriptor[];
  startedOn?: string;
  finishedOn?: string;
}

function gitCommitDigest(sha: string | undefined): Record<string, string> | undefined {
  if (!sha) return undefined;
  return /^[0-9a-f]{40}$|^[0-9a-f]{64}$/.test(sha) ? { gitCommit: sha } : undefined;
}

/** "https://example.com/src.tar.gz=sha256:abc…" → resource descriptor */
export function parseDependency(text: string): ResourceDescriptor {
  const eq = text.lastIndexOf('=');
  if (eq <= 0) throw new PlimsollError('USAGE', `--dependency "${text.slice(0, 200)}": expected URI=ALGORITHM:HEX (e.g. git+https://github.com/o/r@refs/tags/v1=gitCommit:<40 hex>)`);
  const uri = text.slice(0, eq);
  const d = text.slice(eq + 1);
  const colon = d.indexOf(':');
  const alg = d.slice(0, colon);
  const hex = d.slice(colon + 1).toLowerCase();
  if (colon <= 0 || !/^[0-9a-f]+$/.test(hex)) throw new PlimsollError('USAGE', `--dependency "${text.slice(0, 200)}": the digest must be ALGORITHM:HEX`);
  if ((alg === 'sha256' || alg === 'sha512') && !isDigest(`${alg}:${hex}`)) throw new PlimsollError('USAGE', `--dependency "${text.slice(0, 200)}": a ${alg} digest has ${alg === 'sha256' ? 64 : 128} hex characters`);
  return { uri, digest: { [alg]: hex } };
}

function rfc3339(s: string | undefined, flag: string): string | undefined {
  if (s === undefined) return undefined;
  const t = Date.parse(s);
  if (Number.isNaN(t)) throw new PlimsollError('USAGE', `${flag} "${s.slice(0, 100)}" is not a date/time (use RFC 3339, e.g. 2024-05-01T12:00:00Z)`);
  return new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function buildProvenance(ci: CiContext, opts: ProvenanceOptions = {}): Record<string, unknown> {
  let buildType: string;
  let builderId: string;
  let external: Record<string, unknown> = {};
  let internal: Record<string, unknown> | undefined;
  const deps: ResourceDescriptor[] = [];
  let invocationId: string | undefined;
  let startedOn: string | undefined;

  switch (ci.kind) {
    case 'github': {
      const repoUrl = `${ci.serverUrl}/${ci.repository}`;
      const path = ci.workflowRef ? ci.workflowRef.replace(/^[^/]+\/[^/]+\//, '').replace(/@.*$/, '') : undefined;
      buildType = GITHUB_BUILD_TYPE;
      builderId = `https://github.com/actions/runner/${ci.runnerEnvironment ?? 'github-hosted'}`;
      external = { workflow: { ...(ci.ref ? { ref: ci.ref } : {}), repository: repoUrl, ...(path ? { path } : {}) } };
      internal = {
        github: {
          ...(ci.eventName ? { event_name: ci.eventName } : {}),
          ...(ci.repositoryId ? { repository_id: ci.repositoryId } : {}),
          ...(ci.repositoryOwnerId ? { repository_owner_id: ci.repositoryOwnerId } : {}),
          ...(ci.runnerEnvironment ? { runner_environment: ci.runnerEnvironment } : {}),
        },
      };
      const d = gitCommitDigest(ci.sha);
      if (d) deps.push({ uri: `git+${repoUrl}${ci.ref ? `@${ci.ref}` : ''}`, digest: d });
      if (ci.runId) invocationId = `${repoUrl}/actions/runs/${ci.runId}${ci.runAttempt ? `/attempts/${ci.runAttempt}` : ''}`;
      break;
    }
    case 'gitlab': {
      buildType = `https://gitlab.com/gitlab-org/gitlab-runner/-/blob/${ci.runnerVersion ? `v${ci.runnerVersion.replace(/^v/, '')}` : 'main'}/PROVENANCE.md`;
      builderId = ci.runnerId ? `${ci.serverUrl ?? 'https://gitlab.com'}/${ci.projectPath ?? ''}/-/runners/${ci.runnerId}` : `${ci.serverUrl ?? 'https://gitlab.com'}/gitlab-runner`;
      external = {
        source: ci.projectUrl,
        ...(ci.jobName ? { entryPoint: ci.jobName } : {}),
        ...(ci.configPath ? { configPath: ci.configPath } : {}),
        variables: { ...(ci.refName ? { CI_COMMIT_REF_NAME: ci.refName } : {}), ...(ci.pipelineSource ? { CI_PIPELINE_SOURCE: ci.pipelineSource } : {}), ...(ci.tag ? { CI_COMMIT_TAG: ci.tag } : {}) },
      };
      internal = { ...(ci.jobId ? { job: ci.jobId } : {}), ...(ci.runnerDescription ? { runner: ci.runnerDescription } : {}) };
      const d = gitCommitDigest(ci.sha);
      if (d) deps.push({ uri: `git+${ci.projectUrl}${ci.refName ? `@${ci.refName}` : ''}`, digest: d });
      invocationId = ci.jobUrl ?? ci.jobId;
      startedOn = ci.jobStartedAt;
      break;
    }
    case 'generic': {
      buildType = GENERIC_BUILD_TYPE;
      builderId = GENERIC_BUILDER_ID;
      if (ci.repository) external = { source: ci.repository, ...(ci.ref ? { ref: ci.ref } : {}) };
      const d = gitCommitDigest(ci.sha);
      if (d) deps.push({ uri: `git+${ci.repository ?? 'local'}${ci.ref ? `@${ci.ref}` : ''}`, digest: d });
      break;
    }
  }
  if (opts.buildType) buildType = opts.buildType;
  if (opts.builderId) builderId = opts.builderId;
  external = { ...external, ...(opts.externalParameters ?? {}) };
  deps.push(...(opts.dependencies ?? []));
  const started = rfc3339(opts.startedOn, '--started-on') ?? rfc3339(startedOn, 'CI_JOB_STARTED_AT');
  const finished = rfc3339(opts.finishedOn, '--finished-on');

  const predicate: Record<string, unknown> = {
    buildDefinition: {
      buildType,
      externalParameters: external,
      ...(internal && Object.keys(internal).length ? { internalParameters: internal } : {}),
      ...(deps.length ? { resolvedDependencies: deps } : {}),
    },
    runDetails: {
      builder: { id: builderId },
      metadata: {
        ...(invocationId ? { invocationId } : {}),
        ...(started ? { startedOn: started } : {}),
        ...(finished ? { finishedOn: finished } : {}),
      },
    },
  };
  const problems = slsaProvenanceV1Problems(predicate);
  if (problems.length) throw new PlimsollError('USAGE', `the provenance would be invalid: ${formatProblems(problems)}`);
  return predicate;
}
