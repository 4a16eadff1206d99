import { containerEntries, describe, podSpecRule } from './pod-spec-rule';

/**
 * A capability name as the runtime reads it: upper case, without the `CAP_` prefix (containerd and CRI-O upper-case
 * names and add the prefix themselves, so `sys_admin`, `SYS_ADMIN` and `CAP_SYS_ADMIN` are the same capability).
 */
export function normalizeCapability(c: string): string {
  const up = c.trim().toUpperCase();
  return up.startsWith('CAP_') ? up.slice(4) : up;
}

function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** Per-container capability problems of a pod spec; empty when every container drops ALL and adds only allowed ones. */
export function capabilityProblems(spec: Record<string, unknown>, allowed: string[]) {
  const allow = new Set(allowed.map(normalizeCapability));
  const out: { name: string; type: string; drop: string[]; add: string[]; dropsAll: boolean; disallowedAdds: string[] }[] = [];
  for (const { type, c } of containerEntries(spec)) {
    const caps = c.securityContext?.capabilities ?? {};
    const drop = stringList(caps.drop);
    const add = stringList(caps.add);
    // Runtimes match ALL case-insensitively but take `CAP_ALL` for an (unknown) capability name, not for ALL.
    const dropsAll = drop.some((d) => d.trim().toUpperCase() === 'ALL');
    const disallowedAdds = add.filter((a) => !allow.has(normalizeCapability(a)));
    if (!dropsAll || disallowedAdds.length) out.push({ name: c.name ?? '(unnamed)', type, drop, add, dropsAll, disallowedAdds });
  }
  return out;
}

/** A container that keeps the runtime's default capabilities, or adds capabilities outside the allow-list. */
export const podCapabilitiesNotDropped = podSpecRule(
  {
    id: 'pod-capabilities-not-dropped',
    title: 'Container does not drop ALL capabilities, or adds disallowed ones',
    severity: 'medium',
    area: 'workload',
    rationale:
      "Container runtimes grant a default capability set (CHOWN, DAC_OVERRIDE, FOWNER, SETUID, SETGID, NET_RAW, ...) that most workloads never use; NET_RAW alone allows ARP and DNS spoofing inside the node's network. Assume breach: a compromised process should hold only the privileges it needs, so every container (init and ephemeral included) drops ALL and adds back only allow-listed capabilities — the Pod Security Standards 'restricted' profile. `ALL` and capability names are compared case-insensitively and without a CAP_ prefix, as container runtimes apply them.",
    resolvesWhen:
      'Every container of the workload drops ALL capabilities and adds none outside allowedCapabilities (or the workload is deleted). Windows pods (spec.os.name: windows) are not checked, as in the restricted profile.',
    remediation: {
      manual:
        'In each container (initContainers and ephemeralContainers too) set securityContext.capabilities.drop: ["ALL"] and list in add only what the process needs (normally at most NET_BIND_SERVICE, for ports below 1024); prefer fixing the image so it needs none.',
    },
    references: [
      'https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted',
      'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container',
      'https://man7.org/linux/man-pages/man7/capabilities.7.html',
    ],
    tags: ['pod-security', 'PSS restricted', 'MITRE T1068 Exploitation for Privilege Escalation'],
    thresholds: ['allowedCapabilities'],
  },
  (pod, ctx) => {
    if (pod.spec.os?.name === 'windows') return undefined;
    const containers = capabilityProblems(pod.spec, ctx.config.allowedCapabilities);
    if (!containers.length) return undefined;
    const notDropped = containers.filter((c) => !c.dropsAll).map((c) => c.name);
    const added = [...new Set(containers.flatMap((c) => c.disallowedAdds))];
    const parts = [
      ...(notDropped.length ? [`${notDropped.join(', ')} ${notDropped.length === 1 ? 'does' : 'do'} not drop ALL capabilities`] : []),
      ...(added.length ? [`adds ${added.join(', ')} outside the allow-list`] : []),
    ];
    return {
      message: `${describe(pod.owner)}: ${parts.join('; ')}`,
      evidence: { containers, allowedCapabilities: ctx.config.allowedCapabilities },
    };
  },
);
