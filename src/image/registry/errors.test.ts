import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorFromResponse, parseErrorBody } from './errors.js';

test('parses the OCI error body', () => {
  assert.deepEqual(parseErrorBody('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{"Tag":"x"}}]}'), [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }]);
  assert.deepEqual(parseErrorBody('not json'), []);
  assert.deepEqual(parseErrorBody('{"errors":"x"}'), []);
  assert.deepEqual(parseErrorBody('{"errors":[null,1,{"code":5}]}'), [{ code: 'UNKNOWN', message: '' }]);
  assert.deepEqual(parseErrorBody('{"error":"invalid_grant","error_description":"bad token"}'), [{ code: 'INVALID_GRANT', message: 'bad token' }]);
});

test('maps statuses and codes to error codes with registry and repo in the message', () => {
  const nf = errorFromResponse(404, '{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}', { registry: 'ghcr.io', repository: 'o/r', action: 'fetching manifest v1' });
  assert.equal(nf.code, 'NOT_FOUND');
  assert.match(nf.message, /registry ghcr\.io\/o\/r: fetching manifest v1 failed \(HTTP 404\): MANIFEST_UNKNOWN: manifest unknown/);
  const auth = errorFromResponse(401, '{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}', { registry: 'docker.io', repository: 'library/x', action: 'a', authHint: 'docker-credential-desktop is not installed' });
  assert.equal(auth.code, 'REGISTRY_AUTH');
  assert.match(auth.message, /docker login/);
  assert.match(auth.message, /docker-credential-desktop is not installed/);
  const denied = errorFromResponse(403, '', { registry: 'r', action: 'a', authenticated: true });
  assert.equal(denied.code, 'REGISTRY_AUTH');
  assert.match(denied.message, /rejected/);
  assert.equal(errorFromResponse(500, '<html>', { registry: 'r', action: 'a' }).code, 'REGISTRY_ERROR');
  assert.match(errorFromResponse(429, '', { registry: 'r', action: 'a' }).message, /rate limiting/);
  assert.equal(errorFromResponse(400, '{"errors":[{"code":"BLOB_UNKNOWN"}]}', { registry: 'r', action: 'a' }).code, 'NOT_FOUND');
});

test('registry text is sanitized and bounded', () => {
  const e = parseErrorBody(JSON.stringify({ errors: [{ code: 'X\u001b[31m', message: 'a\u001b]0;evil\u0007' + 'm'.repeat(1000) }] }));
  assert.ok(!/[\u0000-\u001f]/.test(e[0]!.code + e[0]!.message));
  assert.ok(e[0]!.message.length <= 301);
  assert.equal(parseErrorBody(JSON.stringify({ errors: Array(100).fill({ code: 'A' }) })).length, 5);
});
