import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { parseDuration } from './duration';
import { SecretRef } from './secret';

/** The labels a route can match on (DESIGN §6). */
export const routeLabelNames = ['severity', 'ruleId', 'area', 'cluster', 'namespace'] as const;
export type RouteLabelName = (typeof routeLabelNames)[number];

const knownLabel = (k: string): k is RouteLabelName => (routeLabelNames as readonly string[]).includes(k);
const unknownLabel = (k: string) => `unknown label "${k}" (one of ${routeLabelNames.join(', ')})`;

const duration = z.string().transform((s, ctx) => {
  const ms = parseDuration(s);
  if (ms === undefined)
    ctx.addIssue({ code: 'custom', message: 'a duration such as "30s", "5m", "4h" or "1h30m"' });
  return ms ?? 0;
});

function labelRecord<T extends z.ZodType>(value: T) {
  return z.record(z.string(), value).superRefine((rec, ctx) => {
    for (const k of Object.keys(rec))
      if (!knownLabel(k)) ctx.addIssue({ code: 'custom', path: [k], message: unknownLabel(k) });
  });
}

// Alertmanager anchors match_re: "prod" matches only "prod", not "preprod".
const anchoredRegex = z.string().transform((s, ctx) => {
  try {
    return new RegExp(`^(?:${s})$`);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `invalid regular expression: ${(err as Error).message}` });
    return /$^/;
  }
});

export interface RawRoute {
  receiver?: string;
  group_by?: string[];
  group_wait?: number;
  group_interval?: number;
  repeat_interval?: number;
  match?: Record<string, string>;
  match_re?: Record<string, RegExp>;
  continue: boolean;
  routes: RawRoute[];
}

const routeSchema: z.ZodType<RawRoute> = z.lazy(() =>
  z.strictObject({
    receiver: z.string().min(1).optional(),
    group_by: z
      .array(z.string())
      .superRefine((keys, ctx) => {
        keys.forEach(
          (k, i) =>
            k !== '...' &&
            !knownLabel(k) &&
            ctx.addIssue({ code: 'custom', path: [i], message: unknownLabel(k) }),
        );
      })
      .optional(),
    group_wait: duration.optional(),
    group_interval: duration.optional(),
    repeat_interval: duration.optional(),
    match: labelRecord(z.string()).optional(),
    match_re: labelRecord(anchoredRegex).optional(),
    continue: z.boolean().default(false),
    routes: z.array(routeSchema).default([]),
  }),
);

const httpUrl = z.url({ protocol: /^https?$/, error: 'an http(s) URL' });
const filePath = z.string().min(1);

/** Exactly one of `key` / `${key}_file` (required) or at most one (optional). */
function secretOf<K extends string>(key: K, required: boolean) {
  return (c: Record<string, unknown>, ctx: z.RefinementCtx) => {
    const given = [c[key], c[`${key}_file`]].filter((v) => v !== undefined).length;
    if (given > 1 || (required && given === 0)) {
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `give exactly ${required ? 'one' : 'at most one'} of ${key} and ${key}_file`,
      });
    }
  };
}
const secret = (value: string | undefined, file: string | undefined) =>
  file !== undefined ? SecretRef.fromFile(file) : SecretRef.inline(value ?? '');

const slackConfig = z
  .strictObject({
    webhook_url: httpUrl.optional(),
    webhook_url_file: filePath.optional(),
    channel: z.string().min(1).optional(),
    send_resolved: z.boolean().default(true),
  })
  .superRefine(secretOf('webhook_url', true))
  .transform((c) => ({
    webhook_url: secret(c.webhook_url, c.webhook_url_file),
    channel: c.channel,
    send_resolved: c.send_resolved,
  }));

const pagerdutyConfig = z
  .strictObject({
    routing_key: z.string().min(1).optional(),
    routing_key_file: filePath.optional(),
    url: httpUrl.default('https://events.pagerduty.com/v2/enqueue'),
    send_resolved: z.boolean().default(true),
  })
  .superRefine(secretOf('routing_key', true))
  .transform((c) => ({
    routing_key: secret(c.routing_key, c.routing_key_file),
    url: SecretRef.inline(c.url),
    send_resolved: c.send_resolved,
  }));

const webhookConfig = z
  .strictObject({
    url: httpUrl,
    send_resolved: z.boolean().default(true),
    bearer_token: z.string().min(1).optional(),
    bearer_token_file: filePath.optional(),
  })
  .superRefine(secretOf('bearer_token', false))
  .transform((c) => ({
    // A webhook URL may carry a token in its path or query, so it is a secret too.
    url: SecretRef.inline(c.url),
    send_resolved: c.send_resolved,
    bearer_token:
      c.bearer_token !== undefined || c.bearer_token_file !== undefined
        ? secret(c.bearer_token, c.bearer_token_file)
        : undefined,
  }));

const alertmanagerConfig = z
  .strictObject({
    /** Base URL of an Alertmanager; alerts are POSTed to <url>/api/v2/alerts. */
    url: httpUrl,
    /**
     * endsAt of a firing alert: Alertmanager resolves an alert by itself once endsAt passes, so firing alerts carry
     * `at + ends_after` and each repeat notification (repeat_interval, default 4h) pushes it further out.
     */
    ends_after: duration.default(24 * 3_600_000),
  })
  .transform((c) => ({ url: SecretRef.inline(c.url), ends_after: c.ends_after }));

const receiverSchema = z.strictObject({
  name: z
    .string()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/,
      'letters, digits, ".", "_" or "-", at most 63 (it is part of job ids)',
    ),
  slack_configs: z.array(slackConfig).default([]),
  pagerduty_configs: z.array(pagerdutyConfig).default([]),
  webhook_configs: z.array(webhookConfig).default([]),
  alertmanager_configs: z.array(alertmanagerConfig).default([]),
});
export type Receiver = z.output<typeof receiverSchema>;
export type SlackConfig = Receiver['slack_configs'][number];
export type PagerDutyConfig = Receiver['pagerduty_configs'][number];
export type WebhookConfig = Receiver['webhook_configs'][number];
export type AlertmanagerConfig = Receiver['alertmanager_configs'][number];

/** `route` + `receivers` of the config file (other top-level keys belong to other sections and are ignored here). */
export const notifyConfigSchema = z
  .object({ route: routeSchema, receivers: z.array(receiverSchema).min(1, 'at least one receiver') })
  .superRefine((cfg, ctx) => {
    const names = new Set<string>();
    cfg.receivers.forEach((r, i) => {
      if (names.has(r.name))
        ctx.addIssue({
          code: 'custom',
          path: ['receivers', i, 'name'],
          message: `duplicate receiver "${r.name}"`,
        });
      names.add(r.name);
    });
    if (!cfg.route.receiver)
      ctx.addIssue({
        code: 'custom',
        path: ['route', 'receiver'],
        message: 'the root route needs a default receiver',
      });
    if (cfg.route.match || cfg.route.match_re) {
      ctx.addIssue({
        code: 'custom',
        path: ['route'],
        message: 'the root route matches everything; it cannot have match or match_re',
      });
    }
    const walk = (r: RawRoute, path: (string | number)[]) => {
      if (r.receiver && !names.has(r.receiver))
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'receiver'],
          message: `no receiver named "${r.receiver}"`,
        });
      r.routes.forEach((c, i) => walk(c, [...path, 'routes', i]));
    };
    walk(cfg.route, ['route']);
  });
export type RawNotifyConfig = z.output<typeof notifyConfigSchema>;

export class NotifyConfigError extends Error {
  override readonly name = 'NotifyConfigError';
  constructor(readonly issues: string[]) {
    super(`invalid routing config:\n  ${issues.join('\n  ')}`);
  }
}

/** `route.routes[0].match_re.namespace` from ['route', 'routes', 0, 'match_re', 'namespace']. */
export function configPath(path: readonly PropertyKey[]): string {
  return (
    path.reduce<string>(
      (s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${String(p)}` : String(p)),
      '',
    ) || '(root)'
  );
}

/** Validates the routing section of a parsed config document; errors name the path and what it expects. */
export function parseRawNotifyConfig(doc: unknown): RawNotifyConfig {
  const r = notifyConfigSchema.safeParse(doc);
  if (!r.success)
    throw new NotifyConfigError(r.error.issues.map((i) => `${configPath(i.path)}: ${i.message}`));
  return r.data;
}

export function parseYamlDocument(text: string): unknown {
  try {
    return parseYaml(text);
  } catch (err) {
    throw new NotifyConfigError([`not valid YAML: ${(err as Error).message}`]);
  }
}
