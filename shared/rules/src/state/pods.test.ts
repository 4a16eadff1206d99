import { describe, expect, it } from 'vitest';
import { defaultRulesConfig } from '../config';
import { resourceEvent } from '../testing';
import { ClusterState } from './cluster-state';
import { podAtIp, podDirectory, podEntry } from './pods';

const config = defaultRulesConfig();

const pod = (name: string, ip: string, extra: { spec?: Record<string, unknown>; phase?: string } = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'shop', labels: { app: 'cart' } },
  spec: { serviceAccountName: 'cart', containers: [{ name: 'app', image: 'nginx:1.27' }], ...extra.spec },
  status: { phase: extra.phase ?? 'Running', podIP: ip, podIPs: [{ ip }, { ip: 'fd00::12' }] },
});

/** Every Pod the directory has at `ip`, as ns/name. */
const at = (s: ClusterState, ip: string) => [s.kept(podDirectory).byIp.get(ip) ?? []].flat().map((p) => `${p.namespace}/${p.name}`);

describe('pod directory (podEntry, podAtIp)', () => {
  it('indexes running pods by every IP, follows IP changes and deletes, and skips host-network and finished pods', () => {
    const s = new ClusterState();
    s.apply(resourceEvent(pod('cart-0', '10.244.1.12')), config);
    s.apply(resourceEvent(pod('node-agent-x', '10.0.0.21', { spec: { hostNetwork: true } })), config);
    expect(at(s, '10.244.1.12')).toEqual(['shop/cart-0']);
    expect(at(s, 'fd00::12')).toEqual(['shop/cart-0']);
    expect(at(s, '10.0.0.21')).toEqual([]);
    // Built on first use above; from here on kept current by the index's change listener.
    s.apply(resourceEvent(pod('cart-0', '10.244.1.99')), config);
    expect(at(s, '10.244.1.12')).toEqual([]);
    expect(at(s, '10.244.1.99')).toEqual(['shop/cart-0']);
    s.apply(resourceEvent(pod('batch-1', '10.244.1.50', { phase: 'Succeeded' })), config);
    expect(at(s, '10.244.1.50')).toEqual([]);
    expect(podEntry(s, 'shop', 'batch-1')?.account).toBe('cart'); // still a Pod, with no address of its own
    s.apply(resourceEvent(pod('cart-0', '10.244.1.99'), 'delete'), config);
    expect(at(s, '10.244.1.99')).toEqual([]);
    expect(podEntry(s, 'shop', 'cart-0')).toBeUndefined();
  });

  it('reads the ServiceAccount as written (serviceAccountName, then serviceAccount, then default) and follows a recreated pod', () => {
    const s = new ClusterState();
    s.apply(resourceEvent(pod('a', '10.0.1.1')), config);
    s.apply(resourceEvent(pod('b', '10.0.1.2', { spec: { serviceAccountName: undefined, serviceAccount: 'legacy' } })), config);
    s.apply(resourceEvent(pod('c', '10.0.1.3', { spec: { serviceAccountName: undefined } })), config);
    expect(['a', 'b', 'c'].map((n) => podEntry(s, 'shop', n)?.account)).toEqual(['cart', 'legacy', 'default']);
    // A StatefulSet pod comes back under the same name with another ServiceAccount.
    s.apply(resourceEvent(pod('a', '10.0.1.1'), 'delete'), config);
    s.apply(resourceEvent(pod('a', '10.0.1.7', { spec: { serviceAccountName: 'cart-v2' } })), config);
    expect(podEntry(s, 'shop', 'a')).toMatchObject({ account: 'cart-v2', ips: ['10.0.1.7', 'fd00::12'] });
    expect(at(s, '10.0.1.1')).toEqual([]);
  });

  it('lists every pod that claims an address (the flow rules then name none)', () => {
    const s = new ClusterState();
    s.apply(resourceEvent(pod('old', '10.0.2.2')), config);
    s.apply(resourceEvent(pod('new', '10.0.2.2')), config);
    expect(at(s, '10.0.2.2').sort()).toEqual(['shop/new', 'shop/old']);
    expect(podAtIp(s, '10.0.2.2')).toBeUndefined(); // two claim it: neither is named
    s.apply(resourceEvent(pod('old', '10.0.2.2'), 'delete'), config);
    expect(at(s, '10.0.2.2')).toEqual(['shop/new']);
    expect(podAtIp(s, '10.0.2.2')?.name).toBe('new');
    expect(podAtIp(s, '10.9.9.9')).toBeUndefined();
  });
});
