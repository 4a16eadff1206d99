import {
  RetryableError,
  UnrecoverableJobError,
  type NotifyDeliverPayload,
  type NotifyGroupPayload,
} from '@ztv/jobs';
import { alertmanagerAlerts } from './alertmanager';
import { findingCloudEvent } from './cloudevent';
import type { Receiver } from './config';
import { pagerDutyEvent } from './pagerduty';
import type { SecretRef } from './secret';
import { slackMessage } from './slack';
import { slackGroupMessage, type GroupedNotice } from './slack-group';
import { notificationTargets } from './targets';

/**
 * One HTTP POST, ready to send. Holds revealed secrets (the URL, a routing key in the body, a bearer token): it lives
 * only for one delivery attempt and is never logged; `secrets` lists them so errors can be scrubbed.
 */
export interface Notification {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly secrets: readonly string[];
}

async function reveal(ref: SecretRef, what: string): Promise<string> {
  try {
    return await ref.reveal();
  } catch (err) {
    // A Secret volume can be briefly absent during a rollout: retry. The path is not secret; the content is.
    throw new RetryableError(
      `cannot read ${what} from ${ref.file ?? 'config'}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
    );
  }
}

const json = { 'content-type': 'application/json' };

/**
 * Builds the request for one notification job from the receiver's current config. Returns undefined when the
 * integration no longer takes this kind (send_resolved turned off since the job was queued).
 */
export async function renderNotification(
  p: NotifyDeliverPayload,
  receiver: Receiver,
  ctx: { dashboardUrl: string; jobId: string },
): Promise<Notification | undefined> {
  const missing = () =>
    new UnrecoverableJobError(
      `receiver "${receiver.name}" has no ${p.integration}_configs[${p.integrationIndex}]`,
    );
  if (
    !notificationTargets(receiver, p.kind).some(
      (t) => t.integration === p.integration && t.index === p.integrationIndex,
    )
  ) {
    if (receiver[`${p.integration}_configs`][p.integrationIndex] === undefined) throw missing();
    return undefined;
  }
  switch (p.integration) {
    case 'slack': {
      const c = receiver.slack_configs[p.integrationIndex]!;
      const url = await reveal(c.webhook_url, 'webhook_url');
      return { url, headers: json, body: JSON.stringify(slackMessage(p, c, ctx)), secrets: [url] };
    }
    case 'pagerduty': {
      const c = receiver.pagerduty_configs[p.integrationIndex]!;
      const [url, key] = [await reveal(c.url, 'url'), await reveal(c.routing_key, 'routing_key')];
      return { url, headers: json, body: JSON.stringify(pagerDutyEvent(p, key, ctx)), secrets: [url, key] };
    }
    case 'webhook': {
      const c = receiver.webhook_configs[p.integrationIndex]!;
      const url = await reveal(c.url, 'url');
      const token = c.bearer_token ? await reveal(c.bearer_token, 'bearer_token') : undefined;
      const headers = {
        'content-type': 'application/cloudevents+json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      };
      return {
        url,
        headers,
        body: JSON.stringify(findingCloudEvent(p, ctx)),
        secrets: token ? [url, token] : [url],
      };
    }
    case 'alertmanager': {
      const c = receiver.alertmanager_configs[p.integrationIndex]!;
      const base = await reveal(c.url, 'url');
      const url = `${base.replace(/\/+$/, '')}/api/v2/alerts`;
      return { url, headers: json, body: JSON.stringify(alertmanagerAlerts(p, c, ctx)), secrets: [base] };
    }
  }
}

/**
 * Builds the request for one group flush from the receiver's current config: only the integrations that group (see
 * groupedIntegrations). Resolutions leave the message if send_resolved was turned off since; undefined when nothing
 * is left to say.
 */
export async function renderGroupNotification(
  p: NotifyGroupPayload,
  members: readonly GroupedNotice[],
  receiver: Receiver,
  ctx: { dashboardUrl: string },
): Promise<Notification | undefined> {
  if (p.integration !== 'slack')
    throw new UnrecoverableJobError(`${p.integration} notifications are not grouped`);
  const c = receiver.slack_configs[p.integrationIndex];
  if (!c)
    throw new UnrecoverableJobError(
      `receiver "${receiver.name}" has no slack_configs[${p.integrationIndex}]`,
    );
  const wanted = members.filter((m) => m.kind !== 'resolve' || c.send_resolved);
  if (wanted.length === 0) return undefined;
  const url = await reveal(c.webhook_url, 'webhook_url');
  const body = JSON.stringify(slackGroupMessage({ labels: p.labels, members: wanted }, c, ctx));
  return { url, headers: json, body, secrets: [url] };
}
