/**
 * Registry error responses. The distribution spec body is
 *   { "errors": [ { "code": "MANIFEST_UNKNOWN", "message": "...", "detail": ... } ] }
 * We turn a failed response into a PlimsollError naming the registry and repository:
 * 401/403 and UNAUTHORIZED/DENIED → REGISTRY_AUTH, 404 and *_UNKNOWN → NOT_FOUND, else REGISTRY_ERROR.
 */
import { PlimsollError, type ErrorCode } from '../../util/errors.js';

export interface RegistryErrorEntry {
  code: string;
  message: string;
}

const NOT_FOUND_CODES = new Set(['MANIFEST_UNKNOWN', 'BLOB_UNKNOWN', 'NAME_UNKNOWN', 'BLOB_UPLOAD_UNKNOWN']);
const AUTH_CODES = new Set(['UNAUTHORIZED', 'DENIED']);

/** Registry text goes into our messages: strip control characters (terminal escapes) and bound it. */
function clean(s: string, max: number): string {
  const t = s.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
  return t.length > max ? t.slice(0, max) + '…' : t;
}

/** Parse an error body (bounded by the caller). Tolerates anything. */
export function parseErrorBody(body: string): RegistryErrorEntry[] {
  let j: unknown;
  try {
    j = JSON.parse(body);
  } catch {
    return [];
  }
  if (!j || typeof j !== 'object') return [];
  const errs = (j as { errors?: unknown }).errors;
  if (!Array.isArray(errs)) {
    // some token servers answer {"error":"...","error_description":"..."} (OAuth2 style)
    const e = (j as { error?: unknown; error_description?: unknown; details?: unknown });
    if (typeof e.error === 'string') {
      const msg = typeof e.error_description === 'string' ? e.error_description : typeof e.details === 'string' ? e.details : '';
      return [{ code: clean(e.error.toUpperCase(), 100), message: clean(msg, 300) }];
    }
    return [];
  }
  const out: RegistryErrorEntry[] = [];
  for (const e of errs.slice(0, 5)) {
    if (!e || typeof e !== 'object') continue;
    const code = typeof (e as { code?: unknown }).code === 'string' ? (e as { code: string }).code : 'UNKNOWN';
    const message = typeof (e as { message?: unknown }).message === 'string' ? (e as { message: string }).message : '';
    out.push({ code: clean(code, 100), message: clean(message, 300) });
  }
  return out;
}

export interface ErrorContext {
  registry: string;
  repository?: string;
  /** what we were doing: "fetching manifest latest" */
  action: string;
  /** extra advice appended to auth failures (e.g. a credential-helper problem) */
  authHint?: string;
  /** whether we sent credentials */
  authenticated?: boolean;
}

export function errorFromResponse(status: number, body: string, ctx: ErrorContext): PlimsollError {
  const entries = parseErrorBody(body);
  const where = ctx.repository ? `${ctx.registry}/${ctx.repository}` : ctx.registry;
  const detail = entries.length
    ? entries.map((e) => (e.message ? `${e.code}: ${e.message}` : e.code)).join('; ')
    : `HTTP ${status}`;
  let code: ErrorCode = 'REGISTRY_ERROR';
  if (status === 401 || status === 403 || entries.some((e) => AUTH_CODES.has(e.code))) code = 'REGISTRY_AUTH';
  else if (status === 404 || entries.some((e) => NOT_FOUND_CODES.has(e.code))) code = 'NOT_FOUND';

  let advice = '';
  if (code === 'REGISTRY_AUTH') {
    advice = ctx.authenticated
      ? ' The credentials were rejected or do not grant access; check them (docker login / --username/--password).'
      : ' The registry requires credentials (or the repository does not exist); log in with docker login or pass --username/--password.';
    if (ctx.authHint) advice += ` Note: ${ctx.authHint}.`;
  } else if (code === 'NOT_FOUND') {
    advice = ' Check the repository name and tag.';
  } else if (status === 429) {
    advice = ' The registry is rate limiting requests; wait and retry, or log in for a higher limit.';
  }
  return new PlimsollError(code, `registry ${where}: ${ctx.action} failed (HTTP ${status}): ${detail}.${advice}`, {
    details: { status, registry: ctx.registry, repository: ctx.repository, errors: entries },
  });
}
