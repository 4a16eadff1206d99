import { severities, subject } from '@ztv/events';
import { z } from 'zod';
import { traceparent } from '../trace';

const rfc3339 = z.iso.datetime({ offset: true });

export const notificationKinds = ['trigger', 'resolve', 'acknowledge'] as const;
export type NotificationKind = (typeof notificationKinds)[number];

export const integrationTypes = ['slack', 'pagerduty', 'webhook', 'alertmanager'] as const;
export type IntegrationType = (typeof integrationTypes)[number];

/** What a notification says about a finding: a snapshot taken when the transition was committed. */
export const notifiedFinding = z.object({
  /** The finding's id (`fnd_…`); the dashboard link is `<dashboard>/findings/<id>`. */
  id: z.string().min(1).max(64),
  fingerprint: z.string().min(1).max(255),
  ruleId: z.string().min(1),
  title: z.string().min(1),
  message: z.string(),
  severity: z.enum(severities),
  area: z.string(),
  cluster: z.string().min(1),
  subject,
  evidence: z.record(z.string(), z.unknown()),
  firstSeen: rfc3339,
  lastSeen: rfc3339,
});
export type NotifiedFinding = z.infer<typeof notifiedFinding>;

/**
 * One delivery of one transition of one finding to one integration of one receiver. Carries no secret: webhook URLs
 * and routing keys are looked up in the routing config by `receiver` + `integration` + `integrationIndex` when the
 * job runs, so they never sit in Redis.
 */
export const notifyDeliverPayload = z.object({
  receiver: z.string().min(1),
  integration: z.enum(integrationTypes),
  /** Index into the receiver's `<integration>_configs` list. */
  integrationIndex: z.number().int().min(0),
  kind: z.enum(notificationKinds),
  /** Increases with every transition of the finding (fired, resolved, re-fired, repeated); part of the job id. */
  transitionSeq: z.number().int().min(0),
  /** When the transition happened: PagerDuty `timestamp`, Alertmanager `startsAt`/`endsAt`, CloudEvents `time`. */
  at: rfc3339,
  /** trigger: n ≥ 1 when this is the nth "still firing" repeat (repeat_interval) of the transition's trigger. */
  repeat: z.number().int().min(1).optional(),
  /** acknowledge: who acknowledged. */
  actor: z.string().optional(),
  finding: notifiedFinding,
  traceparent: traceparent.optional(),
});
export type NotifyDeliverPayload = z.infer<typeof notifyDeliverPayload>;

/**
 * One flush of an aggregation group (group_by): one message listing the group's findings that fired, still fire
 * (repeats), resolved or were acknowledged since its previous flush. The members are the notifications rows assigned
 * to this flush (group_key, group_seq), read when the job runs, so the payload stays small however big the group.
 */
export const notifyGroupPayload = z.object({
  receiver: z.string().min(1),
  integration: z.enum(integrationTypes),
  integrationIndex: z.number().int().min(0),
  groupKey: z.string().min(1).max(128),
  /** The flush's number within its group; part of the job id. */
  groupSeq: z.number().int().min(1),
  /** The group_by label values the group's findings share. */
  labels: z.record(z.string(), z.string()),
  /** When the flush was made. */
  at: rfc3339,
  traceparent: traceparent.optional(),
});
export type NotifyGroupPayload = z.infer<typeof notifyGroupPayload>;
