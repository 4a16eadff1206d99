import type { z } from 'zod';
import { ztvEvent, type ZtvEvent } from './envelope';
import { compileParser } from './fast-parse';

/** ztvEvent compiled (see fast-parse): what every consumer runs on every record. */
export const ztvEventFastPath = compileParser(ztvEvent);

/**
 * ztvEvent.safeParse, answered by the compiled fast path when the event is valid (the common case) and by zod
 * otherwise: the same data for a valid event, zod's own error for an invalid one.
 */
export function safeParseZtvEvent(json: unknown): z.ZodSafeParseResult<ZtvEvent> {
  const event = ztvEventFastPath.parse(json);
  return event !== undefined ? { success: true, data: event } : ztvEvent.safeParse(json);
}

/**
 * safeParseZtvEvent for a value JSON.parse just returned (a consumed message): the same answer, faster (see
 * CompiledParser.parseJson). Anything else must go through safeParseZtvEvent.
 */
export function safeParseZtvEventJson(json: unknown): z.ZodSafeParseResult<ZtvEvent> {
  const event = ztvEventFastPath.parseJson(json);
  return event !== undefined ? { success: true, data: event } : ztvEvent.safeParse(json);
}

/** ztvEvent.parse through the fast path: the same event, or zod's ZodError. */
export function parseZtvEvent(json: unknown): ZtvEvent {
  return ztvEventFastPath.parse(json) ?? ztvEvent.parse(json);
}
