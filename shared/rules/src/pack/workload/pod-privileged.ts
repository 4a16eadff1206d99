import { containerEntries, describe, podSpecRule } from './pod-spec-rule';

const hostNamespaceFields = ['hostNetwork', 'hostPID', 'hostIPC'] as const;

/** A privileged container, or a pod sharing the node's network, PID or IPC namespace, outside the allow-listed namespaces. */
export const podPrivileged = podSpecRule(
  {
    id: 'pod-privileged',
    title: 'Privileged container or host namespaces',
    severity: 'high',
    area: 'workload',
    rationale:
      "A privileged container has every capability and the host's devices: escaping to the node is a matter of mounting its disk. hostNetwork puts the pod on the node's network stack, outside NetworkPolicy and the mesh sidecar's interception, and lets it reach node-local services; hostPID and hostIPC let it see and signal, ptrace or read the memory of every process on the node. Each one turns a compromised workload into a compromised node, so outside the system namespaces that genuinely need them none should be present.",
    resolvesWhen:
      'No container is privileged and hostNetwork, hostPID and hostIPC are all unset or false (or the workload is deleted or moved to an allow-listed namespace).',
    remediation: {
      manual:
        'Remove securityContext.privileged: true and grant only the specific capabilities the container needs; remove hostNetwork / hostPID / hostIPC (use a Service or hostPort for reachability, a node agent DaemonSet in an allow-listed namespace for node-level work). If the workload truly needs it, run it in a namespace listed in privilegedAllowedNamespaces.',
    },
    references: [
      'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
      'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/',
      'https://kubernetes.io/docs/concepts/security/linux-kernel-security-constraints/',
    ],
    tags: ['pod-security', 'PSS baseline', 'MITRE T1611 Escape to Host'],
    thresholds: ['privilegedAllowedNamespaces'],
  },
  (pod, ctx) => {
    const ns = pod.owner.metadata.namespace ?? 'default';
    if (ctx.config.privilegedAllowedNamespaces.includes(ns)) return undefined;
    const hostNamespaces = hostNamespaceFields.filter((f) => pod.spec[f] === true);
    const privilegedContainers = containerEntries(pod.spec)
      .filter(({ c }) => c.securityContext?.privileged === true)
      .map(({ type, c }) => ({ name: c.name ?? '(unnamed)', type }));
    if (!hostNamespaces.length && !privilegedContainers.length) return undefined;
    const parts = [
      ...(privilegedContainers.length ? [`privileged container${privilegedContainers.length > 1 ? 's' : ''} ${privilegedContainers.map((c) => c.name).join(', ')}`] : []),
      ...hostNamespaces,
    ];
    return {
      message: `${describe(pod.owner)} runs with ${parts.join(', ')} outside the allow-listed namespaces`,
      evidence: {
        privilegedContainers,
        hostNetwork: pod.spec.hostNetwork === true,
        hostPID: pod.spec.hostPID === true,
        hostIPC: pod.spec.hostIPC === true,
        privilegedAllowedNamespaces: ctx.config.privilegedAllowedNamespaces,
      },
    };
  },
);
