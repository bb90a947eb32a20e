/** A validation finding; `error` names match in-toto/attestation's Go error variables. */
export interface InTotoProblem {
  error: string;
  message: string;
  /** where in the document, e.g. "subject[0].digest.sha256" */
  path: string;
}

export function formatProblems(problems: readonly InTotoProblem[]): string {
  return problems.map((p) => `${p.path}: ${p.message}`).join('; ');
}
