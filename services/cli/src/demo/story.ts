import type { ZtvEvent } from '@ztv/events';
import { StoryBuilder } from './builders';
import * as k from './objects';

export interface StoryStep {
  /** Minutes into the story's hour. */
  minute: number;
  /** One line for the console as the step is replayed. */
  narration?: string;
  events: ZtvEvent[];
}

const HOUR = 3600_000;
const PAYMENTS_IMAGE = 'registry.example.com/shop/payments-api:2.4.1';
const FRONTEND_IMAGE = 'registry.example.com/shop/frontend:5.0.3';

/**
 * "A cluster drifting away from zero trust over an hour": it starts compliant (default-deny, STRICT mTLS,
 * allow-nothing authz, short-lived SVIDs, synchronized clocks) and then, step by step, drifts — the kind of story
 * an on-call engineer recognises. Times are relative to `now` so certificate checks are meaningful.
 */
export function demoStory(cluster: string, now: Date): StoryStep[] {
  const t0 = now.getTime() - HOUR;
  const b = new StoryBuilder(cluster, t0);
  const nodes = ['worker-1', 'worker-2', 'worker-3'];
  const baseline: ZtvEvent[] = [
    ...nodes.map((n) => b.resource(0, k.node(n))),
    // Policies before the namespaces and workloads they guard, as a GitOps sync orders them; DNS allowance before
    // deny-all, which alone would briefly block name resolution.
    ...['payments', 'shop'].flatMap((ns) => [
      b.resource(0, k.allowDns(ns)),
      b.resource(0, k.defaultDeny(ns)),
      b.resource(0, k.peerAuthentication(ns, 'STRICT')),
      b.resource(0, k.allowNothing(ns)),
    ]),
    b.resource(0, k.namespace('payments', { 'istio-injection': 'enabled' })),
    b.resource(0, k.namespace('shop', { 'istio-injection': 'enabled' })),
    b.resource(0, k.namespace('legacy', {})),
    b.resource(0, k.serviceAccount('payments', 'payments-api')),
    b.resource(0, k.serviceAccount('shop', 'frontend')),
    b.resource(0, k.deployment('payments', 'payments-api', 'payments-api', PAYMENTS_IMAGE, 8080)),
    b.resource(0, k.deployment('shop', 'frontend', 'frontend', FRONTEND_IMAGE, 8080)),
    b.resource(0, k.service('payments', 'payments-api', 8080)),
    b.resource(0, k.allowFrom('payments', 'allow-frontend', 'payments-api', 'cluster.local/ns/shop/sa/frontend')),
    b.resource(0, k.pod('payments', 'payments-api', 'x2k9p', 'payments-api', PAYMENTS_IMAGE, 8080, '10.42.1.17', 'worker-1')),
    b.resource(0, k.pod('shop', 'frontend', 'q8w4z', 'frontend', FRONTEND_IMAGE, 8080, '10.42.2.23', 'worker-2')),
    ...nodes.map((n) => b.clock(0, { node: n, offsetSeconds: 0.0004, synchronized: true, method: 'chrony', stratum: 3, leapStatus: 'Normal' })),
  ];
  const svid = (spiffeId: string, ns: string, pod: string, bornHoursAgo: number, ttlHours: number, serial: string) =>
    b.cert(1, {
      serialNumber: serial,
      notBefore: new Date(now.getTime() - bornHoursAgo * HOUR).toISOString(),
      notAfter: new Date(now.getTime() + (ttlHours - bornHoursAgo) * HOUR).toISOString(),
      isCA: false, role: 'workload', spiffeIds: [spiffeId], dnsNames: [],
      origin: { kind: 'envoy-certs', namespace: ns, pod },
    });
  const payments = { namespace: 'payments', pod: 'payments-api-x2k9p', workload: 'payments-api', serviceAccount: 'payments-api', ip: '10.42.1.17', port: 8080 };
  const frontend = { namespace: 'shop', pod: 'frontend-q8w4z', workload: 'frontend', serviceAccount: 'frontend', ip: '10.42.2.23' };
  const legacy = { namespace: 'legacy', pod: 'batch-report-5c7d9', workload: 'batch-report', ip: '10.42.3.8' };

  return [
    { minute: 0, narration: 'A compliant cluster: default-deny, STRICT mTLS, allow-nothing authz in payments and shop.', events: baseline },
    {
      minute: 1,
      narration: 'SVIDs observed through Envoy /certs; one was issued for 90 days by a misconfigured issuer.',
      events: [
        svid('spiffe://cluster.local/ns/shop/sa/frontend', 'shop', 'frontend-q8w4z', 2, 24, '5a1f'),
        svid('spiffe://cluster.local/ns/payments/sa/payments-api', 'payments', 'payments-api-x2k9p', 2, 24 * 90, '7c3e'),
      ],
    },
    {
      minute: 8,
      narration: 'dev@example.com switches payments to PERMISSIVE mTLS "to debug a client".',
      events: [
        b.audit(8, {
          verb: 'update', requestURI: '/apis/security.istio.io/v1/namespaces/payments/peerauthentications/default',
          user: { username: 'dev@example.com', groups: ['system:authenticated', 'developers'] }, sourceIPs: ['203.0.113.24'], userAgent: 'kubectl/v1.31.2',
          objectRef: { resource: 'peerauthentications', namespace: 'payments', name: 'default', apiGroup: 'security.istio.io', apiVersion: 'v1' },
          responseStatus: { code: 200 }, responseObject: k.peerAuthentication('payments', 'PERMISSIVE'),
        }),
        b.resource(8, k.peerAuthentication('payments', 'PERMISSIVE')),
      ],
    },
    {
      minute: 14,
      narration: 'A job in the unmeshed legacy namespace now talks plaintext to payments-api.',
      events: [b.flow(14, { verdict: 'forwarded', direction: 'ingress', reporter: 'sidecar-inbound', source: legacy, destination: payments, protocol: 'HTTP', l7: { type: 'http', method: 'POST', url: '/v1/charges', code: 200 }, mtls: { mode: 'none' }, count: 12 })],
    },
    {
      minute: 22,
      narration: 'The default-deny NetworkPolicy in payments is deleted.',
      events: [
        b.audit(22, {
          verb: 'delete', requestURI: '/apis/networking.k8s.io/v1/namespaces/payments/networkpolicies/default-deny',
          user: { username: 'dev@example.com', groups: ['system:authenticated', 'developers'] }, sourceIPs: ['203.0.113.24'], userAgent: 'kubectl/v1.31.2',
          objectRef: { resource: 'networkpolicies', namespace: 'payments', name: 'default-deny', apiGroup: 'networking.k8s.io', apiVersion: 'v1' },
          responseStatus: { code: 200, status: 'Success' },
        }),
        b.resource(22, k.defaultDeny('payments'), 'delete'),
      ],
    },
    {
      minute: 30,
      narration: "worker-2's clock drifts 2.7 s ahead; worker-3 loses its NTP sources.",
      events: [
        b.clock(30, { node: 'worker-2', offsetSeconds: 2.7, synchronized: true, method: 'chrony', stratum: 3, leapStatus: 'Normal' }),
        b.clock(30, { node: 'worker-3', offsetSeconds: 0.08, synchronized: false, method: 'chrony', stratum: 16, leapStatus: 'Not synchronised' }),
      ],
    },
    {
      minute: 38,
      narration: 'alice@example.com execs into the payments pod.',
      events: [
        b.audit(38, {
          verb: 'create', stage: 'ResponseStarted', level: 'Metadata',
          requestURI: '/api/v1/namespaces/payments/pods/payments-api-x2k9p/exec?command=sh&container=payments-api&stdin=true&tty=true',
          user: { username: 'alice@example.com', groups: ['system:authenticated'] }, sourceIPs: ['198.51.100.7'], userAgent: 'kubectl/v1.31.2',
          objectRef: { resource: 'pods', namespace: 'payments', name: 'payments-api-x2k9p', apiVersion: 'v1', subresource: 'exec' },
          responseStatus: { code: 101 },
        }),
      ],
    },
    {
      minute: 44,
      narration: 'frontend reaches for the cloud metadata service...',
      events: [b.flow(44, { verdict: 'forwarded', direction: 'egress', reporter: 'hubble', source: frontend, destination: { ip: '169.254.169.254', port: 80, reserved: ['world'] }, protocol: 'TCP', mtls: { mode: 'unknown' } })],
    },
    {
      minute: 47,
      narration: '...then probes its neighbours: policy-denied connections pile up.',
      events: [45, 46, 47].map((m) =>
        b.flow(47 + (m - 45) / 60, { verdict: 'dropped', dropReason: 'POLICY_DENIED', direction: 'egress', reporter: 'hubble', source: frontend, destination: { namespace: 'payments', pod: 'payments-api-x2k9p', ip: '10.42.1.17', port: 5432 }, protocol: 'TCP', mtls: { mode: 'unknown' }, count: 25 }),
      ),
    },
    {
      minute: 55,
      narration: 'Meanwhile the frontend SVID nears its expiry and has not been rotated.',
      events: [
        b.cert(55, {
          serialNumber: '5a1f', notBefore: new Date(now.getTime() - 21 * HOUR).toISOString(), notAfter: new Date(now.getTime() + 3 * HOUR).toISOString(),
          isCA: false, role: 'workload', spiffeIds: ['spiffe://cluster.local/ns/shop/sa/frontend'], dnsNames: [], origin: { kind: 'envoy-certs', namespace: 'shop', pod: 'frontend-q8w4z' },
        }),
      ],
    },
  ];
}
