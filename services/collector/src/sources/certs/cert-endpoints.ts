import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseText } from '@ztv/formats';
import { acceptText, issuesMessage, originContext, originQuery } from '../../http/ingest';
import { publishParsed } from '../../http/publish-parsed';
import type { SourceContext, SourceModule } from '../types';

const spireQuery = originQuery.extend({ source: z.enum(['spire', 'istio-agent']).default('spire') });

/**
 * Certificates pushed over HTTP:
 * - POST /certs/envoy: an Envoy admin `/certs` document (`?namespace=&pod=` say whose proxy), one `cert` event per
 *   certificate (own SVID, chain, trust bundle);
 * - POST /logs/spire: SPIRE server/agent (or istio-agent) log lines, text or JSON lines (`?node=&source=`); lines
 *   recording an SVID or CA being signed or rotated become `cert` events, other lines are skipped.
 */
export class CertEndpointsSource implements SourceModule {
  static readonly envoyPath = '/certs/envoy';
  static readonly spirePath = '/logs/spire';
  readonly name = 'cert-endpoints';

  constructor(private readonly ctx: SourceContext) {}

  async start(): Promise<void> {
    this.ctx.app.register(async (scope: FastifyInstance) => {
      scope.post(CertEndpointsSource.envoyPath, { preHandler: this.ctx.authenticate }, async (req, reply) => {
        const q = originQuery.safeParse(req.query);
        if (!q.success) return reply.code(400).send({ error: 'bad_request', message: issuesMessage(q.error) });
        const text = JSON.stringify(req.body);
        const observedAt = this.ctx.clock().toISOString();
        const r = parseText(text, { cluster: this.ctx.cluster, observedAt, format: 'envoy-certs', source: 'envoy-certs', file: 'envoy /certs', ...originContext(q.data) });
        return publishParsed(this.ctx, 'envoy-certs', r, text, reply);
      });
    });
    this.ctx.app.register(async (scope: FastifyInstance) => {
      acceptText(scope);
      scope.post(CertEndpointsSource.spirePath, { preHandler: this.ctx.authenticate }, async (req, reply) => {
        const q = spireQuery.safeParse(req.query);
        if (!q.success) return reply.code(400).send({ error: 'bad_request', message: issuesMessage(q.error) });
        const text = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
        const { source, ...origin } = q.data;
        const observedAt = this.ctx.clock().toISOString();
        const r = parseText(text, { cluster: this.ctx.cluster, observedAt, format: 'spire-log', source, file: `${source} log`, ...originContext(origin) });
        return publishParsed(this.ctx, source, r, text, reply);
      });
    });
  }

  async stop(): Promise<void> {}
}
