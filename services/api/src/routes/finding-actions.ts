import { acknowledgeFinding, resolveFindingManually, suppressFinding, unsuppressFinding, type FindingActionResult } from '@ztv/store';
import type { ApiDeps } from '../deps';
import type { Principal } from '../http/auth';
import { ApiError, conflict, notFound } from '../http/errors';
import { defineRoute, type AnyRoute } from '../http/route';
import { idParams } from '../schemas/common';
import { findingActionBody, findingActionResult } from '../schemas/findings';

type Action = 'acknowledge' | 'resolve' | 'suppress' | 'unsuppress';

const summaries: Record<Action, string> = {
  acknowledge: 'Acknowledge an open finding (someone is on it)',
  resolve: 'Resolve a finding by hand (it reopens if the rule still sees the problem); needs a reason',
  suppress: 'Suppress a finding: still recorded, never paged; needs a reason',
  unsuppress: 'Lift a suppression: the finding is open and pages again',
};

export function findingActionRoutes(deps: ApiDeps): AnyRoute[] {
  const run = (action: Action, id: string, actor: string, reason: string | undefined): Promise<FindingActionResult> => {
    const now = deps.clock();
    const db = deps.store.db;
    if (action === 'acknowledge') return acknowledgeFinding(db, id, actor, now);
    if (action === 'unsuppress') return unsuppressFinding(db, id, actor, now);
    if (!reason) throw new ApiError(400, 'bad_request', `a reason is required to ${action} a finding`, { issues: [{ path: 'body.reason', message: 'Required' }] });
    return action === 'resolve' ? resolveFindingManually(db, id, actor, now, reason) : suppressFinding(db, id, actor, now, reason);
  };
  return (Object.keys(summaries) as Action[]).map((action) =>
    defineRoute({
      method: 'POST',
      url: `/api/v1/findings/:id/${action}`,
      tag: 'findings',
      summary: summaries[action],
      description: 'Recorded in the finding\'s history with the token\'s name as the actor. Doing it twice is not an error: `changed` is false.',
      access: 'operator',
      params: idParams,
      body: findingActionBody.optional(),
      response: findingActionResult,
      errors: [404, 409],
      handler: async ({ params, body, principal }) => {
        const result = await run(action, params.id, actorOf(principal), body?.reason);
        if (!result.ok) {
          if (result.error === 'not_found') throw notFound('finding', params.id);
          throw conflict(result.message, { status: result.status });
        }
        if (result.changed) deps.metrics.mutations.inc({ action: `finding.${action}` });
        return { changed: result.changed, finding: result.finding, event: result.event ?? null };
      },
    }),
  );
}

/** The actor recorded on a change: the token's name (unique among live tokens). */
export function actorOf(principal: Principal | undefined): string {
  if (!principal) throw new Error('a mutating route must not be public');
  return principal.name;
}
