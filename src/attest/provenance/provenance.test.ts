import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectCi, stripUserInfo } from './ci.js';
import { buildProvenance, parseDependency, GENERIC_BUILD_TYPE } from './slsa.js';
import { slsaProvenanceV1Problems } from '../intoto/predicates.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';

test('GitHub Actions environment → workflow build type, commit dependency, run attempt invocation', () => {
  const ci = detectCi({
    GITHUB_ACTIONS: 'true',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'acme/app',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_SHA: SHA,
    GITHUB_WORKFLOW_REF: 'acme/app/.github/workflows/build.yml@refs/heads/main',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_REPOSITORY_ID: '42',
    GITHUB_REPOSITORY_OWNER_ID: '7',
    RUNNER_ENVIRONMENT: 'github-hosted',
    GITHUB_RUN_ID: '1000',
    GITHUB_RUN_ATTEMPT: '2',
    GITHUB_TOKEN: 'ghs_secret',
  });
  const p = buildProvenance(ci, { finishedOn: '2024-05-01T12:00:00Z', startedOn: '2024-05-01T11:59:00.123Z' }) as any;
  assert.deepEqual(slsaProvenanceV1Problems(p), []);
  assert.equal(p.buildDefinition.buildType, 'https://actions.github.io/buildtypes/workflow/v1');
  assert.deepEqual(p.buildDefinition.externalParameters, { workflow: { ref: 'refs/heads/main', repository: 'https://github.com/acme/app', path: '.github/workflows/build.yml' } });
  assert.deepEqual(p.buildDefinition.internalParameters.github, { event_name: 'push', repository_id: '42', repository_owner_id: '7', runner_environment: 'github-hosted' });
  assert.deepEqual(p.buildDefinition.resolvedDependencies, [{ uri: 'git+https://github.com/acme/app@refs/heads/main', digest: { gitCommit: SHA } }]);
  assert.equal(p.runDetails.builder.id, 'https://github.com/actions/runner/github-hosted');
  assert.deepEqual(p.runDetails.metadata, { invocationId: 'https://github.com/acme/app/actions/runs/1000/attempts/2', startedOn: '2024-05-01T11:59:00Z', finishedOn: '2024-05-01T12:00:00Z' });
  assert.ok(!JSON.stringify(p).includes('ghs_secret'));
});

test('GitLab CI environment → runner builder, job URL invocation, start time, no secrets', () => {
  const ci = detectCi({
    GITLAB_CI: 'true',
    CI_SERVER_URL: 'https://gitlab.example.com',
    CI_PROJECT_URL: 'https://gitlab-ci-token:glcbt-secret@gitlab.example.com/grp/app',
    CI_PROJECT_PATH: 'grp/app',
    CI_JOB_NAME: 'build',
    CI_JOB_ID: '99',
    CI_JOB_URL: 'https://gitlab.example.com/grp/app/-/jobs/99',
    CI_JOB_STARTED_AT: '2024-05-01T10:00:00Z',
    CI_PIPELINE_SOURCE: 'push',
    CI_COMMIT_REF_NAME: 'main',
    CI_COMMIT_SHA: SHA,
    CI_RUNNER_ID: '5',
    CI_RUNNER_VERSION: '16.11.0',
    CI_JOB_TOKEN: 'glcbt-secret',
  });
  const p = buildProvenance(ci, { externalParameters: { image: 'app:1' } }) as any;
  assert.deepEqual(slsaProvenanceV1Problems(p), []);
  assert.equal(p.buildDefinition.buildType, 'https://gitlab.com/gitlab-org/gitlab-runner/-/blob/v16.11.0/PROVENANCE.md');
  assert.equal(p.runDetails.builder.id, 'https://gitlab.example.com/grp/app/-/runners/5');
  assert.equal(p.buildDefinition.externalParameters.source, 'https://gitlab.example.com/grp/app');
  assert.equal(p.buildDefinition.externalParameters.entryPoint, 'build');
  assert.equal(p.buildDefinition.externalParameters.image, 'app:1');
  assert.deepEqual(p.buildDefinition.resolvedDependencies, [{ uri: 'git+https://gitlab.example.com/grp/app@main', digest: { gitCommit: SHA } }]);
  assert.equal(p.runDetails.metadata.invocationId, 'https://gitlab.example.com/grp/app/-/jobs/99');
  assert.equal(p.runDetails.metadata.startedOn, '2024-05-01T10:00:00Z');
  assert.ok(!JSON.stringify(p).includes('glcbt-secret'));
});

test('generic: local git checkout (credentials stripped), flags for builder, dependencies', () => {
  const dir = mkdtempSync(join(tmpdir(), 'prov-'));
  try {
    const ci = detectCi({}, dir); // not a git checkout
    assert.deepEqual(ci, { kind: 'generic' });
    const p = buildProvenance(ci, { builderId: 'https://ci.example.com/b', dependencies: [parseDependency(`https://example.com/src.tgz=sha256:${'b'.repeat(64)}`)] }) as any;
    assert.deepEqual(slsaProvenanceV1Problems(p), []);
    assert.equal(p.buildDefinition.buildType, GENERIC_BUILD_TYPE);
    assert.equal(p.runDetails.builder.id, 'https://ci.example.com/b');
    assert.deepEqual(p.buildDefinition.resolvedDependencies, [{ uri: 'https://example.com/src.tgz', digest: { sha256: 'b'.repeat(64) } }]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(stripUserInfo('https://user:tok@github.com/o/r.git'), 'https://github.com/o/r.git');
  assert.throws(() => parseDependency('nope'), /URI=ALGORITHM:HEX/);
  assert.throws(() => parseDependency('u=sha256:abc'), /64 hex/);
  assert.throws(() => buildProvenance({ kind: 'generic' }, { startedOn: 'yesterday' }), /not a date/);
});
