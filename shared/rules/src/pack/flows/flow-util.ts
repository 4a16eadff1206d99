import type { FlowData, FlowEndpoint, FlowEvent, Subject } from '@ztv/events';
import type { RuleContext, Violation } from '../../engine/types';
import type { KubeObject } from '../../state/kube-object';
import { podAtIp, podEntry, type PodEntry } from '../../state/pods';
import { workloadKinds } from '../../state/workloads';

/** The workload that owns a Pod, following controller ownerReferences (ReplicaSet → Deployment, Job → CronJob). */
export function ownerWorkload(pod: KubeObject, ctx: RuleContext): { kind: string; name: string } | undefined {
  const ns = pod.metadata.namespace;
  let ref = pod.metadata.ownerReferences?.find((o) => o.controller);
  if (!ref) return undefined;
  if (ref.kind === 'ReplicaSet' || ref.kind === 'Job') {
    const parent = ctx.state.resources.get(ref.kind, ns, ref.name)?.metadata.ownerReferences?.find((o) => o.controller);
    const hash = pod.metadata.labels?.['pod-template-hash'];
    if (parent) ref = parent;
    // The ReplicaSet may not be in state: its name is the Deployment's plus the pod-template-hash.
    else if (ref.kind === 'ReplicaSet' && hash && ref.name.endsWith(`-${hash}`)) return { kind: 'Deployment', name: ref.name.slice(0, -hash.length - 1) };
  }
  return { kind: ref.kind, name: ref.name };
}

function kindOfWorkload(ns: string, name: string, ctx: RuleContext): string | undefined {
  return workloadKinds.find((k) => ctx.state.resources.get(k, ns, name));
}

/**
 * The endpoint with its pod filled in from state when the flow names only an address (an Envoy access log knows the
 * peer's IP, and a namespace only as claimed by its certificate): the Pod that has the IP, if exactly one does.
 */
export function resolveEndpoint(ep: FlowEndpoint, ctx: RuleContext): FlowEndpoint {
  if (ep.pod || ep.workload || !ep.ip) return ep;
  const pod = podAtIp(ctx.state, ep.ip);
  return pod ? { ...ep, namespace: pod.namespace, pod: pod.name } : ep;
}

/**
 * The Pod in state a flow endpoint is: the one it names, else the one that has its address (if exactly one does) —
 * the Pod resolveEndpoint fills in. Undefined for an endpoint that names only a workload, or no Pod in state.
 */
export function endpointPod(ep: FlowEndpoint, ctx: RuleContext): PodEntry | undefined {
  if (ep.pod) return ep.namespace ? podEntry(ctx.state, ep.namespace, ep.pod) : undefined;
  if (ep.workload || !ep.ip) return undefined;
  return podAtIp(ctx.state, ep.ip);
}

export interface EndpointSubject {
  subject: Subject;
  object?: Violation['object'];
}

/**
 * The workload a flow endpoint belongs to, as a finding subject `{ namespace, kind, name }`: the flow's own workload
 * fields, else the Pod's owner from state, else the Pod itself. Undefined outside the cluster (no namespace).
 */
export function endpointSubject(ep: FlowEndpoint, ctx: RuleContext): EndpointSubject | undefined {
  const ns = ep.namespace;
  if (!ns) return undefined;
  const pod = ep.pod ? ctx.state.resources.get('Pod', ns, ep.pod) : undefined;
  let kind: string | undefined;
  let name: string | undefined;
  if (ep.workload) {
    name = ep.workload;
    kind = ep.workloadKind ?? kindOfWorkload(ns, name, ctx) ?? (pod && ownerWorkload(pod, ctx)?.kind) ?? 'Workload';
  } else {
    const owner = pod && ownerWorkload(pod, ctx);
    if (owner) ({ kind, name } = owner);
    else if (ep.pod) {
      kind = 'Pod';
      name = ep.pod;
    }
  }
  if (!kind || !name) return undefined;
  const obj = ctx.state.resources.get(kind, ns, name) ?? pod;
  const labels = obj?.metadata.labels ?? ep.labels;
  const annotations = obj?.metadata.annotations;
  return {
    subject: { namespace: ns, kind, name },
    ...(labels || annotations ? { object: { ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) } } : {}),
  };
}

/** An endpoint as evidence: the fields that are set. */
export function endpointEvidence(ep: FlowEndpoint): Record<string, unknown> {
  return Object.fromEntries(Object.entries(ep).filter(([k, v]) => v !== undefined && k !== 'labels'));
}

/** `ns/pod` (or workload, or IP) for messages. */
export function endpointName(ep: FlowEndpoint): string {
  const who = ep.pod ?? ep.workload;
  if (ep.namespace && who) return `${ep.namespace}/${who}`;
  return ep.ip ?? ep.reserved?.join(',') ?? (ep.identity !== undefined ? `identity ${ep.identity}` : 'an unknown endpoint');
}

/** The evidence every flow finding carries: both endpoints, port, protocol, verdict, transport security, reporter. */
export function flowEvidence(e: FlowEvent): Record<string, unknown> {
  const f: FlowData = e.data;
  return {
    flowId: e.id,
    at: e.time,
    reporter: f.reporter,
    verdict: f.verdict,
    ...(f.dropReason ? { dropReason: f.dropReason } : {}),
    direction: f.direction,
    protocol: f.protocol,
    ...(f.destination.port !== undefined ? { port: f.destination.port } : {}),
    source: endpointEvidence(f.source),
    destination: endpointEvidence(f.destination),
    mtls: f.mtls,
    ...(f.l7 ? { l7: f.l7 } : {}),
    count: f.count,
  };
}
