/**
 * in-toto Statement (spec/v1/statement.md): the signed claim "these subjects (by digest) have this
 * predicate". plimsoll writes v1 statements; it reads v1 and the older v0.1 (cosign still writes it
 * for some attestations). Validation follows in-toto/attestation's Go Validate() rules.
 */
import { PlimsollError, type ErrorCode } from '../../util/errors.js';
import { isObject, parseJson } from '../encoding.js';
import { formatProblems, type InTotoProblem } from './problems.js';
import { resourceDescriptorProblems, type ResourceDescriptor } from './resource-descriptor.js';

export const STATEMENT_V1 = 'https://in-toto.io/Statement/v1';
export const STATEMENT_V01 = 'https://in-toto.io/Statement/v0.1';
const STATEMENT_TYPES = [STATEMENT_V1, STATEMENT_V01];

export interface Statement {
  _type: string;
  subject: ResourceDescriptor[];
  predicateType: string;
  predicate: Record<string, unknown>;
}

export function statementProblems(j: unknown): InTotoProblem[] {
  if (!isObject(j)) return [{ error: 'ErrInvalidStatementType', message: 'wrong statement type', path: '(document)' }];
  const out: InTotoProblem[] = [];
  if (typeof j._type !== 'string' || !STATEMENT_TYPES.includes(j._type)) out.push({ error: 'ErrInvalidStatementType', message: 'wrong statement type', path: '_type' });
  if (!Array.isArray(j.subject) || j.subject.length === 0) out.push({ error: 'ErrSubjectRequired', message: 'at least one subject required', path: 'subject' });
  else {
    j.subject.forEach((s: unknown, i: number) => {
      const p = resourceDescriptorProblems(s, `subject[${i}]`);
      out.push(...p);
      if (p.length === 0 && !(isObject(s) && isObject(s.digest) && Object.keys(s.digest).length > 0)) {
        out.push({ error: 'ErrDigestRequired', message: 'at least one digest required', path: `subject[${i}].digest` });
      }
    });
  }
  if (typeof j.predicateType !== 'string' || j.predicateType === '') out.push({ error: 'ErrPredicateTypeRequired', message: 'predicate type required', path: 'predicateType' });
  if (!isObject(j.predicate)) out.push({ error: 'ErrPredicateRequired', message: 'predicate object required', path: 'predicate' });
  return out;
}

/** Validate an untrusted statement object. */
export function validateStatement(j: unknown, what: string, code: ErrorCode = 'PARSE_ERROR'): Statement {
  const problems = statementProblems(j);
  if (problems.length) throw new PlimsollError(code, `${what}: not a valid in-toto statement: ${formatProblems(problems)}`, { details: { problems } });
  return j as unknown as Statement;
}

export function parseStatement(payload: Buffer, what: string, code: ErrorCode = 'PARSE_ERROR'): Statement {
  return validateStatement(parseJson(payload, what, 64 * 1024 * 1024, code), what, code);
}

/** A v1 statement about `subjects`. */
export function makeStatement(subjects: ResourceDescriptor[], predicateType: string, predicate: Record<string, unknown>): Statement {
  const st: Statement = { _type: STATEMENT_V1, subject: subjects, predicateType, predicate };
  validateStatement(st, 'new statement', 'INTERNAL');
  return st;
}

/** Subject for an OCI digest ("sha256:abc…"): {name, digest: {sha256: "abc…"}}. */
export function digestSubject(name: string | undefined, digest: string): ResourceDescriptor {
  const i = digest.indexOf(':');
  return { ...(name ? { name } : {}), digest: { [digest.slice(0, i)]: digest.slice(i + 1) } };
}

/** Does any subject carry exactly this OCI digest? */
export function statementCoversDigest(st: Statement, digest: string): boolean {
  const i = digest.indexOf(':');
  const alg = digest.slice(0, i);
  const hex = digest.slice(i + 1).toLowerCase();
  return st.subject.some((s) => typeof s.digest?.[alg] === 'string' && s.digest[alg]!.toLowerCase() === hex);
}
