import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { normalizeCapability, podCapabilitiesNotDropped } from './pod-capabilities-not-dropped';
import { deployment, edited, hardenedContainer, harness, pod, PINNED } from './test-manifests';

const rule = podCapabilitiesNotDropped;
const fixtures = resolve(import.meta.dirname, '../../../../../../shared/fixtures');

describe('pod-capabilities-not-dropped', () => {
  it('fires per container that keeps the default set, and resolves once every container drops ALL', () => {
    const h = harness(rule);
    const bad = deployment('cart', 'shop', {
      initContainers: [{ name: 'migrate', image: PINNED, command: ['/migrate'] }],
      containers: [hardenedContainer('cart', PINNED), hardenedContainer('envoy-debug', PINNED, { securityContext: { capabilities: { drop: ['NET_RAW'] } } })],
    });
    const [fired] = h.apply(bad);
    expect(fired).toMatchObject({
      transition: 'firing',
      subject: { namespace: 'shop', kind: 'Deployment', name: 'cart' },
      evidence: {
        containers: [
          { name: 'migrate', type: 'initContainer', drop: [], dropsAll: false, disallowedAdds: [] },
          { name: 'envoy-debug', type: 'container', drop: ['NET_RAW'], dropsAll: false },
        ],
        allowedCapabilities: ['NET_BIND_SERVICE'],
      },
    });
    expect(fired?.message).toBe('Deployment shop/cart: migrate, envoy-debug do not drop ALL capabilities');

    const fixed = edited(bad, (d) => {
      for (const c of [...d.spec.template.spec.initContainers, ...d.spec.template.spec.containers]) c.securityContext = { capabilities: { drop: ['ALL'] } };
    });
    expect(h.apply(fixed)).toMatchObject([{ transition: 'resolved', fingerprint: fired?.fingerprint }]);
  });

  it('fires for adds outside the allow-list even when ALL is dropped; NET_BIND_SERVICE is allowed by default', () => {
    const h = harness(rule);
    const web = (add: string[]) => pod('web', 'shop', { containers: [hardenedContainer('nginx', PINNED, { securityContext: { capabilities: { drop: ['ALL'], add } } })] });
    expect(h.apply(web(['NET_BIND_SERVICE']))).toEqual([]);
    const [fired] = h.apply(web(['NET_BIND_SERVICE', 'cap_sys_admin']));
    expect(fired?.message).toBe('Pod shop/web: adds cap_sys_admin outside the allow-list');
    expect(h.apply(web([]))).toMatchObject([{ transition: 'resolved' }]);
  });

  it('checks ephemeral containers (kubectl debug) and follows config.allowedCapabilities', () => {
    const h = harness(rule, { allowedCapabilities: ['NET_BIND_SERVICE', 'SYS_PTRACE'] });
    const debugged = pod('api', 'shop', {
      ephemeralContainers: [{ name: 'debugger-7xk2p', image: 'busybox:1.36', targetContainerName: 'api', securityContext: { capabilities: { drop: ['all'], add: ['SYS_PTRACE'] } } }],
    });
    expect(h.apply(debugged)).toEqual([]); // 'all' drops everything (runtimes compare case-insensitively); SYS_PTRACE allowed here
    const escalated = edited(debugged, (p) => p.spec.ephemeralContainers[0].securityContext.capabilities.add.push('NET_ADMIN'));
    expect(h.apply(escalated)[0]?.evidence).toMatchObject({ containers: [{ name: 'debugger-7xk2p', type: 'ephemeralContainer', disallowedAdds: ['NET_ADMIN'] }] });
  });

  it('does not check Windows pods (the restricted profile exempts them)', () => {
    const h = harness(rule);
    expect(h.apply(pod('iis', 'win', { os: { name: 'windows' }, containers: [{ name: 'iis', image: PINNED }] }))).toEqual([]);
  });

  it('reads the Kyverno require-drop-all fixtures: both pods add SYS_TIME; only the bad one also keeps defaults in its init container', () => {
    const h = harness(rule);
    const docs = parseAllDocuments(readFileSync(`${fixtures}/kyverno-policies/best-practices/require-drop-all/.kyverno-test/resource.yaml`, 'utf8'));
    const [good, bad] = docs.map((d) => ({ ...d.toJS(), metadata: { ...d.toJS().metadata, namespace: 'default' } }));
    expect(h.apply(good)).toMatchObject([{ message: 'Pod default/add-capabilities: adds SYS_TIME outside the allow-list' }]);
    expect(h.apply(bad)).toMatchObject([
      { message: 'Pod default/add-capabilities-bad: init does not drop ALL capabilities; adds SYS_TIME outside the allow-list' },
    ]);
  });

  it('is suppressed by ztv.io/ignore with a reason, and not without one', () => {
    const h = harness(rule);
    const agent = (name: string, annotations: Record<string, string>) =>
      deployment(name, 'monitoring', { containers: [{ name, image: PINNED }] }, { annotations });
    expect(h.apply(agent('node-exporter', { 'ztv.io/ignore': 'pod-capabilities-not-dropped,pod-privileged', 'ztv.io/ignore-reason': 'reads /proc of the host' }))[0]?.suppressedBy).toBe(
      'annotation: reads /proc of the host',
    );
    expect(h.apply(agent('exporter-2', { 'ztv.io/ignore': '*' }))[0]?.suppressedBy).toBeUndefined();
  });

  it('does not take CAP_ALL for ALL (runtimes do not)', () => {
    const h = harness(rule);
    const p = pod('web', 'shop', { containers: [hardenedContainer('nginx', PINNED, { securityContext: { capabilities: { drop: ['CAP_ALL'] } } })] });
    expect(h.apply(p)[0]?.evidence).toMatchObject({ containers: [{ name: 'nginx', dropsAll: false }] });
  });

  it('normalizes capability names as runtimes do', () => {
    expect(['CAP_SYS_ADMIN', 'sys_admin', ' SYS_ADMIN '].map(normalizeCapability)).toEqual(['SYS_ADMIN', 'SYS_ADMIN', 'SYS_ADMIN']);
  });
});
