import type { EventRule, Violation } from '../../engine/types';
import { endpointName, endpointSubject, flowEvidence, resolveEndpoint } from './flow-util';
import { podDirectory } from '../../state/pods';

const norm = (ip: string) => ip.trim().toLowerCase();

/** config.metadataAddresses normalized, per list (every flow asks). */
const normalized = new WeakMap<string[], Set<string>>();
function isMetadataAddress(ip: string, addresses: string[]): boolean {
  let set = normalized.get(addresses);
  if (!set) normalized.set(addresses, (set = new Set(addresses.map(norm))));
  return set.has(norm(ip));
}

/** A workload connected (or tried to) to a cloud metadata address. */
export const flowMetadataAccess: EventRule = {
  kind: 'event',
  id: 'flow-metadata-access',
  title: 'Workload reached the cloud metadata service',
  severity: 'high',
  area: 'flows',
  on: ['flow'],
  indexes: [podDirectory],
  rationale:
    'The instance metadata service hands out the node\'s cloud credentials. A pod talking to it is the classic SSRF-to-cloud-takeover path (Capital One, 2019); workloads should use workload identity federation instead, and egress policy should block it.',
  resolvesWhen: 'Event-based: resolved by the alerter after the quiet period with no new occurrence.',
  remediation: {
    manual:
      'Find out why the workload called the metadata address (SDK default credential chain, SSRF); block egress to it with a NetworkPolicy / CiliumNetworkPolicy, require IMDSv2 with hop limit 1 (AWS) or use GKE Workload Identity / EKS Pod Identity.',
  },
  references: [
    'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-service.html',
    'https://cloud.google.com/kubernetes-engine/docs/how-to/protecting-cluster-metadata',
    'https://kubernetes.io/docs/concepts/services-networking/network-policies/',
  ],
  tags: ['flows', 'MITRE T1552.005 Unsecured Credentials: Cloud Instance Metadata API'],
  thresholds: ['metadataAddresses'],
  check(event, ctx): Violation[] {
    if (event.type !== 'flow') return [];
    const f = event.data;
    const ip = f.destination.ip;
    if (f.isReply || !ip || !isMetadataAddress(ip, ctx.config.metadataAddresses)) return [];
    // Node processes (host network: kubelet, cloud agents) use the metadata service legitimately: only workloads count.
    const source = resolveEndpoint(f.source, ctx);
    const who = endpointSubject(source, ctx);
    if (!who) return [];
    const blocked = f.verdict !== 'forwarded';
    return [
      {
        ...who,
        // An attempt a policy stopped is still worth a look, but it is not a credential leak.
        ...(blocked ? { severity: 'medium' as const } : {}),
        message: `${endpointName(source)} ${blocked ? `tried to reach (${f.verdict})` : 'connected to'} the metadata address ${ip}${f.destination.port !== undefined ? `:${f.destination.port}` : ''}.`,
        evidence: { metadataAddress: ip, blocked, ...flowEvidence(event) },
      },
    ];
  },
};
