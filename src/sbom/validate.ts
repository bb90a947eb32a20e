/**
 * Schema validation of written SBOMs, for tests (unit and integration). Not imported by the CLI.
 *
 * - CycloneDX: bom-<ver>.schema.json from `schemaDir` (draft-07, so the default Ajv class), with its
 *   $ref targets spdx.schema.json and jsf-0.82.schema.json registered under their base names and $id.
 *   jsf-0.82's signer `algorithm` is a oneOf of an enum and a `format: uri` string. Validators with a
 *   lax uri check let a known algorithm ("ES256") match both branches and reject it; upstream accepts
 *   it, so the schema is loaded with anyOf there (ajv-formats' uri check alone would also avoid it).
 *   The schema uses formats ajv-formats lacks (iri-reference, idn-email): approximated below.
 * - SPDX 2.3: spdx-schema.v2.3.json (draft-07) and, when present, spdx-schema.v2.3.1.json
 *   (draft 2019-09, Ajv2019). The schema has no patterns, so the SPDX rules a schema cannot express
 *   are checked by hand: SPDXID syntax and uniqueness, relationship targets, LicenseRef definitions,
 *   license expression syntax, `created` format, documentNamespace.
 *
 * Both functions return a list of human-readable errors; empty means valid.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type AnySchemaObject, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import formatsPlugin from 'ajv-formats';
import { parseLicenseExpression } from './license.js';

type AjvLike = Ajv | Ajv2019;

// ajv-formats is CommonJS with `exports.default`; depending on interop the default import is the
// plugin itself or the module object.
const addFormats = ((formatsPlugin as unknown as { default?: unknown }).default ?? formatsPlugin) as unknown as (ajv: AjvLike) => AjvLike;

function prepare(ajv: AjvLike): AjvLike {
  addFormats(ajv);
  // Approximations of formats ajv-formats does not implement (RFC 3987 IRI-reference, RFC 6531 email).
  ajv.addFormat('iri-reference', (s: string) => !/[\s\u0000-\u001f<>"{}|\\^`]/u.test(s));
  ajv.addFormat('idn-email', (s: string) => /^[^\s@]+@[^\s@]+$/u.test(s));
  return ajv;
}

function readJson(path: string): AnySchemaObject {
  return JSON.parse(readFileSync(path, 'utf8')) as AnySchemaObject;
}

function formatErrors(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}${e.params && Object.keys(e.params).length ? ' ' + JSON.stringify(e.params) : ''}`);
}

/** Turn jsf-0.82's signer.algorithm oneOf into anyOf (see the module comment). */
function relaxJsf(schema: AnySchemaObject): AnySchemaObject {
  const alg = schema?.['definitions']?.['signer']?.['properties']?.['algorithm'];
  if (alg && Array.isArray(alg.oneOf)) {
    alg.anyOf = alg.oneOf;
    delete alg.oneOf;
  }
  return schema;
}

const cdxCache = new Map<string, ValidateFunction>();

function cycloneDXValidator(schemaDir: string, version: string): ValidateFunction {
  const key = `${schemaDir}\0${version}`;
  const hit = cdxCache.get(key);
  if (hit) return hit;
  const ajv = prepare(new Ajv({ strict: false, allErrors: true, logger: false }));
  const spdx = readJson(join(schemaDir, 'spdx.schema.json'));
  const jsf = relaxJsf(readJson(join(schemaDir, 'jsf-0.82.schema.json')));
  const bom = readJson(join(schemaDir, `bom-${version}.schema.json`));
  // Register dependencies under their $id (which is how the bom schema's relative $refs resolve)
  // and their base names (in case a $ref is resolved against a different base).
  for (const [name, s] of [['spdx.schema.json', spdx], ['jsf-0.82.schema.json', jsf]] as const) {
    ajv.addSchema(s);
    if (s['$id'] !== name) ajv.addSchema({ ...s, $id: name });
  }
  const cryptoPath = join(schemaDir, 'cryptography-defs.schema.json');
  if (version === '1.7' && existsSync(cryptoPath)) ajv.addSchema(readJson(cryptoPath));
  const v = ajv.compile(bom);
  cdxCache.set(key, v);
  return v;
}

export interface ValidateOptions {
  /** CycloneDX spec version whose schema to use (default 1.6) */
  version?: '1.4' | '1.5' | '1.6' | '1.7';
  /** only the JSON schema(s), without the extra rules */
  schemaOnly?: boolean;
}

/**
 * Validate a CycloneDX JSON object against bom-<version>.schema.json in schemaDir (the folder with
 * the schema and its spdx/jsf $ref targets), plus bom-ref uniqueness and dependency refs.
 */
export function validateCycloneDX(obj: unknown, schemaDir: string, opts: ValidateOptions = {}): string[] {
  const v = cycloneDXValidator(schemaDir, opts.version ?? '1.6');
  const errors = v(obj) ? [] : formatErrors(v.errors);
  return opts.schemaOnly ? errors : [...errors, ...cycloneDXRules(obj)];
}

/** CycloneDX rules the schema does not check: bom-refs unique within the BOM, dependency refs that exist. */
function cycloneDXRules(obj: unknown): string[] {
  const errors: string[] = [];
  if (typeof obj !== 'object' || obj === null) return errors;
  const refs = new Set<string>();
  // Every object anywhere in the BOM may carry a bom-ref (components, services, licenses, ...).
  const visit = (v: unknown, where: string, depth: number): void => {
    if (depth > 200 || typeof v !== 'object' || v === null) return;
    if (Array.isArray(v)) {
      v.forEach((x, i) => visit(x, `${where}/${i}`, depth + 1));
      return;
    }
    for (const [k, x] of Object.entries(v)) {
      if (k === 'bom-ref' && typeof x === 'string') {
        if (refs.has(x)) errors.push(`${where} duplicate bom-ref ${JSON.stringify(x)}`);
        refs.add(x);
      } else visit(x, `${where}/${k}`, depth + 1);
    }
  };
  visit(obj, '', 0);
  const deps = (obj as Record<string, unknown>)['dependencies'];
  (Array.isArray(deps) ? deps : []).forEach((d: Record<string, unknown>, i: number) => {
    if (!refs.has(d?.['ref'] as string)) errors.push(`/dependencies/${i} ref ${JSON.stringify(d?.['ref'])} is not a bom-ref in the BOM`);
    for (const t of Array.isArray(d?.['dependsOn']) ? d['dependsOn'] : []) {
      if (!refs.has(t)) errors.push(`/dependencies/${i} dependsOn ${JSON.stringify(t)} is not a bom-ref in the BOM`);
    }
  });
  return errors;
}

const spdxCache = new Map<string, ValidateFunction[]>();

function spdxValidators(schemaDir: string): ValidateFunction[] {
  const hit = spdxCache.get(schemaDir);
  if (hit) return hit;
  const out: ValidateFunction[] = [];
  const v23 = join(schemaDir, 'spdx-schema.v2.3.json');
  if (!existsSync(v23)) throw new Error(`SPDX 2.3 schema not found at ${v23}`);
  out.push(prepare(new Ajv({ strict: false, allErrors: true, logger: false })).compile(readJson(v23)));
  const v231 = join(schemaDir, 'spdx-schema.v2.3.1.json');
  if (existsSync(v231)) out.push(prepare(new Ajv2019({ strict: false, allErrors: true, logger: false })).compile(readJson(v231)));
  spdxCache.set(schemaDir, out);
  return out;
}

/** Validate an SPDX 2.3 JSON object against the schema(s) in schemaDir plus the rules above. */
export function validateSpdx(obj: unknown, schemaDir: string, opts: Pick<ValidateOptions, 'schemaOnly'> = {}): string[] {
  const errors: string[] = [];
  const names = ['v2.3', 'v2.3.1'];
  spdxValidators(schemaDir).forEach((v, i) => {
    if (!v(obj)) for (const e of formatErrors(v.errors)) errors.push(`[schema ${names[i]}] ${e}`);
  });
  return opts.schemaOnly ? errors : [...errors, ...spdxRules(obj)];
}

const SPDX_ID = /^SPDXRef-[A-Za-z0-9.-]+$/;

function spdxRules(obj: unknown): string[] {
  const errors: string[] = [];
  if (typeof obj !== 'object' || obj === null) return ['document is not an object'];
  const d = obj as Record<string, any>;
  if (d['SPDXID'] !== 'SPDXRef-DOCUMENT') errors.push('/SPDXID must be SPDXRef-DOCUMENT');
  const ns = d['documentNamespace'];
  if (typeof ns !== 'string' || !/^[a-z][a-z0-9+.-]*:\/\/[^\s#]+$/i.test(ns)) errors.push(`/documentNamespace ${JSON.stringify(ns)} is not an absolute URI without "#"`);
  const created = d['creationInfo']?.['created'];
  if (typeof created !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(created)) errors.push(`/creationInfo/created ${JSON.stringify(created)} is not YYYY-MM-DDThh:mm:ssZ`);
  const ids = new Set<string>(['SPDXRef-DOCUMENT']);
  const licenseRefs = new Set<string>();
  for (const [i, e] of (Array.isArray(d['hasExtractedLicensingInfos']) ? d['hasExtractedLicensingInfos'] : []).entries()) {
    const id = e?.['licenseId'];
    if (typeof id !== 'string' || !/^LicenseRef-[A-Za-z0-9.-]+$/.test(id)) errors.push(`/hasExtractedLicensingInfos/${i}/licenseId ${JSON.stringify(id)} is not LicenseRef-[A-Za-z0-9.-]+`);
    else if (licenseRefs.has(id)) errors.push(`/hasExtractedLicensingInfos/${i} duplicate licenseId ${id}`);
    else licenseRefs.add(id);
  }
  const checkLicense = (where: string, v: unknown) => {
    if (v === undefined || v === 'NOASSERTION' || v === 'NONE') return;
    const p = typeof v === 'string' ? parseLicenseExpression(v) : undefined;
    // Our parser accepts lower-case operators; SPDX documents must use AND/OR/WITH.
    if (!p || /(^|[\s()])(and|or|with)($|[\s()])/.test(v as string)) {
      errors.push(`${where} ${JSON.stringify(v)} is not a valid SPDX license expression`);
      return;
    }
    for (const r of p.licenseRefs) if (!licenseRefs.has(r)) errors.push(`${where} uses ${r}, which hasExtractedLicensingInfos does not define`);
  };
  for (const kind of ['packages', 'files', 'snippets'] as const) {
    for (const [i, e] of (Array.isArray(d[kind]) ? d[kind] : []).entries()) {
      const id = e?.['SPDXID'];
      if (typeof id !== 'string' || !SPDX_ID.test(id)) errors.push(`/${kind}/${i}/SPDXID ${JSON.stringify(id)} does not match ${SPDX_ID.source}`);
      else if (ids.has(id)) errors.push(`/${kind}/${i}/SPDXID ${id} is not unique`);
      else ids.add(id);
      checkLicense(`/${kind}/${i}/licenseDeclared`, e?.['licenseDeclared']);
      checkLicense(`/${kind}/${i}/licenseConcluded`, e?.['licenseConcluded']);
    }
  }
  for (const [i, r] of (Array.isArray(d['relationships']) ? d['relationships'] : []).entries()) {
    for (const f of ['spdxElementId', 'relatedSpdxElement'] as const) {
      const v = r?.[f];
      const external = typeof v === 'string' && /^DocumentRef-[A-Za-z0-9.-]+:SPDXRef-[A-Za-z0-9.-]+$/.test(v);
      if (!ids.has(v) && !external && v !== 'NOASSERTION' && v !== 'NONE') errors.push(`/relationships/${i}/${f} ${JSON.stringify(v)} is not an element of the document`);
    }
  }
  // What the document describes: DESCRIBES relationships, or the (deprecated) documentDescribes list.
  const describes = (Array.isArray(d['relationships']) && d['relationships'].some((r: Record<string, unknown>) => r?.['spdxElementId'] === 'SPDXRef-DOCUMENT' && r?.['relationshipType'] === 'DESCRIBES'))
    || (Array.isArray(d['documentDescribes']) && d['documentDescribes'].length > 0);
  if (!describes) errors.push('/relationships has no SPDXRef-DOCUMENT DESCRIBES relationship');
  return errors;
}
