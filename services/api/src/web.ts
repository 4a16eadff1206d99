import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

/** The dashboard's files: plain HTML, CSS and ES modules, shipped as they are (no build step, no CDN). */
export const webRoot = fileURLToPath(new URL('../web', import.meta.url));

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

/**
 * Serves the dashboard: `/` is index.html, `/assets/<file>` the files beside it. The set of files is read once at
 * start-up, so a request can only ever name one of them (no path from input reaches the file system). The files hold
 * no data: the page asks for a token and every data request carries it.
 */
export function registerDashboard(app: FastifyInstance, root: string = webRoot): void {
  const files = new Map<string, { body: Buffer; type: string }>();
  for (const name of readdirSync(root)) {
    const type = types[extname(name)];
    if (type) files.set(name, { body: readFileSync(join(root, name)), type });
  }
  const index = files.get('index.html');
  app.get('/', async (_req, reply) => {
    if (!index) return reply.code(404).send({ error: 'not_found', message: 'the dashboard is not installed' });
    return reply.type(index.type).header('cache-control', 'no-cache').send(index.body);
  });
  app.get<{ Params: { file: string } }>('/assets/:file', async (req, reply) => {
    const file = files.get(req.params.file);
    if (!file || req.params.file === 'index.html') return reply.code(404).send({ error: 'not_found', message: `no asset ${req.params.file}` });
    return reply.type(file.type).header('cache-control', 'no-cache').send(file.body);
  });
}
