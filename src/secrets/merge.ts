import type { RuleSet } from './types.js';

/**
 * Combine rule sets (e.g. built-in rules + a user's extra file). Later sets win on duplicate rule ids;
 * global allowlists are concatenated.
 */
export function mergeRuleSets(...sets: RuleSet[]): RuleSet {
  const byId = new Map<string, RuleSet['rules'][number]>();
  for (const s of sets) for (const r of s.rules) byId.set(r.id, r);
  return {
    rules: [...byId.values()],
    allowlists: sets.flatMap((s) => s.allowlists),
    source: sets.map((s) => s.source).join(' + '),
    warnings: sets.flatMap((s) => s.warnings ?? []),
  };
}
