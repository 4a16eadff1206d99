import type { ZtvEvent } from '@ztv/events';
import { baselineRules, defaultRulesConfig, RuleEngine } from '@ztv/rules';
import type { RemediatorSettings } from './config';
import type { KubeObject } from './kube-ops';

/** The objects as k8s.resource events, the way the collector publishes what it watches. */
export function resourceEvents(objects: readonly KubeObject[], cluster: string, now: Date): ZtvEvent[] {
  const time = now.toISOString();
  return objects.map((o, i) => ({
    id: `remediator-check-${i}`,
    type: 'k8s.resource',
    cluster,
    source: 'remediator',
    time,
    observedAt: time,
    data: {
      op: 'upsert',
      apiVersion: o.apiVersion,
      kind: o.kind,
      ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
      name: o.metadata.name,
      uid: String(o.metadata.uid ?? `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`),
      resourceVersion: o.metadata.resourceVersion ?? '0',
      object: o as unknown as Record<string, unknown>,
    },
  }));
}

/**
 * Runs one rule of the baseline over `objects` (plus the Namespace) and returns the messages of what it still
 * reports for `namespace`; [] means the rule is satisfied there. The same rule code the rule-worker runs, so "verified"
 * means "the next evaluation resolves the finding" for what these objects decide.
 */
export function ruleViolations(
  ruleId: string,
  namespace: string,
  objects: readonly KubeObject[],
  settings: Pick<RemediatorSettings, 'dns' | 'meshRootNamespace'>,
  now: Date,
): string[] {
  const rules = baselineRules.filter((r) => r.id === ruleId);
  if (!rules.length) throw new Error(`unknown rule ${ruleId}`);
  const config = defaultRulesConfig({
    meshRootNamespace: settings.meshRootNamespace,
    dnsNamespace: settings.dns.namespace,
    dnsPodLabels: settings.dns.podLabels,
    exceptions: [],
  });
  const engine = new RuleEngine({ rules, config, cluster: 'remediator', clock: () => now });
  const ns: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } };
  const withNamespace = objects.some((o) => o.kind === 'Namespace' && o.metadata.name === namespace)
    ? objects
    : [ns, ...objects];
  for (const e of resourceEvents(withNamespace, 'remediator', now)) engine.load(e);
  return engine
    .snapshot()
    .signals.filter((s) => s.subject.namespace === namespace)
    .map((s) => s.message);
}
