/**
 * Hand-written guards for the untrusted JSON documents of an image: OCI/Docker manifests, indexes,
 * image configs, descriptors and the oci-layout file. Each guard checks the shape we rely on and
 * returns the document typed; anything else is a PlimsollError (MANIFEST_INVALID / CONFIG_INVALID)
 * naming the document and the offending field.
 *
 * Two levels:
 *  - lenient (default): what the readers need. Accepts real-world quirks such as zero-layer images,
 *    `null` for optional config fields, Env entries without "=".
 *  - strict: additionally the rules the OCI image-spec schemas and its Go validator enforce
 *    (manifest layers minItems 1, Env KEY=VALUE, urls are URIs, canonical base64 `data`,
 *    rootfs.type "layers"). Used by conformance tests and available to `validate`-style commands.
 */
import type { Descriptor, ImageConfig, ImageIndex, ImageManifest, Platform } from './types.js';
import { MediaTypes } from './types.js';
import { PlimsollError, type ErrorCode } from '../util/errors.js';

export interface ValidateOptions {
  strict?: boolean;
}

type Code = Extract<ErrorCode, 'MANIFEST_INVALID' | 'CONFIG_INVALID'>;

/** Docker schema 1 media types: never supported (unsigned layer ids, no config blob). */
export const DOCKER_SCHEMA1_MEDIA_TYPES: readonly string[] = [
  'application/vnd.docker.distribution.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v1+prettyjws',
];

export const INDEX_MEDIA_TYPES: readonly string[] = [MediaTypes.ociIndex, MediaTypes.dockerManifestList];
export const MANIFEST_MEDIA_TYPES: readonly string[] = [MediaTypes.ociManifest, MediaTypes.dockerManifest];
export const IMAGE_CONFIG_MEDIA_TYPES: readonly string[] = [MediaTypes.ociConfig, MediaTypes.dockerConfig];

export function isIndexMediaType(mt: string | undefined): boolean {
  return mt !== undefined && INDEX_MEDIA_TYPES.includes(mt);
}
export function isManifestMediaType(mt: string | undefined): boolean {
  return mt !== undefined && MANIFEST_MEDIA_TYPES.includes(mt);
}

// RFC 6838 restricted names, as in the image-spec schema (defs-descriptor.json#mediaType).
const MEDIA_TYPE_RE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/;
// image-spec descriptor.md digest grammar: algorithm ":" encoded.
const DIGEST_GRAMMAR_RE = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
// Registered algorithms have a fixed encoding.
const REGISTERED_DIGESTS: Record<string, RegExp> = {
  sha256: /^[a-f0-9]{64}$/,
  sha512: /^[a-f0-9]{128}$/,
};
const IMAGE_LAYOUT_VERSION_RE = /^1\.[0-9]+\.[0-9]+$/;

/**
 * Short, printable rendering of an untrusted value for an error message. Never serializes a whole
 * object or array (they can be huge or nested millions deep).
 */
export function show(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return `an array of ${v.length} item${v.length === 1 ? '' : 's'}`;
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return JSON.stringify(v.length > 80 ? v.slice(0, 77) + '...' : v);
  return String(v);
}

function fail(code: Code, what: string, field: string, problem: string): never {
  throw new PlimsollError(code, `${what}: ${field ? field + ' ' : ''}${problem}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Parse JSON bytes of an untrusted document. `what` names the document ("index.json in
 * /tmp/x.tar"); the error says it is not JSON and where the parser stopped.
 */
export function parseJsonDocument(data: Buffer | string, what: string, code: Code = 'MANIFEST_INVALID'): unknown {
  const text = typeof data === 'string' ? data : data.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new PlimsollError(code, `${what} is not valid JSON (${msg}); the file is corrupt or not what it claims to be`);
  }
}

/** A digest accepted by the spec grammar (registered algorithms checked for their encoding). */
export function isValidDigestSyntax(d: unknown): d is string {
  if (typeof d !== 'string' || d.length > 1024 || !DIGEST_GRAMMAR_RE.test(d)) return false;
  const colon = d.indexOf(':');
  const re = REGISTERED_DIGESTS[d.slice(0, colon)];
  return re === undefined || re.test(d.slice(colon + 1));
}

function checkString(o: Record<string, unknown>, key: string, code: Code, what: string, at: string, required = false): void {
  const v = o[key];
  if (v === undefined) {
    if (required) fail(code, what, `${at}${key}`, 'is missing');
    return;
  }
  if (typeof v !== 'string') fail(code, what, `${at}${key}`, `must be a string, got ${show(v)}`);
}

function checkStringArray(v: unknown, code: Code, what: string, field: string): void {
  if (!Array.isArray(v)) fail(code, what, field, `must be an array of strings, got ${show(v)}`);
  v.forEach((s, i) => {
    if (typeof s !== 'string') fail(code, what, `${field}[${i}]`, `must be a string, got ${show(s)}`);
  });
}

function checkStringMap(v: unknown, code: Code, what: string, field: string): void {
  if (!isObject(v)) fail(code, what, field, `must be an object of strings, got ${show(v)}`);
  for (const [k, s] of Object.entries(v)) {
    if (typeof s !== 'string') fail(code, what, `${field}[${JSON.stringify(k)}]`, `must be a string, got ${show(s)}`);
  }
}

function checkMediaType(v: unknown, code: Code, what: string, field: string): void {
  if (typeof v !== 'string') fail(code, what, field, `must be a media type string, got ${show(v)}`);
  if (!MEDIA_TYPE_RE.test(v)) fail(code, what, field, `${show(v)} is not a valid media type (expected type/subtype)`);
}

function isCanonicalBase64(s: string): boolean {
  if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) return false;
  return Buffer.from(s, 'base64').toString('base64') === s;
}

function validatePlatform(v: unknown, code: Code, what: string, field: string): Platform {
  if (!isObject(v)) fail(code, what, field, `must be an object, got ${show(v)}`);
  checkString(v, 'architecture', code, what, `${field}.`, true);
  checkString(v, 'os', code, what, `${field}.`, true);
  checkString(v, 'variant', code, what, `${field}.`);
  checkString(v, 'os.version', code, what, `${field}.`);
  if (v['os.features'] !== undefined) checkStringArray(v['os.features'], code, what, `${field}.os.features`);
  if (v.features !== undefined) checkStringArray(v.features, code, what, `${field}.features`);
  return v as unknown as Platform;
}

/** Validate one content descriptor (`field` says where it sits, e.g. "layers[2]"). */
export function validateDescriptor(v: unknown, what: string, field: string, opts: ValidateOptions = {}, code: Code = 'MANIFEST_INVALID'): Descriptor {
  if (!isObject(v)) fail(code, what, field, `must be a descriptor object, got ${show(v)}`);
  if (v.mediaType === undefined) fail(code, what, `${field}.mediaType`, 'is missing');
  checkMediaType(v.mediaType, code, what, `${field}.mediaType`);
  if (v.digest === undefined) fail(code, what, `${field}.digest`, 'is missing');
  if (!isValidDigestSyntax(v.digest)) {
    fail(code, what, `${field}.digest`, `${show(v.digest)} is not a valid digest (expected e.g. sha256:<64 lower-case hex>)`);
  }
  if (v.size === undefined) fail(code, what, `${field}.size`, 'is missing');
  if (typeof v.size !== 'number' || !Number.isSafeInteger(v.size) || v.size < 0) {
    fail(code, what, `${field}.size`, `must be a non-negative integer, got ${show(v.size)}`);
  }
  if (v.urls !== undefined) {
    checkStringArray(v.urls, code, what, `${field}.urls`);
    if (opts.strict) {
      (v.urls as string[]).forEach((u, i) => {
        if (!URL.canParse(u)) fail(code, what, `${field}.urls[${i}]`, `${show(u)} is not a URL`);
      });
    }
  }
  if (v.annotations !== undefined) checkStringMap(v.annotations, code, what, `${field}.annotations`);
  if (v.platform !== undefined) validatePlatform(v.platform, code, what, `${field}.platform`);
  if (v.artifactType !== undefined) checkMediaType(v.artifactType, code, what, `${field}.artifactType`);
  if (v.data !== undefined) {
    if (typeof v.data !== 'string') fail(code, what, `${field}.data`, `must be a base64 string, got ${show(v.data)}`);
    if (opts.strict && !isCanonicalBase64(v.data)) fail(code, what, `${field}.data`, 'is not canonical base64');
  }
  return v as unknown as Descriptor;
}

function checkSchemaVersion(o: Record<string, unknown>, what: string): void {
  const mt = o.mediaType;
  if (o.schemaVersion === 1 || (typeof mt === 'string' && DOCKER_SCHEMA1_MEDIA_TYPES.includes(mt))) {
    throw new PlimsollError(
      'MANIFEST_INVALID',
      `${what}: Docker schema 1 manifests are not supported (deprecated, no image config); re-push or convert the image with a current Docker, skopeo or crane`,
    );
  }
  if (o.schemaVersion !== 2) fail('MANIFEST_INVALID', what, 'schemaVersion', `must be 2, got ${show(o.schemaVersion)}`);
}

/**
 * Check that a document's own `mediaType` agrees with what the descriptor that pointed at it said
 * (and with the kind of document the caller expects).
 */
function checkDocMediaType(o: Record<string, unknown>, what: string, allowed: readonly string[], kind: string, expected?: string): void {
  const mt = o.mediaType;
  if (mt !== undefined) {
    checkMediaType(mt, 'MANIFEST_INVALID', what, 'mediaType');
    if (!allowed.includes(mt as string)) {
      fail('MANIFEST_INVALID', what, 'mediaType', `is ${show(mt)}, which is not ${kind} (expected one of ${allowed.join(', ')})`);
    }
  }
  if (expected !== undefined && allowed.includes(expected) && mt !== undefined && mt !== expected) {
    fail('MANIFEST_INVALID', what, 'mediaType', `is ${show(mt)} but the descriptor referencing it says ${show(expected)}`);
  }
}

/**
 * Validate an image manifest (OCI or Docker schema 2). `expectedMediaType` is the mediaType of the
 * descriptor that referenced it, when there was one.
 */
export function validateImageManifest(v: unknown, what: string, expectedMediaType?: string, opts: ValidateOptions = {}): ImageManifest {
  if (!isObject(v)) fail('MANIFEST_INVALID', what, '', `must be a JSON object, got ${show(v)}`);
  checkSchemaVersion(v, what);
  if (v.manifests !== undefined) fail('MANIFEST_INVALID', what, '', 'is an image index (has "manifests"), not an image manifest');
  checkDocMediaType(v, what, MANIFEST_MEDIA_TYPES, 'an image manifest', expectedMediaType);
  if (expectedMediaType === MediaTypes.dockerManifest && v.mediaType === undefined) {
    fail('MANIFEST_INVALID', what, 'mediaType', 'is missing (required for a Docker schema 2 manifest)');
  }
  if (v.config === undefined) fail('MANIFEST_INVALID', what, 'config', 'is missing');
  validateDescriptor(v.config, what, 'config', opts);
  if (!Array.isArray(v.layers)) fail('MANIFEST_INVALID', what, 'layers', `must be an array of descriptors, got ${show(v.layers)}`);
  if (opts.strict && v.layers.length === 0) fail('MANIFEST_INVALID', what, 'layers', 'must have at least one layer');
  v.layers.forEach((l, i) => validateDescriptor(l, what, `layers[${i}]`, opts));
  if (v.subject !== undefined) validateDescriptor(v.subject, what, 'subject', opts);
  if (v.artifactType !== undefined) checkMediaType(v.artifactType, 'MANIFEST_INVALID', what, 'artifactType');
  if (v.annotations !== undefined) checkStringMap(v.annotations, 'MANIFEST_INVALID', what, 'annotations');
  return v as unknown as ImageManifest;
}

/** Validate an image index (OCI) or manifest list (Docker). */
export function validateImageIndex(v: unknown, what: string, expectedMediaType?: string, opts: ValidateOptions = {}): ImageIndex {
  if (!isObject(v)) fail('MANIFEST_INVALID', what, '', `must be a JSON object, got ${show(v)}`);
  checkSchemaVersion(v, what);
  if (v.config !== undefined || v.layers !== undefined) {
    fail('MANIFEST_INVALID', what, '', 'is an image manifest (has "config"/"layers"), not an image index');
  }
  checkDocMediaType(v, what, INDEX_MEDIA_TYPES, 'an image index', expectedMediaType);
  if (!Array.isArray(v.manifests)) fail('MANIFEST_INVALID', what, 'manifests', `must be an array of descriptors, got ${show(v.manifests)}`);
  v.manifests.forEach((m, i) => validateDescriptor(m, what, `manifests[${i}]`, opts));
  if (v.subject !== undefined) validateDescriptor(v.subject, what, 'subject', opts);
  if (v.artifactType !== undefined) checkMediaType(v.artifactType, 'MANIFEST_INVALID', what, 'artifactType');
  if (v.annotations !== undefined) checkStringMap(v.annotations, 'MANIFEST_INVALID', what, 'annotations');
  return v as unknown as ImageIndex;
}

/**
 * What a fetched manifest-ish document is, from its descriptor mediaType and its own fields.
 * Used when a descriptor's mediaType is unknown/custom.
 */
export function classifyDocument(v: unknown, descriptorMediaType?: string): 'index' | 'manifest' | 'schema1' | 'unknown' {
  if (descriptorMediaType && DOCKER_SCHEMA1_MEDIA_TYPES.includes(descriptorMediaType)) return 'schema1';
  if (!isObject(v)) return 'unknown';
  const mt = typeof v.mediaType === 'string' ? v.mediaType : undefined;
  if (v.schemaVersion === 1 || (mt && DOCKER_SCHEMA1_MEDIA_TYPES.includes(mt))) return 'schema1';
  if (isIndexMediaType(descriptorMediaType) || isIndexMediaType(mt)) return 'index';
  if (isManifestMediaType(descriptorMediaType) || isManifestMediaType(mt)) return 'manifest';
  if (Array.isArray(v.manifests)) return 'index';
  if (v.config !== undefined && Array.isArray(v.layers)) return 'manifest';
  return 'unknown';
}

// Container config fields that may be `null` in real configs (Docker writes null for empty).
const NULLABLE_CONFIG_KEYS = new Set(['Entrypoint', 'Cmd', 'Labels', 'OnBuild']);

function validateContainerConfig(v: Record<string, unknown>, what: string, field: string, opts: ValidateOptions): void {
  const code: Code = 'CONFIG_INVALID';
  for (const key of Object.keys(v)) {
    if (v[key] === null && !NULLABLE_CONFIG_KEYS.has(key)) delete v[key]; // Docker writes null for "unset"
  }
  for (const k of ['User', 'WorkingDir', 'StopSignal']) checkString(v, k, code, what, `${field}.`);
  for (const k of ['Env', 'Entrypoint', 'Cmd', 'Shell', 'OnBuild']) {
    if (v[k] !== undefined && v[k] !== null) checkStringArray(v[k], code, what, `${field}.${k}`);
  }
  if (opts.strict && Array.isArray(v.Env)) {
    (v.Env as string[]).forEach((e, i) => {
      if (!/^[^=]+=/.test(e)) fail(code, what, `${field}.Env[${i}]`, `${show(e)} is not KEY=VALUE`);
    });
  }
  for (const k of ['ExposedPorts', 'Volumes']) {
    if (v[k] !== undefined && !isObject(v[k])) fail(code, what, `${field}.${k}`, `must be an object (a set of keys), got ${show(v[k])}`);
  }
  if (v.Labels !== undefined && v.Labels !== null) checkStringMap(v.Labels, code, what, `${field}.Labels`);
  if (v.Healthcheck !== undefined) {
    const h = v.Healthcheck;
    if (!isObject(h)) fail(code, what, `${field}.Healthcheck`, `must be an object, got ${show(h)}`);
    if (h.Test !== undefined && h.Test !== null) checkStringArray(h.Test, code, what, `${field}.Healthcheck.Test`);
  }
}

/** Validate an image config (OCI or Docker). Fields documented in types.ts are type-checked. */
export function validateImageConfig(v: unknown, what: string, opts: ValidateOptions = {}): ImageConfig {
  const code: Code = 'CONFIG_INVALID';
  if (!isObject(v)) fail(code, what, '', `must be a JSON object, got ${show(v)}`);
  for (const k of ['created', 'author', 'architecture', 'os', 'variant', 'os.version']) checkString(v, k, code, what, '', false);
  if (opts.strict) {
    checkString(v, 'architecture', code, what, '', true);
    checkString(v, 'os', code, what, '', true);
  }
  if (v.config === null) delete v.config;
  if (v.config !== undefined) {
    if (!isObject(v.config)) fail(code, what, 'config', `must be an object, got ${show(v.config)}`);
    validateContainerConfig(v.config, what, 'config', opts);
  }
  const rootfs = v.rootfs;
  if (rootfs === undefined) fail(code, what, 'rootfs', 'is missing (an image config lists its layers in rootfs.diff_ids)');
  if (!isObject(rootfs)) fail(code, what, 'rootfs', `must be an object, got ${show(rootfs)}`);
  checkString(rootfs, 'type', code, what, 'rootfs.', true);
  if (opts.strict && rootfs.type !== 'layers') fail(code, what, 'rootfs.type', `must be "layers", got ${show(rootfs.type)}`);
  if (!Array.isArray(rootfs.diff_ids)) fail(code, what, 'rootfs.diff_ids', `must be an array of digests, got ${show(rootfs.diff_ids)}`);
  rootfs.diff_ids.forEach((d, i) => {
    if (!isValidDigestSyntax(d)) fail(code, what, `rootfs.diff_ids[${i}]`, `${show(d)} is not a valid digest`);
  });
  if (v.history !== undefined && v.history !== null) {
    if (!Array.isArray(v.history)) fail(code, what, 'history', `must be an array, got ${show(v.history)}`);
    v.history.forEach((h, i) => {
      if (!isObject(h)) fail(code, what, `history[${i}]`, `must be an object, got ${show(h)}`);
      for (const k of ['created', 'created_by', 'author', 'comment']) checkString(h, k, code, what, `history[${i}].`);
      if (h.empty_layer !== undefined && typeof h.empty_layer !== 'boolean') {
        fail(code, what, `history[${i}].empty_layer`, `must be a boolean, got ${show(h.empty_layer)}`);
      }
    });
  } else if (v.history === null) {
    delete v.history;
  }
  return v as unknown as ImageConfig;
}

/** Validate the `oci-layout` file of an OCI image layout. */
export function validateLayoutFile(v: unknown, what: string): { imageLayoutVersion: string } {
  if (!isObject(v)) fail('MANIFEST_INVALID', what, '', `must be a JSON object, got ${show(v)}`);
  if (typeof v.imageLayoutVersion !== 'string') {
    fail('MANIFEST_INVALID', what, 'imageLayoutVersion', `must be a string such as "1.0.0", got ${show(v.imageLayoutVersion)}`);
  }
  if (!IMAGE_LAYOUT_VERSION_RE.test(v.imageLayoutVersion)) {
    fail('MANIFEST_INVALID', what, 'imageLayoutVersion', `${show(v.imageLayoutVersion)} is not a supported layout version (1.x.y)`);
  }
  return { imageLayoutVersion: v.imageLayoutVersion };
}
