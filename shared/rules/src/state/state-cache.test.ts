import { describe, expect, it } from 'vitest';
import { defaultRulesConfig } from '../config';
import { resourceEvent } from '../testing';
import { ClusterState } from './cluster-state';
import { podTemplatesIn } from './mesh-workloads';
import { ResourceIndex } from './resource-index';

const obj = (kind: string, name: string, namespace?: string) => ({ apiVersion: 'v1', kind, metadata: { name, ...(namespace ? { namespace } : {}) } });

describe('ResourceIndex.namespaces (cached)', () => {
  it('follows Namespace objects and namespaces objects were seen in', () => {
    const r = new ResourceIndex();
    r.upsert(obj('Namespace', 'shop'));
    r.upsert(obj('Pod', 'a', 'batch'));
    expect(r.namespaces()).toEqual(['batch', 'shop']);
    r.upsert(obj('Pod', 'b', 'batch'));
    r.upsert(obj('ConfigMap', 'c', 'audit'));
    expect(r.namespaces()).toEqual(['audit', 'batch', 'shop']);
    r.delete('Namespace', undefined, 'shop');
    expect(r.namespaces()).toEqual(['audit', 'batch']);
    expect(r.hasNamespace('audit')).toBe(true);
    expect(r.hasNamespace('shop')).toBe(false);
  });

  it('hands out a frozen array, so no caller can corrupt what the others see', () => {
    const r = new ResourceIndex();
    r.upsert(obj('Namespace', 'b'));
    r.upsert(obj('Namespace', 'a'));
    expect(() => r.namespaces().push('x')).toThrow(TypeError);
    expect([...r.namespaces()].reverse()).toEqual(['b', 'a']);
    expect(r.namespaces()).toEqual(['a', 'b']);
  });
});

describe('ClusterState.memo', () => {
  it('computes once until the state changes, through apply() or the index directly', () => {
    const s = new ClusterState();
    const config = defaultRulesConfig();
    let computed = 0;
    const pods = () => s.memo('pods', () => (computed++, s.resources.list('Pod').length));
    s.apply(resourceEvent(obj('Pod', 'a', 'shop') as never), config);
    expect([pods(), pods()]).toEqual([1, 1]);
    expect(computed).toBe(1);
    s.apply(resourceEvent(obj('Pod', 'b', 'shop') as never), config);
    expect(pods()).toBe(2);
    s.resources.upsert(obj('Pod', 'c', 'shop') as never);
    expect(pods()).toBe(3);
    expect(computed).toBe(3);
  });
});

describe('ClusterState.memoBy', () => {
  it('memoBy keeps a value per slot and key until the state changes, undefined included', () => {
    const s = new ClusterState();
    const config = defaultRulesConfig();
    const calls: string[] = [];
    const ask = (slot: string, key: string) => s.memoBy(slot, key, () => (calls.push(`${slot}:${key}`), key === 'none' ? undefined : `${slot}/${key}/${s.resources.list('Pod').length}`));
    s.apply(resourceEvent(obj('Pod', 'a', 'shop') as never), config);
    expect([ask('x', 'k'), ask('x', 'k'), ask('y', 'k'), ask('x', 'none'), ask('x', 'none')]).toEqual(['x/k/1', 'x/k/1', 'y/k/1', undefined, undefined]);
    expect(calls).toEqual(['x:k', 'y:k', 'x:none']);
    s.apply(resourceEvent(obj('Pod', 'b', 'shop') as never), config);
    expect(ask('x', 'k')).toBe('x/k/2');
    s.resources.upsert(obj('Pod', 'c', 'shop') as never);
    expect(ask('x', 'k')).toBe('x/k/3');
    expect(calls).toHaveLength(5);
  });
});

describe('ClusterState.changeOf', () => {
  it('tells the last applied resource event what the object was before and is after', () => {
    const s = new ClusterState();
    const config = defaultRulesConfig();
    const v1 = { ...obj('Pod', 'a', 'shop'), status: { phase: 'Pending' } };
    const v2 = { ...obj('Pod', 'a', 'shop'), status: { phase: 'Running' } };
    const create = resourceEvent(v1 as never);
    s.apply(create, config);
    expect(s.changeOf(create)).toEqual({ event: create, after: v1 });
    const update = resourceEvent(v2 as never);
    s.apply(update, config);
    expect(s.changeOf(update)).toEqual({ event: update, before: v1, after: v2 });
    expect(s.changeOf(create)).toBeUndefined(); // not the last event: unknown
    const del = resourceEvent(v2 as never, 'delete');
    s.apply(del, config);
    expect(s.changeOf(del)).toEqual({ event: del, before: v2 });
  });
});

describe('pod templates', () => {
  const ns = 'shop';
  const owned = (kind: string, name: string, owner: { kind: string; name: string }, labels?: Record<string, string>) => ({
    ...obj(kind, name, ns),
    metadata: { name, namespace: ns, ...(labels ? { labels } : {}), ownerReferences: [{ ...owner, controller: true }] },
    spec: { template: { spec: { containers: [] } }, containers: [] },
  });
  const deployment = { ...obj('Deployment', 'web', ns), spec: { template: { spec: { containers: [] } } } };
  const rs = owned('ReplicaSet', 'web-abc', { kind: 'Deployment', name: 'web' });
  const hashed = owned('Pod', 'web-abc-1', { kind: 'ReplicaSet', name: 'web-abc' }, { 'pod-template-hash': 'abc' });
  const unhashed = owned('Pod', 'web-abc-2', { kind: 'ReplicaSet', name: 'web-abc' });

  it('counts the objects that name an object as their controller, by pod-template-hash for Deployments too', () => {
    const s = new ClusterState();
    s.resources.upsert(hashed as never);
    expect(s.resources.hasControlled('ReplicaSet', ns, 'web-abc')).toBe(true);
    expect(s.resources.hasControlled('Deployment', ns, 'web')).toBe(true);
    s.resources.upsert({ ...hashed, metadata: { ...hashed.metadata, ownerReferences: [] } } as never);
    expect(s.resources.hasControlled('ReplicaSet', ns, 'web-abc')).toBe(false);
    s.resources.upsert(unhashed as never);
    expect(s.resources.hasControlled('ReplicaSet', ns, 'web-abc')).toBe(true);
    expect(s.resources.hasControlled('Deployment', ns, 'web')).toBe(false);
    s.resources.delete('Pod', ns, 'web-abc-2');
    expect(s.resources.hasControlled('ReplicaSet', ns, 'web-abc')).toBe(false);
  });

  it('keeps podTemplatesIn until a change can move it, through apply() or the index directly', () => {
    const s = new ClusterState();
    const config = defaultRulesConfig();
    const names = () => podTemplatesIn(s, ns).map((t) => `${t.owner.kind}/${t.owner.metadata.name}`);
    for (const o of [deployment, rs, hashed, unhashed]) s.apply(resourceEvent(o as never), config);
    expect(names()).toEqual(['Deployment/web']);
    const kept = podTemplatesIn(s, ns);
    s.apply(resourceEvent({ ...unhashed, status: { phase: 'Running' } } as never), config); // a status update
    expect(podTemplatesIn(s, ns)).toBe(kept);
    const edited = { ...deployment, spec: { template: { metadata: { labels: { app: 'web' } }, spec: { containers: [] } } } };
    s.apply(resourceEvent(edited as never), config); // a workload edit replaces its entry in place
    expect(podTemplatesIn(s, ns).map((t) => t.labels)).toEqual([{ app: 'web' }]);
    expect(kept.map((t) => t.labels)).toEqual([{}]); // what was handed out before stays as it was
    s.apply(resourceEvent(rs as never, 'delete'), config); // its pods without a hash now stand for themselves
    expect(names()).toEqual(['Pod/web-abc-2', 'Deployment/web']);
    s.resources.delete('Deployment', ns, 'web'); // outside apply(), as a test might
    expect(names()).toEqual(['Pod/web-abc-1', 'Pod/web-abc-2']);
  });
});
