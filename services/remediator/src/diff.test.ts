import { describe, expect, it } from 'vitest';
import { diffObject, diffText, fieldChanges } from './diff';
import type { KubeObject } from './kube-ops';

const np = (spec: Record<string, unknown>, extra: Partial<KubeObject['metadata']> = {}): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'p', namespace: 'n', ...extra },
  spec,
});

describe('diff', () => {
  it('walks maps key by key, compares lists whole, and quotes keys that are not identifiers', () => {
    expect(
      fieldChanges(
        { metadata: { labels: { 'ztv.io/q': 'a', keep: 'x' } }, spec: { types: ['Ingress'], gone: 1 } },
        {
          metadata: { labels: { 'ztv.io/q': 'b', keep: 'x', added: 'y' } },
          spec: { types: ['Ingress', 'Egress'] },
        },
      ),
    ).toEqual([
      { path: '.metadata.labels.added', op: 'add', after: 'y' },
      { path: '.metadata.labels["ztv.io/q"]', op: 'change', before: 'a', after: 'b' },
      { path: '.spec.gone', op: 'remove', before: 1 },
      { path: '.spec.types', op: 'change', before: ['Ingress'], after: ['Ingress', 'Egress'] },
    ]);
  });

  it('ignores server bookkeeping and status, so an identical write is "unchanged"', () => {
    const before = np(
      { podSelector: {} },
      { resourceVersion: '1', generation: 1, managedFields: [{ manager: 'a' }], uid: 'u' },
    );
    const after = {
      ...np({ podSelector: {} }, { resourceVersion: '2', generation: 2, uid: 'u' }),
      status: { x: 1 },
    };
    expect(diffObject('NetworkPolicy n/p', before, after)).toEqual({
      object: 'NetworkPolicy n/p',
      action: 'unchanged',
      changes: [],
    });
    expect(
      diffObject('NetworkPolicy n/p', before, np({ podSelector: { matchLabels: { a: 'b' } } })).action,
    ).toBe('update');
    const created = diffObject('NetworkPolicy n/p', undefined, np({ podSelector: {} }));
    expect(created.action).toBe('create');
    expect(created.changes.map((c) => c.path)).toEqual(['.apiVersion', '.kind', '.metadata', '.spec']);
    expect(diffText([created])).toMatch(
      /^\+\+\+ NetworkPolicy n\/p \(create\)\n\+ \.apiVersion: "networking\.k8s\.io\/v1"/,
    );
  });
});
