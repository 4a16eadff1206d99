import type { Env } from '@ztv/config';
import type { JobQueue } from '@ztv/jobs';
import type { Store } from '@ztv/store';
import type { Logger } from '@ztv/telemetry';
import type { HttpMetrics } from './http/metrics';
import type { Semaphore } from './http/semaphore';

/** What every route may use; built once by ApiServer. */
export interface ApiDeps {
  env: Env;
  store: Store;
  logger: Logger;
  /** Remediation requests and approvals enqueue `remediation.run` here; without it they answer 503. */
  jobs: JobQueue | undefined;
  clock: () => Date;
  metrics: HttpMetrics;
  /** Bounds read-only queries running at once (API_SQL_CONCURRENCY). */
  sqlSlots: Semaphore;
}
