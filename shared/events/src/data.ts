import { z } from 'zod';

const jsonObject = z.record(z.string(), z.unknown());

/** `audit.k8s.io/v1` Event, normalized: the fields rules read are typed, the rest passes through. */
export const auditData = z
  .object({
    auditID: z.string().min(1),
    level: z.enum(['None', 'Metadata', 'Request', 'RequestResponse']),
    stage: z.enum(['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic']),
    verb: z.string(),
    requestURI: z.string(),
    user: z.object({ username: z.string().optional(), uid: z.string().optional(), groups: z.array(z.string()).optional() }).loose(),
    impersonatedUser: z.object({ username: z.string().optional(), groups: z.array(z.string()).optional() }).loose().optional(),
    sourceIPs: z.array(z.string()).optional(),
    userAgent: z.string().optional(),
    objectRef: z
      .object({
        resource: z.string().optional(),
        namespace: z.string().optional(),
        name: z.string().optional(),
        uid: z.string().optional(),
        apiGroup: z.string().optional(),
        apiVersion: z.string().optional(),
        resourceVersion: z.string().optional(),
        subresource: z.string().optional(),
      })
      .optional(),
    responseStatus: z
      .object({
        code: z.number().int().optional(),
        status: z.string().optional(),
        reason: z.string().optional(),
        message: z.string().optional(),
      })
      .loose()
      .optional(),
    requestObject: jsonObject.optional(),
    /** A JSON Patch request body (an array, which requestObject cannot hold); set by @ztv/formats instead of requestObject. */
    requestPatch: z.array(z.unknown()).optional(),
    responseObject: jsonObject.optional(),
    requestReceivedTimestamp: z.string().optional(),
    stageTimestamp: z.string().optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  })
  .loose();
export type AuditData = z.infer<typeof auditData>;

/** A Kubernetes object as watched or read from a manifest. */
export const resourceData = z.object({
  op: z.enum(['upsert', 'delete']),
  apiVersion: z.string().min(1),
  kind: z.string().min(1),
  namespace: z.string().optional(),
  name: z.string().min(1),
  uid: z.string(),
  resourceVersion: z.string(),
  object: jsonObject,
  /** True for the kinds ztv's rules read (NetworkPolicy, Pod, PeerAuthentication, ...); false for anything else. */
  known: z.boolean().optional(),
});
export type ResourceData = z.infer<typeof resourceData>;

export const flowEndpoint = z.object({
  namespace: z.string().optional(),
  pod: z.string().optional(),
  /** The owning workload (Deployment, StatefulSet, ...) where known. */
  workload: z.string().optional(),
  workloadKind: z.string().optional(),
  serviceAccount: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  ip: z.string().optional(),
  port: z.number().int().min(0).max(65535).optional(),
  /** Cilium numeric security identity. */
  identity: z.number().int().optional(),
  /** SPIFFE ID / Istio principal presented on the connection, where seen. */
  principal: z.string().optional(),
  /** Reserved or world entities (Cilium `reserved:world`, ...). */
  reserved: z.array(z.string()).optional(),
  dnsNames: z.array(z.string()).optional(),
});
export type FlowEndpoint = z.infer<typeof flowEndpoint>;

/** One network connection (or an aggregate of identical ones, see `count`). */
export const flowData = z.object({
  verdict: z.enum(['forwarded', 'dropped', 'denied', 'error', 'audit', 'redirected', 'traced', 'translated', 'unknown']),
  /** e.g. POLICY_DENIED, AUTH_REQUIRED. */
  dropReason: z.string().optional(),
  direction: z.enum(['ingress', 'egress', 'unknown']),
  /** Who reported it: a Hubble node, or an Envoy sidecar's inbound/outbound listener. */
  reporter: z.enum(['hubble', 'sidecar-inbound', 'sidecar-outbound', 'ztunnel', 'gateway', 'other']),
  source: flowEndpoint,
  destination: flowEndpoint,
  protocol: z.enum(['TCP', 'UDP', 'ICMPv4', 'ICMPv6', 'SCTP', 'HTTP', 'GRPC', 'DNS', 'KAFKA', 'unknown']),
  l7: z
    .object({
      type: z.string(),
      method: z.string().optional(),
      url: z.string().optional(),
      code: z.number().int().optional(),
      dnsQuery: z.string().optional(),
    })
    .optional(),
  /** What the connection's transport security was. `unknown` when the observer cannot tell. */
  mtls: z.object({
    mode: z.enum(['mutual', 'tls', 'none', 'unknown']),
    peerPrincipal: z.string().optional(),
    tlsVersion: z.string().optional(),
    sni: z.string().optional(),
    /** Cilium mutual authentication required for this flow (policy `authentication.mode: required`). */
    authRequired: z.boolean().optional(),
  }),
  isReply: z.boolean().optional(),
  /** Identical flows aggregated in the collector's window. */
  count: z.number().int().min(1).default(1),
});
export type FlowData = z.infer<typeof flowData>;

/** A certificate seen in use (or a SVID signing record from SPIRE, which has no DER). */
export const certData = z.object({
  /** SHA-256 of the DER, lower-case hex; absent for log-derived records. */
  fingerprintSha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  serialNumber: z.string().optional(),
  subject: z.string().optional(),
  issuer: z.string().optional(),
  notBefore: z.string().optional(),
  notAfter: z.string(),
  isCA: z.boolean(),
  /** workload: a leaf in use; ca: an intermediate / root in a chain; bundle: a trust-bundle entry. */
  role: z.enum(['workload', 'ca', 'bundle']),
  spiffeIds: z.array(z.string()),
  dnsNames: z.array(z.string()),
  origin: z.object({
    kind: z.enum(['envoy-certs', 'pem', 'spire', 'secret', 'cert-manager', 'configmap', 'istio-agent']),
    namespace: z.string().optional(),
    name: z.string().optional(),
    pod: z.string().optional(),
    node: z.string().optional(),
    path: z.string().optional(),
  }),
});
export type CertData = z.infer<typeof certData>;

/** A node clock reading. */
export const clockData = z.object({
  node: z.string().min(1),
  /** Local clock minus true time, seconds (positive: the node is ahead). */
  offsetSeconds: z.number(),
  /** null when the method cannot tell. */
  synchronized: z.boolean().nullable(),
  method: z.enum(['chrony', 'timex', 'lease']),
  maxErrorSeconds: z.number().optional(),
  stratum: z.number().int().optional(),
  referenceId: z.string().optional(),
  leapStatus: z.string().optional(),
});
export type ClockData = z.infer<typeof clockData>;
