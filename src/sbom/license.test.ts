import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { andAll, classifyLicense, isExceptionId, parseLicenseExpression, spdxLicenseId } from './license.js';

const spdxEnumPath = fileURLToPath(new URL('../../../shared/corpora/cyclonedx/schema/spdx.schema.json', import.meta.url));

test('bare SPDX ids are recognised case-insensitively and written canonically', () => {
  assert.deepEqual(classifyLicense('MIT'), { kind: 'id', id: 'MIT' });
  assert.deepEqual(classifyLicense(' apache-2.0 '), { kind: 'id', id: 'Apache-2.0' });
  assert.deepEqual(classifyLicense('(MIT)'), { kind: 'id', id: 'MIT' });
  // deprecated ids are still on the list
  assert.deepEqual(classifyLicense('GPL-2.0+'), { kind: 'id', id: 'GPL-2.0+' });
  assert.equal(spdxLicenseId('Classpath-exception-2.0'), undefined, 'an exception is not a license id');
});

test('compound expressions parse and are normalised', () => {
  const c = classifyLicense('mit or apache-2.0');
  assert.equal(c.kind, 'expression');
  assert.equal(c.kind === 'expression' && c.expression, 'MIT OR Apache-2.0');
  assert.equal(parseLicenseExpression('GPL-2.0-only WITH Classpath-exception-2.0')?.normalized, 'GPL-2.0-only WITH Classpath-exception-2.0');
  assert.equal(parseLicenseExpression('(MIT OR Apache-2.0) AND BSD-3-Clause')?.normalized, '(MIT OR Apache-2.0) AND BSD-3-Clause');
  assert.equal(parseLicenseExpression('MIT AND BSD-2-Clause OR ISC')?.normalized, '(MIT AND BSD-2-Clause) OR ISC');
  assert.equal(parseLicenseExpression('Apache-2.0+')?.normalized, 'Apache-2.0+');
  const ref = parseLicenseExpression('LicenseRef-acme-eula OR MIT');
  assert.deepEqual(ref?.licenseRefs, ['LicenseRef-acme-eula']);
});

test('non-SPDX text is free text', () => {
  for (const s of ['Apache 2.0', 'GPL-2+', 'BSD-like', 'MIT AND', 'MIT WITH Apache-2.0', '(MIT', 'DocumentRef-x:LicenseRef-y', 'Public Domain', 'ünïcödé', '']) {
    assert.equal(classifyLicense(s).kind, 'text', s);
  }
  assert.equal(parseLicenseExpression('('.repeat(200) + 'MIT' + ')'.repeat(200)), undefined, 'absurd nesting is rejected, not a stack overflow');
});

test('andAll parenthesises compound members', () => {
  assert.equal(andAll(['MIT']), 'MIT');
  assert.equal(andAll(['MIT', 'Apache-2.0 OR ISC']), 'MIT AND (Apache-2.0 OR ISC)');
});

/** spdx.schema.json lists the licenses (sorted), then the exceptions (sorted): ids misclassified by isExceptionId. */
function misclassified(path: string): string[] {
  const ids = (JSON.parse(readFileSync(path, 'utf8')) as { enum: string[] }).enum;
  // the first entry that sorts before its predecessor starts the exceptions
  const start = ids.findIndex((id, i) => i > 0 && id.toLowerCase() < ids[i - 1]!.toLowerCase());
  assert.ok(start > 500, `found the exceptions block in ${path}`);
  return ids.filter((id, i) => isExceptionId(id) !== i >= start);
}

test('isExceptionId agrees with the SPDX list bundled with @cyclonedx/cyclonedx-library', () => {
  const pkgJson = createRequire(import.meta.url).resolve('@cyclonedx/cyclonedx-library/package.json');
  assert.deepEqual(misclassified(join(dirname(pkgJson), 'res/schema/spdx.SNAPSHOT.schema.json')), []);
});

test('isExceptionId agrees with the official CycloneDX spdx.schema.json', { skip: !existsSync(spdxEnumPath) && `shared corpora absent: ${spdxEnumPath}` }, () => {
  assert.deepEqual(misclassified(spdxEnumPath), []);
});
