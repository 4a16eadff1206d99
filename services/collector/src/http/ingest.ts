import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { DeadLetterInput } from '@ztv/bus';
import type { FormatError } from '@ztv/formats';

/** Content types read as text by the ingest endpoints (inside their own plugin scope only). */
export const TEXT_TYPES = ['text/plain', 'application/x-ndjson', 'application/jsonl', 'application/json-seq', 'application/x-jsonlines'];

/** Lets a plugin scope take bodies of these content types as strings (the body limit still applies). */
export function acceptText(scope: FastifyInstance, types: string[] = TEXT_TYPES): void {
  for (const t of types) {
    if (scope.hasContentTypeParser(t)) scope.removeContentTypeParser(t);
    scope.addContentTypeParser(t, { parseAs: 'string' }, (_req, body, done) => done(null, body));
  }
}

const name = z
  .string()
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'a Kubernetes name (lower-case letters, digits, "-" and ".")')
  .optional();

/** Where a pushed document came from: query parameters the pushing agent sets. */
export const originQuery = z.object({
  namespace: name,
  pod: name,
  node: name,
  podIp: z.union([z.ipv4(), z.ipv6()]).optional(),
});
export type OriginQuery = z.infer<typeof originQuery>;

/** The origin fields of a ParseContext, without undefined values. */
export function originContext(q: OriginQuery): { namespace?: string; pod?: string; node?: string; podIp?: string } {
  return Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined));
}

/** A 400 message from a zod error: `field: problem; ...`. */
export function issuesMessage(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

/**
 * Dead letters for what a parser could not read: the raw line when the error names one of `lines`, else the
 * whole input (bounded), with the parser's reason.
 */
export function deadLettersFor(source: string, errors: FormatError[], input: string, lines?: string[]): Omit<DeadLetterInput, 'time'>[] {
  const all = lines ?? input.split('\n');
  return errors.map((e) => ({
    source,
    stage: 'parse' as const,
    reason: e.message,
    raw: e.line !== undefined && all[e.line - 1] !== undefined ? (all[e.line - 1] as string) : input.slice(0, 64 * 1024),
  }));
}
