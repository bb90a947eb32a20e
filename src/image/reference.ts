/**
 * Docker-style image references, parsed and validated per the distribution reference grammar
 * (github.com/distribution/reference, "reference.go" grammar comment):
 *
 *   reference        := name [ ":" tag ] [ "@" digest ]
 *   name             := [domain '/'] remote-name
 *   domain           := host [':' port-number]
 *   host             := domain-name | IPv4address | "[" IPv6address "]"
 *   domain-name      := domain-component ['.' domain-component]*
 *   domain-component := /([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])/
 *   remote-name      := path-component ['/' path-component]*
 *   path-component   := alpha-numeric [separator alpha-numeric]*
 *   alpha-numeric    := /[a-z0-9]+/
 *   separator        := /[_.]|__|[-]+/
 *   tag              := /[\w][\w.-]{0,127}/
 *   digest           := algorithm ":" hex   (sha256: 64 lowercase hex, sha512: 128)
 *
 * Docker's "familiar" normalization applies: the first path segment is a registry only when it
 * contains "." or ":", is "localhost", or has upper-case letters; otherwise the registry is
 * docker.io, and single-segment docker.io names get the "library/" prefix. A reference without tag
 * or digest gets the tag "latest".
 */
import { PlimsollError } from '../util/errors.js';
import { parseDigest } from '../util/digest.js';

export interface ImageReference {
  /** registry host[:port] as users name it; "docker.io" for Docker Hub (see apiHost) */
  registry: string;
  /** repository path, e.g. "library/alpine" */
  repository: string;
  tag?: string;
  digest?: string;
  /** canonical form: registry/repository[:tag][@digest] */
  toString(): string;
  /** the short form docker prints: "alpine:3.19" for docker.io/library/alpine:3.19 */
  familiar?: string;
}

export const DOCKER_HUB = 'docker.io';
/** the host that serves the Docker Hub registry API */
export const DOCKER_HUB_API = 'registry-1.docker.io';
/** the key docker login writes into config.json for Docker Hub */
export const DOCKER_HUB_AUTH_KEY = 'https://index.docker.io/v1/';

const NAME_TOTAL_MAX = 255;
const PATH_COMPONENT_RE = /^[a-z0-9]+(?:(?:[_.]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_COMPONENT_RE = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const TAG_RE = /^[\w][\w.-]{0,127}$/;
const PORT_RE = /^[0-9]+$/;
const IPV6_RE = /^[0-9a-fA-F:.]+$/;
const HEX64_RE = /^[a-f0-9]{64}$/;

function invalid(input: string, why: string): PlimsollError {
  return new PlimsollError('REFERENCE_INVALID', `invalid image reference "${printable(input)}": ${why}`);
}

/** Keep error messages readable when the input is hostile (control characters, huge strings). */
function printable(s: string): string {
  const t = s.length > 300 ? s.slice(0, 300) + '…' : s;
  return t.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Validate "host[:port]" (the domain part of a reference). Returns a reason when invalid. */
export function checkRegistryHost(domain: string): string | undefined {
  let host = domain;
  let port: string | undefined;
  if (domain.startsWith('[')) {
    const close = domain.indexOf(']');
    if (close < 0) return `registry "${domain}" has an unclosed "[" (IPv6 addresses are written [::1]:5000)`;
    const v6 = domain.slice(1, close);
    if (!v6.includes(':') || !IPV6_RE.test(v6)) return `"${v6}" is not an IPv6 address`;
    const rest = domain.slice(close + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) return `unexpected "${rest}" after the IPv6 address`;
      port = rest.slice(1);
    }
    host = '';
  } else {
    const colon = domain.indexOf(':');
    if (colon >= 0) {
      host = domain.slice(0, colon);
      port = domain.slice(colon + 1);
    }
    if (host === '') return 'the registry host is empty';
    for (const part of host.split('.')) {
      if (!DOMAIN_COMPONENT_RE.test(part)) return `registry host "${host}" is not a valid host name (letters, digits, "-" and "." only)`;
    }
  }
  if (port !== undefined) {
    if (!PORT_RE.test(port)) return `registry port "${port}" is not a number`;
    const n = Number(port);
    if (n < 1 || n > 65535) return `registry port ${port} is out of range`;
  }
  return undefined;
}

/** Validate a repository path. Returns a reason when invalid. */
export function checkRepository(repo: string): string | undefined {
  if (repo === '') return 'the repository name is empty';
  for (const comp of repo.split('/')) {
    if (comp === '') return `repository "${repo}" has an empty path component (double or trailing "/")`;
    if (!PATH_COMPONENT_RE.test(comp)) {
      if (comp.toLowerCase() !== comp && PATH_COMPONENT_RE.test(comp.toLowerCase())) {
        return `repository name "${repo}" must be lowercase`;
      }
      return `repository path component "${comp}" is invalid: use lowercase letters and digits, separated by ".", "_", "__" or "-"`;
    }
  }
  return undefined;
}

export function isValidTag(tag: string): boolean {
  return TAG_RE.test(tag);
}

/** Does the first path segment name a registry (docker's splitDockerDomain rule)? */
function looksLikeDomain(seg: string): boolean {
  return seg.includes('.') || seg.includes(':') || seg === 'localhost' || seg.toLowerCase() !== seg || seg.startsWith('[');
}

function makeReference(registry: string, repository: string, tag: string | undefined, digest: string | undefined): ImageReference {
  const name = `${registry}/${repository}`;
  const canonical = name + (tag !== undefined ? `:${tag}` : '') + (digest !== undefined ? `@${digest}` : '');
  let familiarName = name;
  if (registry === DOCKER_HUB) {
    familiarName = repository.startsWith('library/') && repository.split('/').length === 2 ? repository.slice('library/'.length) : repository;
  }
  const familiar = familiarName + (tag !== undefined ? `:${tag}` : '') + (digest !== undefined ? `@${digest}` : '');
  return {
    registry,
    repository,
    ...(tag !== undefined ? { tag } : {}),
    ...(digest !== undefined ? { digest } : {}),
    familiar,
    toString: () => canonical,
  };
}

/**
 * Parse a docker-style reference. `alpine` → docker.io/library/alpine:latest; a tag and a digest
 * may both be given (the digest is what is pulled). Throws REFERENCE_INVALID with the reason.
 */
export function parseImageReference(input: string): ImageReference {
  if (typeof input !== 'string' || input.length === 0) throw invalid(String(input ?? ''), 'the reference is empty');
  if (input.length > 1024) throw invalid(input, 'the reference is longer than 1024 characters');
  if (/\s/.test(input)) throw invalid(input, 'the reference contains whitespace');
  if (input.includes('://')) throw invalid(input, 'write the reference without a URL scheme (e.g. "ghcr.io/owner/repo:tag", not "https://ghcr.io/...")');

  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    const d = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (d === '') throw invalid(input, 'the digest after "@" is empty');
    if (!/^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/.test(d)) {
      throw invalid(input, `"${printable(d)}" is not a digest (expected sha256:<64 lowercase hex>)`);
    }
    const alg = d.slice(0, d.indexOf(':'));
    const hex = d.slice(d.indexOf(':') + 1);
    if (alg !== 'sha256' && alg !== 'sha512') throw invalid(input, `digest algorithm "${printable(alg)}" is not supported (use sha256 or sha512)`);
    if (hex.toLowerCase() !== hex) throw invalid(input, 'the digest hex must be lowercase');
    const want = alg === 'sha256' ? 64 : 128;
    if (hex.length !== want) throw invalid(input, `a ${alg} digest has ${want} hex characters, this one has ${hex.length}`);
    parseDigest(d); // cannot fail after the checks above
    digest = d;
  }

  // A tag is the part after the last ':' that comes after the last '/' (a ':' before it is a port).
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const lastColon = rest.lastIndexOf(':');
  if (lastColon > lastSlash) {
    const t = rest.slice(lastColon + 1);
    const nameCandidate = rest.slice(0, lastColon);
    // "[::1]:5000" without a repository: the ':' is inside the domain, not a tag separator
    if (!(lastSlash < 0 && nameCandidate.startsWith('[') && !nameCandidate.includes(']'))) {
      if (t === '') throw invalid(input, 'the tag after ":" is empty');
      if (!TAG_RE.test(t)) throw invalid(input, `tag "${printable(t)}" is invalid: up to 128 letters, digits, "_", "." and "-", not starting with "." or "-"`);
      tag = t;
      rest = nameCandidate;
    }
  }
  if (rest === '') throw invalid(input, 'the repository name is empty');

  let registry: string;
  let repository: string;
  const slash = rest.indexOf('/');
  if (slash >= 0 && looksLikeDomain(rest.slice(0, slash))) {
    registry = rest.slice(0, slash);
    repository = rest.slice(slash + 1);
    const why = checkRegistryHost(registry);
    if (why) throw invalid(input, why);
  } else {
    registry = DOCKER_HUB;
    repository = rest;
  }
  if (slash < 0 && (rest.includes(':') || rest.startsWith('['))) {
    throw invalid(input, `"${printable(rest)}" has no repository path; write registry/repository`);
  }
  if (registry === 'index.docker.io' || registry === DOCKER_HUB_API) registry = DOCKER_HUB;
  if (registry === DOCKER_HUB && !repository.includes('/')) repository = `library/${repository}`;

  const why = checkRepository(repository);
  if (why) throw invalid(input, why);
  if (registry === DOCKER_HUB && HEX64_RE.test(repository.replace(/^library\//, ''))) {
    throw invalid(input, 'a 64-character hex string is an image ID, not a repository name');
  }
  if (registry.length + 1 + repository.length > NAME_TOTAL_MAX) {
    throw invalid(input, `the name is longer than ${NAME_TOTAL_MAX} characters`);
  }
  if (tag === undefined && digest === undefined) tag = 'latest';
  return makeReference(registry, repository, tag, digest);
}

/** A copy of `ref` with a different tag/digest (undefined removes it). */
export function withTagDigest(ref: ImageReference, tag: string | undefined, digest: string | undefined): ImageReference {
  return makeReference(ref.registry, ref.repository, tag, digest);
}

/** Host the registry API is served from (Docker Hub's API lives at registry-1.docker.io). */
export function apiHost(registry: string): string {
  return registry === DOCKER_HUB ? DOCKER_HUB_API : registry;
}

/** Host part of "host[:port]" without brackets, lower-cased. */
export function hostOnly(registry: string): string {
  if (registry.startsWith('[')) return registry.slice(1, registry.indexOf(']')).toLowerCase();
  const c = registry.indexOf(':');
  return (c >= 0 ? registry.slice(0, c) : registry).toLowerCase();
}

/** Loopback registries are spoken to over plain HTTP without asking (docker does the same). */
export function isLoopbackRegistry(registry: string): boolean {
  const h = hostOnly(registry);
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h.endsWith('.localhost');
}
