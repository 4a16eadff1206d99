import { ruleById } from '@ztv/rules';
import { getFinding, getRemediation, listRemediations } from '@ztv/store';
import type { ApiDeps } from '../deps';
import { ApiError, badRequest, conflict, notFound } from '../http/errors';
import { defineRoute, type AnyRoute } from '../http/route';
import { idParams } from '../schemas/common';
import { remediationSchema } from '../schemas/findings';
import { rejectBody, remediationListQuery, remediationListSchema, remediationRequestBody } from '../schemas/misc';
import { approve, reject, requestRemediation, type RemediationOutcome } from '../queries/remediations';
import { actorOf } from './finding-actions';
import { knownPlaybooks } from './rules';

function unwrap(outcome: RemediationOutcome, id: string) {
  if (outcome.ok) return outcome.remediation;
  if (outcome.error === 'not_found') throw notFound('remediation', id);
  if (outcome.error === 'unavailable') throw new ApiError(503, 'unavailable', 'the job queue did not accept the remediation job; try again');
  if (outcome.error !== 'conflict') throw new Error(`unexpected outcome ${outcome.error}`);
  throw conflict(outcome.message, outcome.remediationId ? { remediationId: outcome.remediationId } : undefined);
}

export function remediationRoutes(deps: ApiDeps): AnyRoute[] {
  const jobs = () => {
    if (!deps.jobs) throw new ApiError(503, 'unavailable', 'remediation is not available: this API has no job queue configured');
    return deps.jobs;
  };
  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/findings/:id/remediations',
      tag: 'remediations',
      summary: 'Request a remediation playbook for a finding (the remediator plans it as a dry run)',
      access: 'operator',
      params: idParams,
      body: remediationRequestBody,
      response: remediationSchema,
      status: 201,
      errors: [404, 409, 503],
      handler: async ({ params, body, principal }) => {
        const finding = await getFinding(deps.store.db, params.id);
        if (!finding) throw notFound('finding', params.id);
        const playbook = body.playbook ?? ruleById(finding.ruleId)?.remediation.playbook;
        if (!playbook) throw badRequest(`rule ${finding.ruleId} has no playbook; name one (${knownPlaybooks().join(', ')})`);
        if (!knownPlaybooks().includes(playbook)) throw badRequest(`unknown playbook "${playbook}"; known: ${knownPlaybooks().join(', ')}`);
        const outcome = await requestRemediation(deps.store.db, jobs(), { findingId: params.id, playbook, mode: body.mode, actor: actorOf(principal), now: deps.clock() });
        if (outcome.ok) deps.metrics.mutations.inc({ action: 'remediation.request' });
        if (!outcome.ok && outcome.error === 'not_found') throw notFound('finding', params.id);
        return unwrap(outcome, params.id);
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/remediations',
      tag: 'remediations',
      summary: 'List remediations, newest first',
      access: 'viewer',
      query: remediationListQuery,
      response: remediationListSchema,
      handler: async ({ query }) => ({ items: await listRemediations(deps.store.db, { limit: query.limit, ...(query.status ? { status: query.status } : {}), ...(query.findingId ? { findingId: query.findingId } : {}) }) }),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/remediations/:id',
      tag: 'remediations',
      summary: 'One remediation, with its dry-run diff',
      access: 'viewer',
      params: idParams,
      response: remediationSchema,
      errors: [404],
      handler: async ({ params }) => {
        const row = await getRemediation(deps.store.db, params.id);
        if (!row) throw notFound('remediation', params.id);
        return row;
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/remediations/:id/approve',
      tag: 'remediations',
      summary: 'Approve a planned remediation: the remediator applies it',
      access: 'admin',
      params: idParams,
      response: remediationSchema,
      errors: [404, 409, 503],
      handler: async ({ params, principal }) => {
        const row = unwrap(await approve(deps.store.db, jobs(), params.id, actorOf(principal), deps.clock()), params.id);
        deps.metrics.mutations.inc({ action: 'remediation.approve' });
        return row;
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/remediations/:id/reject',
      tag: 'remediations',
      summary: 'Reject a remediation that has not been approved',
      access: 'admin',
      params: idParams,
      body: rejectBody.optional(),
      response: remediationSchema,
      errors: [404, 409],
      handler: async ({ params, body, principal }) => {
        const row = unwrap(await reject(deps.store.db, params.id, actorOf(principal), deps.clock(), body?.reason), params.id);
        deps.metrics.mutations.inc({ action: 'remediation.reject' });
        return row;
      },
    }),
  ];
}
