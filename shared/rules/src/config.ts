import { z } from 'zod';

const duration = z.number().nonnegative();

/** A label selector as in Kubernetes (matchLabels AND matchExpressions). */
export const labelSelector = z.object({
  matchLabels: z.record(z.string(), z.string()).optional(),
  matchExpressions: z
    .array(
      z.object({
        key: z.string(),
        operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
        values: z.array(z.string()).optional(),
      }),
    )
    .optional(),
});
export type LabelSelector = z.infer<typeof labelSelector>;

/** An exception: the rules it covers and what it matches. Every field given must match. */
export const ruleException = z.object({
  /** Rule ids, or ['*'] for every rule. */
  rules: z.array(z.string()).min(1),
  namespaces: z.array(z.string()).optional(),
  /** Matches the labels of the subject object (or of its namespace for namespace-level rules). */
  selector: labelSelector.optional(),
  /** Audit rules: the acting principal (username), exact or a trailing-* prefix. */
  principals: z.array(z.string()).optional(),
  /** Why: shown wherever a suppressed result is reported. */
  reason: z.string().min(1),
});
export type RuleException = z.infer<typeof ruleException>;

/** Rule thresholds and allow-lists. Every default is the one DESIGN §4 documents. */
export const rulesConfig = z.object({
  /** Trust domains SPIFFE IDs may belong to. */
  trustDomains: z.array(z.string()).default(['cluster.local']),
  /** Istio's root namespace: PeerAuthentication / AuthorizationPolicy there without a selector apply mesh-wide. */
  meshRootNamespace: z.string().default('istio-system'),
  /** cert-expiring: fire when less than this fraction of the lifetime is left ... */
  expiryWindowFraction: z.number().min(0).max(1).default(0.2),
  /** ... or at most this many seconds (the smaller of the two applies). */
  expiryWindowMaxSeconds: duration.default(24 * 3600),
  /** cert-ttl-too-long: SVID / workload cert lifetime limit. */
  maxSvidTtlSeconds: duration.default(24 * 3600),
  /** cert-rotation-stalled: fraction of lifetime after which a newer cert should exist. */
  rotateAtFraction: z.number().min(0).max(1).default(0.6),
  /** trust-bundle-expiring window. */
  bundleExpiryWindowSeconds: duration.default(30 * 24 * 3600),
  /** clock-drift threshold. */
  maxClockOffsetSeconds: duration.default(1),
  /**
   * clock-drift: offsets from the `lease` method (node Lease renewTime vs the API server's clock) include network and
   * API latency, so they count only above this many seconds (and above maxClockOffsetSeconds).
   */
  leaseClockToleranceSeconds: duration.default(2),
  /** A node's chrony/timex reading is preferred over its lease readings until it is this much older than the newest. */
  preciseClockReadingMaxAgeSeconds: duration.default(300),
  /** flow-denied-burst: more than this many denied flows ... */
  deniedBurst: z.number().int().positive().default(50),
  /** ... within this window. */
  deniedWindowSeconds: duration.default(60),
  /** Quiet period after which the alerter resolves an event-based finding. */
  eventQuietPeriodSeconds: z.number().int().positive().default(3600),
  /** Principals allowed to delete or weaken security policies (policy-tampered). */
  policyAdmins: z.array(z.string()).default([]),
  /** Namespaces / principals where exec-into-workload is expected. */
  execAllowedNamespaces: z.array(z.string()).default([]),
  execAllowedPrincipals: z.array(z.string()).default([]),
  /** Capabilities a container may add (pod-capabilities-not-dropped). */
  allowedCapabilities: z.array(z.string()).default(['NET_BIND_SERVICE']),
  /** Namespaces where privileged / host namespaces are expected (pod-privileged). */
  privilegedAllowedNamespaces: z.array(z.string()).default(['kube-system']),
  /** Registries images may come from (image-unverified); empty means any registry. */
  allowedRegistries: z.array(z.string()).default([]),
  /** image-unverified: every image must be pinned by a sha256 / sha512 digest. */
  requireImageDigest: z.boolean().default(true),
  /**
   * Signature verifier for image-unverified. Only 'none' exists today: no signature is checked, and the rule says so
   * in its evidence. A verifier (e.g. cosign / Notation results published as events) must be built before this can
   * name one; the rules themselves do no I/O.
   */
  imageVerifier: z.enum(['none']).default('none'),
  /** CIDRs egress may reach that contain a metadata address (egress-metadata-allowed). */
  metadataEgressAllowList: z.array(z.string()).default([]),
  /** Cloud metadata addresses. */
  metadataAddresses: z.array(z.string()).default(['169.254.169.254', 'fd00:ec2::254', '100.100.100.200']),
  /** TCP ports the metadata services listen on (AWS, GCP, Azure, Alibaba: 80); egress limited to other ports cannot reach them. */
  metadataPorts: z.array(z.number().int().min(1).max(65535)).default([80]),
  /** netpol-dns-egress-blocked: the namespace cluster DNS runs in ... */
  dnsNamespace: z.string().default('kube-system'),
  /** ... and the labels of its pods (kube-dns and CoreDNS both carry k8s-app=kube-dns). */
  dnsPodLabels: z.record(z.string(), z.string()).default({ 'k8s-app': 'kube-dns' }),
  /** Namespaces no rule looks at (besides exceptions). */
  ignoredNamespaces: z.array(z.string()).default([]),
  /**
   * Defaults to one exception: netpol-default-deny-missing in kube-system, kube-public and kube-node-lease, where a
   * deny-all policy breaks the control plane's own add-ons (CNI, DNS, metrics) or nothing runs. The findings are still
   * reported, marked suppressed. Setting `exceptions` replaces this list.
   */
  exceptions: z.array(ruleException).default(() => [
    {
      rules: ['netpol-default-deny-missing'],
      namespaces: ['kube-system', 'kube-public', 'kube-node-lease'],
      reason: 'Kubernetes system namespace: default-deny there breaks cluster add-ons (CNI, DNS), or nothing runs in it',
    },
  ]),
});
export type RulesConfig = z.infer<typeof rulesConfig>;

export function defaultRulesConfig(overrides: Partial<z.input<typeof rulesConfig>> = {}): RulesConfig {
  return rulesConfig.parse(overrides);
}
