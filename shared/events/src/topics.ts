import type { z } from 'zod';
import { auditEvent, resourceEvent, flowEvent, certEvent, clockEvent, type EventType } from './envelope';
import { signal } from './signal';
import { deadLetter } from './deadletter';

/** The topic catalog (DESIGN §1): data, so producers and consumers take their types from it. */
export const topicCatalog = {
  audit: { base: 'ztv.audit.v1', schema: auditEvent, compacted: false },
  resources: { base: 'ztv.resources.v1', schema: resourceEvent, compacted: true },
  global: { base: 'ztv.global.v1', schema: resourceEvent, compacted: true },
  flows: { base: 'ztv.flows.v1', schema: flowEvent, compacted: false },
  certs: { base: 'ztv.certs.v1', schema: certEvent, compacted: false },
  clock: { base: 'ztv.clock.v1', schema: clockEvent, compacted: false },
  signals: { base: 'ztv.signals.v1', schema: signal, compacted: false },
  deadletter: { base: 'ztv.deadletter.v1', schema: deadLetter, compacted: false },
} as const satisfies Record<string, { base: string; schema: z.ZodType; compacted: boolean }>;

export type TopicId = keyof typeof topicCatalog;
export type TopicNames = Record<TopicId, string>;
export type TopicPayload<T extends TopicId> = z.infer<(typeof topicCatalog)[T]['schema']>;

/** Topic names with an optional prefix (tests and multi-tenant brokers use one). */
export function topicNames(prefix = ''): TopicNames {
  const out = {} as TopicNames;
  for (const id of Object.keys(topicCatalog) as TopicId[]) out[id] = prefix + topicCatalog[id].base;
  return out;
}

export const topicForEventType: Record<EventType, TopicId> = {
  'k8s.audit': 'audit',
  'k8s.resource': 'resources',
  flow: 'flows',
  cert: 'certs',
  clock: 'clock',
};
