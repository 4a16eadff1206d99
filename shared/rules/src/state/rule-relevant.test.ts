import { describe, expect, it } from 'vitest';
import type { ZtvEvent } from '@ztv/events';
import { defaultRulesConfig } from '../config';
import { RuleEngine } from '../engine/engine';
import { churnStream } from '../engine/test-churn';
import type { StateRule } from '../engine/types';
import { baselineRules } from '../pack';
import { at, resourceEvent } from '../testing';
import type { KubeObject } from './kube-object';
import { jsonEqual, keptForRules, sameForRules, STATUS_READ } from './rule-relevant';

const pod = (): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'web-7d4b9-x2k4q',
    namespace: 'shop',
    uid: 'u1',
    resourceVersion: '100',
    labels: { app: 'web', 'pod-template-hash': '7d4b9' },
    annotations: { 'sidecar.istio.io/status': '{"containers":["istio-proxy"]}' },
    ownerReferences: [{ kind: 'ReplicaSet', name: 'web-7d4b9', controller: true }],
  },
  spec: {
    serviceAccountName: 'web',
    containers: [
      {
        name: 'web',
        image: 'ghcr.io/acme/web:1',
        ports: [{ containerPort: 8080 }],
        securityContext: { capabilities: { drop: ['ALL'] } },
      },
      { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.24.2', args: ['proxy', 'sidecar'] },
    ],
  },
  status: {
    phase: 'Running',
    podIP: '10.1.0.7',
    podIPs: [{ ip: '10.1.0.7' }],
    hostIP: '192.168.1.4',
    conditions: [{ type: 'Ready', status: 'True' }],
    containerStatuses: [{ name: 'web', ready: true, restartCount: 0 }],
  },
});

/** `pod()` with `change` applied to a copy (typed loosely: the changes reach anywhere). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const changed = (change: (p: any) => void): KubeObject => {
  const p = pod();
  change(p);
  return p;
};

describe('sameForRules', () => {
  it('is true for what the API server sends on a status change: conditions, container statuses, resourceVersion', () => {
    expect(sameForRules(pod(), pod())).toBe(true);
    expect(
      sameForRules(
        pod(),
        changed((p) => (p.metadata.resourceVersion = '101')),
      ),
    ).toBe(true);
    expect(
      sameForRules(
        pod(),
        changed((p) => (p.status.conditions = [{ type: 'Ready', status: 'False' }])),
      ),
    ).toBe(true);
    expect(
      sameForRules(
        pod(),
        changed((p) => delete p.status.containerStatuses),
      ),
    ).toBe(true);
    expect(
      sameForRules(
        pod(),
        changed((p) => (p.status.hostIP = '192.168.1.5')),
      ),
    ).toBe(true);
    expect(
      sameForRules(
        pod(),
        changed((p) => (p.metadata.managedFields = [{ manager: 'kubelet' }])),
      ),
    ).toBe(true);
    // The order of keys is not content.
    expect(
      sameForRules(
        pod(),
        changed((p) => (p.metadata.labels = { 'pod-template-hash': '7d4b9', app: 'web' })),
      ),
    ).toBe(true);
  });

  it("is false for any change to a Pod's phase or addresses", () => {
    expect(
      sameForRules(
        pod(),
        changed((p) => (p.status.phase = 'Succeeded')),
      ),
    ).toBe(false);
    expect(
      sameForRules(
        pod(),
        changed((p) => (p.status.podIP = '10.1.0.8')),
      ),
    ).toBe(false);
    expect(
      sameForRules(
        pod(),
        changed((p) => p.status.podIPs.push({ ip: 'fd00::7' })),
      ),
    ).toBe(false);
    expect(
      sameForRules(
        pod(),
        changed((p) => delete p.status),
      ),
    ).toBe(false);
  });

  it('is false for any change to metadata (but resourceVersion and managedFields) or spec, however deep', () => {
    expect(
      sameForRules(
        pod(),
        changed((p) => (p.metadata.labels.app = 'api')),
      ),
    ).toBe(false);
    expect(
      sameForRules(
        pod(),
        changed((p) => (p.metadata.labels.extra = '')),
      ),
    ).toBe(false);
    expect(
      sameForRules(
        pod(),
        changed((p) => delete p.metadata.annotations),
      ),
    ).toBe(false);
    expect(
      sameForRules(
        pod(),
        changed((p) => (p.metadata.ownerReferences[0].controller = false)),
      ),
    ).toBe(false);
    expect(
      sameForRules(
        pod(),
        changed((p) => (p.metadata.deletionTimestamp = '2026-03-14T09:00:00Z')),
      ),
    ).toBe(false);
    expect(
      sameForRules(
        pod(),
        changed((p) => (p.spec.containers[0].securityContext.capabilities.drop = [])),
      ),
    ).toBe(false);
    expect(
      sameForRules(
        pod(),
        changed((p) => (p.spec.containers[0].securityContext.privileged = true)),
      ),
    ).toBe(false);
    expect(
      sameForRules(
        pod(),
        changed((p) => p.spec.containers.reverse()),
      ),
    ).toBe(false);
    expect(
      sameForRules(
        pod(),
        changed((p) => (p.spec.containers[1].args = ['proxy', 'router'])),
      ),
    ).toBe(false);
    expect(
      sameForRules(
        pod(),
        changed((p) => (p.apiVersion = 'v2')),
      ),
    ).toBe(false);
    expect(
      sameForRules(
        pod(),
        changed((p) => (p.automountServiceAccountToken = false)),
      ),
    ).toBe(false);
  });

  it('ignores the whole status of kinds whose status no rule reads', () => {
    const dep = (status: unknown, replicas = 3): KubeObject => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { replicas, template: { spec: { containers: [{ name: 'web', image: 'web:1' }] } } },
      status: status as Record<string, unknown>,
    });
    expect(STATUS_READ.Deployment).toBeUndefined();
    expect(sameForRules(dep({ readyReplicas: 1 }), dep({ readyReplicas: 3, conditions: [] }))).toBe(true);
    expect(sameForRules(dep({ readyReplicas: 1 }), dep({ readyReplicas: 1 }, 4))).toBe(false);
  });

  it('keptForRules leaves out the status fields no rule reads, without changing the object it is given', () => {
    const p = pod();
    const kept = keptForRules(p);
    expect(kept).toEqual({
      ...pod(),
      status: { phase: 'Running', podIP: '10.1.0.7', podIPs: [{ ip: '10.1.0.7' }] },
    });
    expect(kept.metadata).toBe(p.metadata);
    expect(p).toEqual(pod());
    expect(sameForRules(p, kept)).toBe(true);
    // Nothing to leave out: the object itself.
    const lean = changed((q) => (q.status = { phase: 'Pending' }));
    expect(keptForRules(lean)).toBe(lean);
    const noStatus = changed((q) => delete q.status);
    expect(keptForRules(noStatus)).toBe(noStatus);
    // A kind whose status no rule reads keeps none.
    const dep: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { replicas: 1 },
      status: { readyReplicas: 1 },
    };
    expect(keptForRules(dep)).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { replicas: 1 },
    });
  });

  it('jsonEqual compares JSON values', () => {
    expect(jsonEqual({ a: [1, { b: 'x' }], c: null }, { c: null, a: [1, { b: 'x' }] })).toBe(true);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    expect(jsonEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(jsonEqual({ a: undefined }, {})).toBe(false);
    expect(jsonEqual([], {})).toBe(false);
    expect(jsonEqual(null, {})).toBe(false);
    expect(jsonEqual('1', 1)).toBe(false);
  });
});

/** Every object the churn leaves, as k8s.resource upserts (its other events dropped). */
function churnedObjects(seed: number): KubeObject[] {
  const last = new Map<string, KubeObject | undefined>();
  for (const e of churnStream(seed, 6, 1200)) {
    if (e.type !== 'k8s.resource') continue;
    const key = `${e.data.kind}/${e.data.namespace ?? ''}/${e.data.name}`;
    last.set(key, e.data.op === 'delete' ? undefined : (e.data.object as unknown as KubeObject));
  }
  return [...last.values()].filter((o) => o !== undefined);
}

/** Every finding a fresh engine has for `objects`, by fingerprint. */
function findings(objects: KubeObject[]): Map<string, string> {
  const now = new Date('2026-03-14T12:00:00Z');
  const engine = new RuleEngine({
    rules: baselineRules,
    config: defaultRulesConfig(),
    cluster: 'c',
    clock: () => now,
  });
  for (const o of objects) engine.load(resourceEvent(o as never));
  return new Map(
    engine.snapshot().signals.map((s) => [s.fingerprint, `${s.ruleId} ${s.severity} ${s.message}`]),
  );
}

/*
 * The state keeps only STATUS_READ of a status, so no rule can see the rest: these check that, and that the status
 * fields it keeps do count.
 */
describe('what the rules read of an object', () => {
  it.each([1, 2, 3])(
    'every rule finds the same when the status fields no rule reads change (churn seed %i)',
    (seed) => {
      const objects = churnedObjects(seed);
      const base = findings(objects);
      expect(base.size).toBeGreaterThan(10);
      // Status fields other than STATUS_READ's: changed, added, removed — on every object, of every kind.
      const noise = objects.map((o) => {
        const copy = structuredClone(o);
        const keep = STATUS_READ[o.kind] ?? [];
        const status: Record<string, unknown> = {};
        for (const f of keep) if (copy.status && f in copy.status) status[f] = copy.status[f];
        Object.assign(status, {
          conditions: [{ type: 'Ready', status: 'False' }],
          containerStatuses: [{ name: 'x', ready: false }],
          hostIP: '192.0.2.1',
          readyReplicas: 0,
          loadBalancer: { ingress: [{ ip: '192.0.2.9' }] },
        });
        copy.status = status;
        copy.metadata.resourceVersion = 'changed';
        return copy;
      });
      expect(findings(noise)).toEqual(base);
      // While a field that is read does matter: every Pod finished, the sidecar-missing findings go.
      const finished = objects.map((o) =>
        o.kind === 'Pod' ? { ...o, status: { ...o.status, phase: 'Succeeded' } } : o,
      );
      expect([...findings(finished).values()].filter((f) => f.startsWith('sidecar-missing'))).toEqual([]);
      expect([...base.values()].filter((f) => f.startsWith('sidecar-missing')).length).toBeGreaterThan(0);
    },
  );
});

describe('an update of nothing the rules read', () => {
  const counting = (): StateRule & { asked: number } => {
    const rule: StateRule & { asked: number } = {
      asked: 0,
      id: 'count-pods',
      title: 'counts what it is asked',
      severity: 'low',
      area: 'workload',
      rationale: '',
      resolvesWhen: '',
      remediation: { manual: '' },
      references: [],
      tags: [],
      kind: 'state',
      on: ['k8s.resource'],
      scopesFor(e: ZtvEvent) {
        rule.asked++;
        return e.type === 'k8s.resource' ? [e.data.name] : [];
      },
      allScopes: () => [],
      check: () => [],
    };
    return rule;
  };

  it('leaves the state as it was and asks no state rule that reads only the index', () => {
    const rule = counting();
    const engine = new RuleEngine({
      rules: [...baselineRules, rule],
      config: defaultRulesConfig(),
      cluster: 'c',
      clock: at('2026-03-14T12:00:00Z'),
    });
    const first = pod();
    engine.process(resourceEvent(first as never));
    const version = engine.state.resources.version;
    expect(rule.asked).toBe(1);
    // What the state keeps of it: the object without the status fields no rule reads (the event's own is untouched).
    const kept = engine.state.resources.get('Pod', 'shop', 'web-7d4b9-x2k4q');
    expect(kept?.status).toEqual({ phase: 'Running', podIP: '10.1.0.7', podIPs: [{ ip: '10.1.0.7' }] });
    expect(kept?.spec).toBe(first.spec);
    expect(first.status?.conditions).toHaveLength(1);

    const statusUpdate = resourceEvent(
      changed((p) => ((p.metadata.resourceVersion = '101'), (p.status.conditions = []))) as never,
    );
    const out = engine.process(statusUpdate);
    expect(out).toEqual({ signals: [], outcomes: [] });
    expect(engine.state.changedNothing(statusUpdate)).toBe(true);
    expect(engine.state.resources.version).toBe(version);
    expect(engine.state.resources.get('Pod', 'shop', 'web-7d4b9-x2k4q')).toBe(kept);
    // The change it reports is none: the object before is the object after.
    expect(engine.state.changeOf(statusUpdate)).toMatchObject({ before: kept, after: kept });
    expect(rule.asked).toBe(1);

    // A change the rules read after it is diffed against the object the state kept.
    const relabelled = resourceEvent(changed((p) => (p.metadata.labels.app = 'api')) as never);
    engine.process(relabelled);
    expect(engine.state.changedNothing(relabelled)).toBe(false);
    expect(engine.state.changeOf(relabelled)?.before).toBe(kept);
    expect(engine.state.resources.version).toBe(version + 1);
    expect(rule.asked).toBe(2);
  });
});
