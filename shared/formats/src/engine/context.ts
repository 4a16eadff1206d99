import { z } from 'zod';
import { FormatError } from '../errors';
import { formatIds, type ParseContext } from '../types';

const contextSchema = z.object({
  cluster: z.string().min(1).max(253),
  observedAt: z.iso.datetime({ offset: true }),
  source: z.string().min(1).max(100).optional(),
  format: z.enum(formatIds).optional(),
});

/** A context every event built from it can carry: checked once per input, not once per event. */
export function contextProblem(ctx: ParseContext): FormatError | undefined {
  const r = contextSchema.safeParse(ctx);
  if (r.success) return undefined;
  const issue = r.error.issues[0];
  return new FormatError({
    file: ctx.file,
    format: ctx.format,
    reason: `invalid parse context: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}`,
  });
}
