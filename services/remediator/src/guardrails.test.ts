import { describe, expect, it } from 'vitest';
import { remediatorSettings } from './config';
import { findingStatusRefusal, killSwitchRefusal, protectedNamespaceRefusal } from './guardrails';
import { enforceStrictMtls } from './playbooks/index';

const settings = remediatorSettings(
  { allowProtectedNamespaces: ['kube-public'] },
  { REMEDIATION_ENABLED: true, MESH_ROOT_NAMESPACE: 'istio-system' },
);

describe('guardrails', () => {
  it('refuses protected namespaces unless explicitly allowed; cluster-scoped targets pass to their own prechecks', () => {
    expect(protectedNamespaceRefusal(settings, { namespace: 'istio-system', describe: '' })).toMatch(
      /istio-system is protected/,
    );
    expect(protectedNamespaceRefusal(settings, { namespace: 'kube-public', describe: '' })).toBeUndefined();
    expect(protectedNamespaceRefusal(settings, { namespace: 'shop', describe: '' })).toBeUndefined();
    expect(protectedNamespaceRefusal(settings, { node: 'n1', describe: '' })).toBeUndefined();
  });

  it('the kill switch and a finding that no longer holds stop an apply', () => {
    expect(killSwitchRefusal(settings)).toBeUndefined();
    expect(killSwitchRefusal({ enabled: false })).toMatch(/switched off/);
    expect(findingStatusRefusal({ id: 'f', status: 'acknowledged' })).toBeUndefined();
    expect(findingStatusRefusal({ id: 'f', status: 'resolved' })).toMatch(/finding f is resolved/);
  });
});

describe('targets', () => {
  it('enforce-strict-mtls acts where a plaintext flow arrived, and on the workload policy a finding names', () => {
    const flow = enforceStrictMtls.targets({
      id: 'f1',
      ruleId: 'flow-plaintext',
      namespace: 'client',
      subject: { namespace: 'client', kind: 'Deployment', name: 'web' },
      evidence: { destination: { namespace: 'payments', pod: 'ledger-1' } },
    });
    expect(flow).toEqual({ ok: true, target: { namespace: 'payments', describe: 'namespace payments' } });
    const pa = enforceStrictMtls.targets({
      id: 'f2',
      ruleId: 'mtls-not-strict',
      namespace: 'shop',
      subject: { namespace: 'shop', kind: 'PeerAuthentication', name: 'legacy' },
      evidence: {},
    });
    expect(pa).toEqual({
      ok: true,
      target: {
        namespace: 'shop',
        object: { kind: 'PeerAuthentication', name: 'legacy' },
        describe: 'PeerAuthentication shop/legacy',
      },
    });
    expect(
      enforceStrictMtls.targets({
        id: 'f3',
        ruleId: 'mtls-not-strict',
        namespace: null,
        subject: {},
        evidence: {},
      }),
    ).toEqual({ ok: false, reasons: ['finding f3 (mtls-not-strict) names no namespace'] });
  });
});
