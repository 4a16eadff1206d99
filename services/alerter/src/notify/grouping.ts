import { createHash } from 'node:crypto';
import type { IntegrationType, NotifiedFinding } from '@ztv/jobs';
import { routeLabelNames, type RouteLabelName } from './config';
import { routeLabels, type Route } from './routing';

/**
 * Integrations whose messages group findings (group_by). PagerDuty stays per finding: its dedup_key is the finding's
 * fingerprint (an incident per finding, DESIGN §1). Alertmanager stays per alert: it groups on its own side, by its
 * own route. Webhooks stay per finding: a CloudEvent describes one occurrence, and receivers dedupe by its id.
 */
export const groupedIntegrations: ReadonlySet<IntegrationType> = new Set(['slack']);

/** The label names a route groups by, or undefined when each finding is notified on its own. */
export function groupLabelNames(route: Pick<Route, 'groupBy'>): RouteLabelName[] | undefined {
  const by = route.groupBy;
  if (by === undefined || by.includes('...')) return undefined;
  return routeLabelNames.filter((l) => by.includes(l));
}

/** Where a grouped notification goes: its group's key and the label values the group's findings share. */
export interface GroupRef {
  key: string;
  route: string;
  labels: Record<string, string>;
}

/**
 * The aggregation group of a finding's notification to one integration, or undefined when it goes on its own. The key
 * is a hash of receiver, integration, route and label values (Alertmanager's group key, per integration): stable
 * across restarts and replicas, and short enough for a job id.
 */
export function groupOf(
  route: Pick<Route, 'path' | 'groupBy'>,
  t: { receiver: string; integration: IntegrationType; index: number; finding: NotifiedFinding },
): GroupRef | undefined {
  const names = groupLabelNames(route);
  if (!names || !groupedIntegrations.has(t.integration)) return undefined;
  const all = routeLabels(t.finding);
  const labels = Object.fromEntries(names.map((n) => [n, all[n]]));
  const key = createHash('sha256')
    .update(JSON.stringify([t.receiver, t.integration, t.index, route.path, labels]))
    .digest('hex')
    .slice(0, 24);
  return { key, route: route.path, labels };
}

/** Job id of one flush of a group: `notify-group:<receiver>:<group key>:<flush seq>:<integration>-<index>`. */
export function groupFlushJobId(p: {
  receiver: string;
  groupKey: string;
  groupSeq: number;
  integration: IntegrationType;
  integrationIndex: number;
}): string {
  return `notify-group:${p.receiver}:${p.groupKey}:${p.groupSeq}:${p.integration}-${p.integrationIndex}`;
}

/** The route at `path` (`route.routes[1].routes[0]`) in the current tree, if the config still has it. */
export function routeAt(root: Route, path: string): Route | undefined {
  if (path === root.path) return root;
  for (const child of root.routes) {
    if (path === child.path || path.startsWith(`${child.path}.`)) return routeAt(child, path);
  }
  return undefined;
}
