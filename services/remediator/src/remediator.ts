import type { JobHandler, JobWorker, ProcessOptions, RemediationRunPayload } from '@ztv/jobs';
import { expireRemediations, type Database } from '@ztv/store';
import { contextFrom, inSpan, SpanKind, type Logger } from '@ztv/telemetry';
import type { RemediatorSettings } from './config';
import type { KubeOps } from './kube-ops';
import { playbooks as allPlaybooks } from './playbooks/index';
import type { Playbook } from './playbooks/types';
import { runRemediation } from './runner';

/**
 * The part of the JobQueue port the remediator uses. Both adapters (BullMQ, in-process) satisfy it, whatever catalog
 * they were made with, as long as it has `remediation.run` with its payload schema.
 */
export interface RemediationJobs {
  process(
    job: 'remediation.run',
    handler: JobHandler<RemediationRunPayload>,
    opts: ProcessOptions,
  ): JobWorker;
}

export interface RemediatorOptions {
  queue: RemediationJobs;
  db: Database;
  kube: KubeOps;
  /** The settings, or a getter for the current ones (a reloaded config applies to the next job). */
  settings: RemediatorSettings | (() => RemediatorSettings);
  logger: Logger;
  /** Jobs run at a time by this process (REMEDIATION_CONCURRENCY). */
  concurrency?: number;
  playbooks?: ReadonlyMap<string, Playbook>;
  clock?: () => Date;
  /** How often awaiting_approval plans past their window are marked expired (default 60 s; 0 = never). */
  expireEveryMs?: number;
}

/**
 * Processes `remediation.run` jobs (DESIGN §6): every playbook through @kubernetes/client-node with server-side apply
 * as ztv-remediator, every step recorded in remediations and finding_events (see runner.ts).
 */
export class Remediator {
  private worker: JobWorker | undefined;
  private expiry: NodeJS.Timeout | undefined;
  private readonly log: Logger;

  constructor(private readonly opts: RemediatorOptions) {
    this.log = opts.logger.child({ component: 'remediator' });
  }

  start(): void {
    if (this.worker) return;
    const settings =
      typeof this.opts.settings === 'function'
        ? this.opts.settings
        : () => this.opts.settings as RemediatorSettings;
    const deps = {
      db: this.opts.db,
      kube: this.opts.kube,
      settings,
      playbooks: this.opts.playbooks ?? allPlaybooks,
      logger: this.log,
      clock: this.opts.clock ?? (() => new Date()),
    };
    this.worker = this.opts.queue.process(
      'remediation.run',
      (payload, ctx) =>
        inSpan(
          'remediation run',
          {
            parent: contextFrom(payload.traceparent),
            kind: SpanKind.CONSUMER,
            attributes: {
              'ztv.remediation': payload.remediationId,
              'ztv.playbook': payload.playbook,
              'ztv.attempt': ctx.attempt,
            },
          },
          () => runRemediation(deps, payload, ctx),
        ),
      { concurrency: this.opts.concurrency ?? 2 },
    );
    const every = this.opts.expireEveryMs ?? 60_000;
    if (every > 0) {
      this.expiry = setInterval(() => {
        expireRemediations(this.opts.db, deps.clock()).then(
          (expired) =>
            expired.length && this.log.info({ expired: expired.map((r) => r.id) }, 'approval windows ended'),
          (err: unknown) => this.log.warn({ err }, 'expiring remediations failed'),
        );
      }, every);
      this.expiry.unref();
    }
    this.log.info(
      { enabled: settings().enabled, playbooks: [...deps.playbooks.keys()] },
      'remediator started',
    );
  }

  /** Stops taking jobs and waits for the running ones. */
  async stop(): Promise<void> {
    clearInterval(this.expiry);
    this.expiry = undefined;
    await this.worker?.close();
    this.worker = undefined;
  }
}
