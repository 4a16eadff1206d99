import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiTokenRole } from '@ztv/store';
import { startApiHarness, type ApiHarness } from './api-harness';

// Each mutating endpoint with the least role that may call it. Requests name objects that do not exist (or carry an
// empty body): a role that is allowed gets past authorization to a 404 or 400, one that is not gets 403, and nothing
// changes either way.
const mutating: [method: string, path: string, needs: ApiTokenRole][] = [
  ['POST', '/api/v1/findings/fnd_missing/acknowledge', 'operator'],
  ['POST', '/api/v1/findings/fnd_missing/resolve', 'operator'],
  ['POST', '/api/v1/findings/fnd_missing/suppress', 'operator'],
  ['POST', '/api/v1/findings/fnd_missing/unsuppress', 'operator'],
  ['POST', '/api/v1/silences', 'operator'],
  ['DELETE', '/api/v1/silences/sil_missing', 'operator'],
  ['POST', '/api/v1/findings/fnd_missing/remediations', 'operator'],
  ['POST', '/api/v1/remediations/rem_missing/approve', 'admin'],
  ['POST', '/api/v1/remediations/rem_missing/reject', 'admin'],
  ['POST', '/api/v1/tokens', 'admin'],
  ['DELETE', '/api/v1/tokens/tok_missing', 'admin'],
];
const roles: ApiTokenRole[] = ['viewer', 'operator', 'admin'];
const rank = { viewer: 1, operator: 2, admin: 3 } as const;
const matrix = mutating.flatMap(([method, path, needs]) => roles.map((role) => [method, path, needs, role, rank[role] >= rank[needs]] as const));

describe('API authorization', () => {
  let h: ApiHarness;
  let documented: { method: string; path: string; role: string | undefined }[];
  beforeAll(async () => {
    h = await startApiHarness();
    const doc = await h.call('GET', '/api/openapi.json', { token: h.tokens.viewer });
    documented = Object.entries(doc.body.paths as Record<string, Record<string, { 'x-ztv-role'?: string }>>).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), path: path.replace(/\{[^}]+\}/g, 'x_missing'), role: op['x-ztv-role'] })),
    );
  });
  afterAll(async () => {
    await h?.stop();
  });

  it.each(matrix)('%s %s (needs %s) as %s: allowed %s', async (method, path, _needs, role, allowed) => {
    const res = await h.call(method, path, { token: h.tokens[role], body: {} });
    if (allowed) expect([400, 404]).toContain(res.status);
    else expect(res).toMatchObject({ status: 403, body: { error: 'forbidden' } });
  });

  it('covers every mutating endpoint of the OpenAPI document, with the role it documents', () => {
    // POST /api/v1/query reads only (a read-only transaction as ztv_reader): any role may call it.
    const documentedMutations = documented.filter((d) => d.method !== 'GET' && d.path !== '/api/v1/query');
    const normalise = (path: string) => path.replace(/\/(fnd|sil|rem|tok|x)_missing/g, '/{id}');
    expect(documentedMutations.map((d) => `${d.method} ${normalise(d.path)} ${d.role}`).sort()).toEqual(
      mutating.map(([method, path, needs]) => `${method} ${normalise(path)} ${needs}`).sort(),
    );
  });

  it('refuses every endpoint but the health probes without a token, with a bad one, and with a revoked one', async () => {
    const created = await h.call('POST', '/api/v1/tokens', { body: { name: 'short-lived', role: 'viewer' } });
    expect(created.status).toBe(201);
    await h.call('DELETE', `/api/v1/tokens/${created.body.info.id}`);
    const probes = [...documented, { method: 'GET', path: '/metrics', role: 'viewer' }];
    for (const { method, path, role } of probes) {
      for (const token of [null, 'ztv_not-a-real-token', 'Basic abc', created.body.token]) {
        const res = await h.call(method, path, { token });
        if (role === undefined) expect(res.status, `${method} ${path}`).toBe(200);
        else expect(res, `${method} ${path} with ${token ? 'a bad token' : 'no token'}`).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
      }
    }
    expect(documented.filter((d) => d.role === undefined).map((d) => d.path).sort()).toEqual(['/healthz', '/readyz']);
  });

  it('lets every role read', async () => {
    for (const role of roles) {
      for (const path of ['/api/v1/findings', '/api/v1/rules', '/api/v1/posture', '/api/v1/silences', '/api/v1/remediations', '/api/v1/me', '/metrics']) {
        expect((await h.call('GET', path, { token: h.tokens[role] })).status, `${role} GET ${path}`).toBe(200);
      }
      expect((await h.call('POST', '/api/v1/query', { token: h.tokens[role], body: { sql: 'select 1' } })).status).toBe(200);
    }
    expect((await h.call('GET', '/api/v1/tokens', { token: h.tokens.operator })).status).toBe(403);
  });
});
