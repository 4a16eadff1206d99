import type { NotifyDeliverPayload } from '@ztv/jobs';
import { elapsed, evidenceLines, findingUrl, subjectLabel, truncate } from './format';

type PlainText = { type: 'plain_text'; text: string; emoji?: boolean };
type Mrkdwn = { type: 'mrkdwn'; text: string };
export type SlackBlock =
  | { type: 'header'; text: PlainText }
  | { type: 'section'; text?: Mrkdwn; fields?: Mrkdwn[] }
  | { type: 'context'; elements: Mrkdwn[] }
  | {
      type: 'actions';
      elements: {
        type: 'button';
        text: PlainText;
        url: string;
        action_id: string;
        style?: 'primary' | 'danger';
      }[];
    };

/** An incoming-webhook message (Block Kit). `text` is the fallback shown in notifications. */
export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
  channel?: string;
}

export const severityEmoji: Record<string, string> = {
  critical: ':red_circle:',
  high: ':large_orange_circle:',
  medium: ':large_yellow_circle:',
  low: ':large_blue_circle:',
  info: ':white_circle:',
};

// Block Kit limits: header text 150, section text 3000, field text 2000, button text 75.
export const limits = { header: 150, section: 3000, field: 2000, button: 75, blocks: 50 } as const;

/** Slack mrkdwn needs &, < and > escaped. */
export const escapeMrkdwn = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Already-escaped mrkdwn cut to `max`; a cut never leaves half an entity (or a link) behind. */
export function cutMrkdwn(escaped: string, max: number = limits.section): Mrkdwn {
  const text =
    escaped.length <= max ? escaped : `${escaped.slice(0, max - 1).replace(/&[a-z]*$|<[^>]*$/, '')}…`;
  return { type: 'mrkdwn', text };
}

function mrkdwn(s: string, max: number = limits.section): Mrkdwn {
  return cutMrkdwn(escapeMrkdwn(s), max);
}
export const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;
export const header = (s: string): SlackBlock => ({
  type: 'header',
  text: { type: 'plain_text', text: truncate(s, limits.header), emoji: true },
});

/** The Block Kit message for a transition: the alert itself, or its resolve / acknowledge follow-up. */
export function slackMessage(
  p: NotifyDeliverPayload,
  cfg: { channel?: string },
  ctx: { dashboardUrl: string },
): SlackMessage {
  const f = p.finding;
  const subject = subjectLabel(f.subject);
  const url = findingUrl(ctx.dashboardUrl, f.id);
  const fields = [
    mrkdwn(`*Severity*\n${f.severity}`, limits.field),
    mrkdwn(`*Rule*\n${code(f.ruleId)}`, limits.field),
    mrkdwn(`*Cluster*\n${f.cluster}`, limits.field),
    mrkdwn(`*Subject*\n${subject}`, limits.field),
  ];
  const button: SlackBlock = {
    type: 'actions',
    elements: [
      {
        type: 'button',
        text: { type: 'plain_text', text: 'Open finding' },
        url,
        action_id: 'ztv-open-finding',
        ...(p.kind === 'trigger' ? { style: 'danger' as const } : {}),
      },
    ],
  };
  const context: SlackBlock = {
    type: 'context',
    elements: [
      mrkdwn(`ztv · ${f.area || 'finding'} · first seen ${f.firstSeen} · fingerprint ${code(f.fingerprint)}`),
    ],
  };

  let title: string;
  let blocks: SlackBlock[];
  if (p.kind === 'trigger') {
    // A repeat (repeat_interval) says the finding is still open, and for how long.
    title = p.repeat
      ? `:repeat: Still firing: ${f.title}`
      : `${severityEmoji[f.severity] ?? ''} ${f.title}`.trim();
    const evidence = evidenceLines(f.evidence, { maxLines: 6, maxValue: 200 });
    blocks = [
      header(title),
      ...(p.repeat
        ? [{ type: 'section' as const, text: mrkdwn(`Still open after ${elapsed(f.firstSeen, p.at)}.`) }]
        : []),
      ...(f.message ? [{ type: 'section' as const, text: mrkdwn(f.message) }] : []),
      { type: 'section', fields },
      ...(evidence.length
        ? [
            {
              type: 'section' as const,
              text: mrkdwn(`*Evidence*\n${evidence.map((l) => `• ${l}`).join('\n')}`),
            },
          ]
        : []),
      button,
      context,
    ];
  } else {
    const resolved = p.kind === 'resolve';
    title = resolved ? `:white_check_mark: Resolved: ${f.title}` : `:eyes: Acknowledged: ${f.title}`;
    const line = resolved
      ? `Resolved after ${elapsed(f.firstSeen, p.at)}.`
      : `Acknowledged${p.actor ? ` by ${p.actor}` : ''}.`;
    blocks = [header(title), { type: 'section', text: mrkdwn(line), fields }, button, context];
  }
  const fallback = `${p.kind === 'trigger' ? `[${f.severity.toUpperCase()}] ` : ''}${title.replace(/^:[a-z_]+: /, '')} — ${subject} (${f.cluster})`;
  return { text: mrkdwn(fallback).text, blocks, ...(cfg.channel ? { channel: cfg.channel } : {}) };
}
