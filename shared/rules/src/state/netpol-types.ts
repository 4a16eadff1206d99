import type { KubeObject } from './kube-object';

/** A traffic direction, as NetworkPolicy policyTypes and Cilium rule sections name it (lower-cased). */
export type Direction = 'ingress' | 'egress';
export const directions: readonly Direction[] = ['ingress', 'egress'];

export interface PolicyRef {
  kind: string;
  namespace?: string;
  name: string;
}

/** A rule that lets every peer through on every port (netpol-allow-all), and why. */
export interface AllowAllHit {
  direction: Direction;
  /** Index of the rule in its section (`spec.ingress[rule]`, `spec.egress[rule]`). */
  rule: number;
  /** everything | all-pods (every pod / endpoint of the cluster) | internet (every address outside the cluster). */
  scope: 'everything' | 'all-pods' | 'internet';
  reason: string;
  excerpt: unknown;
}

/** An egress rule that reaches a cloud metadata address (egress-metadata-allowed). */
export interface MetadataHit {
  address: string;
  rule: number;
  /** The block that lets it through (`0.0.0.0/0` for a rule with no destination), for the allow-list. */
  cidr: string;
  via: string;
  excerpt: unknown;
}

/** Where cluster DNS runs (netpol-dns-egress-blocked): a namespace with its labels, and the DNS pods' labels. */
export interface ClusterDns {
  namespace: string;
  namespaceLabels: Record<string, string>;
  podLabels: Record<string, string>;
}

export type DnsProtocol = 'UDP' | 'TCP';

/**
 * One policy rule set as the rules read it, whatever its API: a Kubernetes NetworkPolicy, or one spec of a
 * CiliumNetworkPolicy / CiliumClusterwideNetworkPolicy (a Cilium object with `specs` gives one view per entry).
 */
export interface PolicyView {
  ref: PolicyRef;
  object: KubeObject;
  /** True when it selects every pod of `ns` (whose labels are `nsLabels`), whatever the pods' labels. */
  selectsAllPodsOf(ns: string, nsLabels: Record<string, string>): boolean;
  /** True when it selects a pod with `podLabels` in `ns`. */
  selectsPod(ns: string, nsLabels: Record<string, string>, podLabels: Record<string, string>): boolean;
  /** True when it puts the pods it selects into default deny for `dir`. */
  isolates(dir: Direction): boolean;
  /** Its allow rules for `dir` that let every peer through on every port. */
  allowAll(dir: Direction): AllowAllHit[];
  /** The DNS protocols (port 53) its egress rules allow towards cluster DNS. */
  dnsProtocols(dns: ClusterDns): Set<DnsProtocol>;
  /** Its egress rules that reach one of `addresses` on one of `ports` (TCP). */
  metadataHits(addresses: string[], ports: number[]): MetadataHit[];
}

export function refText(r: PolicyRef): string {
  return `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
}
