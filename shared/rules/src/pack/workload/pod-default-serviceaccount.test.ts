import { describe, expect, it } from 'vitest';
import { podDefaultServiceAccount } from './pod-default-serviceaccount';
import { deployment, edited, harness, pod, replicaPod } from './test-manifests';

const rule = podDefaultServiceAccount;

describe('pod-default-serviceaccount', () => {
  it('fires for a Deployment that names no ServiceAccount, and resolves once it names its own', () => {
    const h = harness(rule);
    const bad = edited(deployment('cart', 'shop'), (d) => delete d.spec.template.spec.serviceAccountName);
    const [fired] = h.apply(bad);
    expect(fired).toMatchObject({
      ruleId: 'pod-default-serviceaccount',
      transition: 'firing',
      severity: 'medium',
      subject: { cluster: 'test', namespace: 'shop', kind: 'Deployment', name: 'cart' },
      evidence: { serviceAccountName: 'default', identity: 'spiffe://cluster.local/ns/shop/sa/default', automountServiceAccountToken: false },
    });
    expect(fired?.message).toContain("Deployment shop/cart runs as the namespace's default ServiceAccount");
    expect(h.apply(bad)).toEqual([]); // still firing: no second signal

    const [resolved] = h.apply(deployment('cart', 'shop'));
    expect(resolved).toMatchObject({ transition: 'resolved', fingerprint: fired?.fingerprint });
  });

  it('fires for serviceAccountName: default and for an empty name; honours the deprecated serviceAccount field', () => {
    const h = harness(rule);
    expect(h.apply(pod('debug', 'shop', { serviceAccountName: 'default' }))).toHaveLength(1);
    expect(h.apply(pod('empty', 'shop', { serviceAccountName: '' }))).toHaveLength(1);
    const legacy = edited(pod('legacy', 'shop'), (p) => {
      delete p.spec.serviceAccountName;
      p.spec.serviceAccount = 'legacy-runner';
    });
    expect(h.apply(legacy)).toEqual([]);
  });

  it('reports the default ServiceAccount token automount when the pod leaves it unset', () => {
    const h = harness(rule);
    h.apply({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'shop' }, automountServiceAccountToken: false });
    const bad = edited(deployment('cart', 'shop'), (d) => {
      delete d.spec.template.spec.serviceAccountName;
      delete d.spec.template.spec.automountServiceAccountToken;
    });
    expect(h.apply(bad)[0]?.evidence).toMatchObject({ automountServiceAccountToken: false, field: 'unset (Kubernetes assigns default)' });
  });

  it('checks the workload once, not its replica Pods; resolves when the workload is deleted', () => {
    const h = harness(rule);
    const bad = edited(deployment('cart', 'shop'), (d) => delete d.spec.template.spec.serviceAccountName);
    expect(h.apply(bad)).toHaveLength(1);
    expect(h.apply(replicaPod(bad, 'x2x9k'))).toEqual([]);
    expect(h.apply(replicaPod(bad, 'q8w4z'))).toEqual([]);
    expect(h.remove(bad)).toMatchObject([{ transition: 'resolved' }]);
  });

  it('does not fire for mirror pods, which cannot use a ServiceAccount', () => {
    const h = harness(rule);
    const mirror = pod('kube-apiserver-node-1', 'kube-system', { serviceAccountName: undefined }, {
      annotations: { 'kubernetes.io/config.mirror': '5c1f0b9e', 'kubernetes.io/config.source': 'file' },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'node-1', uid: 'n1', controller: true }],
    });
    expect(h.apply(mirror)).toEqual([]);
  });

  it('is suppressed by ztv.io/ignore with a reason, and not without one', () => {
    const h = harness(rule);
    const noSa = (name: string, annotations: Record<string, string>) =>
      edited(deployment(name, 'shop', {}, { annotations }), (d) => delete d.spec.template.spec.serviceAccountName);
    const [suppressed] = h.apply(noSa('legacy', { 'ztv.io/ignore': 'pod-default-serviceaccount', 'ztv.io/ignore-reason': 'decommissioned in Q3, JIRA SEC-41' }));
    expect(suppressed?.suppressedBy).toBe('annotation: decommissioned in Q3, JIRA SEC-41');
    const [unexplained] = h.apply(noSa('other', { 'ztv.io/ignore': 'pod-default-serviceaccount' }));
    expect(unexplained?.transition).toBe('firing');
    expect(unexplained?.suppressedBy).toBeUndefined();
  });
});
