import { describe, expect, it } from 'vitest';
import { podPrivileged } from './pod-privileged';
import { deployment, edited, hardenedContainer, harness, pod, PINNED } from './test-manifests';

const rule = podPrivileged;

/** A node agent as people ship them: a DaemonSet on the host network with a privileged container. */
function nodeAgent(namespace: string, annotations: Record<string, string> = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'node-agent', namespace, labels: { 'app.kubernetes.io/name': 'node-agent' }, annotations },
    spec: {
      selector: { matchLabels: { 'app.kubernetes.io/name': 'node-agent' } },
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': 'node-agent' } },
        spec: {
          serviceAccountName: 'node-agent',
          hostNetwork: true,
          hostPID: true,
          dnsPolicy: 'ClusterFirstWithHostNet',
          tolerations: [{ operator: 'Exists' }],
          containers: [
            { name: 'agent', image: PINNED, securityContext: { privileged: true }, volumeMounts: [{ name: 'host-root', mountPath: '/host', readOnly: true }] },
          ],
          volumes: [{ name: 'host-root', hostPath: { path: '/' } }],
        },
      },
    },
  };
}

describe('pod-privileged', () => {
  it('fires for a privileged container with host namespaces, naming each, and resolves once they are gone', () => {
    const h = harness(rule);
    const agent = nodeAgent('monitoring');
    const [fired] = h.apply(agent);
    expect(fired).toMatchObject({
      transition: 'firing',
      severity: 'high',
      subject: { namespace: 'monitoring', kind: 'DaemonSet', name: 'node-agent' },
      evidence: { privilegedContainers: [{ name: 'agent', type: 'container' }], hostNetwork: true, hostPID: true, hostIPC: false },
    });
    expect(fired?.message).toBe('DaemonSet monitoring/node-agent runs with privileged container agent, hostNetwork, hostPID outside the allow-listed namespaces');

    const onlyHostPid = edited(agent, (d) => {
      d.spec.template.spec.hostNetwork = false;
      d.spec.template.spec.containers[0].securityContext = { privileged: false };
    });
    expect(h.apply(onlyHostPid)).toEqual([]); // still firing (hostPID): the engine signals transitions only
    expect(h.apply(edited(onlyHostPid, (d) => delete d.spec.template.spec.hostPID))).toMatchObject([{ transition: 'resolved' }]);
  });

  it('checks init and ephemeral containers and hostIPC', () => {
    const h = harness(rule);
    const p = pod('api', 'shop', {
      hostIPC: true,
      initContainers: [hardenedContainer('sysctl', PINNED, { securityContext: { privileged: true } })],
    });
    expect(h.apply(p)[0]?.evidence).toMatchObject({ hostIPC: true, privilegedContainers: [{ name: 'sysctl', type: 'initContainer' }] });
    const dbg = pod('db', 'shop', { ephemeralContainers: [{ name: 'debugger', image: 'busybox:1.36', securityContext: { privileged: true } }] });
    expect(h.apply(dbg)[0]?.evidence).toMatchObject({ privilegedContainers: [{ name: 'debugger', type: 'ephemeralContainer' }] });
  });

  it('does not fire in allow-listed namespaces (kube-system by default), nor for ordinary workloads', () => {
    const h = harness(rule);
    expect(h.apply(nodeAgent('kube-system'))).toEqual([]);
    expect(h.apply(deployment('cart', 'shop'))).toEqual([]);
    expect(harness(rule, { privilegedAllowedNamespaces: ['kube-system', 'monitoring'] }).apply(nodeAgent('monitoring'))).toEqual([]);
  });

  it('is suppressed by ztv.io/ignore with a reason, and not without one', () => {
    const h = harness(rule);
    expect(h.apply(nodeAgent('monitoring', { 'ztv.io/ignore': 'pod-privileged', 'ztv.io/ignore-reason': 'CNI agent' }))[0]?.suppressedBy).toBe('annotation: CNI agent');
    expect(h.apply(nodeAgent('security', { 'ztv.io/ignore': 'pod-privileged' }))[0]?.suppressedBy).toBeUndefined();
  });

  it('follows config exceptions by label selector', () => {
    const h = harness(rule, { exceptions: [{ rules: ['pod-privileged'], selector: { matchLabels: { 'app.kubernetes.io/name': 'node-agent' } }, reason: 'reviewed node agent' }] });
    expect(h.apply(nodeAgent('monitoring'))[0]?.suppressedBy).toBe('exception: reviewed node agent');
  });
});
