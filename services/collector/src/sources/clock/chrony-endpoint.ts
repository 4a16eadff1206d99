import type { FastifyInstance } from 'fastify';
import { parseText } from '@ztv/formats';
import { acceptText, issuesMessage, originContext, originQuery } from '../../http/ingest';
import { publishParsed } from '../../http/publish-parsed';
import type { SourceContext, SourceModule } from '../types';

/**
 * POST /clock/chrony: what the clock-probe DaemonSet sends, `chronyc tracking` output as text with `?node=`
 * (or a `# node: <name>` header line), or JSON `{node, time?, tracking}`. One `clock` reading per output.
 */
export class ChronyEndpointSource implements SourceModule {
  static readonly path = '/clock/chrony';
  readonly name = 'chrony';

  constructor(private readonly ctx: SourceContext) {}

  async start(): Promise<void> {
    this.ctx.app.register(async (scope: FastifyInstance) => {
      acceptText(scope);
      scope.post(ChronyEndpointSource.path, { preHandler: this.ctx.authenticate }, async (req, reply) => {
        const q = originQuery.safeParse(req.query);
        if (!q.success) return reply.code(400).send({ error: 'bad_request', message: issuesMessage(q.error) });
        const text = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
        const observedAt = this.ctx.clock().toISOString();
        const r = parseText(text, { cluster: this.ctx.cluster, observedAt, format: 'chrony', source: this.name, file: 'chronyc tracking', ...originContext(q.data) });
        return publishParsed(this.ctx, this.name, r, text, reply);
      });
    });
  }

  async stop(): Promise<void> {}
}
