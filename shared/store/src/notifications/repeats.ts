import { sql } from 'drizzle-orm';
import type { Database } from '../client';
import { findings, type Finding, type NotificationIntegration } from '../schema/index';
import { anyText, rowsOf } from '../sql';

/** An open finding whose receiver was last told about it (by a delivered trigger) a while ago. */
export interface RepeatCandidate {
  finding: Finding;
  receiver: string;
  integration: NotificationIntegration;
  integrationIndex: number;
  /** The transition whose trigger is repeated. */
  transitionSeq: number;
  /** Repeats of that trigger so far, whatever became of them: the next one is lastRepeat + 1. */
  lastRepeat: number;
  /** The trigger's delivery, or the latest repeat's (its creation, if it was not delivered): repeat_interval counts from here. */
  lastNotifiedAt: Date;
}

type Row = {
  finding_id: string;
  receiver: string;
  integration: NotificationIntegration;
  integration_index: number;
  transition_seq: string | number;
  last_repeat: number;
  last_notified_at: Date | string;
};

/**
 * Per integration of a receiver: open findings (not acknowledged, suppressed or resolved) whose latest notification,
 * repeats aside, is a trigger that was delivered, and that were last told (the trigger, or its latest repeat) before
 * `notifiedBefore`, longest-waiting first. The caller compares lastNotifiedAt with the route's repeat_interval.
 *
 * A repeat that failed or was dropped still counts as told at its creation, so a receiver that refuses repeats is
 * asked again one repeat_interval later, not on every pass.
 */
export async function repeatCandidates(
  db: Database,
  opts: { notifiedBefore: Date; limit: number },
): Promise<RepeatCandidate[]> {
  const rows = await rowsOf<Row>(
    db,
    sql`
    with latest as (
      select distinct on (n.finding_id, n.receiver, n.integration, n.integration_index)
             n.finding_id, n.receiver, n.integration, n.integration_index, n.transition_seq, n.kind, n.status, n.sent_at
      from notifications n
      join findings f on f.id = n.finding_id
      where f.status = 'open' and n.repeat = 0
      order by n.finding_id, n.receiver, n.integration, n.integration_index, n.transition_seq desc
    ), told as (
      select l.finding_id, l.receiver, l.integration, l.integration_index, l.transition_seq,
             coalesce(max(r.repeat), 0)::int as last_repeat,
             greatest(l.sent_at, max(coalesce(r.sent_at, r.created_at))) as last_notified_at
      from latest l
      left join notifications r
        on r.finding_id = l.finding_id and r.receiver = l.receiver and r.integration = l.integration
       and r.integration_index = l.integration_index and r.transition_seq = l.transition_seq and r.repeat > 0
      where l.kind = 'trigger' and l.status = 'sent'
      group by l.finding_id, l.receiver, l.integration, l.integration_index, l.transition_seq, l.sent_at
    )
    select * from told
    where last_notified_at < ${opts.notifiedBefore.toISOString()}::timestamptz
    order by last_notified_at, finding_id, receiver, integration, integration_index
    limit ${opts.limit}`,
  );
  if (rows.length === 0) return [];
  const found = await db
    .select()
    .from(findings)
    .where(anyText(findings.id, [...new Set(rows.map((r) => r.finding_id))]));
  const byId = new Map(found.map((f) => [f.id, f]));
  return rows.flatMap((r) => {
    const finding = byId.get(r.finding_id);
    return finding
      ? [
          {
            finding,
            receiver: r.receiver,
            integration: r.integration,
            integrationIndex: r.integration_index,
            transitionSeq: Number(r.transition_seq),
            lastRepeat: r.last_repeat,
            lastNotifiedAt: new Date(r.last_notified_at),
          },
        ]
      : [];
  });
}
