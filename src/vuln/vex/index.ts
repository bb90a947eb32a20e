/**
 * VEX documents and the ignore file: what `plimsoll scan --vex FILE --ignorefile FILE` loads.
 *
 * A --vex file may be
 *  - an OpenVEX document (`@context` https://openvex.dev/ns or .../v0.2.0);
 *  - an in-toto Statement whose predicate is an OpenVEX document (as `vexctl attest` makes; the
 *    statement's subjects are the products of statements that list none), or a DSSE envelope
 *    around one. Signatures are NOT checked here: verify the attestation first;
 *  - a CycloneDX BOM with `vulnerabilities[].analysis` (CycloneDX VEX).
 * Anything else is an error naming the file and what was expected.
 */
import { bad, isObject, MAX_VEX_BYTES, parseJson, readText, str, type Json } from './read.js';
import { isOpenVexContext, parseOpenVex, productRefs } from './openvex.js';
import { parseCycloneDXVex } from './cyclonedx.js';
import { makeVexSuppressor, type VexSuppressor } from './suppressor.js';
import type { VexDocument, VexProduct } from './model.js';

export { loadIgnoreFile, parseIgnore, type IgnoreSuppressor, type IgnoreEntry } from './ignore.js';
export type { VexSuppressor } from './suppressor.js';
export type { VexDocument, VexStatement, VexStatus } from './model.js';

/** statements of the n-th loaded document are numbered from n * ORDER_STRIDE */
const ORDER_STRIDE = 1_000_000;

function isInTotoStatement(v: Json): boolean {
  return typeof v['_type'] === 'string' && v['_type'].startsWith('https://in-toto.io/Statement/');
}

/** Recognise the format of a parsed --vex document and read its statements. */
export function parseVexDocument(data: unknown, file: string, index = 0): VexDocument {
  const order = index * ORDER_STRIDE;
  if (!isObject(data)) throw bad(file, 'a VEX document must be a JSON object (OpenVEX or CycloneDX)');
  // DSSE envelope → its in-toto payload
  if (typeof data['payloadType'] === 'string' && typeof data['payload'] === 'string' && !('statements' in data)) {
    let inner: unknown;
    try {
      inner = JSON.parse(Buffer.from(data['payload'], 'base64').toString('utf8'));
    } catch {
      throw bad(file, 'DSSE envelope payload is not base64-encoded JSON');
    }
    if (!isObject(inner) || !isInTotoStatement(inner)) throw bad(file, `DSSE envelope payload (${String(data['payloadType']).slice(0, 80)}) is not an in-toto statement`);
    data = inner;
  }
  const d = data as Json;
  if (isInTotoStatement(d)) {
    const pred = d['predicate'];
    if (!isObject(pred) || !isOpenVexContext(pred['@context'])) {
      throw bad(file, `in-toto statement with predicateType ${JSON.stringify(d['predicateType'] ?? null).slice(0, 100)} does not carry an OpenVEX predicate`);
    }
    const subjects: VexProduct[] = [];
    if (Array.isArray(d['subject'])) {
      d['subject'].forEach((s: unknown, i: number) => {
        if (!isObject(s)) return;
        const refs = [];
        if (str(s['name'])) refs.push(...productRefs(file, `subject[${i}]/name`, s['name']));
        const dg = s['digest'];
        if (isObject(dg)) for (const [alg, h] of Object.entries(dg)) if ((alg === 'sha256' || alg === 'sha512') && typeof h === 'string') refs.push({ kind: 'image' as const, raw: `${alg}:${h}` });
        if (refs.length) subjects.push({ refs, subcomponents: [] });
      });
    }
    const r = parseOpenVex(pred, file, { order, defaultProducts: subjects });
    return { file, format: 'openvex', ...r };
  }
  if (isOpenVexContext(d['@context'])) return { file, format: 'openvex', ...parseOpenVex(d, file, { order }) };
  if (d['bomFormat'] === 'CycloneDX') return { file, format: 'cyclonedx', ...parseCycloneDXVex(d, file, order) };
  if (typeof d['@context'] === 'string') throw bad(file, `@context ${JSON.stringify(d['@context']).slice(0, 100)} is not OpenVEX (expected https://openvex.dev/ns/v0.2.0)`);
  throw bad(file, 'unknown VEX format: expected an OpenVEX document ("@context": "https://openvex.dev/ns/v0.2.0"), an in-toto attestation of one, or a CycloneDX BOM ("bomFormat": "CycloneDX") with vulnerabilities[].analysis');
}

export async function readVexDocument(file: string, index = 0): Promise<VexDocument> {
  const text = await readText(file, 'VEX', MAX_VEX_BYTES);
  return parseVexDocument(parseJson(file, text, 'VEX'), file, index);
}

/** One VEX file as a suppressor. */
export async function loadVexSuppressor(file: string): Promise<VexSuppressor> {
  return makeVexSuppressor([await readVexDocument(file)]);
}

/**
 * Several VEX files as ONE suppressor, so that the latest statement wins across files too (with
 * one suppressor per file, the first file that suppresses would decide).
 */
export async function loadVexSuppressors(files: string[]): Promise<VexSuppressor> {
  const docs: VexDocument[] = [];
  for (const [i, f] of files.entries()) docs.push(await readVexDocument(f, i));
  return makeVexSuppressor(docs);
}

/** For callers holding a document already (tests, the API). */
export function vexSuppressorFrom(docs: VexDocument[]): VexSuppressor {
  return makeVexSuppressor(docs);
}
