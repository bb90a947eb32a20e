export { STATEMENT_V1, STATEMENT_V01, digestSubject, makeStatement, parseStatement, statementCoversDigest, statementProblems, validateStatement, type Statement } from './statement.js';
export { resourceDescriptorProblems, type ResourceDescriptor } from './resource-descriptor.js';
export { PREDICATE_NAMES, PredicateTypes, predicateProblems, resolvePredicateType, slsaProvenanceV1Problems } from './predicates.js';
export { formatProblems, type InTotoProblem } from './problems.js';
