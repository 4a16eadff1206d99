import { describe, expect, it } from 'vitest';
import {
  automaticRemediation,
  loadRemediatorSettings,
  rateLimitFor,
  RemediationConfigError,
  remediatorSettings,
} from './config';

const env = { REMEDIATION_ENABLED: true, MESH_ROOT_NAMESPACE: 'mesh-root' };

describe('remediation config', () => {
  it('defaults: enabled, dry-run for every rule, the system, mesh and ztv namespaces protected, cordon once an hour', () => {
    const s = remediatorSettings(undefined, env);
    expect(s.enabled).toBe(true);
    expect(s.protectedNamespaces).toEqual([
      'kube-system',
      'kube-public',
      'kube-node-lease',
      'mesh-root',
      'spire-system',
      'ztv',
    ]);
    expect(rateLimitFor(s, 'cordon-node')).toEqual({ max: 1, windowSeconds: 3600 });
    expect(rateLimitFor(s, 'apply-default-deny')).toEqual({ max: 10, windowSeconds: 60 });
    expect(automaticRemediation(s, 'netpol-default-deny-missing', 'apply-default-deny')).toEqual({
      playbook: 'apply-default-deny',
      mode: 'dry-run',
    });
    expect(automaticRemediation(s, 'pod-privileged', undefined)).toBeUndefined();
  });

  it('either kill switch turns applies off; per-rule modes and playbooks are opt-in', () => {
    expect(remediatorSettings({ enabled: false }, env).enabled).toBe(false);
    expect(remediatorSettings({}, { ...env, REMEDIATION_ENABLED: false }).enabled).toBe(false);
    const s = remediatorSettings(
      {
        rules: { 'clock-drift': { mode: 'auto' }, 'cert-expired': { playbook: 'quarantine-pod' } },
        rateLimits: { default: { max: 3, windowSeconds: 10 } },
      },
      env,
    );
    expect(automaticRemediation(s, 'clock-drift', 'cordon-node')).toEqual({
      playbook: 'cordon-node',
      mode: 'auto',
    });
    expect(automaticRemediation(s, 'cert-expired', 'rollout-restart')).toEqual({
      playbook: 'quarantine-pod',
      mode: 'dry-run',
    });
    expect(rateLimitFor(s, 'quarantine-pod')).toEqual({ max: 3, windowSeconds: 10 });
    expect(rateLimitFor(s, 'cordon-node')).toEqual({ max: 1, windowSeconds: 3600 });
  });

  it('names the path and what it expects for a bad value, and reads the section from the config file', () => {
    expect(() => remediatorSettings({ rules: { x: { mode: 'yolo' } } }, env)).toThrow(RemediationConfigError);
    expect(() => remediatorSettings({ protectedNamespaces: ['Kube_System'] }, env)).toThrow(
      /remediation\.protectedNamespaces\.0: a Kubernetes namespace name/,
    );
    expect(() => remediatorSettings({ approvalTtl: '1h' }, env)).toThrow(/approvalTtl/);
    const file =
      'remediation:\n  approvalTtlSeconds: 600\n  allowProtectedNamespaces: [kube-system]\nrules: {}\n';
    const s = loadRemediatorSettings({ ...env, ZTV_CONFIG_FILE: '/etc/ztv/ztv.yaml' }, () => file);
    expect(s).toMatchObject({ approvalTtlSeconds: 600, allowProtectedNamespaces: ['kube-system'] });
    expect(() =>
      loadRemediatorSettings({ ...env, ZTV_CONFIG_FILE: '/x.yaml' }, () => 'remediation: ['),
    ).toThrow(/\/x\.yaml: not valid YAML/);
    expect(loadRemediatorSettings({ ...env, ZTV_CONFIG_FILE: undefined }).approvalTtlSeconds).toBe(86_400);
  });
});
