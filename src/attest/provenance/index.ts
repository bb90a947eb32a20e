export { detectCi, stripUserInfo, type CiContext } from './ci.js';
export { buildProvenance, parseDependency, GENERIC_BUILD_TYPE, GENERIC_BUILDER_ID, GITHUB_BUILD_TYPE, type ProvenanceOptions } from './slsa.js';
