import { z } from 'zod';
import { createSilence, expireSilence, listSilences, silenceLabelNames, silenceState, type Silence } from '@ztv/store';
import type { ApiDeps } from '../deps';
import { ApiError, notFound } from '../http/errors';
import { defineRoute, type AnyRoute } from '../http/route';
import { idParams, isoTime } from '../schemas/common';
import { actorOf } from './finding-actions';

const matcher = z.object({
  name: z.enum(silenceLabelNames),
  op: z.enum(['=', '!=', '=~', '!~']).default('='),
  value: z.string().max(1000),
});
const silenceSchema = z.object({
  id: z.string(),
  matchers: z.array(z.object({ name: z.string(), op: z.enum(['=', '!=', '=~', '!~']), value: z.string() })),
  startsAt: isoTime,
  endsAt: isoTime,
  createdBy: z.string(),
  comment: z.string(),
  createdAt: isoTime,
  state: z.enum(['pending', 'active', 'expired']),
});
const createBody = z
  .object({
    matchers: z.array(matcher).min(1).max(20).describe('Alertmanager-style; regular expressions are anchored'),
    startsAt: isoTime.optional().describe('default: now'),
    endsAt: isoTime.optional(),
    duration: z
      .string()
      .regex(/^\d+[smhd]$/, 'a number and a unit: 30m, 4h, 7d')
      .optional()
      .describe('instead of endsAt: how long from startsAt'),
    comment: z.string().trim().min(1).max(2000).describe('why'),
  })
  .refine((b) => (b.endsAt === undefined) !== (b.duration === undefined), { message: 'give exactly one of endsAt and duration', path: ['endsAt'] });
const listQuery = z.object({ state: z.enum(['pending', 'active', 'expired']).optional(), limit: z.coerce.number().int().min(1).max(5000).default(500) });

const unitMs = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** `4h` → milliseconds. */
export function durationMs(d: string): number {
  return Number(d.slice(0, -1)) * unitMs[d.slice(-1) as keyof typeof unitMs];
}

export function silenceRoutes(deps: ApiDeps): AnyRoute[] {
  const withState = (s: Silence) => ({ ...s, state: silenceState(s, deps.clock()) });
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/silences',
      tag: 'silences',
      summary: 'List silences, newest first',
      access: 'viewer',
      query: listQuery,
      response: z.object({ items: z.array(silenceSchema) }),
      handler: async ({ query }) => ({ items: await listSilences(deps.store.db, { now: deps.clock(), limit: query.limit, ...(query.state ? { state: query.state } : {}) }) }),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/silences',
      tag: 'silences',
      summary: 'Create a silence: matching findings are suppressed (recorded, never paged) while it is active',
      access: 'operator',
      body: createBody,
      response: silenceSchema.extend({ suppressed: z.number().int().describe('findings suppressed by it at once') }),
      status: 201,
      handler: async ({ body, principal }) => {
        const now = deps.clock();
        const startsAt = body.startsAt ? new Date(body.startsAt) : now;
        const endsAt = body.endsAt ? new Date(body.endsAt) : new Date(startsAt.getTime() + durationMs(body.duration!));
        const r = await createSilence(deps.store.db, { matchers: body.matchers, startsAt, endsAt, createdBy: actorOf(principal), comment: body.comment }, now);
        if (!r.ok) {
          if (r.error === 'not_found') throw new Error('createSilence answered not_found');
          throw new ApiError(400, 'bad_request', `invalid silence: ${r.issues.join('; ')}`, { issues: r.issues.map((m) => ({ path: `body.${m.split(':')[0]}`, message: m })) });
        }
        deps.metrics.mutations.inc({ action: 'silence.create' });
        return { ...withState(r.silence), suppressed: r.suppressed };
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/v1/silences/:id',
      tag: 'silences',
      summary: 'Expire a silence now; the findings it suppressed open again',
      access: 'operator',
      params: idParams,
      response: silenceSchema.extend({ changed: z.boolean(), released: z.number().int() }),
      errors: [404],
      handler: async ({ params, principal }) => {
        const r = await expireSilence(deps.store.db, params.id, actorOf(principal), deps.clock());
        if (!r.ok) {
          if (r.error === 'not_found') throw notFound('silence', params.id);
          throw new ApiError(400, 'bad_request', r.issues.join('; '));
        }
        if (r.changed) deps.metrics.mutations.inc({ action: 'silence.expire' });
        return { ...withState(r.silence), changed: r.changed, released: r.released };
      },
    }),
  ];
}
