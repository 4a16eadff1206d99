import { describe, expect, it } from 'vitest';
import { defaultRulesConfig } from '../../config';
import type { StateRule } from '../../engine/types';
import type { KubeObject } from '../../state/kube-object';
import { edited, firing, harness, namespace } from '../network/test-harness';
import { authzDefaultDenyMissing } from './authz-default-deny-missing';
import { authzPrincipalInvalid } from './authz-principal-invalid';
import { headlessPortUnnamed } from './headless-port-unnamed';
import { probeRewriteDisabled } from './probe-rewrite-disabled';
import { sidecarMissing } from './sidecar-missing';
import { statefulsetSharedIdentity } from './statefulset-shared-identity';
import { authorizationPolicy, istioSample, peerAuthentication, podOf } from './test-mesh';

type Ann = Record<string, string>;
const annotate = (o: KubeObject, ann: Ann) => edited(o, (x) => (x.metadata.annotations = { ...(x.metadata.annotations ?? {}), ...ann }));
const [, , sleepDeploy] = istioSample('sleep', 'apps');
const sts: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'zk', namespace: 'apps' },
  spec: { replicas: 3, serviceName: 'zk-hs', selector: { matchLabels: { app: 'zk' } }, template: { metadata: { labels: { app: 'zk' } }, spec: { containers: [{ name: 'zk', image: 'zookeeper:3.9' }] } } },
};
const headless: KubeObject = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'zk-hs', namespace: 'apps' },
  spec: { clusterIP: 'None', selector: { app: 'zk' }, ports: [{ port: 2888, name: 'server' }, { port: 3888, name: 'leader-election' }] },
};
const probed = edited(sleepDeploy!, (d) => {
  d.spec!.template.metadata.annotations = { 'sidecar.istio.io/rewriteAppHTTPProbers': 'false' };
  d.spec!.template.spec.containers[0].readinessProbe = { httpGet: { path: '/ready', port: 8080 } };
});

/** Each rule, and how to make it fire with `ann` on the subject (the Namespace for namespace-level rules). */
const cases: { rule: StateRule; fire: (ann: Ann) => KubeObject[] }[] = [
  { rule: authzDefaultDenyMissing, fire: (ann) => [namespace('apps', { 'istio-injection': 'enabled' }, ann)] },
  {
    rule: authzPrincipalInvalid,
    fire: (ann) => [authorizationPolicy('p', 'apps', { rules: [{ from: [{ source: { principals: ['apps/sleep'] } }] }] }, ann)],
  },
  { rule: sidecarMissing, fire: (ann) => [namespace('apps', { 'istio-injection': 'enabled' }), annotate(podOf(sleepDeploy!, { inject: false }), ann)] },
  {
    rule: probeRewriteDisabled,
    fire: (ann) => [namespace('apps', { 'istio-injection': 'enabled' }), peerAuthentication('default', 'apps', { mtls: { mode: 'STRICT' } }), annotate(probed, ann)],
  },
  { rule: headlessPortUnnamed, fire: (ann) => [namespace('apps', { 'istio-injection': 'enabled' }), annotate(headless, ann)] },
  { rule: statefulsetSharedIdentity, fire: (ann) => [namespace('apps', { 'istio-injection': 'enabled' }), annotate(sts, ann)] },
];

describe('mesh rules honour exceptions', () => {
  it.each(cases.map((c) => [c.rule.id, c] as const))('%s: ztv.io/ignore needs a reason', (id, c) => {
    const withReason = firing(harness(c.rule).apply(...c.fire({ 'ztv.io/ignore': id, 'ztv.io/ignore-reason': 'accepted risk, ticket SEC-123' })), id);
    expect(withReason).toHaveLength(1);
    expect(withReason[0]?.suppressedBy).toBe('annotation: accepted risk, ticket SEC-123');
    const noReason = firing(harness(c.rule).apply(...c.fire({ 'ztv.io/ignore': id })), id);
    expect(noReason).toHaveLength(1);
    expect(noReason[0]?.suppressedBy).toBeUndefined();
  });

  it.each(cases.map((c) => [c.rule.id, c] as const))('%s: a config exception by namespace suppresses, and ignoredNamespaces silences', (id, c) => {
    const cfg = defaultRulesConfig({ exceptions: [{ rules: [id], namespaces: ['apps'], reason: 'lab namespace' }] });
    expect(firing(harness(c.rule, cfg).apply(...c.fire({})), id)[0]?.suppressedBy).toBe('exception: lab namespace');
    expect(harness(c.rule, defaultRulesConfig({ ignoredNamespaces: ['apps'] })).apply(...c.fire({}))).toEqual([]);
  });
});
