import type { RulesConfig } from '../config';
import { matchesSelector } from '../engine/selector';
import type { ClusterState } from './cluster-state';
import type { KubeObject } from './kube-object';

export type MtlsMode = 'STRICT' | 'PERMISSIVE' | 'DISABLE';
const modes: readonly string[] = ['STRICT', 'PERMISSIVE', 'DISABLE'];

/** One PeerAuthentication consulted while resolving a workload's mode, most specific first. */
export interface MtlsLink {
  level: 'workload' | 'namespace' | 'mesh' | 'istio-default';
  /** namespace/name of the policy; absent for Istio's built-in default. */
  policy?: string;
  /** The mode as written (UNSET inherits from the next level). */
  mode: string;
}

export interface EffectiveMtls {
  mode: MtlsMode;
  /** Port-level modes of the workload policy, UNSET ports resolved to the workload's mode. */
  ports: Record<string, MtlsMode>;
  chain: MtlsLink[];
  /** The workload-level policy that applied, if any. */
  workloadPolicy?: KubeObject;
}

/** A mode as written, upper-cased; anything unknown (or absent) is UNSET. */
export function normalizeMode(raw: unknown): string {
  const m = String(raw ?? 'UNSET').toUpperCase();
  return modes.includes(m) ? m : 'UNSET';
}

/** The mode a PeerAuthentication declares; UNSET when it leaves mtls (or mode) out. */
export function declaredMode(pa: KubeObject): string {
  return normalizeMode((pa.spec?.mtls as { mode?: string } | undefined)?.mode);
}

/** True when the policy names workloads (a non-empty matchLabels); an empty selector is namespace-wide, as in Istio. */
export function hasWorkloadSelector(pa: KubeObject): boolean {
  return Object.keys((pa.spec?.selector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels ?? {}).length > 0;
}

/** Istio applies the oldest of several candidate policies (creation time, then name). */
function oldest(list: KubeObject[]): KubeObject | undefined {
  const ts = (o: KubeObject) => String(o.metadata.creationTimestamp ?? '');
  return [...list].sort((a, b) => ts(a).localeCompare(ts(b)) || a.metadata.name.localeCompare(b.metadata.name))[0];
}

const peerAuthns = (state: ClusterState, ns: string) => state.resources.list('PeerAuthentication', ns);
const nameOf = (pa: KubeObject) => `${pa.metadata.namespace}/${pa.metadata.name}`;

/** The oldest selector-less PeerAuthentication of `ns`, kept until a PeerAuthentication of `ns` changes (state.memoFor). */
function namespaceWide(state: ClusterState, ns: string): KubeObject | undefined {
  return state.memoFor(`namespaceWidePeerAuthn\n${ns}`, [['PeerAuthentication', ns]], () => oldest(peerAuthns(state, ns).filter((p) => !hasWorkloadSelector(p))));
}

/** The mesh-wide policy: the oldest selector-less PeerAuthentication in the mesh root namespace. */
export function meshWidePeerAuthn(state: ClusterState, config: RulesConfig): KubeObject | undefined {
  return namespaceWide(state, config.meshRootNamespace);
}

/** The namespace-wide policy of `ns` (in the root namespace that is the mesh-wide one). */
export function namespacePeerAuthn(state: ClusterState, config: RulesConfig, ns: string): KubeObject | undefined {
  if (ns === config.meshRootNamespace) return undefined;
  return namespaceWide(state, ns);
}

/** The workload policy for pods with `labels` in `ns`. Selector policies in the root namespace are ignored by Istio. */
export function workloadPeerAuthn(state: ClusterState, config: RulesConfig, ns: string, labels: Record<string, string>): KubeObject | undefined {
  if (ns === config.meshRootNamespace) return undefined;
  const matching = peerAuthns(state, ns).filter((p) => hasWorkloadSelector(p) && matchesSelector(p.spec?.selector, labels));
  return oldest(matching);
}

/**
 * The mTLS mode Istio enforces for a workload in `ns` with `labels` (or namespace-wide when `labels` is undefined):
 * workload policy over namespace policy over mesh policy, an UNSET mode inheriting from the next level, and
 * PERMISSIVE when nothing sets a mode. Port-level modes exist only on workload policies.
 */
export function effectiveMtls(state: ClusterState, config: RulesConfig, ns: string, labels?: Record<string, string>): EffectiveMtls {
  const workload = labels ? workloadPeerAuthn(state, config, ns, labels) : undefined;
  const levels: [MtlsLink['level'], KubeObject | undefined][] = [
    ['workload', workload],
    ['namespace', namespacePeerAuthn(state, config, ns)],
    ['mesh', meshWidePeerAuthn(state, config)],
  ];
  const chain: MtlsLink[] = [];
  let mode: MtlsMode | undefined;
  for (const [level, pa] of levels) {
    if (!pa) continue;
    const m = declaredMode(pa);
    chain.push({ level, policy: nameOf(pa), mode: m });
    if (!mode && m !== 'UNSET') mode = m as MtlsMode;
  }
  if (!mode) {
    mode = 'PERMISSIVE';
    chain.push({ level: 'istio-default', mode: 'PERMISSIVE' });
  }
  const ports: Record<string, MtlsMode> = {};
  const portLevel = (workload?.spec?.portLevelMtls ?? {}) as Record<string, { mode?: string }>;
  for (const [port, p] of Object.entries(portLevel)) {
    const m = normalizeMode(p?.mode);
    ports[port] = m === 'UNSET' ? mode : (m as MtlsMode);
  }
  return { mode, ports, chain, ...(workload ? { workloadPolicy: workload } : {}) };
}

/** The mode for one port of a workload: its port-level mode when the workload policy sets one, else the workload's. */
export function modeForPort(eff: EffectiveMtls, port: number | undefined): MtlsMode {
  return port !== undefined && eff.ports[String(port)] ? (eff.ports[String(port)] as MtlsMode) : eff.mode;
}
