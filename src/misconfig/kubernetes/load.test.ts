import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parseManifest, readManifestInputs, type LoadedObject } from './load.js';
import type { ManifestError } from './model.js';

function load(text: string, limits = {}): { objects: LoadedObject[]; errors: ManifestError[] } {
  const objects: LoadedObject[] = [];
  const errors: ManifestError[] = [];
  for (const r of parseManifest({ file: 'f.yaml', text }, limits)) {
    if ('error' in r) errors.push(r.error);
    else objects.push(...r.objects);
  }
  return { objects, errors };
}

const cm = (name: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;

test('multi-document streams: document indexes count every document, empty ones too', () => {
  const text = `# leading comment\n${cm('a')}---\n# only a comment\n---\n---\n${cm('b')}...\n---\n${cm('c')}`;
  const { objects, errors } = load(text);
  assert.deepEqual(errors, []);
  assert.deepEqual(objects.map((o) => [o.ref.name, o.ref.document, o.ref.line]), [
    ['a', 0, 2],
    ['b', 3, 10],
    ['c', 4, 16],
  ]);
});

test('a stream starting with --- has no implicit empty first document', () => {
  const { objects } = load(`---\n${cm('a')}---\n${cm('b')}`);
  assert.deepEqual(objects.map((o) => o.ref.document), [0, 1]);
});

test('List kinds expand into their items, with item indexes and lines', () => {
  const text = `apiVersion: v1\nkind: List\nitems:\n- ${cm('a').trim().replace(/\n/g, '\n  ')}\n- ${cm('b').trim().replace(/\n/g, '\n  ')}\n- just a string\n`;
  const { objects, errors } = load(text);
  assert.deepEqual(objects.map((o) => [o.ref.name, o.ref.item, o.ref.line]), [
    ['a', 0, 4],
    ['b', 1, 8],
  ]);
  assert.equal(objects[1]!.locate('metadata.name'), 11);
  assert.equal(errors.length, 1);
  assert.equal(errors[0]!.code, 'NOT_KUBERNETES');
  assert.equal(errors[0]!.item, 2);
});

test('JSON manifests, including a JSON List', () => {
  const json = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { hostPID: true } }] }, null, 2);
  const { objects, errors } = load(json);
  assert.deepEqual(errors, []);
  assert.equal(objects[0]!.ref.kind, 'Pod');
  assert.equal(objects[0]!.locate('spec.hostPID'), json.split('\n').findIndex((l) => l.includes('hostPID')) + 1);
});

test('field paths map to the line of their key; missing fields fall back to the closest parent', () => {
  const text = `apiVersion: v1
kind: Pod
metadata:
  name: p
  annotations:
    container.apparmor.security.beta.kubernetes.io/app: unconfined
spec:
  containers:
  - name: a
    image: x
  - name: b
    securityContext:
      privileged: true
`;
  const [o] = load(text).objects;
  assert.equal(o!.locate('spec.containers[1].securityContext.privileged'), 13);
  assert.equal(o!.locate('spec.containers[1]'), 11);
  assert.equal(o!.locate('spec.containers[0].image'), 10);
  assert.equal(o!.locate('metadata.annotations[container.apparmor.security.beta.kubernetes.io/app]'), 6);
  assert.equal(o!.locate('spec.containers[1].securityContext.runAsNonRoot'), 12, 'missing -> securityContext');
  assert.equal(o!.locate('spec.containers[7].image'), 8, 'missing item -> containers');
  assert.equal(o!.locate(''), 1);
});

test('alias bombs are refused per document; the other documents are still loaded', () => {
  const bomb = `apiVersion: v1
kind: ConfigMap
metadata: {name: bomb}
a: &a ["x","x","x","x","x","x","x","x","x"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
`;
  const { objects, errors } = load(`${bomb}---\n${cm('ok')}`);
  assert.deepEqual(objects.map((o) => o.ref.name), ['ok']);
  assert.equal(errors.length, 1);
  assert.equal(errors[0]!.code, 'ALIAS_LIMIT');
  assert.equal(errors[0]!.document, 0);
  assert.match(errors[0]!.message, /billion laughs/);
  // A few aliases (Helm charts use them) are fine.
  const few = load(`${cm('x')}data: &d {a: b}\nbinaryData: {}\nimmutable: false\n---\n${cm('y')}`);
  assert.equal(few.errors.length, 0);
});

test('merge keys work (go-yaml supports them)', () => {
  const text = `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nx-defaults: &sc {privileged: true}\nspec:\n  containers:\n  - name: a\n    securityContext:\n      <<: *sc\n`;
  const [o] = load(text).objects;
  const c = (o!.object.spec as { containers: Array<{ securityContext: { privileged: unknown } }> }).containers[0]!;
  assert.equal(c.securityContext.privileged, true);
});

test('oversized documents are refused before parsing; small neighbours still load', () => {
  const big = `${cm('big')}data:\n  blob: "${'x'.repeat(5000)}"\n`;
  const { objects, errors } = load(`${cm('a')}---\n${big}---\n${cm('b')}`, { maxDocumentBytes: 4096 });
  assert.deepEqual(objects.map((o) => o.ref.name), ['a', 'b']);
  assert.equal(errors[0]!.code, 'TOO_LARGE');
  assert.equal(errors[0]!.document, 1);
  assert.equal(errors[0]!.line, 5);
  const whole = load(cm('a'), { maxFileBytes: 10 });
  assert.equal(whole.errors[0]!.code, 'TOO_LARGE');
});

test('duplicate keys are an error (as in kubectl)', () => {
  const { objects, errors } = load(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: d}\ndata:\n  k: 1\n  k: 2\n---\n${cm('ok')}`);
  assert.deepEqual(objects.map((o) => o.ref.name), ['ok']);
  assert.equal(errors[0]!.code, 'DUPLICATE_KEY');
  assert.equal(errors[0]!.line, 6);
  assert.match(errors[0]!.message, /duplicate key "k"/);
});

test('syntax errors are reported with their line and do not hide the next document', () => {
  const { objects, errors } = load(`${cm('a')}---\napiVersion: v1\nkind: [unclosed\n---\n${cm('c')}`);
  assert.deepEqual(objects.map((o) => o.ref.name), ['a', 'c']);
  assert.equal(errors.length, 1);
  assert.equal(errors[0]!.code, 'YAML_SYNTAX');
  assert.equal(errors[0]!.document, 1);
  assert.ok(errors[0]!.line! >= 6 && errors[0]!.line! <= 8, String(errors[0]!.line));
});

test('non-Kubernetes YAML gives a clear per-document error', () => {
  const { objects, errors } = load(`replicaCount: 3\nimage: {repository: nginx}\n---\n- a\n- b\n---\nplain scalar\n---\n${cm('ok')}`);
  assert.deepEqual(objects.map((o) => o.ref.name), ['ok']);
  assert.deepEqual(errors.map((e) => [e.code, e.document]), [
    ['NOT_KUBERNETES', 0],
    ['NOT_KUBERNETES', 1],
    ['NOT_KUBERNETES', 2],
  ]);
  assert.match(errors[0]!.message, /no apiVersion or kind/);
  assert.match(errors[1]!.message, /a list, not a mapping/);
});

test('deep nesting is an error, not a crash', () => {
  const deep = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata: ${'['.repeat(20000)}${']'.repeat(20000)}\n`;
  const { objects, errors } = load(`${deep}---\n${cm('ok')}`);
  assert.deepEqual(objects.map((o) => o.ref.name), ['ok']);
  assert.equal(errors.length, 1);
  assert.equal(errors[0]!.code, 'TOO_DEEP');
  assert.match(errors[0]!.message, /nests too deeply/);
});

test('YAML 1.1 scalars as kubectl reads them: yes/on are booleans, timestamps stay strings', () => {
  const [o] = load(`apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations: {at: 2024-01-02, t: 1:20}\nspec: {hostNetwork: yes, hostPID: on, hostIPC: "yes"}\n`).objects;
  const spec = o!.object.spec as Record<string, unknown>;
  assert.equal(spec.hostNetwork, true);
  assert.equal(spec.hostPID, true);
  assert.equal(spec.hostIPC, 'yes');
  const ann = (o!.object.metadata as { annotations: Record<string, unknown> }).annotations;
  assert.equal(ann.at, '2024-01-02');
  assert.equal(ann.t, '1:20');
});

test('BOM, CRLF line endings and the Helm "# Source:" comment', () => {
  const text = '\ufeff---\r\n# Source: chart/templates/cm.yaml\r\napiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: a\r\n';
  const { objects, errors } = load(text);
  assert.deepEqual(errors, []);
  assert.equal(objects[0]!.ref.source, 'chart/templates/cm.yaml');
  assert.equal(objects[0]!.locate('metadata.name'), 6);
});

test('too many errors in one file are summarised', () => {
  const text = Array.from({ length: 10 }, () => 'a: 1\n').join('---\n');
  const { errors } = load(text, { maxErrorsPerFile: 3 });
  assert.equal(errors.length, 4);
  assert.equal(errors[3]!.code, 'TOO_MANY_ERRORS');
  assert.match(errors[3]!.message, /7 more errors/);
});

test('readManifestInputs: directories (recursive, sorted, manifest extensions only), files, stdin, missing paths', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'plimsoll-k8s-'));
  try {
    mkdirSync(join(dir, 'sub'));
    mkdirSync(join(dir, '.git'));
    writeFileSync(join(dir, 'b.yaml'), cm('b'));
    writeFileSync(join(dir, 'a.yml'), cm('a'));
    writeFileSync(join(dir, 'sub', 'c.json'), JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }));
    writeFileSync(join(dir, 'README.md'), '# not a manifest');
    writeFileSync(join(dir, '.git', 'x.yaml'), cm('hidden'));
    symlinkSync(dir, join(dir, 'loop'));
    symlinkSync(join(dir, 'b.yaml'), join(dir, 'link.yaml'));
    const { inputs, errors } = await readManifestInputs([dir, join(dir, 'missing.yaml'), '-'], { stdin: Readable.from([Buffer.from(cm('stdin'))]) });
    assert.deepEqual(inputs.map((i) => i.file.replace(dir, 'D')), ['D/a.yml', 'D/b.yaml', 'D/sub/c.json', '-']);
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.code, 'READ_ERROR');
    assert.match(errors[0]!.message, /^cannot read: no such file or directory/);
    const capped = await readManifestInputs([join(dir, 'a.yml'), '-'], { stdin: Readable.from([Buffer.alloc(100, 0x20)]), limits: { maxFileBytes: 20 } });
    assert.deepEqual(capped.errors.map((e) => [e.file.replace(dir, 'D'), e.code]), [
      ['D/a.yml', 'TOO_LARGE'],
      ['-', 'TOO_LARGE'],
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('dense documents are refused by their estimated node count before parsing', () => {
  const dense = `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n${'  - {}\n'.repeat(3000)}`;
  const { objects, errors } = load(`${dense}---\n${cm('ok')}`, { maxDocumentNodes: 5000 });
  assert.deepEqual(objects.map((o) => o.ref.name), ['ok']);
  assert.equal(errors[0]!.code, 'TOO_LARGE');
  assert.match(errors[0]!.message, /more than 5000 YAML nodes/);
  // Names with dashes and URLs with colons do not count as nodes.
  const wordy = `${cm('a-b-c-d-e-f-g-h')}data:\n  url: "https://x.example:8443/a-b-c-d"\n`;
  assert.equal(load(wordy, { maxDocumentNodes: 12 }).objects.length, 1);
});
