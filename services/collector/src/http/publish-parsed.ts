import type { FastifyReply } from 'fastify';
import type { ParseResult } from '@ztv/formats';
import type { SourceContext } from '../sources/types';
import { deadLettersFor } from './ingest';

/**
 * Publishes what a parser read from a pushed document, unreadable parts to the dead-letter topic, and answers:
 * 200 `{accepted, deadLettered, skipped}`, or 422 (after dead-lettering) when nothing at all could be read.
 * Kafka refusing the batch propagates as BackpressureError (503 + Retry-After).
 */
export async function publishParsed(ctx: SourceContext, source: string, r: ParseResult, input: string, reply: FastifyReply): Promise<FastifyReply> {
  const deadLetters = deadLettersFor(source, r.errors, input);
  ctx.counters.count(source, 'received', r.events.length + r.errors.length + r.skipped);
  await ctx.sink.publish(r.events, deadLetters);
  const body = { accepted: r.events.length, deadLettered: deadLetters.length, skipped: r.skipped };
  if (r.events.length === 0 && deadLetters.length > 0) {
    return reply.code(422).send({ error: 'unprocessable', message: deadLetters[0]?.reason ?? 'nothing could be read', ...body });
  }
  return reply.code(200).send(body);
}
