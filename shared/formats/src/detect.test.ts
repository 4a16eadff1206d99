import { describe, expect, it } from 'vitest';
import { detectFormat } from './detect';
import { local } from './test-support/fixtures';

const cases: [string, string | undefined][] = [
  ['k8s-audit/audit2rbac-demo.log', 'k8s-audit'],
  ['k8s-audit/khi-lease-update-requestresponse.yaml', 'k8s-audit'],
  ['k8s-audit/falco-trace-files/exec_pod.json', 'k8s-audit'],
  ['k8s-audit/falco-trace-files/fal_01_003.json', undefined],
  ['cert-manager/nebula-operator-issuer-and-certificate-with-status.yaml', 'k8s-objects'],
  ['kubescape-regolibrary/rules/automount-service-account/test/cronjob-pod-true-sa-false/input/serviceaccount.json', 'k8s-objects'],
  ['hubble/hubble-otel-basic-sample-10-flows.json', 'hubble'],
  ['hubble/cilium-docs-hubble-exporter-dropped.jsonl', 'hubble'],
  ['authored/istio-sidecar-access.jsonl', 'envoy-access-log'],
  ['envoy-istio/istio-docs-ztunnel-access.joined.log', 'ztunnel-log'],
  ['envoy-istio/istio-docs-ztunnel-access.doc-wrapped.log', 'ztunnel-log'],
  ['envoy-istio/appmesh-sds-envoy-certs-front-spire.json', 'envoy-certs'],
  ['envoy-istio/appmesh-sds-envoy-certs-green-before-registration-empty.json', 'envoy-certs'],
  ['spiffe/go-spiffe-x509svid/good-leaf-and-intermediate.pem', 'pem'],
  ['spiffe/go-spiffe-spiffebundle/spiffebundle_valid_1.json', 'spiffe-bundle'],
  ['spire-logs/spiffe-io-getting-started-k8s-server.log', 'spire-log'],
  ['spire-logs/spiffe-io-getting-started-k8s-agent.log', 'spire-log'],
  ['authored/chronyc-tracking-worker-4.txt', 'chrony'],
  ['authored/chronyc-csv-tracking-worker-4.csv', 'chrony-csv'],
  ['authored/node-exporter-timex.prom', 'timex'],
];

describe('detectFormat', () => {
  it.each(cases)('%s → %s', (file, expected) => {
    expect(detectFormat(file, local(file).slice(0, 8192))).toBe(expected);
  });
  it('falls back to the file name when content says nothing', () => {
    expect(detectFormat('bundle.crt', '')).toBe('pem');
    expect(detectFormat('metrics.prom', '# nothing yet')).toBe('timex');
    expect(detectFormat('deploy.yaml', '# just a comment')).toBe('k8s-objects');
    expect(detectFormat('notes.txt', 'hello')).toBeUndefined();
  });
});
