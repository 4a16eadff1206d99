import { describe, expect, it } from 'vitest';
import { defaultRulesConfig } from '../../config';
import { RuleEngine } from '../../engine/engine';
import { at, resourceEvent } from '../../testing';
import { podPrivileged } from './pod-privileged';
import { deployment, edited, harness, pod } from './test-manifests';

const privileged = { hostNetwork: true };
const owned = (kind: string, name: string) => ({ ownerReferences: [{ apiVersion: 'apps/v1', kind, name, uid: `${name}-uid`, controller: true }] });

/** The ReplicaSet a Deployment controller creates for one revision. */
function replicaSetOf(d: ReturnType<typeof deployment>, hash: string, replicas: number) {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: `${d.metadata.name}-${hash}`, namespace: d.metadata.namespace, labels: d.spec.template.metadata.labels, ...owned('Deployment', d.metadata.name) },
    spec: { replicas, selector: d.spec.selector, template: d.spec.template },
  };
}

describe('pod-spec rules: which object is checked', () => {
  /** A privileged Deployment, its ReplicaSet and one replica, applied in that order; the replica's signals. */
  const cartWithReplica = () => {
    const h = harness(podPrivileged);
    const d = deployment('cart', 'shop', privileged);
    const rs = replicaSetOf(d, '7d9c8b6f5', 3);
    const replica = pod('cart-7d9c8b6f5-x2x9k', 'shop', privileged, { ...owned('ReplicaSet', rs.metadata.name), labels: { 'pod-template-hash': '7d9c8b6f5' } });
    h.apply(d);
    h.apply(rs);
    return { h, d, rs, replica, replicaSignals: h.apply(replica) };
  };

  it('checks a Deployment once, not its ReplicaSets or their Pods', () => {
    const h = harness(podPrivileged);
    const d = deployment('cart', 'shop', privileged);
    expect(h.apply(d)).toHaveLength(1);
    expect(h.apply(replicaSetOf(d, '7d9c8b6f5', 3))).toEqual([]);
    expect(h.apply(pod('cart-7d9c8b6f5-x2x9k', 'shop', privileged, owned('ReplicaSet', 'cart-7d9c8b6f5')))).toEqual([]);
  });

  it('checks a Pod whose controller it has not seen, and resolves it once the ReplicaSet arrives', () => {
    const h = harness(podPrivileged);
    const d = deployment('cart', 'shop', privileged);
    const orphan = pod('cart-7d9c8b6f5-x2x9k', 'shop', privileged, owned('ReplicaSet', 'cart-7d9c8b6f5'));
    expect(h.apply(orphan)).toMatchObject([{ transition: 'firing', subject: { kind: 'Pod', name: 'cart-7d9c8b6f5-x2x9k' }, evidence: { controlledBy: 'ReplicaSet/cart-7d9c8b6f5' } }]);
    const signals = h.apply(replicaSetOf(d, '7d9c8b6f5', 3));
    expect(signals.map((s) => `${s.transition} ${s.subject.kind}`).sort()).toEqual(['firing ReplicaSet', 'resolved Pod']);
    expect(h.apply(d).map((s) => `${s.transition} ${s.subject.kind}`).sort()).toEqual(['firing Deployment', 'resolved ReplicaSet']);
  });

  it('does not report terminating objects, nor uncover a deleted workload\'s pods (garbage collection removes them)', () => {
    const { h, d, rs, replica, replicaSignals } = cartWithReplica();
    expect(replicaSignals).toEqual([]);
    expect(h.remove(d)).toMatchObject([{ transition: 'resolved', subject: { kind: 'Deployment' } }]);
    expect(h.remove(rs)).toEqual([]);
    expect(h.apply(edited(replica, (p) => (p.metadata.deletionTimestamp = '2026-03-14T09:01:00Z')))).toEqual([]);
  });

  it('checks what a deleted workload left behind at the next tick: nothing when garbage collection took it, the orphans when not', () => {
    const tick = (h: ReturnType<typeof harness>, n: number) => h.engine.evaluateAll({ id: `tick-${n}`, type: 'tick', time: '2026-03-14T09:01:00Z' }, true).signals;
    // Cascading delete: the ReplicaSet and its Pod go before the tick, and nothing fires.
    const cascade = cartWithReplica();
    cascade.h.remove(cascade.d);
    cascade.h.remove(cascade.rs);
    cascade.h.remove(cascade.replica);
    expect(tick(cascade.h, 1)).toEqual([]);
    // --cascade=orphan: the ReplicaSet stays, runs its pods, and stands for itself from the next tick on.
    const orphan = cartWithReplica();
    expect(orphan.h.remove(orphan.d)).toMatchObject([{ transition: 'resolved', subject: { kind: 'Deployment' } }]);
    expect(tick(orphan.h, 1)).toMatchObject([{ transition: 'firing', subject: { kind: 'ReplicaSet', name: 'cart-7d9c8b6f5' } }]);
    expect(tick(orphan.h, 2)).toEqual([]); // once
    expect(orphan.h.remove(orphan.rs)).toMatchObject([{ transition: 'resolved', subject: { kind: 'ReplicaSet' } }]);
  });

  it('says so when an exception starts or stops applying to a finding that keeps firing', () => {
    const h = harness(podPrivileged);
    const d = deployment('cart', 'shop', privileged);
    expect(h.apply(d)).toMatchObject([{ transition: 'firing', subject: { kind: 'Deployment' } }]);
    expect(h.apply(d)).toEqual([]); // nothing new
    const ignored = edited(d, (x) => (x.metadata.annotations = { 'ztv.io/ignore': 'pod-privileged', 'ztv.io/ignore-reason': 'node agent, reviewed' }));
    const [suppressed] = h.apply(ignored);
    expect(suppressed).toMatchObject({ transition: 'firing', subject: { kind: 'Deployment' } });
    expect(suppressed?.suppressedBy).toBe('annotation: node agent, reviewed');
    expect(h.apply(ignored)).toEqual([]);
    const [again] = h.apply(d);
    expect(again).toMatchObject({ transition: 'firing', subject: { kind: 'Deployment' } });
    expect(again?.suppressedBy).toBeUndefined();
  });

  it('checks objects owned by a controller it does not know (an operator CRD), and a ReplicationController', () => {
    const h = harness(podPrivileged);
    const rolloutRs = edited(replicaSetOf(deployment('web', 'shop', privileged), 'abc', 2), (rs) => {
      rs.metadata.ownerReferences = [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'web', uid: 'r', controller: true }];
    });
    expect(h.apply(rolloutRs)).toMatchObject([{ subject: { kind: 'ReplicaSet', name: 'web-abc' }, evidence: { controlledBy: 'Rollout/web' } }]);
    expect(h.apply(edited(rolloutRs, (rs) => (rs.spec.replicas = 0)))).toMatchObject([{ transition: 'resolved' }]); // retired revision
    const rc = { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'legacy', namespace: 'shop' }, spec: { replicas: 1, template: deployment('legacy', 'shop', privileged).spec.template } };
    expect(h.apply(rc)).toMatchObject([{ subject: { kind: 'ReplicationController', name: 'legacy' } }]);
  });

  it('re-checks every workload and uncontrolled Pod on a full evaluation', () => {
    const engine = new RuleEngine({ rules: [podPrivileged], config: defaultRulesConfig(), cluster: 'test', clock: at('2026-03-14T09:00:00Z') });
    engine.load(resourceEvent(deployment('cart', 'shop', privileged) as never));
    engine.load(resourceEvent(pod('debug', 'shop', { hostPID: true }) as never));
    const out = engine.evaluateAll({ id: 'tick-1', type: 'tick', time: '2026-03-14T09:00:00Z' });
    expect(out.signals.map((s) => `${s.subject.kind}/${s.subject.name}`).sort()).toEqual(['Deployment/cart', 'Pod/debug']);
  });
});
