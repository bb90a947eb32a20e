/**
 * Predicate types plimsoll knows by short name (the `--type` values, as in cosign's
 * options/predicate.go, except that `slsaprovenance` means SLSA v1 here — the version plimsoll
 * produces; `slsaprovenance02` selects v0.2) and the structural checks applied to each before
 * signing and after verification. Any other `--type` must be an absolute URI and is used as given;
 * a bare word that is not a known name is refused (it is almost always a typo).
 */
import { PlimsollError } from '../../util/errors.js';
import { isObject } from '../encoding.js';
import type { InTotoProblem } from './problems.js';
import { resourceDescriptorProblems } from './resource-descriptor.js';

export const PredicateTypes = {
  slsaProvenanceV1: 'https://slsa.dev/provenance/v1',
  slsaProvenanceV02: 'https://slsa.dev/provenance/v0.2',
  cyclonedx: 'https://cyclonedx.org/bom',
  spdx: 'https://spdx.dev/Document',
  cosignVuln: 'https://cosign.sigstore.dev/attestation/vuln/v1',
  openvex: 'https://openvex.dev/ns',
  cosignCustom: 'https://cosign.sigstore.dev/attestation/v1',
  link: 'https://in-toto.io/Link/v1',
  /** cosign v3's image-signature statement (an empty predicate; the subject is what is signed) */
  cosignSign: 'https://sigstore.dev/cosign/sign/v1',
} as const;

export const PREDICATE_NAMES: Readonly<Record<string, string>> = {
  slsaprovenance: PredicateTypes.slsaProvenanceV1,
  slsaprovenance1: PredicateTypes.slsaProvenanceV1,
  slsaprovenance02: PredicateTypes.slsaProvenanceV02,
  cyclonedx: PredicateTypes.cyclonedx,
  spdx: PredicateTypes.spdx,
  spdxjson: PredicateTypes.spdx,
  vuln: PredicateTypes.cosignVuln,
  openvex: PredicateTypes.openvex,
  custom: PredicateTypes.cosignCustom,
  link: PredicateTypes.link,
};

/** `--type` value → predicate type URI. */
export function resolvePredicateType(type: string): string {
  const known = PREDICATE_NAMES[type.toLowerCase()];
  if (known) return known;
  if (/^[a-z][a-z0-9+.-]*:\/\/[^\s]+$/i.test(type)) return type;
  throw new PlimsollError(
    'USAGE',
    `unknown predicate type "${type.slice(0, 100)}": use one of ${Object.keys(PREDICATE_NAMES).join(', ')}, or a full predicate type URI (e.g. https://example.com/TestResult/v1)`,
  );
}

function rdList(v: unknown, path: string): InTotoProblem[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) return [{ error: 'ErrRDRequiredField', message: 'must be a list of resource descriptors', path }];
  return v.flatMap((rd, i) => resourceDescriptorProblems(rd, `${path}[${i}]`));
}

const nonEmptyObject = (v: unknown): v is Record<string, unknown> => isObject(v) && Object.keys(v).length > 0;

/** SLSA provenance v1 (slsa.dev/spec/v1.0/provenance), with in-toto's Go Validate() rules. */
export function slsaProvenanceV1Problems(p: Record<string, unknown>): InTotoProblem[] {
  const out: InTotoProblem[] = [];
  const bd = p.buildDefinition;
  if (!nonEmptyObject(bd)) out.push({ error: 'ErrBuildDefinitionRequired', message: 'buildDefinition required', path: 'predicate.buildDefinition' });
  else {
    if (typeof bd.buildType !== 'string' || bd.buildType === '') out.push({ error: 'ErrBuildTypeRequired', message: 'buildDefinition.buildType required', path: 'predicate.buildDefinition.buildType' });
    if (!isObject(bd.externalParameters)) out.push({ error: 'ErrExternalParamsRequired', message: 'buildDefinition.externalParameters required', path: 'predicate.buildDefinition.externalParameters' });
    out.push(...rdList(bd.resolvedDependencies, 'predicate.buildDefinition.resolvedDependencies'));
  }
  const rd = p.runDetails;
  if (!nonEmptyObject(rd)) out.push({ error: 'ErrRunDetailsRequired', message: 'runDetails required', path: 'predicate.runDetails' });
  else {
    const b = rd.builder;
    if (!nonEmptyObject(b)) out.push({ error: 'ErrBuilderRequired', message: 'runDetails.builder required', path: 'predicate.runDetails.builder' });
    else {
      if (typeof b.id !== 'string' || b.id === '') out.push({ error: 'ErrBuilderIdRequired', message: 'runDetails.builder.id required', path: 'predicate.runDetails.builder.id' });
      out.push(...rdList(b.builderDependencies, 'predicate.runDetails.builder.builderDependencies'));
    }
    out.push(...rdList(rd.byproducts, 'predicate.runDetails.byproducts'));
  }
  return out;
}

/** Structural checks per known predicate type; unknown (custom URI) types only need to be objects. */
export function predicateProblems(predicateType: string, p: unknown): InTotoProblem[] {
  if (!isObject(p)) return [{ error: 'ErrPredicateRequired', message: 'predicate object required', path: 'predicate' }];
  const need = (cond: boolean, path: string, message: string): InTotoProblem[] => (cond ? [] : [{ error: 'ErrPredicateInvalid', message, path }]);
  switch (predicateType) {
    case PredicateTypes.slsaProvenanceV1:
      return slsaProvenanceV1Problems(p);
    case PredicateTypes.slsaProvenanceV02:
      return [...need(isObject(p.builder) && typeof p.builder.id === 'string', 'predicate.builder.id', 'builder.id required'), ...need(typeof p.buildType === 'string', 'predicate.buildType', 'buildType required')];
    case PredicateTypes.cyclonedx:
      return [...need(p.bomFormat === 'CycloneDX', 'predicate.bomFormat', 'a CycloneDX BOM has bomFormat "CycloneDX"'), ...need(typeof p.specVersion === 'string', 'predicate.specVersion', 'specVersion required')];
    case PredicateTypes.spdx:
      return need(typeof p.spdxVersion === 'string' && p.spdxVersion.startsWith('SPDX-'), 'predicate.spdxVersion', 'an SPDX document has spdxVersion "SPDX-x.y"');
    case PredicateTypes.openvex:
      return [
        ...need(typeof p['@context'] === 'string' && p['@context'].startsWith('https://openvex.dev/ns'), 'predicate.@context', 'an OpenVEX document has @context https://openvex.dev/ns…'),
        ...need(Array.isArray(p.statements), 'predicate.statements', 'statements list required'),
      ];
    case PredicateTypes.cosignVuln:
      return need(isObject(p.scanner) && typeof p.scanner.uri === 'string', 'predicate.scanner.uri', 'a vulnerability predicate names its scanner (scanner.uri)');
    case PredicateTypes.cosignCustom:
      return need(typeof p.Data === 'string' || p.Data === undefined, 'predicate.Data', 'cosign custom predicates carry Data as a string');
    default:
      return [];
  }
}
