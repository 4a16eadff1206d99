import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateRemediation } from '@ztv/store';
import { seedFindings, seedSpecs, startApiHarness, type ApiHarness } from './api-harness';

const within = async (deadlineMs: number, check: () => boolean | Promise<boolean>) => {
  const end = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met before the deadline');
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('API endpoints', () => {
  let h: ApiHarness;
  const t0 = new Date(Date.now() - 3 * 3600_000);
  const idOf = async (rule: string, namespace: string) => {
    const res = await h.call('GET', `/api/v1/findings?rule=${rule}&namespace=${namespace}`);
    return res.body.items[0].id as string;
  };

  beforeAll(async () => {
    h = await startApiHarness();
    await seedFindings(h, seedSpecs, t0);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('answers the health probes without a token, and /metrics with one', async () => {
    expect(await h.call('GET', '/healthz', { token: null })).toMatchObject({ status: 200, body: { ok: true } });
    expect(await h.call('GET', '/readyz', { token: null })).toMatchObject({ status: 200, body: { database: 'ok' } });
    const metrics = await h.call('GET', '/metrics', { token: h.tokens.viewer });
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatch(/ztv_api_requests_total\{route="\/readyz",method="GET",status="200"\} 1/);
  });

  it('serves an OpenAPI 3.1 document of every route', async () => {
    const { status, body } = await h.call('GET', '/api/openapi.json', { token: h.tokens.viewer });
    expect(status).toBe(200);
    expect(body.openapi).toBe('3.1.0');
    expect(Object.keys(body.paths)).toEqual(expect.arrayContaining(['/api/v1/findings', '/api/v1/findings/{id}', '/api/v1/query', '/api/v1/silences/{id}', '/healthz']));
    const list = body.paths['/api/v1/findings'].get;
    expect(list.parameters.map((p: { name: string }) => p.name)).toEqual(['status', 'severity', 'rule', 'area', 'cluster', 'namespace', 'since', 'until', 'sort', 'limit', 'cursor']);
    expect(list.responses['200'].content['application/json'].schema.properties.items.type).toBe('array');
    expect(body.paths['/api/v1/findings/{id}/resolve'].post['x-ztv-role']).toBe('operator');
  });

  it('lists findings with filters and walks pages with the cursor', async () => {
    const all = await h.call('GET', '/api/v1/findings');
    expect(all.status).toBe(200);
    expect(all.body.items).toHaveLength(5);
    expect(all.body.nextCursor).toBeNull();
    const count = async (q: string) => (await h.call('GET', `/api/v1/findings?${q}`)).body.items.length;
    expect(await count('severity=critical,high')).toBe(3);
    expect(await count('severity=high&severity=critical')).toBe(3);
    expect(await count('rule=pod-default-serviceaccount')).toBe(2);
    expect(await count('area=workload,mtls')).toBe(3);
    expect(await count('namespace=checkout')).toBe(2);
    expect(await count('cluster=prod&status=open')).toBe(5);
    expect(await count('cluster=staging')).toBe(0);
    expect(await count(`since=${new Date(t0.getTime() + 1000).toISOString()}`)).toBe(0);
    expect(await count(`until=${new Date(t0.getTime() + 1000).toISOString()}`)).toBe(5);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await h.call('GET', `/api/v1/findings?sort=firstSeen&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((f) => f.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(5);
  });

  it('answers bad filters with 400 and says which', async () => {
    expect(await h.call('GET', '/api/v1/findings?severity=urgent')).toMatchObject({ status: 400, body: { error: 'bad_request', issues: [{ path: 'query.severity.0' }] } });
    expect(await h.call('GET', '/api/v1/findings?limit=5000')).toMatchObject({ status: 400, body: { issues: [{ path: 'query.limit' }] } });
    expect(await h.call('GET', '/api/v1/findings?cursor=garbage')).toMatchObject({ status: 400, body: { message: expect.stringMatching(/invalid cursor/) } });
    expect(await h.call('GET', '/api/v1/findings?since=yesterday')).toMatchObject({ status: 400 });
  });

  it('shows a finding with evidence, history, notifications and remediations; 404 for an unknown one', async () => {
    const id = await idOf('mtls-not-strict', 'payments');
    const { status, body } = await h.call('GET', `/api/v1/findings/${id}`, { token: h.tokens.viewer });
    expect(status).toBe(200);
    expect(body.finding).toMatchObject({ id, ruleId: 'mtls-not-strict', severity: 'critical', status: 'open', evidence: { namespace: 'payments' } });
    expect(body.history).toMatchObject([{ kind: 'opened', actor: 'alerter' }]);
    expect(body).toMatchObject({ notifications: [], remediations: [] });
    expect(await h.call('GET', '/api/v1/findings/fnd_nope')).toMatchObject({ status: 404, body: { error: 'not_found' } });
  });

  it('acknowledges, resolves, suppresses and unsuppresses, recording the token name as the actor', async () => {
    const id = await idOf('netpol-default-deny-missing', 'payments');
    const ack = await h.call('POST', `/api/v1/findings/${id}/acknowledge`, { token: h.tokens.operator });
    expect(ack).toMatchObject({ status: 200, body: { changed: true, finding: { status: 'acknowledged' }, event: { kind: 'acknowledged', actor: 'operator-bot' } } });
    expect((await h.call('POST', `/api/v1/findings/${id}/acknowledge`, { token: h.tokens.operator })).body.changed).toBe(false);

    expect(await h.call('POST', `/api/v1/findings/${id}/resolve`, { token: h.tokens.operator, body: {} })).toMatchObject({ status: 400, body: { message: /reason is required/ } });
    const resolved = await h.call('POST', `/api/v1/findings/${id}/resolve`, { token: h.tokens.operator, body: { reason: 'policy applied by hand' } });
    expect(resolved).toMatchObject({ status: 200, body: { finding: { status: 'resolved' }, event: { kind: 'resolved', data: { manual: true, reason: 'policy applied by hand' } } } });
    expect(await h.call('POST', `/api/v1/findings/${id}/acknowledge`, { token: h.tokens.operator })).toMatchObject({ status: 409, body: { error: 'conflict', details: { status: 'resolved' } } });

    const other = await idOf('pod-default-serviceaccount', 'search');
    expect((await h.call('POST', `/api/v1/findings/${other}/suppress`, { body: { reason: 'sandbox' } })).body.finding.status).toBe('suppressed');
    expect((await h.call('POST', `/api/v1/findings/${other}/unsuppress`)).body.finding.status).toBe('open');

    const history = (await h.call('GET', `/api/v1/findings/${id}`)).body.history.map((e: { kind: string; actor: string }) => `${e.kind}:${e.actor}`);
    expect(history).toEqual(['opened:alerter', 'acknowledged:operator-bot', 'resolved:operator-bot']);
  });

  it('creates, lists and expires silences', async () => {
    const bad = await h.call('POST', '/api/v1/silences', { token: h.tokens.operator, body: { matchers: [{ name: 'severity', op: '=~', value: '.*' }], duration: '1h', comment: 'everything' } });
    expect(bad).toMatchObject({ status: 400, body: { message: /must not match the empty string/ } });
    expect((await h.call('POST', '/api/v1/silences', { body: { matchers: [{ name: 'namespace', value: 'x' }], comment: 'no end' } })).status).toBe(400);

    const created = await h.call('POST', '/api/v1/silences', { token: h.tokens.operator, body: { matchers: [{ name: 'namespace', value: 'checkout' }, { name: 'severity', op: '!=', value: 'critical' }], duration: '2h', comment: 'maintenance window' } });
    expect(created).toMatchObject({ status: 201, body: { state: 'active', createdBy: 'operator-bot', suppressed: 2 } });
    expect(new Date(created.body.endsAt).getTime() - new Date(created.body.startsAt).getTime()).toBe(2 * 3600_000);
    expect((await h.call('GET', '/api/v1/findings?namespace=checkout&status=suppressed')).body.items).toHaveLength(2);

    const active = await h.call('GET', '/api/v1/silences?state=active', { token: h.tokens.viewer });
    expect(active.body.items.map((s: { id: string }) => s.id)).toEqual([created.body.id]);

    const expired = await h.call('DELETE', `/api/v1/silences/${created.body.id}`, { token: h.tokens.operator });
    expect(expired).toMatchObject({ status: 200, body: { state: 'expired', changed: true, released: 2 } });
    expect((await h.call('GET', '/api/v1/findings?namespace=checkout&status=open')).body.items).toHaveLength(2);
    expect(await h.call('DELETE', '/api/v1/silences/sil_nope')).toMatchObject({ status: 404 });
  });

  it('requests a remediation, enqueues its planning run, and approves or rejects the plan', async () => {
    const id = await idOf('mtls-not-strict', 'payments');
    expect(await h.call('POST', `/api/v1/findings/${id}/remediations`, { body: { playbook: 'rm-rf' } })).toMatchObject({ status: 400, body: { message: /unknown playbook/ } });

    const requested = await h.call('POST', `/api/v1/findings/${id}/remediations`, { token: h.tokens.operator, body: {} });
    expect(requested).toMatchObject({ status: 201, body: { playbook: 'enforce-strict-mtls', mode: 'approve', status: 'requested', requestedBy: 'operator-bot' } });
    const remId = requested.body.id as string;
    await within(10_000, () => h.ranJobs.has(`remediation:${remId}`));
    expect(h.ranJobs.get(`remediation:${remId}`)).toMatchObject({ remediationId: remId, findingId: id, playbook: 'enforce-strict-mtls', mode: 'approve' });
    expect(await h.call('POST', `/api/v1/findings/${id}/remediations`, { token: h.tokens.operator, body: {} })).toMatchObject({ status: 409, body: { details: { remediationId: remId } } });

    // Not planned yet: nothing to approve.
    expect(await h.call('POST', `/api/v1/remediations/${remId}/approve`)).toMatchObject({ status: 409 });
    // What the remediator records after its dry run.
    const diff = { objects: [{ kind: 'PeerAuthentication', name: 'default', namespace: 'payments', patch: [{ op: 'replace', path: '/spec/mtls/mode', from: 'PERMISSIVE', value: 'STRICT' }] }] };
    await updateRemediation(h.store.db, remId, { from: ['requested'], status: 'awaiting_approval', diff });
    expect((await h.call('GET', `/api/v1/remediations/${remId}`, { token: h.tokens.viewer })).body).toMatchObject({ status: 'awaiting_approval', diff });

    const approved = await h.call('POST', `/api/v1/remediations/${remId}/approve`, { token: h.tokens.admin });
    expect(approved).toMatchObject({ status: 200, body: { status: 'approved', approvedBy: 'admin-bot' } });
    await within(10_000, () => h.ranJobs.has(`remediation:${remId}:approved`));
    // Approving again only re-enqueues the same job id.
    expect((await h.call('POST', `/api/v1/remediations/${remId}/approve`)).status).toBe(200);

    const other = await idOf('pod-default-serviceaccount', 'checkout');
    const second = await h.call('POST', `/api/v1/findings/${other}/remediations`, { body: { playbook: 'rollout-restart', mode: 'dry-run' } });
    expect(second.status).toBe(201);
    await updateRemediation(h.store.db, second.body.id, { from: ['requested'], status: 'planned', diff: {} });
    expect(await h.call('POST', `/api/v1/remediations/${second.body.id}/reject`, { body: { reason: 'not during the freeze' } })).toMatchObject({ status: 200, body: { status: 'rejected' } });

    const list = await h.call('GET', `/api/v1/remediations?findingId=${id}`);
    expect(list.body.items.map((r: { id: string }) => r.id)).toEqual([remId]);
    const history = (await h.call('GET', `/api/v1/findings/${id}`)).body.history.map((e: { kind: string; actor: string; data: { step?: string } }) => `${e.kind}:${e.data.step ?? ''}:${e.actor}`);
    expect(history).toEqual(expect.arrayContaining(['remediation_requested:requested:operator-bot', 'remediation_requested:approved:admin-bot']));
  });

  it('serves the rule catalogue and the posture summary', async () => {
    const rules = await h.call('GET', '/api/v1/rules', { token: h.tokens.viewer });
    expect(rules.status).toBe(200);
    expect(rules.body.items.length).toBeGreaterThanOrEqual(30);
    expect(rules.body.items.find((r: { id: string }) => r.id === 'mtls-not-strict')).toMatchObject({ severity: expect.any(String), remediation: { playbook: 'enforce-strict-mtls' }, openFindings: 1 });
    expect(rules.body.playbooks).toContain('apply-default-deny');

    const posture = await h.call('GET', '/api/v1/posture?days=7', { token: h.tokens.viewer });
    expect(posture.status).toBe(200);
    // payments/netpol was resolved by hand above; the other four are live.
    expect(posture.body.open).toMatchObject({ total: 4, bySeverity: { critical: 1, high: 1, medium: 1, low: 1, info: 0 }, byArea: { workload: 2, mtls: 1, 'network-policy': 1 } });
    const today = posture.body.trend.at(-1);
    expect(today.day).toBe(new Date().toISOString().slice(0, 10));
    expect(posture.body.trend.reduce((n: number, d: { opened: number }) => n + d.opened, 0)).toBe(5);
    expect(posture.body.mttr).toMatchObject([{ ruleId: 'netpol-default-deny-missing', resolved: 1 }]);
  });

  it('creates and revokes tokens; a token value is shown once and never listed', async () => {
    const created = await h.call('POST', '/api/v1/tokens', { body: { name: 'ci pipeline', role: 'viewer' } });
    expect(created).toMatchObject({ status: 201, body: { token: expect.stringMatching(/^ztv_[A-Za-z0-9_-]{43}$/), info: { name: 'ci pipeline', role: 'viewer' } } });
    expect(await h.call('POST', '/api/v1/tokens', { body: { name: 'ci pipeline', role: 'admin' } })).toMatchObject({ status: 409 });
    expect((await h.call('GET', '/api/v1/me', { token: created.body.token })).body).toMatchObject({ name: 'ci pipeline', role: 'viewer' });
    const listed = await h.call('GET', '/api/v1/tokens');
    expect(JSON.stringify(listed.body)).not.toContain(created.body.token);
    expect(JSON.stringify(listed.body)).not.toMatch(/tokenHash|[0-9a-f]{64}/);
    expect((await h.call('DELETE', `/api/v1/tokens/${created.body.info.id}`)).body.revokedAt).toEqual(expect.any(String));
    expect((await h.call('GET', '/api/v1/me', { token: created.body.token })).status).toBe(401);
  });

  it('answers malformed bodies and unknown routes with clear JSON errors', async () => {
    const res = await fetch(`${h.url}/api/v1/silences`, { method: 'POST', headers: { authorization: `Bearer ${h.tokens.admin}`, 'content-type': 'application/json' }, body: '{"matchers": [' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'bad_request', message: /not valid JSON/ });
    expect(await h.call('GET', '/api/v1/nothing')).toMatchObject({ status: 404, body: { error: 'not_found' } });
  });
});
