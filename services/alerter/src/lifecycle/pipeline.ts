import type { Signal } from '@ztv/events';
import { JobPayloadError, type JobQueue } from '@ztv/jobs';
import {
  activeSilences,
  applySignals,
  latestNotificationKinds,
  insertNotifications,
  personChangesToNotify,
  recordedChanges,
  resolveQuiet,
  syncSilences,
  type Database,
  type NotificationKind,
  type RecordedChange,
  type Transition,
} from '@ztv/store';
import { currentTraceparent, type Logger } from '@ztv/telemetry';
import type { RoutingConfig } from '../notify/index';
import { notifyPass } from './notify-pass';
import { sweepOutbox } from './outbox';
import { planNotifications, type QueuedNotification } from './plan';
import { markSilenced } from './silenced';
import type { RemediationTrigger } from './remediation-trigger';

export interface AlertPipelineOptions {
  /** Postgres (or PGlite): findings, history, notifications outbox, silences. */
  db: Database;
  jobs: JobQueue;
  /** Undefined: findings are recorded and nobody is notified. A getter sees config reloads. */
  routing: RoutingConfig | undefined | (() => RoutingConfig | undefined);
  logger: Logger;
  /** ALERTER_FLAP_WINDOW_SECONDS. */
  flapWindowSeconds: number;
  /** Triggers remediations for opened findings per the rule's config (DESIGN §6); none when absent. */
  remediations?: RemediationTrigger;
  clock?: () => Date;
  /** What people did through the API is notified while it is younger than this (default 24 h). */
  personChangeWindowMs?: number;
  /** Outbox rows younger than this are left to the batch that wrote them (default 60 s). */
  outboxGraceMs?: number;
}

/**
 * The alerter's work between Kafka and the job queue. `applyBatch` records a batch of signals and plans its
 * notifications in ONE transaction (an outbox: the notifications rows commit with the transitions that cause them);
 * `enqueue` hands the jobs to the queue under their deterministic ids; `tick` is the periodic pass (quiet periods,
 * silences, people's changes, the outbox sweep). The Alerter commits offsets only after applyBatch and enqueue.
 */
export class AlertPipeline {
  private readonly log: Logger;
  private readonly clock: () => Date;
  private appliedSilences: ReadonlySet<string> = new Set();

  constructor(private readonly opts: AlertPipelineOptions) {
    this.log = opts.logger.child({ component: 'alert-pipeline' });
    this.clock = opts.clock ?? (() => new Date());
  }

  /** The Alerter options that run this pipeline: `new Alerter({ ...common, ...pipeline.alerterHooks(15_000) })`. */
  alerterHooks(tickIntervalMs: number) {
    return {
      applySignals: (signals: Signal[]) => this.applyBatch(signals),
      onTransitions: (jobs: QueuedNotification[]) => this.enqueue(jobs),
      tick: { intervalMs: tickIntervalMs, run: () => this.tick() },
    };
  }

  routing(): RoutingConfig | undefined {
    const r = this.opts.routing;
    return typeof r === 'function' ? r() : r;
  }

  /** Silences marked, signals applied, notifications planned and written to the outbox: one transaction. */
  async applyBatch(signals: readonly Signal[]): Promise<QueuedNotification[]> {
    const now = this.clock();
    const { jobs, remediations, fingerprints } = await this.opts.db.transaction(async (tx) => {
      const marked = markSilenced(signals, await activeSilences(tx, now));
      const transitions = await applySignals(tx, marked, {
        now,
        flapWindowSeconds: this.opts.flapWindowSeconds,
      });
      return {
        jobs: await this.record(tx, await recordedChanges(tx, transitions)),
        remediations: (await this.opts.remediations?.plan(tx, transitions, now)) ?? [],
        fingerprints: new Map(transitions.map((t) => [t.findingId, t.fingerprint])),
      };
    });
    // After the commit; a failure here is recovered by the sweep in tick(), so it does not fail the batch.
    if (remediations.length) {
      await this.opts.remediations!.enqueue(remediations, fingerprints).catch((err: unknown) =>
        this.log.warn({ err, count: remediations.length }, 'enqueueing automatic remediations failed; the sweep retries'),
      );
    }
    return jobs;
  }

  /**
   * Queues the jobs (BullMQ drops ids it already holds). Throws if the queue refuses: the batch's offsets are then not
   * committed, and the outbox sweep enqueues whatever the retried batch (already applied) no longer plans.
   */
  async enqueue(jobs: readonly QueuedNotification[]): Promise<void> {
    if (jobs.length === 0) return;
    const item = (j: QueuedNotification) => ({
      payload: j.payload,
      opts: { jobId: j.jobId, ...(j.delayMs > 0 ? { delayMs: j.delayMs } : {}) },
    });
    try {
      await this.opts.jobs.enqueueMany('notify.deliver', jobs.map(item));
    } catch (err) {
      if (!(err instanceof JobPayloadError)) throw err;
      // One payload the queue refuses would fail the batch forever: queue the others one by one, and leave the
      // refused one's row to the outbox sweep, which drops it with the reason.
      for (const j of jobs) {
        const { payload, opts } = item(j);
        await this.opts.jobs.enqueue('notify.deliver', payload, opts).catch((e: unknown) => {
          if (!(e instanceof JobPayloadError)) throw e;
          this.log.error({ jobId: j.jobId, error: e.message }, 'notification refused by the job queue');
        });
      }
    }
  }

  /**
   * The periodic pass: resolve quiet event-based findings and apply silence changes (one transaction, notifications
   * planned in it), notify on people's acknowledgements / resolutions / unsuppressions, plan repeats and flush due
   * groups, then sweep the outbox.
   */
  async tick(): Promise<void> {
    const now = this.clock();
    const housekeeping = await this.opts.db.transaction(async (tx) => {
      const quiet: Transition[] = await resolveQuiet(tx, now);
      const silenced = await syncSilences(tx, now, this.appliedSilences);
      const jobs = await this.record(tx, await recordedChanges(tx, [...quiet, ...silenced.transitions]));
      return {
        jobs,
        activeIds: silenced.activeIds,
        quiet: quiet.length,
        silenced: silenced.transitions.length,
      };
    });
    this.appliedSilences = housekeeping.activeIds;
    await this.enqueue(housekeeping.jobs);

    const since = new Date(now.getTime() - (this.opts.personChangeWindowMs ?? 24 * 3_600_000));
    const people = await this.opts.db.transaction(async (tx) =>
      this.record(tx, await personChangesToNotify(tx, { since, limit: 500 })),
    );
    await this.enqueue(people);

    await this.opts.remediations?.sweep(this.opts.db, now);

    const routing = this.routing();
    // Repeats (repeat_interval) and group flushes (group_wait, group_interval): see notify-pass.ts.
    const passed = routing
      ? await notifyPass({
          ...this.opts,
          routing,
          now,
          enqueue: (jobs) => this.enqueue(jobs),
          onInvalid: (bad) => this.log.error(bad, 'notification cannot be built; not queued'),
        })
      : { repeats: 0, flushes: 0 };
    const requeued = routing
      ? await sweepOutbox({ ...this.opts, routing, now, graceMs: this.opts.outboxGraceMs ?? 60_000 })
      : 0;
    const summary = {
      quietResolved: housekeeping.quiet,
      silenceChanges: housekeeping.silenced,
      personNotifications: people.length,
      ...passed,
      // Mostly no-ops (jobs the queue holds, waiting behind a backlog); after a crash, the ones it lost.
      outboxRequeued: requeued,
    };
    if (housekeeping.quiet || housekeeping.silenced || people.length || passed.repeats || passed.flushes)
      this.log.info(summary, 'alerter tick');
    else if (requeued) this.log.debug(summary, 'alerter tick');
  }

  /** Plans the notifications for recorded changes and writes them to the outbox, in the caller's transaction. */
  private async record(tx: Database, changes: RecordedChange[]): Promise<QueuedNotification[]> {
    const routing = this.routing();
    if (!routing || changes.length === 0) return [];
    const needHistory = changes
      .filter((c) => c.kind !== 'opened' && c.kind !== 'reopened')
      .map((c) => c.finding.id);
    const latest: Map<string, NotificationKind> = needHistory.length
      ? await latestNotificationKinds(tx, needHistory)
      : new Map();
    const plan = planNotifications(routing, changes, latest, { traceparent: currentTraceparent() });
    for (const bad of plan.invalid) this.log.error(bad, 'notification cannot be built; not queued');
    await insertNotifications(tx, plan.rows);
    return plan.jobs;
  }
}
