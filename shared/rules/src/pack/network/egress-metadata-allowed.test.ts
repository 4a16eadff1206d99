import { describe, expect, it } from 'vitest';
import { defaultRulesConfig } from '../../config';
import type { KubeObject } from '../../state/kube-object';
import { egressMetadataAllowed as rule } from './egress-metadata-allowed';
import { edited, firing, harness, resolved } from './test-harness';

const egressTo = (name: string, to: unknown[] | undefined, ports?: unknown[], annotations?: Record<string, string>): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace: 'shop', ...(annotations ? { annotations } : {}) },
  spec: {
    podSelector: { matchLabels: { app: 'web' } },
    policyTypes: ['Egress'],
    egress: [{ ...(to ? { to } : {}), ...(ports ? { ports } : {}) }],
  },
});
const block = (cidr: string, except?: string[]) => ({ ipBlock: { cidr, ...(except ? { except } : {}) } });

describe('egress-metadata-allowed', () => {
  it('fires for 0.0.0.0/0 and resolves once the metadata address is excepted', () => {
    const h = harness(rule);
    const open = egressTo('internet', [block('0.0.0.0/0')]);
    const [fired] = firing(h.apply(open));
    expect(fired).toMatchObject({
      subject: { namespace: 'shop', kind: 'NetworkPolicy', name: 'internet' },
      evidence: { addresses: ['169.254.169.254', '100.100.100.200'], ports: [80], rules: [
          { rule: 0, address: '169.254.169.254', via: 'ipBlock 0.0.0.0/0', cidr: '0.0.0.0/0' },
          { rule: 0, address: '100.100.100.200', via: 'ipBlock 0.0.0.0/0', cidr: '0.0.0.0/0' },
        ],
      },
    });
    expect(fired?.message).toBe('NetworkPolicy shop/internet allows egress to the metadata address 169.254.169.254, 100.100.100.200 via ipBlock 0.0.0.0/0');
    const excepted = egressTo('internet', [block('0.0.0.0/0', ['169.254.169.254/32', '100.100.100.200/32'])]);
    expect(resolved(h.apply(excepted))).toHaveLength(1);
    // An except that misses the address does not help.
    expect(firing(h.apply(egressTo('internet', [block('0.0.0.0/0', ['169.254.169.0/25', '100.64.0.0/10'])])))).toHaveLength(1);
  });

  it('follows CIDR containment, ports and rules without destinations', () => {
    const h = harness(rule);
    expect(firing(h.apply(egressTo('link-local', [block('169.254.0.0/16')])))[0]?.evidence).toMatchObject({ addresses: ['169.254.169.254'] });
    expect(h.apply(egressTo('private', [block('10.0.0.0/8'), block('169.254.169.0/25')]))).toEqual([]);
    expect(h.apply(egressTo('https-only', [block('0.0.0.0/0')], [{ protocol: 'TCP', port: 443 }]))).toEqual([]);
    expect(firing(h.apply(egressTo('range', [block('0.0.0.0/0')], [{ protocol: 'TCP', port: 1, endPort: 1024 }])))).toHaveLength(1);
    expect(h.apply(egressTo('udp', [block('0.0.0.0/0')], [{ protocol: 'UDP', port: 80 }]))).toEqual([]);
    expect(firing(h.apply(egressTo('anywhere', undefined, [{ port: 80 }])))[0]?.evidence).toMatchObject({
      rules: [{ via: 'an egress rule with no `to`: every destination', cidr: '0.0.0.0/0' }, { address: 'fd00:ec2::254', cidr: '::/0' }, { address: '100.100.100.200' }],
    });
    expect(firing(h.apply(egressTo('v6', [block('fd00::/8')])))[0]?.evidence).toMatchObject({ addresses: ['fd00:ec2::254'] });
    // Pods only: namespace/pod selectors never reach an address outside the cluster.
    expect(h.apply(egressTo('pods', [{ namespaceSelector: {} }]))).toEqual([]);
  });

  it('accepts blocks inside the allow-list', () => {
    const h = harness(rule, defaultRulesConfig({ metadataEgressAllowList: ['169.254.0.0/16'], metadataAddresses: ['169.254.169.254'] }));
    expect(h.apply(egressTo('imds-proxy', [block('169.254.169.254/32')]))).toEqual([]);
    expect(firing(h.apply(egressTo('internet', [block('0.0.0.0/0')])))).toHaveLength(1);
  });

  it('reads Cilium world entities, CIDR sets with except and L4-only rules', () => {
    const h = harness(rule);
    const cnp: KubeObject = {
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumNetworkPolicy',
      metadata: { name: 'egress', namespace: 'shop' },
      spec: { endpointSelector: { matchLabels: { app: 'web' } }, egress: [{ toEntities: ['world'] }] },
    };
    expect(firing(h.apply(cnp))[0]?.evidence).toMatchObject({ addresses: ['169.254.169.254', 'fd00:ec2::254', '100.100.100.200'], rules: [{ via: 'entity "world"' }, { cidr: '::/0' }, {}] });
    const carved = edited(cnp, (o) => (o.spec!.egress = [{ toCIDRSet: [{ cidr: '0.0.0.0/0', except: ['169.254.0.0/16', '100.100.100.200/32'] }, { cidr: '::/0', except: ['fd00:ec2::254/128'] }] }]));
    expect(resolved(h.apply(carved))).toHaveLength(1);
    const l4 = edited(cnp, (o) => (o.spec!.egress = [{ toPorts: [{ ports: [{ port: '80', protocol: 'TCP' }] }] }]));
    expect(firing(h.apply(l4))[0]?.evidence).toMatchObject({ rules: [{ via: 'an L4-only egress rule (toPorts, no peers): every destination' }, {}, {}] });
  });

  it('is suppressed by ztv.io/ignore with a reason only', () => {
    const h = harness(rule);
    const ann = { 'ztv.io/ignore': 'egress-metadata-allowed', 'ztv.io/ignore-reason': 'node agent needs IMDS' };
    expect(firing(h.apply(egressTo('agent', [block('0.0.0.0/0')], undefined, ann)))[0]?.suppressedBy).toBe('annotation: node agent needs IMDS');
    expect(firing(h.apply(egressTo('other', [block('0.0.0.0/0')], undefined, { 'ztv.io/ignore': '*' })))[0]?.suppressedBy).toBeUndefined();
  });
});
