export {
  parseRoutingConfig,
  matchRoutes,
  routeSignal,
  routeLabels,
  type Route,
  type RouteLabels,
  type RoutingConfig,
  type Matcher,
} from './routing';
export {
  NotifyConfigError,
  notifyConfigSchema,
  routeLabelNames,
  type Receiver,
  type SlackConfig,
  type PagerDutyConfig,
  type WebhookConfig,
  type AlertmanagerConfig,
} from './config';
export { parseDuration } from './duration';
export {
  groupOf,
  groupFlushJobId,
  groupLabelNames,
  groupedIntegrations,
  routeAt,
  type GroupRef,
} from './grouping';
export { SecretRef } from './secret';
export {
  notificationTargets,
  notifyJobId,
  planDeliveries,
  type NotificationTarget,
  type PlannedDelivery,
} from './targets';
export { slackMessage, type SlackMessage, type SlackBlock } from './slack';
export { pagerDutyEvent, pagerDutySeverity, type PagerDutyEvent } from './pagerduty';
export { findingCloudEvent, findingEventTypes, type FindingCloudEvent } from './cloudevent';
export { alertmanagerAlerts, type PostableAlert } from './alertmanager';
export { renderNotification, type Notification } from './render';
export { deliver, hostOf, type DeliverOptions } from './deliver';
export { parseRetryAfter } from './retry-after';
export type { DeliveryRecorder, DeliveryAttempt, DeliveryDecision, GroupDeliveryDecision } from './recorder';
export { slackGroupMessage, type GroupedNotice } from './slack-group';
export { createDeliveryWorker, type DeliveryWorkerOptions } from './worker';
