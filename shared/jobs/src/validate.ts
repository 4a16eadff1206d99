import type { JobCatalog, JobDefinition } from './catalog';
import { JobPayloadError } from './errors';
import type { EnqueueOptions } from './port';

export function definitionOf(catalog: JobCatalog, job: string): JobDefinition {
  const def = Object.hasOwn(catalog, job) ? catalog[job] : undefined;
  if (!def) throw new JobPayloadError(job, [`unknown job (known: ${Object.keys(catalog).join(', ')})`]);
  return def;
}

/** Every key names its own definition, attempts ≥ 1: checked once when an adapter is created. */
export function assertCatalog(catalog: JobCatalog): void {
  for (const [key, def] of Object.entries(catalog)) {
    if (def.job !== key) throw new Error(`job catalog: key "${key}" holds job "${def.job}"`);
    if (!Number.isInteger(def.attempts) || def.attempts < 1)
      throw new Error(`job catalog: "${key}" needs attempts ≥ 1`);
  }
}

/** The payload as it will be stored: validated, defaults applied, and JSON round-tripped (as Redis would). */
export function parsePayload(def: JobDefinition, payload: unknown): unknown {
  return JSON.parse(JSON.stringify(validatePayload(def, payload))) as unknown;
}

/** The payload validated, defaults applied; for a queue that serialises it to JSON itself (BullMQ). */
export function validatePayload(def: JobDefinition, payload: unknown): unknown {
  const r = def.schema.safeParse(payload);
  if (!r.success) throw new JobPayloadError(def.job, issuesOf(r.error.issues));
  return r.data;
}

export function issuesOf(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string[] {
  return issues.slice(0, 5).map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
}

export function assertEnqueueOptions(job: string, opts: EnqueueOptions): void {
  const id = opts?.jobId;
  // BullMQ refuses integer-looking custom ids (they collide with its own counter); both adapters refuse them.
  if (typeof id !== 'string' || id.length === 0 || id.length > 512 || /\s/.test(id) || /^\d+$/.test(id)) {
    throw new JobPayloadError(job, ['jobId: a deterministic, non-numeric id without whitespace is required']);
  }
  if (opts.delayMs !== undefined && !(Number.isFinite(opts.delayMs) && opts.delayMs >= 0)) {
    throw new JobPayloadError(job, ['delayMs: a non-negative number of milliseconds']);
  }
}
