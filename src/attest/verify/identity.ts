/**
 * Who a keyless signature must come from: the certificate's subject alternative name
 * (--certificate-identity / --certificate-identity-regexp) and its OIDC issuer extension
 * (--certificate-oidc-issuer / …-regexp). Exact matching is exact string equality — a prefix or a
 * trailing slash does not match. Regexps are searched unanchored, as cosign's Go regexps are;
 * anchor them with ^…$ to match whole values.
 */
import { PlimsollError } from '../../util/errors.js';

export type Matcher = { kind: 'exact'; value: string } | { kind: 'regexp'; pattern: RegExp };

export interface IdentityPolicy {
  subject: Matcher;
  issuer: Matcher;
}

export function exact(value: string): Matcher {
  return { kind: 'exact', value };
}

export function regexp(source: string, flag: string): Matcher {
  try {
    return { kind: 'regexp', pattern: new RegExp(source, 'u') };
  } catch (e) {
    throw new PlimsollError('USAGE', `${flag}: "${source.slice(0, 200)}" is not a valid regular expression (${(e as Error).message})`);
  }
}

export function matches(m: Matcher, value: string | undefined): boolean {
  if (value === undefined) return false;
  return m.kind === 'exact' ? m.value === value : m.pattern.test(value);
}

export function describeMatcher(m: Matcher): string {
  return m.kind === 'exact' ? `"${m.value}"` : `/${m.pattern.source}/`;
}

/** Build a policy from CLI flags; both the identity and the issuer are required (cosign does the same). */
export function identityFromFlags(f: { certificateIdentity?: string; certificateIdentityRegexp?: string; certificateOidcIssuer?: string; certificateOidcIssuerRegexp?: string }): IdentityPolicy {
  const subject = f.certificateIdentity !== undefined ? exact(f.certificateIdentity) : f.certificateIdentityRegexp !== undefined ? regexp(f.certificateIdentityRegexp, '--certificate-identity-regexp') : undefined;
  const issuer = f.certificateOidcIssuer !== undefined ? exact(f.certificateOidcIssuer) : f.certificateOidcIssuerRegexp !== undefined ? regexp(f.certificateOidcIssuerRegexp, '--certificate-oidc-issuer-regexp') : undefined;
  if (!subject || !issuer) {
    throw new PlimsollError('USAGE', 'keyless verification needs both --certificate-identity (or --certificate-identity-regexp) and --certificate-oidc-issuer (or --certificate-oidc-issuer-regexp): a valid certificate proves only that *someone* signed');
  }
  return { subject, issuer };
}
