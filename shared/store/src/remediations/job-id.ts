/**
 * Job ids of `remediation.run` (DESIGN §1: deterministic, so a replayed trigger cannot run a playbook twice).
 * - the first run (plan, and apply too in `auto` mode): `remediation:<remediationId>`;
 * - the run after an operator approved the plan: `remediation:<remediationId>:approved`.
 * A producer that needs replay-safety before it has a remediation id (the alerter acting on a signal) passes its own
 * deterministic id to createRemediation, and a replay then gets the stored row back instead of a second one.
 */
export function remediationJobId(remediationId: string, phase: 'run' | 'approved' = 'run'): string {
  return phase === 'run' ? `remediation:${remediationId}` : `remediation:${remediationId}:approved`;
}
