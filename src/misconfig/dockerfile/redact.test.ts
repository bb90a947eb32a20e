import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evidence, hasUrlCredentials, isSecretName, looksLikeSecretValue, redactText, redactValue } from './redact.js';
import { isDockerfileName, looksLikeDockerfile } from './index.js';

test('secret names', () => {
  for (const n of ['PASSWORD', 'DB_PASSWORD', 'db-passwd', 'MYSQL_ROOT_PASSWORD', 'GITHUB_TOKEN', 'NPM_TOKEN', 'API_KEY', 'apiKey', 'x-api-key', 'AWS_SECRET_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SESSION_TOKEN', 'PRIVATE_KEY', 'CLIENT_SECRET', 'DB_PWD', 'REDIS_PASS', 'SSH_PASSPHRASE', 'GOOGLE_CREDENTIALS']) {
    assert.ok(isSecretName(n), n);
  }
  for (const n of ['PWD', 'OLDPWD', 'PATH', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'PASSWORD_FILE', 'TOKEN_URL', 'SECRET_NAME', 'TOKENIZERS_PARALLELISM', 'KEY', 'PASS_THROUGH', 'PASSWORD_MIN_LENGTH', 'PUBLIC_KEY_PATH', 'DB_USER']) {
    assert.ok(!isSecretName(n), n);
  }
});

test('secret-shaped values', () => {
  assert.ok(looksLikeSecretValue('AKIA' + 'ABCDEFGHIJKLMNOP'));
  assert.ok(looksLikeSecretValue('ghp_' + 'a'.repeat(36)));
  assert.ok(looksLikeSecretValue('-----BEGIN RSA PRIVATE KEY-----'));
  assert.ok(!looksLikeSecretValue('3.12.1'));
});

test('redaction never shows a whole value', () => {
  assert.equal(redactValue('short'), '****');
  assert.equal(redactValue('a-much-longer-secret'), 'a-****');
  assert.equal(redactValue('$TOKEN'), '$TOKEN');
  assert.equal(redactValue(redactValue('a-much-longer-secret')), 'a-****');
  assert.equal(redactText('git clone https://bob:hunter2@git.example/x'), 'git clone https://bob:****@git.example/x');
  assert.equal(redactText('DB_PASSWORD="correct horse" other=1'), 'DB_PASSWORD="co****" other=1');
  assert.equal(redactText('docker login --password s3cretvalue123'), 'docker login --password s3****');
  assert.equal(redactText('curl -H "Authorization: Bearer abcdefghijklmnopqrst"'), 'curl -H "Authorization: Bearer ab****"');
  assert.ok(!redactText('key AKIAABCDEFGHIJKLMNOP here').includes('ABCDEFGHIJKLMNOP'));
  assert.ok(hasUrlCredentials('postgres://u:p@h/db'));
  assert.ok(!hasUrlCredentials('https://$USER:$PASS@h/x'));
  assert.ok(!hasUrlCredentials('https://example.com/a@b'));
  assert.equal(evidence('RUN a \\\n  && b'), 'RUN a \\ ⏎ && b');
  assert.equal(evidence('x'.repeat(500)).length, 200);
});

test('Dockerfile names and content sniffing', () => {
  for (const n of ['Dockerfile', 'dockerfile', 'a/b/Dockerfile', 'Containerfile', 'api.Dockerfile', 'x.dockerfile', 'Dockerfile.prod', 'Dockerfile-dev', 'Containerfile.arm64']) assert.ok(isDockerfileName(n), n);
  for (const n of ['Dockerfile.template', 'Dockerfile.md', 'Dockerfile.dockerignore', 'Dockerfile.j2', 'README.md', 'docker-compose.yml', 'Dockerfiles', 'myDockerfile.txt']) assert.ok(!isDockerfileName(n), n);
  assert.ok(looksLikeDockerfile('# c\n\nARG A=1\nFROM alpine\n'));
  assert.ok(!looksLikeDockerfile('apiVersion: v1\nkind: Pod\n'));
  assert.ok(!looksLikeDockerfile('RUN x\nFROM a\n'));
});
