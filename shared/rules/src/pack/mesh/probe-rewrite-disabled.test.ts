import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../state/kube-object';
import { edited, firing, harness, namespace, resolved } from '../network/test-harness';
import { probeRewriteDisabled as rule } from './probe-rewrite-disabled';
import { peerAuthentication, podOf } from './test-mesh';

const ns = namespace('istio-io-health-rewrite', { 'istio-injection': 'enabled' });
const strict = peerAuthentication('default', 'istio-io-health-rewrite', { mtls: { mode: 'STRICT' } });

/** Istio's liveness-http-same-port sample (docs: Health Checking of Istio Services), with rewriting turned off. */
const livenessHttp: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'liveness-http', namespace: 'istio-io-health-rewrite' },
  spec: {
    selector: { matchLabels: { app: 'liveness-http', version: 'v1' } },
    template: {
      metadata: { labels: { app: 'liveness-http', version: 'v1' }, annotations: { 'sidecar.istio.io/rewriteAppHTTPProbers': 'false' } },
      spec: {
        containers: [
          {
            name: 'liveness-http',
            image: 'docker.io/istio/health:example',
            ports: [{ containerPort: 8001, name: 'http-health' }],
            livenessProbe: { httpGet: { path: '/foo', port: 8001 }, initialDelaySeconds: 5, periodSeconds: 5 },
            readinessProbe: { tcpSocket: { port: 'http-health' } },
          },
        ],
      },
    },
  },
};

describe('probe-rewrite-disabled', () => {
  it('fires for HTTP and TCP probes under STRICT with rewriting off, and resolves when the annotation goes', () => {
    const h = harness(rule);
    h.apply(ns, strict);
    const [fired] = firing(h.apply(livenessHttp));
    expect(fired).toMatchObject({
      subject: { namespace: 'istio-io-health-rewrite', kind: 'Deployment', name: 'liveness-http' },
      evidence: {
        annotation: { 'sidecar.istio.io/rewriteAppHTTPProbers': 'false' },
        probes: [
          { container: 'liveness-http', probe: 'livenessProbe', handler: 'httpGet', port: 8001, mtls: 'STRICT' },
          { container: 'liveness-http', probe: 'readinessProbe', handler: 'tcpSocket', port: 8001, mtls: 'STRICT' },
        ],
        mtlsChain: [{ level: 'namespace', policy: 'istio-io-health-rewrite/default', mode: 'STRICT' }],
      },
    });
    const fixed = edited(livenessHttp, (d) => delete d.spec!.template.metadata.annotations['sidecar.istio.io/rewriteAppHTTPProbers']);
    expect(resolved(h.apply(fixed))).toHaveLength(1);
  });

  it('follows the mTLS mode of the probed port, and ignores exec probes', () => {
    const h = harness(rule);
    h.apply(ns, strict, livenessHttp);
    expect(resolved(h.apply(peerAuthentication('default', 'istio-io-health-rewrite', { mtls: { mode: 'PERMISSIVE' } })))).toHaveLength(1);
    h.apply(strict);
    const portOpen = peerAuthentication('health-port', 'istio-io-health-rewrite', {
      selector: { matchLabels: { app: 'liveness-http' } },
      mtls: { mode: 'STRICT' },
      portLevelMtls: { 8001: { mode: 'PERMISSIVE' } },
    });
    expect(resolved(h.apply(portOpen))).toHaveLength(1);
    h.remove(portOpen);
    const exec = edited(livenessHttp, (d) => {
      const c = d.spec!.template.spec.containers[0];
      c.livenessProbe = { exec: { command: ['cat', '/tmp/healthy'] } };
      delete c.readinessProbe;
    });
    expect(resolved(h.apply(exec))).toHaveLength(1);
  });

  it('needs a sidecar: not in an unmeshed namespace; an uncontrolled Pod counts when it runs istio-proxy', () => {
    const h = harness(rule);
    const plain = namespace('plain');
    h.apply(plain, peerAuthentication('default', 'plain', { mtls: { mode: 'STRICT' } }));
    expect(h.apply(edited(livenessHttp, (d) => (d.metadata.namespace = 'plain')))).toEqual([]);
    const pod = edited(podOf(edited(livenessHttp, (d) => (d.metadata.namespace = 'plain'))), (p) => {
      p.metadata.name = 'liveness-debug';
      delete p.metadata.ownerReferences;
    });
    expect(firing(h.apply(pod))[0]).toMatchObject({ subject: { kind: 'Pod', name: 'liveness-debug' } });
    // A controlled Pod is represented by its Deployment: no second finding.
    h.apply(ns, strict, livenessHttp);
    expect(h.apply(podOf(livenessHttp))).toEqual([]);
  });
});
