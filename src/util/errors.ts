/**
 * One error class for the whole tool. `code` is stable and machine-readable; `message` says what
 * failed, on which input, and (where possible) what to do about it.
 */
export type ErrorCode =
  | 'USAGE'
  | 'REFERENCE_INVALID'
  | 'SOURCE_NOT_FOUND'
  | 'SOURCE_UNSUPPORTED'
  | 'MANIFEST_INVALID'
  | 'CONFIG_INVALID'
  | 'PLATFORM_NOT_FOUND'
  | 'DIGEST_MISMATCH'
  | 'LAYER_CORRUPT'
  | 'LAYER_TRUNCATED'
  | 'LAYER_TOO_LARGE'
  | 'PATH_TRAVERSAL'
  | 'LINK_ESCAPE'
  | 'REGISTRY_ERROR'
  | 'REGISTRY_AUTH'
  | 'NOT_FOUND'
  | 'PARSE_ERROR'
  | 'IO_ERROR'
  /** a malware scanning engine (clamd) is unreachable, refused, timed out or answered nonsense */
  | 'MALWARE_ENGINE'
  /** a signature, attestation or bundle did not verify (or none was found): exit 1 */
  | 'VERIFY_FAILED'
  /** a verified attestation did not satisfy the --policy: exit 1 */
  | 'POLICY_FAILED'
  /** a key file is malformed, truncated, of an unsupported algorithm or size */
  | 'KEY_INVALID'
  /** an encrypted private key did not decrypt with the given password */
  | 'PASSWORD_WRONG'
  | 'INTERNAL';

export class PlimsollError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'PlimsollError';
    this.code = code;
    this.details = options?.details;
  }
}

export function isPlimsollError(e: unknown): e is PlimsollError {
  return e instanceof PlimsollError;
}

/** Documented process exit codes (README "Exit codes"). */
export const ExitCode = {
  OK: 0,
  /** findings at or above --fail-on were reported (scan), or verification failed */
  FINDINGS: 1,
  /** bad command line */
  USAGE: 2,
  /** the input could not be read: missing, malformed, hostile or failing integrity checks */
  INPUT: 3,
  /** network/registry failure */
  REGISTRY: 4,
  /** a bug in plimsoll */
  INTERNAL: 70,
} as const;

export function exitCodeFor(e: unknown): number {
  if (!isPlimsollError(e)) return ExitCode.INTERNAL;
  switch (e.code) {
    case 'USAGE':
    case 'REFERENCE_INVALID':
      return ExitCode.USAGE;
    case 'REGISTRY_ERROR':
    case 'REGISTRY_AUTH':
      return ExitCode.REGISTRY;
    case 'INTERNAL':
      return ExitCode.INTERNAL;
    case 'VERIFY_FAILED':
    case 'POLICY_FAILED':
      return ExitCode.FINDINGS;
    default:
      return ExitCode.INPUT;
  }
}
