import {
  parseRawNotifyConfig,
  parseYamlDocument,
  type RawRoute,
  type Receiver,
  type RouteLabelName,
} from './config';

export type RouteLabels = Record<RouteLabelName, string>;

export type Matcher = { label: RouteLabelName; equals: string } | { label: RouteLabelName; regex: RegExp };

/** A route with its parent's settings already inherited (Alertmanager semantics). */
export interface Route {
  /** Where it sits in the config, e.g. `route.routes[1]`. */
  path: string;
  receiver: string;
  /**
   * group_by: label names ([] — the whole route is one group), or ['...'] (every label: each finding on its own, as in
   * Alertmanager). Undefined when no route up the tree sets it: ztv's default is each finding on its own.
   */
  groupBy: string[] | undefined;
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
  matchers: Matcher[];
  continue: boolean;
  routes: Route[];
}

export interface RoutingConfig {
  route: Route;
  receivers: ReadonlyMap<string, Receiver>;
}

// Alertmanager's defaults for the root route.
const rootDefaults = {
  // Not Alertmanager's (there, no group_by means one group per route): ztv notifies each finding on its own unless a
  // route asks for grouping.
  groupBy: undefined as string[] | undefined,
  groupWaitMs: 30_000,
  groupIntervalMs: 5 * 60_000,
  repeatIntervalMs: 4 * 3_600_000,
};

/** Parses `route` + `receivers` from a config document (or YAML text); throws NotifyConfigError naming the path. */
export function parseRoutingConfig(doc: unknown): RoutingConfig {
  const raw = parseRawNotifyConfig(typeof doc === 'string' ? parseYamlDocument(doc) : doc);
  return {
    route: buildRoute(raw.route, undefined, 'route'),
    receivers: new Map(raw.receivers.map((r) => [r.name, r])),
  };
}

function buildRoute(raw: RawRoute, parent: Route | undefined, path: string): Route {
  const base = parent ?? { ...rootDefaults, receiver: '' };
  const matchers: Matcher[] = [
    ...Object.entries(raw.match ?? {}).map(([label, equals]) => ({ label: label as RouteLabelName, equals })),
    ...Object.entries(raw.match_re ?? {}).map(([label, regex]) => ({
      label: label as RouteLabelName,
      regex,
    })),
  ];
  const route: Route = {
    path,
    receiver: raw.receiver ?? base.receiver,
    groupBy: raw.group_by ?? base.groupBy,
    groupWaitMs: raw.group_wait ?? base.groupWaitMs,
    groupIntervalMs: raw.group_interval ?? base.groupIntervalMs,
    repeatIntervalMs: raw.repeat_interval ?? base.repeatIntervalMs,
    matchers,
    // `continue` and matchers are never inherited.
    continue: raw.continue,
    routes: [],
  };
  route.routes = raw.routes.map((child, i) => buildRoute(child, route, `${path}.routes[${i}]`));
  return route;
}

function matches(m: Matcher, labels: RouteLabels): boolean {
  // An absent label is the empty string, as in Alertmanager.
  const value = labels[m.label] ?? '';
  return 'equals' in m ? value === m.equals : m.regex.test(value);
}

/**
 * The routes a finding ends at (Alertmanager's Route.Match): depth-first; the first matching child wins unless it
 * has `continue: true`; a matching route with no matching child is itself the match. The root matches everything.
 */
export function matchRoutes(route: Route, labels: RouteLabels): Route[] {
  if (!route.matchers.every((m) => matches(m, labels))) return [];
  const all: Route[] = [];
  for (const child of route.routes) {
    const found = matchRoutes(child, labels);
    all.push(...found);
    if (found.length && !child.continue) break;
  }
  return all.length ? all : [route];
}

/**
 * The receivers a finding with these labels is sent to, in route order, each once (a receiver reached by two routes
 * is notified once: job ids are per receiver).
 */
export function routeSignal(config: RoutingConfig, labels: RouteLabels): Receiver[] {
  const out = new Map<string, Receiver>();
  for (const r of matchRoutes(config.route, labels)) {
    const receiver = config.receivers.get(r.receiver);
    if (receiver && !out.has(receiver.name)) out.set(receiver.name, receiver);
  }
  return [...out.values()];
}

/** Routing labels of a finding or signal. */
export function routeLabels(f: {
  severity: string;
  ruleId: string;
  area: string;
  cluster: string;
  subject: { namespace?: string };
}): RouteLabels {
  return {
    severity: f.severity,
    ruleId: f.ruleId,
    area: f.area,
    cluster: f.cluster,
    namespace: f.subject.namespace ?? '',
  };
}
