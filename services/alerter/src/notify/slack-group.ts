import type { NotificationKind, NotifiedFinding } from '@ztv/jobs';
import { elapsed, findingUrl, findingsListUrl, subjectLabel, truncate } from './format';
import {
  code,
  cutMrkdwn,
  escapeMrkdwn,
  header,
  limits,
  severityEmoji,
  type SlackBlock,
  type SlackMessage,
} from './slack';

/** One finding's notification in a group flush. */
export interface GroupedNotice {
  kind: NotificationKind;
  /** trigger: n ≥ 1 for a "still firing" repeat. */
  repeat: number;
  /** RFC 3339: when it happened. */
  at: string;
  actor?: string;
  finding: NotifiedFinding;
}

type Section = { name: string; items: GroupedNotice[]; line: (n: GroupedNotice) => string };

const severityRank = ['critical', 'high', 'medium', 'low', 'info'];
// header, group labels, button.
const fixedBlocks = 3;

/** `<link|title>` then severity, rule, cluster and subject: one finding, one line. */
function findingLine(n: GroupedNotice, ctx: { dashboardUrl: string }): string {
  const f = n.finding;
  const url = escapeMrkdwn(findingUrl(ctx.dashboardUrl, f.id));
  // A title cannot close the link early: '|' and '>' (escaped) are the link syntax.
  const title = escapeMrkdwn(truncate(f.title, 150)).replace(/\|/g, '¦');
  const subject = escapeMrkdwn(subjectLabel(f.subject));
  return `${severityEmoji[f.severity] ?? ''} *<${url}|${title}>*\n${f.severity} · ${code(f.ruleId)} · ${escapeMrkdwn(f.cluster)} · ${subject}`;
}

const labelText = (labels: Record<string, string>) =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v || '""'}`)
    .join(', ');

/**
 * The Block Kit message for one flush of an aggregation group: the group's findings that fired, still fire (repeats),
 * resolved or were acknowledged since the previous flush, each with a link to it. Within Slack's 50 blocks: what does
 * not fit is counted, with a link to the dashboard filtered by the group's labels.
 */
export function slackGroupMessage(
  g: { labels: Record<string, string>; members: readonly GroupedNotice[] },
  cfg: { channel?: string },
  ctx: { dashboardUrl: string },
): SlackMessage {
  const is = (kind: NotificationKind, repeat?: boolean) => (n: GroupedNotice) =>
    n.kind === kind && (repeat === undefined || repeat === n.repeat > 0);
  const all: Section[] = [
    { name: 'Firing', items: g.members.filter(is('trigger', false)), line: () => '' },
    {
      name: 'Still firing',
      items: g.members.filter(is('trigger', true)),
      line: (n) => ` · open for ${elapsed(n.finding.firstSeen, n.at)}`,
    },
    {
      name: 'Resolved',
      items: g.members.filter(is('resolve')),
      line: (n) => ` · after ${elapsed(n.finding.firstSeen, n.at)}`,
    },
    {
      name: 'Acknowledged',
      items: g.members.filter(is('acknowledge')),
      line: (n) => (n.actor ? ` · by ${escapeMrkdwn(n.actor)}` : ''),
    },
  ];
  const sections = all.filter((s) => s.items.length > 0);

  // Each shown section takes a heading block; when not everything fits, one more block says what was left out.
  const total = sections.reduce((sum, s) => sum + s.items.length, 0);
  const fits = total + sections.length <= limits.blocks - fixedBlocks;
  let room = limits.blocks - fixedBlocks - (fits ? 0 : 1);
  const blocks: SlackBlock[] = [];
  const left: string[] = [];
  let omitted = 0;
  for (const s of sections) {
    const shown = room >= 2 ? s.items.slice(0, room - 1) : [];
    if (shown.length) room -= 1 + shown.length;
    omitted += s.items.length - shown.length;
    if (shown.length < s.items.length) left.push(`${s.items.length - shown.length} ${s.name.toLowerCase()}`);
    if (shown.length === 0) continue;
    blocks.push({ type: 'section', text: cutMrkdwn(`*${s.name} (${s.items.length})*`) });
    for (const n of shown) blocks.push({ type: 'section', text: cutMrkdwn(findingLine(n, ctx) + s.line(n)) });
  }
  const listUrl = findingsListUrl(ctx.dashboardUrl, g.labels);
  if (omitted) {
    blocks.push({
      type: 'section',
      text: cutMrkdwn(
        `… and ${omitted} more (${left.join(', ')}): <${escapeMrkdwn(listUrl)}|see them all in ztv>`,
      ),
    });
  }

  const counts = sections.map((s) => `${s.items.length} ${s.name.toLowerCase()}`).join(', ');
  const firing = g.members.filter(is('trigger'));
  const worst = severityRank.find((sev) => firing.some((n) => n.finding.severity === sev));
  // Nothing firing: the flush only reports resolutions or acknowledgements.
  const emoji = worst ? severityEmoji[worst] : firing.length ? '' : ':white_check_mark:';
  const where = labelText(g.labels);
  const title = `${emoji} ${counts}${where ? ` · ${where}` : ''}`;
  return {
    text: cutMrkdwn(escapeMrkdwn(`ztv: ${counts}${where ? ` (${where})` : ''}`)).text,
    blocks: [
      header(title),
      {
        type: 'context',
        elements: [cutMrkdwn(escapeMrkdwn(`ztv · group ${where || 'all findings of the route'}`))],
      },
      ...blocks,
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            text: { type: 'plain_text', text: 'Open in ztv' },
            url: listUrl,
            action_id: 'ztv-open-findings',
          },
        ],
      },
    ],
    ...(cfg.channel ? { channel: cfg.channel } : {}),
  };
}
