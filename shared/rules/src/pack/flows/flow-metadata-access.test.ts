import { describe, expect, it } from 'vitest';
import type { FlowData } from '@ztv/events';
import { defaultRulesConfig } from '../../config';
import { RuleEngine } from '../../engine/engine';
import { resourceEvent } from '../../testing';
import { flowMetadataAccess } from './flow-metadata-access';
import { hubbleFlow, jsonLines } from './test-flows';

const [, xwingFlow] = jsonLines('hubble/cilium-docs-hubble-exporter-dropped.jsonl') as [unknown, Record<string, unknown>];
const toImds = (over: Partial<FlowData> = {}) =>
  hubbleFlow(xwingFlow, {
    verdict: 'forwarded',
    dropReason: undefined,
    direction: 'egress',
    destination: { ip: '169.254.169.254', port: 80, reserved: ['reserved:world'] },
    ...over,
  });

const setup = () => new RuleEngine({ rules: [flowMetadataAccess], config: defaultRulesConfig(), cluster: 'test', clock: () => new Date('2026-03-14T09:30:00Z') });

describe('flow-metadata-access', () => {
  it('fires (high) when a pod reached the instance metadata service', () => {
    const [s] = setup().process(toImds()).signals;
    expect(s?.severity).toBe('high');
    expect(s?.subject).toEqual({ cluster: 'test', namespace: 'default', kind: 'Pod', name: 'xwing' });
    expect(s?.message).toBe('default/xwing connected to the metadata address 169.254.169.254:80.');
    expect(s?.evidence).toMatchObject({ metadataAddress: '169.254.169.254', blocked: false, port: 80, verdict: 'forwarded' });
  });

  it('fires (medium) for an attempt a policy dropped, and for IPv6 IMDS written in upper case', () => {
    const e = setup();
    expect(e.process(toImds({ verdict: 'dropped', dropReason: 'POLICY_DENIED' })).signals[0]?.severity).toBe('medium');
    expect(e.process(toImds({ destination: { ip: 'FD00:EC2::254', port: 80 } })).signals).toHaveLength(1);
  });

  it('ignores node processes, replies and other addresses', () => {
    const e = setup();
    expect(e.process(toImds({ source: { ip: '10.0.0.21', reserved: ['reserved:host'] } })).signals).toHaveLength(0);
    expect(e.process(toImds({ isReply: true })).signals).toHaveLength(0);
    expect(e.process(toImds({ destination: { ip: '10.96.0.10', port: 53 } })).signals).toHaveLength(0);
    expect(setup().process(toImds()).signals).toHaveLength(1);
  });

  it('honours metadataAddresses and a reasoned annotation on the pod', () => {
    const custom = new RuleEngine({ rules: [flowMetadataAccess], config: defaultRulesConfig({ metadataAddresses: ['169.254.170.2'] }), cluster: 'test' });
    expect(custom.process(toImds()).signals).toHaveLength(0);
    expect(custom.process(toImds({ destination: { ip: '169.254.170.2', port: 80 } })).signals).toHaveLength(1);
    // Addresses are compared as written, after trimming and lower-casing: a configured ' 169.254.170.2 ' is that
    // address, and a flow's '169.254.170.02' is not it (nor is a configured one with a leading zero the flow's).
    const padded = new RuleEngine({ rules: [flowMetadataAccess], config: defaultRulesConfig({ metadataAddresses: [' 169.254.170.2 ', '169.254.169.0254'] }), cluster: 'test' });
    expect(padded.process(toImds({ destination: { ip: '169.254.170.2', port: 80 } })).signals).toHaveLength(1);
    expect(padded.process(toImds({ destination: { ip: '169.254.170.02', port: 80 } })).signals).toHaveLength(0);
    expect(padded.process(toImds()).signals).toHaveLength(0);
    expect(padded.process(toImds({ destination: { ip: '169.254.169.0254', port: 80 } })).signals).toHaveLength(1);
    const e = setup();
    e.process(resourceEvent({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'xwing', namespace: 'default', labels: { org: 'alliance', class: 'xwing' }, annotations: { 'ztv.io/ignore': 'flow-metadata-access', 'ztv.io/ignore-reason': 'legacy SDK, IRSA migration CHG-88' } },
      spec: { containers: [{ name: 'spaceship', image: 'quay.io/cilium/json-mock:v1.3.8' }] },
    }));
    expect(e.process(toImds()).signals[0]?.suppressedBy).toMatch(/CHG-88/);
  });
});
