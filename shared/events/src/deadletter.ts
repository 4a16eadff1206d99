import { z } from 'zod';

export const pipelineStages = ['ingest', 'parse', 'validate', 'produce', 'evaluate', 'alert', 'notify', 'remediate'] as const;

/** What goes to ztv.deadletter.v1: the raw bytes, where it came from, which stage refused it and why. */
export const deadLetter = z.object({
  id: z.string(),
  source: z.string(),
  stage: z.enum(pipelineStages),
  reason: z.string(),
  /** The raw payload, base64 (it may not be text). */
  rawBase64: z.string(),
  /** Where the payload was read from, when it came off a topic. */
  origin: z.object({ topic: z.string(), partition: z.number().int(), offset: z.string() }).optional(),
  time: z.string(),
});
export type DeadLetter = z.infer<typeof deadLetter>;
