import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseText } from './engine/parse-text';
import { ctx, expectWellFormed, ofType, requireSharedFixtures, walk } from './test-support/fixtures';
import type { FormatId, ParseResult } from './types';

/**
 * The whole shared corpus (../shared/fixtures, see its SOURCES.md), read as the collector would: format
 * detected from content and name. A missing corpus fails here with a clear message; it is never skipped.
 */
function parseCorpus(rel: string, format?: FormatId): ParseResult {
  const root = requireSharedFixtures();
  return parseText(readFileSync(`${root}/${rel}`, 'utf8'), ctx({ file: rel, ...(format ? { format } : {}) }));
}

/** file, detected format, events, errors, skipped: what each sample yields today. */
const expected: [string, FormatId | undefined, number, number, number][] = [
  ['authored/chronyc-csv-tracking-worker-4.csv', 'chrony-csv', 1, 0, 0],
  ['authored/chronyc-tracking-worker-4.txt', 'chrony', 1, 0, 0],
  ['authored/chronyc-tracking-worker-9-unsynced.txt', 'chrony', 1, 0, 0],
  ['authored/istio-sidecar-access.jsonl', 'envoy-access-log', 4, 0, 0],
  ['authored/node-exporter-timex.prom', 'timex', 2, 0, 0],
  ['cert-manager/nebula-operator-issuer-and-certificate-with-status.yaml', 'k8s-objects', 3, 0, 0],
  ['envoy-istio/appmesh-sds-envoy-certs-front-spire.json', 'envoy-certs', 2, 0, 0],
  ['envoy-istio/appmesh-sds-envoy-certs-green-after-registration-upstream.json', 'envoy-certs', 2, 0, 0],
  ['envoy-istio/appmesh-sds-envoy-certs-green-after-registration.json', 'envoy-certs', 2, 0, 0],
  ['envoy-istio/appmesh-sds-envoy-certs-green-before-registration-empty.json', 'envoy-certs', 0, 0, 1],
  ['envoy-istio/istio-docs-istio_tcp_connections_opened_total.excerpt.txt', undefined, 0, 1, 0],
  ['envoy-istio/istio-docs-ztunnel-access.doc-wrapped.log', 'ztunnel-log', 1, 0, 0],
  ['envoy-istio/istio-docs-ztunnel-access.joined.log', 'ztunnel-log', 1, 0, 0],
  ['hubble/cilium-docs-hubble-exporter-dropped.jsonl', 'hubble', 2, 0, 0],
  ['hubble/cilium-docs-mutual-auth-agent-debug.log', undefined, 0, 1, 0],
  ['hubble/hubble-otel-basic-sample-10-flows.json', 'hubble', 10, 0, 0],
  ['hubble/hubble-otel-basic-sample-330-dns-flows.first120.json', 'hubble', 120, 0, 0],
  ['hubble/hubble-otel-basic-sample-348-http-flows.first100.json', 'hubble', 100, 0, 0],
  ['hubble/hubble-otel-basic-sample-400-icmpv4-flows.json', 'hubble', 18, 0, 0],
  ['hubble/hubble-otel-basic-sample-400-l7-redirected-flows.first120.json', 'hubble', 120, 0, 0],
  ['hubble/hubble-otel-basic-sample-400-tcp-flows.first120.json', 'hubble', 120, 0, 0],
  ['hubble/hubble-otel-basic-sample-400-udp-flows.first120.json', 'hubble', 120, 0, 0],
  ['hubble/hubble-otel-basic-sample-5-dns-flows.json', 'hubble', 5, 0, 0],
  ['hubble/hubble-otel-basic-sample-5-http-flows.json', 'hubble', 5, 0, 0],
  ['k8s-audit/audit2rbac-demo-audit-policy.yaml', 'k8s-objects', 0, 1, 0],
  ['k8s-audit/audit2rbac-demo.log', 'k8s-audit', 37, 0, 0],
  ['k8s-audit/khi-lease-update-requestresponse.yaml', 'k8s-audit', 1, 0, 0],
  ['spiffe/go-spiffe-spiffebundle/spiffebundle_missing_kid.json', 'spiffe-bundle', 1, 1, 0],
  ['spiffe/go-spiffe-spiffebundle/spiffebundle_multiple_x509.json', 'spiffe-bundle', 0, 1, 1],
  ['spiffe/go-spiffe-spiffebundle/spiffebundle_no_keys.json', 'spiffe-bundle', 0, 1, 0],
  ['spiffe/go-spiffe-spiffebundle/spiffebundle_valid_1.json', 'spiffe-bundle', 1, 0, 1],
  ['spiffe/go-spiffe-spiffebundle/spiffebundle_valid_2.json', 'spiffe-bundle', 1, 0, 6],
  ['spiffe/go-spiffe-x509bundle/cert.pem', 'pem', 1, 0, 0],
  ['spiffe/go-spiffe-x509bundle/certs.pem', 'pem', 2, 0, 0],
  ['spiffe/go-spiffe-x509bundle/corrupted.pem', 'pem', 0, 1, 0],
  ['spiffe/go-spiffe-x509bundle/empty.pem', 'pem', 0, 1, 0],
  ['spiffe/go-spiffe-x509bundle/not-pem.pem', 'pem', 0, 1, 0],
  ['spiffe/go-spiffe-x509svid/corrupt-cert.pem', 'pem', 0, 1, 0],
  ['spiffe/go-spiffe-x509svid/good-leaf-and-intermediate.pem', 'pem', 2, 0, 0],
  ['spiffe/go-spiffe-x509svid/good-leaf-only.pem', 'pem', 1, 0, 0],
  ['spiffe/go-spiffe-x509svid/not-pem', undefined, 0, 1, 0],
  ['spiffe/go-spiffe-x509svid/wrong-intermediate-no-ca.pem', 'pem', 2, 0, 0],
  ['spiffe/go-spiffe-x509svid/wrong-intermediate-no-key-cert-sign.pem', 'pem', 2, 0, 0],
  ['spiffe/go-spiffe-x509svid/wrong-leaf-ca-true.pem', 'pem', 1, 0, 0],
  ['spiffe/go-spiffe-x509svid/wrong-leaf-cert-sign.pem', 'pem', 1, 0, 0],
  ['spiffe/go-spiffe-x509svid/wrong-leaf-crl-sign.pem', 'pem', 1, 0, 0],
  ['spiffe/go-spiffe-x509svid/wrong-leaf-empty-id.pem', 'pem', 1, 0, 0],
  ['spiffe/go-spiffe-x509svid/wrong-leaf-no-digital-signature.pem', 'pem', 1, 0, 0],
  ['spire-logs/cilium-docs-spire-server-agent-list.txt', undefined, 0, 1, 0],
  ['spire-logs/cilium-docs-spire-server-entry-show.txt', undefined, 0, 1, 0],
  ['spire-logs/spiffe-io-getting-started-k8s-agent.log', 'spire-log', 0, 0, 8],
  ['spire-logs/spiffe-io-getting-started-k8s-server.log', 'spire-log', 1, 0, 6],
  ['time-sync/node-exporter-timex-collector-metrics.md', undefined, 0, 1, 0],
];

describe('the shared fixture corpus', () => {
  it('is present (and its absence would fail loudly, not skip)', () => {
    expect(() => requireSharedFixtures()).not.toThrow();
    expect(() => requireSharedFixtures('/nonexistent/shared/fixtures')).toThrow(/shared fixture corpus is missing/);
  });
  it.each(expected)('%s → %s: %i events, %i errors, %i skipped', (file, format, events, errors, skipped) => {
    const r = parseCorpus(file);
    expectWellFormed(r, file);
    expect([r.format, r.events.length, r.errors.length, r.skipped]).toEqual([format, events, errors, skipped]);
  });
  it('covers every sample outside the policy libraries and the falco traces', () => {
    const root = requireSharedFixtures();
    const files = walk(root)
      .map((f) => relative(root, f))
      .filter((f) => f !== 'SOURCES.md' && !/^(kyverno-policies|kubescape-regolibrary|k8s-audit\/falco-trace-files)\//.test(f));
    expect(files.sort()).toEqual(expected.map(([f]) => f).sort());
  });
});

describe('corpus: falco k8s_audit traces', () => {
  const dir = 'k8s-audit/falco-trace-files';
  it('reads every trace as audit events, and the {"kind": 0} fuzz case as one typed error', () => {
    const root = requireSharedFixtures();
    const results = walk(`${root}/${dir}`).map((f) => ({ file: relative(root, f), r: parseCorpus(relative(root, f), 'k8s-audit') }));
    for (const { file, r } of results) expectWellFormed(r, file);
    expect(results.reduce((n, { r }) => n + r.events.length, 0)).toBe(51);
    const failing = results.filter(({ r }) => r.errors.length > 0);
    expect(failing.map(({ file, r }) => [file, r.errors[0]?.line])).toEqual([[`${dir}/fal_01_003.json`, 1]]);
  });
});

describe('corpus: values from samples not copied into test-fixtures', () => {
  it('App Mesh SPIRE SDS certs after registration (two trust domains)', () => {
    const com = ofType(parseCorpus('envoy-istio/appmesh-sds-envoy-certs-green-after-registration.json').events, 'cert');
    expect(com[1]?.data).toMatchObject({ spiffeIds: ['spiffe://howto-k8s-mtls-sds-based.com/colorgreen'], notAfter: '2020-11-12T20:51:33Z', serialNumber: 'b2d629e0f8de238779eff25e5cbaa749' });
    const aws = ofType(parseCorpus('envoy-istio/appmesh-sds-envoy-certs-green-after-registration-upstream.json').events, 'cert');
    expect(aws[0]?.data.spiffeIds).toEqual(['spiffe://howto-k8s-mtls-sds-based.aws']);
  });
  it('hubble-otel ICMP, UDP and L7-redirected samples', () => {
    const icmp = ofType(parseCorpus('hubble/hubble-otel-basic-sample-400-icmpv4-flows.json').events, 'flow');
    expect(new Set(icmp.map((f) => f.data.protocol))).toEqual(new Set(['ICMPv4']));
    const redirected = ofType(parseCorpus('hubble/hubble-otel-basic-sample-400-l7-redirected-flows.first120.json').events, 'flow');
    expect(redirected.filter((f) => f.data.verdict === 'redirected').length).toBeGreaterThan(0);
    const udp = ofType(parseCorpus('hubble/hubble-otel-basic-sample-400-udp-flows.first120.json').events, 'flow');
    expect(udp.filter((f) => f.data.protocol === 'UDP' || f.data.protocol === 'DNS').length).toBeGreaterThan(0);
    const dns = ofType(parseCorpus('hubble/hubble-otel-basic-sample-330-dns-flows.first120.json').events, 'flow');
    expect(dns.some((f) => f.data.l7?.dnsQuery === 'istiod-istio-1611.istio-system.svc.cluster.local.')).toBe(true);
  });
  it('go-spiffe invalid-SVID certificates are still read, with what makes them invalid visible', () => {
    const [emptyId] = ofType(parseCorpus('spiffe/go-spiffe-x509svid/wrong-leaf-empty-id.pem').events, 'cert');
    expect(emptyId?.data).toMatchObject({ spiffeIds: [], dnsNames: ['example.org'] });
    const noCa = ofType(parseCorpus('spiffe/go-spiffe-x509svid/wrong-intermediate-no-ca.pem').events, 'cert');
    expect(noCa.map((c) => [c.data.isCA, c.data.role])).toEqual([
      [false, 'workload'],
      [false, 'workload'],
    ]);
  });
});

describe('corpus: Kyverno and Kubescape manifests', () => {
  it('reads every manifest into resources; the only errors are non-objects (reports, values files, rule metadata)', () => {
    const root = requireSharedFixtures();
    const files = walk(root)
      .map((f) => relative(root, f))
      .filter((f) => /^(kyverno-policies|kubescape-regolibrary)\//.test(f))
      .filter((f) => /\.(ya?ml|json)$/.test(f) && !/(expected\.json|rule\.metadata\.json|^kubescape-regolibrary\/controls\/)/.test(f));
    const kinds = new Map<string, number>();
    let errors = 0;
    for (const file of files) {
      const r = parseCorpus(file, 'k8s-objects');
      expectWellFormed(r, file);
      for (const e of ofType(r.events, 'k8s.resource')) kinds.set(e.data.kind, (kinds.get(e.data.kind) ?? 0) + 1);
      for (const e of r.errors) expect(e.reason).toMatch(/^(ClusterPolicyReport|Values) without metadata\.name$/);
      errors += r.errors.length;
    }
    expect(errors).toBe(5);
    for (const kind of ['Pod', 'Deployment', 'CronJob', 'NetworkPolicy', 'CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy', 'PeerAuthentication', 'AuthorizationPolicy', 'ServiceAccount', 'Namespace', 'Certificate', 'Secret']) {
      expect(kinds.get(kind), kind).toBeGreaterThan(0);
    }
  });
});
