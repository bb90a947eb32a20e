export { evaluatePolicy, evaluateRule, loadPolicy, parsePolicy, type Policy, type PolicyResult, type Rule, type RuleResult } from './policy.js';
export { parsePath, resolvePath } from './path.js';
