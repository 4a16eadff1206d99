import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { startTestServer, type ReceivedRequest } from '../notify/test-server';

// The documented request shapes, as a real receiver would check them. Strict objects: a key the API does not define
// is a bug in what we send.

const plainText = z.strictObject({
  type: z.literal('plain_text'),
  text: z.string().min(1),
  emoji: z.boolean().optional(),
});
const mrkdwn = z.strictObject({
  type: z.literal('mrkdwn'),
  text: z.string().min(1).max(3000),
  verbatim: z.boolean().optional(),
});
const textObject = z.union([plainText, mrkdwn]);
/** Block Kit (api.slack.com/reference/block-kit/blocks): the block types ztv uses, with their documented limits. */
const slackBlock = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('header'),
    text: plainText.refine((t) => t.text.length <= 150, 'header text ≤ 150'),
    block_id: z.string().optional(),
  }),
  z
    .strictObject({
      type: z.literal('section'),
      text: textObject.optional(),
      fields: z
        .array(textObject.refine((t) => t.text.length <= 2000, 'field text ≤ 2000'))
        .max(10)
        .optional(),
      block_id: z.string().optional(),
    })
    .refine((b) => b.text !== undefined || b.fields !== undefined, 'a section needs text or fields'),
  z.strictObject({
    type: z.literal('context'),
    elements: z.array(textObject).min(1).max(10),
    block_id: z.string().optional(),
  }),
  z.strictObject({
    type: z.literal('actions'),
    elements: z
      .array(
        z.strictObject({
          type: z.literal('button'),
          text: plainText.refine((t) => t.text.length <= 75, 'button text ≤ 75'),
          action_id: z.string().max(255),
          url: z.url().max(3000).optional(),
          value: z.string().max(2000).optional(),
          style: z.enum(['primary', 'danger']).optional(),
        }),
      )
      .min(1)
      .max(25),
    block_id: z.string().optional(),
  }),
]);
/** A Slack incoming-webhook message (api.slack.com/messaging/webhooks): fallback text plus up to 50 blocks. */
export const slackWebhookMessage = z.strictObject({
  text: z.string().min(1),
  blocks: z.array(slackBlock).max(50).optional(),
  channel: z.string().optional(),
});

const pdSeverity = z.enum(['critical', 'error', 'warning', 'info']);
/** PagerDuty Events API v2 (developer.pagerduty.com, "Send an Alert Event"): POST /v2/enqueue. */
export const pagerDutyEventV2 = z.discriminatedUnion('event_action', [
  z.strictObject({
    routing_key: z.string().length(32),
    event_action: z.literal('trigger'),
    dedup_key: z.string().min(1).max(255).optional(),
    payload: z.strictObject({
      summary: z.string().min(1).max(1024),
      source: z.string().min(1),
      severity: pdSeverity,
      timestamp: z.iso.datetime({ offset: true }).optional(),
      component: z.string().optional(),
      group: z.string().optional(),
      class: z.string().optional(),
      custom_details: z.record(z.string(), z.unknown()).optional(),
    }),
    images: z
      .array(z.strictObject({ src: z.url(), href: z.url().optional(), alt: z.string().optional() }))
      .optional(),
    links: z.array(z.strictObject({ href: z.url(), text: z.string().optional() })).optional(),
    client: z.string().optional(),
    client_url: z.url().optional(),
  }),
  z.strictObject({
    routing_key: z.string().length(32),
    event_action: z.enum(['acknowledge', 'resolve']),
    dedup_key: z.string().min(1).max(255),
  }),
]);
export type PagerDutyEventV2 = z.infer<typeof pagerDutyEventV2>;

export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
}

export interface CheckedRequest<T> extends ReceivedRequest {
  /** The parsed body when it matched the documented shape. */
  parsed?: T;
  /** Why it did not (answered 400, as the real service would). */
  invalid?: string;
  answered: number;
}

/**
 * A local receiver that validates every request body against `schema` (400 with the reasons when it does not match)
 * and otherwise answers from `script` in order, then `ok`. Tests push answers (429 with Retry-After, 500, 400) to
 * script an outage.
 */
export async function startCheckedReceiver<T>(schema: z.ZodType<T>, ok: { status: number; body: string }) {
  const script: ScriptedAnswer[] = [];
  const requests: CheckedRequest<T>[] = [];
  const server = await startTestServer((req: ReceivedRequest, res: ServerResponse) => {
    let parsed: T | undefined;
    let invalid: string | undefined;
    try {
      const r = schema.safeParse(JSON.parse(req.body));
      if (r.success) parsed = r.data;
      else invalid = r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    } catch (err) {
      invalid = `not JSON: ${(err as Error).message}`;
    }
    const answer = invalid ? { status: 400 } : (script.shift() ?? { status: ok.status });
    requests.push({
      ...req,
      ...(parsed !== undefined ? { parsed } : {}),
      ...(invalid ? { invalid } : {}),
      answered: answer.status,
    });
    const body =
      answer.status === ok.status
        ? ok.body
        : JSON.stringify({ status: 'error', message: invalid ?? 'scripted' });
    res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers }).end(body);
  });
  return {
    base: server.base,
    script,
    requests,
    /** Requests that were answered 2xx. */
    accepted: () => requests.filter((r) => r.answered >= 200 && r.answered < 300),
    close: () => server.close(),
  };
}

export const startSlackReceiver = () =>
  startCheckedReceiver(slackWebhookMessage, { status: 200, body: 'ok' });
export const startPagerDutyReceiver = () =>
  startCheckedReceiver(pagerDutyEventV2, {
    status: 202,
    body: '{"status":"success","message":"Event processed"}',
  });
