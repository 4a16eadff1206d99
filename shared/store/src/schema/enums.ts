// Closed sets of values stored as text with a CHECK constraint (see columns.ts): text keeps the SQL views and the
// read-only SQL endpoint simple, and adding a value is a one-line migration instead of an ALTER TYPE.
export { severities, type Severity } from '@ztv/events';

export const findingStatuses = ['open', 'acknowledged', 'resolved', 'suppressed'] as const;
export type FindingStatus = (typeof findingStatuses)[number];

export const findingEventKinds = [
  'opened',
  'observed',
  'resolved',
  'reopened',
  'acknowledged',
  'suppressed',
  'unsuppressed',
  'notified',
  'notify_failed',
  'remediation_requested',
  'remediation_planned',
  'remediation_applied',
  'remediation_failed',
  'remediation_rejected',
] as const;
export type FindingEventKind = (typeof findingEventKinds)[number];

export const notificationKinds = ['trigger', 'resolve', 'acknowledge'] as const;
export type NotificationKind = (typeof notificationKinds)[number];

/** Where a notification goes (a receiver's `<integration>_configs`); mirrors @ztv/jobs' integrationTypes. */
export const notificationIntegrations = ['slack', 'pagerduty', 'webhook', 'alertmanager'] as const;
export type NotificationIntegration = (typeof notificationIntegrations)[number];

export const notificationStatuses = ['pending', 'sent', 'failed', 'dropped'] as const;
export type NotificationStatus = (typeof notificationStatuses)[number];

export const remediationModes = ['dry-run', 'approve', 'auto'] as const;
export type RemediationMode = (typeof remediationModes)[number];

export const remediationStatuses = [
  'requested',
  'planned',
  'awaiting_approval',
  'approved',
  'applying',
  'succeeded',
  'failed',
  'rejected',
  'expired',
  'refused',
] as const;
export type RemediationStatus = (typeof remediationStatuses)[number];

export const apiTokenRoles = ['viewer', 'operator', 'admin'] as const;
export type ApiTokenRole = (typeof apiTokenRoles)[number];
