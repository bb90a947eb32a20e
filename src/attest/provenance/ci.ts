/**
 * What the CI environment says about the running build, read from the variables each system sets.
 * Only identifying, non-secret variables are read (never tokens, never the whole environment);
 * URLs are stripped of user info before they go into a provenance document.
 */
import { spawnSync } from 'node:child_process';

export type CiContext =
  | {
      kind: 'github';
      serverUrl: string;
      repository: string;
      ref?: string;
      sha?: string;
      workflowRef?: string;
      eventName?: string;
      repositoryId?: string;
      repositoryOwnerId?: string;
      runnerEnvironment?: string;
      runId?: string;
      runAttempt?: string;
    }
  | {
      kind: 'gitlab';
      projectUrl: string;
      serverUrl?: string;
      projectPath?: string;
      jobName?: string;
      jobId?: string;
      jobUrl?: string;
      jobStartedAt?: string;
      pipelineSource?: string;
      refName?: string;
      sha?: string;
      tag?: string;
      runnerId?: string;
      runnerVersion?: string;
      runnerDescription?: string;
      configPath?: string;
    }
  | { kind: 'generic'; repository?: string; sha?: string; ref?: string };

/** Remove user:password@ from a URL (CI clone URLs often embed a token). */
export function stripUserInfo(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, url.endsWith('/') ? '/' : '');
  } catch {
    return url.replace(/\/\/[^/@]*@/, '//');
  }
}

function v(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const x = env[name];
  return x === undefined || x === '' ? undefined : x;
}

function git(args: string[], cwd: string): string | undefined {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] });
  return r.status === 0 ? r.stdout.trim() || undefined : undefined;
}

export function detectCi(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): CiContext {
  if (env.GITHUB_ACTIONS === 'true') {
    const serverUrl = stripUserInfo(v(env, 'GITHUB_SERVER_URL') ?? 'https://github.com');
    return {
      kind: 'github',
      serverUrl,
      repository: v(env, 'GITHUB_REPOSITORY') ?? '',
      ...opt('ref', v(env, 'GITHUB_REF')),
      ...opt('sha', v(env, 'GITHUB_SHA')),
      ...opt('workflowRef', v(env, 'GITHUB_WORKFLOW_REF')),
      ...opt('eventName', v(env, 'GITHUB_EVENT_NAME')),
      ...opt('repositoryId', v(env, 'GITHUB_REPOSITORY_ID')),
      ...opt('repositoryOwnerId', v(env, 'GITHUB_REPOSITORY_OWNER_ID')),
      ...opt('runnerEnvironment', v(env, 'RUNNER_ENVIRONMENT')),
      ...opt('runId', v(env, 'GITHUB_RUN_ID')),
      ...opt('runAttempt', v(env, 'GITHUB_RUN_ATTEMPT')),
    };
  }
  if (env.GITLAB_CI === 'true') {
    return {
      kind: 'gitlab',
      projectUrl: stripUserInfo(v(env, 'CI_PROJECT_URL') ?? ''),
      ...opt('serverUrl', v(env, 'CI_SERVER_URL') && stripUserInfo(v(env, 'CI_SERVER_URL')!)),
      ...opt('projectPath', v(env, 'CI_PROJECT_PATH')),
      ...opt('jobName', v(env, 'CI_JOB_NAME')),
      ...opt('jobId', v(env, 'CI_JOB_ID')),
      ...opt('jobUrl', v(env, 'CI_JOB_URL') && stripUserInfo(v(env, 'CI_JOB_URL')!)),
      ...opt('jobStartedAt', v(env, 'CI_JOB_STARTED_AT')),
      ...opt('pipelineSource', v(env, 'CI_PIPELINE_SOURCE')),
      ...opt('refName', v(env, 'CI_COMMIT_REF_NAME')),
      ...opt('sha', v(env, 'CI_COMMIT_SHA')),
      ...opt('tag', v(env, 'CI_COMMIT_TAG')),
      ...opt('runnerId', v(env, 'CI_RUNNER_ID')),
      ...opt('runnerVersion', v(env, 'CI_RUNNER_VERSION')),
      ...opt('runnerDescription', v(env, 'CI_RUNNER_DESCRIPTION')),
      ...opt('configPath', v(env, 'CI_CONFIG_PATH')),
    };
  }
  // generic: what the local git checkout says, if there is one
  const sha = git(['rev-parse', 'HEAD'], cwd);
  const remote = git(['remote', 'get-url', 'origin'], cwd);
  const ref = git(['symbolic-ref', '-q', 'HEAD'], cwd);
  return { kind: 'generic', ...opt('repository', remote && stripUserInfo(remote)), ...opt('sha', sha), ...opt('ref', ref) };
}

function opt<K extends string>(k: K, val: string | undefined): Partial<Record<K, string>> {
  return val === undefined ? {} : ({ [k]: val } as Record<K, string>);
}
