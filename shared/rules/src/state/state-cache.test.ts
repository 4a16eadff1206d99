import { describe, expect, it } from 'vitest';
import { defaultRulesConfig } from '../config';
import { resourceEvent } from '../testing';
import { ClusterState } from './cluster-state';
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
