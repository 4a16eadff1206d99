import { z } from 'zod';
import { auditData, resourceData, flowData, certData, clockData } from './data';

/** The five event types of DESIGN §3, one per topic. */
export const eventTypes = ['k8s.audit', 'k8s.resource', 'flow', 'cert', 'clock'] as const;
export type EventType = (typeof eventTypes)[number];

const rfc3339 = z.iso.datetime({ offset: true });

const base = {
  /** Stable id from the source where it has one (auditID, flow uuid, cert fingerprint + window). */
  id: z.string().min(1).max(512),
  cluster: z.string().min(1).max(253),
  /** e.g. 'audit-webhook', 'hubble', 'envoy-als', 'envoy-certs', 'spire', 'chrony', 'lease', 'kube-watch' */
  source: z.string().min(1).max(100),
  /** When it happened. */
  time: rfc3339,
  /** The collector's clock when it was seen. */
  observedAt: rfc3339,
};

export const auditEvent = z.object({ ...base, type: z.literal('k8s.audit'), data: auditData });
export const resourceEvent = z.object({ ...base, type: z.literal('k8s.resource'), data: resourceData });
export const flowEvent = z.object({ ...base, type: z.literal('flow'), data: flowData });
export const certEvent = z.object({ ...base, type: z.literal('cert'), data: certData });
export const clockEvent = z.object({ ...base, type: z.literal('clock'), data: clockData });

/** The envelope (v1) as a discriminated union on `type`. */
export const ztvEvent = z.discriminatedUnion('type', [auditEvent, resourceEvent, flowEvent, certEvent, clockEvent]);

export type ZtvEvent = z.infer<typeof ztvEvent>;
export type AuditEvent = z.infer<typeof auditEvent>;
export type ResourceEvent = z.infer<typeof resourceEvent>;
export type FlowEvent = z.infer<typeof flowEvent>;
export type CertEvent = z.infer<typeof certEvent>;
export type ClockEvent = z.infer<typeof clockEvent>;
export type EventOf<T extends EventType> = Extract<ZtvEvent, { type: T }>;
