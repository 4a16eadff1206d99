import type { RemediatorSettings } from '../config';
import { fieldManager, managedBy, refText, type KubeObject, type KubeOps, type ObjectRef } from '../kube-ops';
import type { Check, FindingRef, TargetResult } from './types';

/** Label on every object ztv creates, so people (and `kubectl get -l`) can tell them apart. */
export const managedByLabel = { 'app.kubernetes.io/managed-by': fieldManager };

/** The namespace a namespace-level finding names (its subject, else the finding's namespace column). */
export function namespaceTarget(finding: FindingRef): TargetResult {
  const ns = finding.subject.namespace ?? finding.namespace ?? undefined;
  if (!ns) return { ok: false, reasons: [`finding ${finding.id} (${finding.ruleId}) names no namespace`] };
  return { ok: true, target: { namespace: ns, describe: `namespace ${ns}` } };
}

export const namespaceRef = (name: string): ObjectRef => ({ apiVersion: 'v1', kind: 'Namespace', name });

/** Deny all ingress and egress for every pod of the namespace (policyTypes both, no rules). */
export function defaultDenyPolicy(namespace: string): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'ztv-default-deny', namespace, labels: { ...managedByLabel } },
    spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
  };
}

/** Every pod of the namespace may reach cluster DNS on UDP and TCP 53, and nothing else through this policy. */
export function dnsEgressPolicy(namespace: string, dns: RemediatorSettings['dns']): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'ztv-allow-dns-egress', namespace, labels: { ...managedByLabel } },
    spec: {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': dns.namespace } },
              podSelector: { matchLabels: { ...dns.podLabels } },
            },
          ],
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
      ],
    },
  };
}

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** True when every field `want` sets has that value in `got` (lists: same length, item by item). */
export function containsFields(got: unknown, want: unknown): boolean {
  if (isMap(want)) return isMap(got) && Object.entries(want).every(([k, v]) => containsFields(got[k], v));
  if (Array.isArray(want))
    return (
      Array.isArray(got) && got.length === want.length && want.every((v, i) => containsFields(got[i], v))
    );
  return JSON.stringify(got) === JSON.stringify(want);
}

/** Reads an applied object back: it exists, carries the intended spec and labels, and ztv-remediator manages it. */
export async function readBack(
  kube: KubeOps,
  want: KubeObject,
): Promise<{ object?: KubeObject; checks: Check[] }> {
  const ref: ObjectRef = {
    apiVersion: want.apiVersion,
    kind: want.kind,
    ...(want.metadata.namespace ? { namespace: want.metadata.namespace } : {}),
    name: want.metadata.name,
  };
  const got = await kube.read(ref);
  const name = refText(ref);
  if (!got) return { checks: [{ check: `${name} exists`, ok: false, detail: 'not found after apply' }] };
  return {
    object: got,
    checks: [
      { check: `${name} has the applied spec`, ok: containsFields(got.spec ?? {}, want.spec ?? {}) },
      {
        check: `${name} has the applied labels`,
        ok: containsFields(got.metadata.labels ?? {}, want.metadata.labels ?? {}),
      },
      { check: `${name} is managed by ${fieldManager}`, ok: managedBy(got) },
    ],
  };
}

export const verification = (checks: Check[]) => ({ ok: checks.every((c) => c.ok), checks });
