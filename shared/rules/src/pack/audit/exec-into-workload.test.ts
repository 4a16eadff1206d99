import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AuditData, AuditEvent } from '@ztv/events';
import { auditData } from '@ztv/events';
import { defaultRulesConfig, type RulesConfig } from '../../config';
import { RuleEngine } from '../../engine/engine';
import { event, resourceEvent } from '../../testing';
import { fixtures } from '../identity/test-certs';
import { execIntoWorkload } from './exec-into-workload';

/** One audit Event JSON line (falco trace files) as the collector's envelope. */
function falcoAudit(file: string): AuditEvent {
  const raw = JSON.parse(readFileSync(resolve(fixtures, 'k8s-audit/falco-trace-files', file), 'utf8').trim()) as Record<string, unknown>;
  const data = auditData.parse(raw);
  return event('k8s.audit', data, { id: `${data.auditID}/${data.stage}`, time: data.stageTimestamp ?? '', source: 'audit-log' });
}
const withData = (e: AuditEvent, over: Partial<AuditData>): AuditEvent =>
  event('k8s.audit', { ...e.data, ...over }, { id: `${over.auditID ?? e.data.auditID}/${over.stage ?? e.data.stage}`, time: e.time });

const execPod = falcoAudit('exec_pod.json');
const attachPod = falcoAudit('attach_pod.json');
const podName = 'nginx-deployment-7998647bdf-phvq7';
const nginxPod = (annotations: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: podName,
    namespace: 'default',
    labels: { app: 'nginx', 'pod-template-hash': '7998647bdf' },
    annotations,
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'nginx-deployment-7998647bdf', uid: 'rs-3', controller: true }],
  },
  spec: { containers: [{ name: 'nginx1', image: 'nginx:1.14.2' }] },
});

const setup = (config: RulesConfig = defaultRulesConfig()) =>
  new RuleEngine({ rules: [execIntoWorkload], config, cluster: 'test', clock: () => new Date('2018-10-26T13:40:00Z') });

describe('exec-into-workload on falco trace files', () => {
  it('fires for kubectl exec (ResponseStarted, 101) with the command, container, user and source IPs', () => {
    const e = setup();
    e.process(resourceEvent(nginxPod()));
    const [s] = e.process(execPod).signals;
    expect(s?.subject).toEqual({ cluster: 'test', namespace: 'default', kind: 'Pod', name: podName });
    expect(s?.message).toBe(`minikube-user exec'd into pod default/${podName} running "bash".`);
    expect(s?.evidence).toMatchObject({
      action: 'exec',
      command: 'bash',
      container: 'nginx1',
      tty: true,
      user: 'minikube-user',
      groups: ['system:masters', 'system:authenticated'],
      sourceIPs: ['192.168.99.1'],
      responseCode: 101,
      ownerKind: 'ReplicaSet',
    });
    expect(s?.quietPeriodSeconds).toBe(3600);
  });

  it('fires for kubectl attach', () => {
    const [s] = setup().process(attachPod).signals;
    expect(s?.evidence).toMatchObject({ action: 'attach', container: 'nginx1' });
    expect(s?.evidence.command).toBeUndefined();
  });

  it('reports a session once: its ResponseComplete after ResponseStarted is the same session', () => {
    const e = setup();
    expect(e.process(execPod).signals).toHaveLength(1);
    expect(e.process(withData(execPod, { stage: 'ResponseComplete' })).signals).toHaveLength(0);
    // A policy that omits ResponseStarted still gets the session at ResponseComplete.
    expect(setup().process(withData(execPod, { stage: 'ResponseComplete' })).signals).toHaveLength(1);
  });

  it('fires for a websocket port-forward (verb get) and an ephemeral debug container', () => {
    const pf = withData(execPod, {
      auditID: 'pf-1',
      verb: 'get',
      objectRef: { resource: 'pods', namespace: 'default', name: podName, subresource: 'portforward', apiVersion: 'v1' },
      requestURI: `/api/v1/namespaces/default/pods/${podName}/portforward?ports=5432`,
    });
    expect(setup().process(pf).signals[0]?.message).toMatch(/port-forwarded to pod default\/.* port 5432\.$/);
    const debug = withData(execPod, {
      auditID: 'dbg-1',
      verb: 'patch',
      stage: 'ResponseComplete',
      level: 'Request',
      objectRef: { resource: 'pods', namespace: 'default', name: podName, subresource: 'ephemeralcontainers', apiVersion: 'v1' },
      requestURI: `/api/v1/namespaces/default/pods/${podName}/ephemeralcontainers`,
      responseStatus: { code: 200 },
      requestObject: { spec: { ephemeralContainers: [{ name: 'debugger-x7k2', image: 'busybox:1.36', targetContainerName: 'nginx1' }] } },
    });
    const [s] = setup().process(debug).signals;
    expect(s?.message).toBe(`minikube-user added an ephemeral container to pod default/${podName}.`);
    expect(s?.evidence.ephemeralContainers).toEqual([{ name: 'debugger-x7k2', image: 'busybox:1.36', targetContainerName: 'nginx1' }]);
  });

  it('does not fire for refused requests, other subresources, or the ResponseStarted of a non-streaming request', () => {
    const e = setup();
    expect(e.process(withData(execPod, { auditID: 'x1', responseStatus: { code: 403, reason: 'Forbidden' } })).signals).toHaveLength(0);
    const log = { resource: 'pods', namespace: 'default', name: podName, subresource: 'log' };
    expect(e.process(withData(execPod, { auditID: 'x2', verb: 'get', objectRef: log, stage: 'ResponseComplete' })).signals).toHaveLength(0);
    expect(e.process(withData(execPod, { auditID: 'x3', stage: 'RequestReceived' })).signals).toHaveLength(0);
    // A subresource named after an Object.prototype member is just an unknown subresource.
    for (const sub of ['constructor', 'toString', '__proto__']) {
      const out = e.process(withData(execPod, { auditID: `x-${sub}`, objectRef: { ...log, subresource: sub }, verb: 'create', stage: 'ResponseStarted', responseStatus: { code: 101 } }));
      expect(out.signals).toHaveLength(0);
      expect(out.outcomes).toEqual([]);
    }
  });

  it('honours execAllowedNamespaces, execAllowedPrincipals (trailing *) and reasoned pod annotations', () => {
    expect(setup(defaultRulesConfig({ execAllowedNamespaces: ['default'] })).process(execPod).signals).toHaveLength(0);
    expect(setup(defaultRulesConfig({ execAllowedPrincipals: ['minikube-*'] })).process(execPod).signals).toHaveLength(0);
    expect(setup(defaultRulesConfig({ execAllowedPrincipals: ['minikube'] })).process(execPod).signals).toHaveLength(1);
    const e = setup();
    e.process(resourceEvent(nginxPod({ 'ztv.io/ignore': 'exec-into-workload', 'ztv.io/ignore-reason': 'training cluster' })));
    expect(e.process(execPod).signals[0]?.suppressedBy).toBe('annotation: training cluster');
    const u = setup();
    u.process(resourceEvent(nginxPod({ 'ztv.io/ignore': 'exec-into-workload' })));
    expect(u.process(execPod).signals[0]?.suppressedBy).toBeUndefined();
  });

  it('matches config exceptions on the principal', () => {
    const cfg = defaultRulesConfig({ exceptions: [{ rules: ['exec-into-workload'], principals: ['minikube-user'], reason: 'local dev' }] });
    expect(setup(cfg).process(execPod).signals[0]?.suppressedBy).toBe('exception: local dev');
  });
});
