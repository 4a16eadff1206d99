import type { Database } from '@ztv/store';
import type { Logger } from '@ztv/telemetry';
import type { RemediatorSettings } from './config';
import type { KubeOps } from './kube-ops';
import type { Playbook } from './playbooks/types';
import { reasonOf, type Phase } from './record';

export interface RunnerDeps {
  db: Database;
  kube: KubeOps;
  /** Read on every run, so a reloaded config (or a flipped kill switch) applies to the next job. */
  settings: () => RemediatorSettings;
  playbooks: ReadonlyMap<string, Playbook>;
  logger: Logger;
  clock: () => Date;
}

/** A failure and the phase it happened in, for the record. */
export class PhaseError extends Error {
  override readonly name = 'PhaseError';

  constructor(
    readonly phase: Phase,
    override readonly cause: unknown,
  ) {
    super(reasonOf(cause));
  }
}
