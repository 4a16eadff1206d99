import { kubescapeCases } from './kubescape';
import { kyvernoCases } from './kyverno';
import type { Facet, PeerControl } from './types';

type CapabilityEvidence = { containers?: { dropsAll?: boolean; disallowedAdds?: string[] }[] };

/** The "does not drop ALL" half of pod-capabilities-not-dropped. */
const dropsAllFacet: Facet = {
  describe: 'only the "a container does not drop ALL" part of our rule',
  holds: (e) => ((e as CapabilityEvidence).containers ?? []).some((c) => c.dropsAll === false),
};
/** The "adds a capability outside the allow-list" half. */
const addsFacet: Facet = {
  describe: 'only the "a container adds a capability outside the allow-list" part of our rule',
  holds: (e) => ((e as CapabilityEvidence).containers ?? []).some((c) => (c.disallowedAdds ?? []).length > 0),
};

/** Istio's Kyverno policies presume a mesh; their fixtures' namespaces carry no injection label. */
const meshed = { namespaceLabels: { 'istio-injection': 'enabled' }, describe: 'every namespace is labelled istio-injection=enabled (in the mesh), as their Istio policy presumes' };

const podKinds = ['Pod', 'Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet', 'Job', 'CronJob'];
/** The Pod Security Standards baseline allow-list, which Kyverno's disallow-capabilities encodes. */
const baselineCapabilities = ['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT'];

/**
 * Peer controls that overlap our rules. A control whose rules are not in the pack yet is listed as pending and
 * compared automatically once they land.
 */
export const peerControls: PeerControl[] = [
  {
    id: 'kyverno/require-drop-all',
    peer: 'Kyverno',
    theirs: 'drop-all-capabilities / require-drop-all',
    ours: ['pod-capabilities-not-dropped'],
    facet: dropsAllFacet,
    relation: 'Every container (init, ephemeral too) must drop ALL, compared case-insensitively — the same as our drop check.',
    cases: () => kyvernoCases({ dir: 'best-practices/require-drop-all', chainsaw: true }),
  },
  {
    id: 'kyverno/disallow-capabilities-strict:require-drop-all',
    peer: 'Kyverno',
    theirs: 'disallow-capabilities-strict / require-drop-all (PSS restricted)',
    ours: ['pod-capabilities-not-dropped'],
    facet: dropsAllFacet,
    relation: 'PSS restricted: every container must drop ALL (their comparison is case-sensitive; ours is not).',
    cases: () => kyvernoCases({ dir: 'pod-security/restricted/disallow-capabilities-strict', rule: 'require-drop-all', chainsaw: false }),
  },
  {
    id: 'kyverno/disallow-capabilities-strict:adding-capabilities-strict',
    peer: 'Kyverno',
    theirs: 'disallow-capabilities-strict / adding-capabilities-strict (PSS restricted)',
    ours: ['pod-capabilities-not-dropped'],
    facet: addsFacet,
    relation: 'PSS restricted: no capability may be added except NET_BIND_SERVICE — our default allow-list.',
    cases: () => kyvernoCases({ dir: 'pod-security/restricted/disallow-capabilities-strict', rule: 'adding-capabilities-strict', chainsaw: false }),
  },
  {
    id: 'kyverno/disallow-capabilities-strict',
    peer: 'Kyverno',
    theirs: 'disallow-capabilities-strict, whole policy (chainsaw admission test)',
    ours: ['pod-capabilities-not-dropped'],
    relation: 'Both restricted-profile capability checks together: the same definition as our whole rule.',
    cases: () => kyvernoCases({ dir: 'pod-security/restricted/disallow-capabilities-strict', cli: false, chainsaw: true }),
  },
  {
    id: 'kyverno/disallow-capabilities',
    peer: 'Kyverno',
    theirs: 'disallow-capabilities / adding-capabilities (PSS baseline)',
    ours: ['pod-capabilities-not-dropped'],
    facet: addsFacet,
    config: { allowedCapabilities: baselineCapabilities },
    relation: 'PSS baseline: adds only from the baseline list. Compared with our allowedCapabilities set to that list.',
    cases: () => kyvernoCases({ dir: 'pod-security/baseline/disallow-capabilities', chainsaw: true }),
  },
  {
    id: 'kyverno/require-drop-cap-net-raw',
    peer: 'Kyverno',
    theirs: 'drop-cap-net-raw / require-drop-cap-net-raw',
    ours: ['pod-capabilities-not-dropped'],
    facet: dropsAllFacet,
    relation: 'Every container must drop NET_RAW. Ours requires ALL, which includes NET_RAW: stricter by design.',
    cases: () => kyvernoCases({ dir: 'best-practices/require-drop-cap-net-raw', chainsaw: true }),
  },
  {
    id: 'kyverno/restrict-image-registries',
    peer: 'Kyverno',
    theirs: 'restrict-image-registries / validate-registries',
    ours: ['image-unverified'],
    config: { allowedRegistries: ['eu.foo.io', 'bar.io'], requireImageDigest: false },
    relation: 'Images only from eu.foo.io / bar.io. Compared with our allowedRegistries set to those and the digest requirement off (they do not check digests).',
    cases: () => kyvernoCases({ dir: 'best-practices/restrict-image-registries', chainsaw: true }),
  },
  {
    id: 'kyverno/require-netpol',
    peer: 'Kyverno',
    theirs: 'require-network-policy / require-network-policy',
    ours: ['netpol-default-deny-missing'],
    relation: 'Theirs: a NetworkPolicy selects each Deployment. Ours: the namespace has a default-deny (ingress and egress) policy for all pods.',
    cases: () => kyvernoCases({ dir: 'other/require-netpol', chainsaw: true }),
  },
  {
    id: 'kyverno/enforce-strict-mtls',
    peer: 'Kyverno',
    theirs: 'enforce-strict-mtls / validate-mtls',
    ours: ['mtls-not-strict'],
    assume: meshed,
    relation: 'Theirs: a PeerAuthentication may set only UNSET or STRICT. Ours: the effective mode for a meshed namespace/port is PERMISSIVE or DISABLE.',
    cases: () => kyvernoCases({ dir: 'istio/enforce-strict-mtls', chainsaw: true }),
  },
  {
    id: 'kyverno/prevent-disabling-injection-pods',
    peer: 'Kyverno',
    theirs: 'prevent-disabling-injection-pods / prohibit-inject-annotation',
    ours: ['sidecar-missing'],
    assume: meshed,
    relation: 'Theirs: no pod sets sidecar.istio.io/inject: "false". Ours: a pod in an injection-enabled or STRICT namespace runs without a proxy.',
    cases: () => kyvernoCases({ dir: 'istio/prevent-disabling-injection-pods', chainsaw: true }),
  },
  {
    id: 'kyverno/require-authorizationpolicy',
    peer: 'Kyverno',
    theirs: 'require-authorizationpolicies / check-authz-pol (background report)',
    ours: ['authz-default-deny-missing'],
    assume: meshed,
    relation: 'Theirs: every namespace has some AuthorizationPolicy. Ours: a meshed namespace has an allow-nothing policy (or a mesh-wide one).',
    cases: () => kyvernoCases({ dir: 'istio/require-authorizationpolicy', chainsaw: true }),
  },
  {
    id: 'kubescape/C-0046',
    peer: 'Kubescape',
    theirs: 'C-0046 Insecure capabilities / insecure-capabilities',
    ours: ['pod-capabilities-not-dropped'],
    facet: addsFacet,
    relation: 'Theirs: no container adds a capability from a deny-list of dangerous ones. Ours: none adds one outside an allow-list.',
    cases: () => kubescapeCases('insecure-capabilities', podKinds),
  },
  {
    id: 'kubescape/drop-capability-netraw',
    peer: 'Kubescape',
    theirs: 'drop-capability-netraw (regolibrary rule)',
    ours: ['pod-capabilities-not-dropped'],
    facet: dropsAllFacet,
    relation: 'Every container must drop NET_RAW. Ours requires ALL, which includes NET_RAW.',
    cases: () => kubescapeCases('drop-capability-netraw', podKinds),
  },
  {
    id: 'kubescape/C-0030',
    peer: 'Kubescape',
    theirs: 'C-0030 Ingress and Egress blocked / ingress-and-egress-blocked',
    ours: ['netpol-default-deny-missing'],
    relation: 'Theirs: some policy selecting the pod restricts both ingress and egress. Ours: a default-deny for all pods of the namespace, both directions.',
    cases: () => kubescapeCases('ingress-and-egress-blocked', podKinds),
  },
  {
    id: 'kubescape/C-0054,C-0206',
    peer: 'Kubescape',
    theirs: 'C-0054 Cluster internal networking, C-0206 Namespaces have Network Policies / internal-networking',
    ours: ['netpol-default-deny-missing'],
    relation: 'Theirs: the namespace has at least one network policy. Ours: it has a default-deny one (all pods, ingress and egress).',
    cases: () => kubescapeCases('internal-networking', ['Namespace']),
  },
  {
    id: 'kubescape/C-0260',
    peer: 'Kubescape',
    theirs: 'C-0260 Missing network policy / ensure_network_policy_configured_in_labels',
    ours: ['netpol-default-deny-missing'],
    relation: 'Theirs: some network policy selects the workload. Ours: a default-deny selects every pod of its namespace.',
    cases: () => kubescapeCases('ensure_network_policy_configured_in_labels', podKinds),
  },
];

/** Peer controls in the fixtures that touch our areas but judge a different property or subject, and why. */
export const notCompared: { peer: string; control: string; why: string }[] = [
  { peer: 'Kubescape', control: 'C-0189 automount-default-service-account', why: "CIS 5.1.5 in intent, but it judges the `default` ServiceAccount object (automountServiceAccountToken), while pod-default-serviceaccount judges the workloads that run as it; the fixtures hold ServiceAccounts only." },
  { peer: 'Kubescape', control: 'C-0034 / C-0190 automount-service-account, C-0261 serviceaccount-token-mount', why: 'Token mounting, not which identity a pod runs as; no rule of ours covers token automount.' },
  { peer: 'Kubescape', control: 'non-existent-service-account, serviceaccount-in-default-namespace', why: 'A reference to a missing ServiceAccount / ServiceAccounts in the default namespace: properties we do not check.' },
  { peer: 'Kubescape', control: 'C-0299 dangling-networkpolicy', why: 'A policy that selects no pod: hygiene of the policy, not the presence of a default deny.' },
  { peer: 'Kyverno', control: 'check-serviceaccount, restrict-service-account', why: 'Ties the pod ServiceAccount to the requesting user or to an image map held in a ConfigMap: admission context we do not have.' },
  { peer: 'Kyverno', control: 'restrict-automount-sa-token, restrict-sa-automount-sa-token', why: 'Token automount, as above.' },
  { peer: 'Kyverno', control: 'restrict-networkpolicy-empty-podselector', why: 'Forbids empty podSelectors except in a policy named default-deny; ours requires such a policy, and netpol-allow-all judges empty from/to, not podSelector.' },
  { peer: 'Kyverno', control: 'add-networkpolicy-dns', why: 'A generate policy (creates a DNS-allow NetworkPolicy): no verdict to compare; our apply-default-deny playbook does the same.' },
  { peer: 'Kyverno', control: 'cert-manager limit-duration', why: 'Judges cert-manager Certificate requests (spec.duration); cert-ttl-too-long judges certificates seen in use (cert events), not Kubernetes objects.' },
  { peer: 'Kyverno', control: 'verify-image', why: 'Signature verification; the fixture holds only the policy (no test resources), and we have no verifier yet (imageVerifier: none).' },
  { peer: '—', control: 'pod-privileged', why: 'No peer fixture here checks privileged containers or host namespaces (Kyverno disallow-privileged-containers / disallow-host-namespaces are not among the fixtures).' },
];
