import { context, propagation, trace, type Context, type Span, SpanKind, SpanStatusCode } from '@opentelemetry/api';

const tracer = () => trace.getTracer('ztv');

/** The W3C traceparent of the active context (or of `ctx`), for Kafka headers and job payloads. */
export function currentTraceparent(ctx: Context = context.active()): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier.traceparent;
}

/** A context continuing the trace in `traceparent` (a Kafka header, a job payload field). */
export function contextFrom(traceparent: string | undefined): Context {
  if (!traceparent) return context.active();
  return propagation.extract(context.active(), { traceparent });
}

type SpanOptions = { parent?: Context; kind?: SpanKind; attributes?: Record<string, string | number | boolean> };

/** A span that is a child of `opts.parent` (or the active context), and the context it is active in. */
function startSpan(name: string, opts: SpanOptions): [Span, Context] {
  const parent = opts.parent ?? context.active();
  const span = tracer().startSpan(name, { kind: opts.kind ?? SpanKind.INTERNAL, attributes: opts.attributes }, parent);
  return [span, trace.setSpan(parent, span)];
}

function recordFailure(span: Span, err: unknown): void {
  span.recordException(err as Error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
}

/** Runs `fn` in a span that is a child of `parent` (or the active context), ending it on completion. */
export async function inSpan<T>(name: string, opts: SpanOptions, fn: (span: Span) => Promise<T>): Promise<T> {
  const [span, ctx] = startSpan(name, opts);
  try {
    return await context.with(ctx, () => fn(span));
  } catch (err) {
    recordFailure(span, err);
    throw err;
  } finally {
    span.end();
  }
}

/**
 * inSpan for synchronous work: the same span, ended before it returns, without a promise and a microtask turn per call
 * (the rule-worker evaluates every event in its own span: with tracing off that cost more than the span).
 */
export function inSpanSync<T>(name: string, opts: SpanOptions, fn: (span: Span) => T): T {
  const [span, ctx] = startSpan(name, opts);
  try {
    return context.with(ctx, fn, undefined, span);
  } catch (err) {
    recordFailure(span, err);
    throw err;
  } finally {
    span.end();
  }
}

/**
 * Runs `fn` in the span of an incoming request. Under the HTTP instrumentation the request already has a server span
 * (continuing the caller's `traceparent`), and this one is its child; without it, this one is the SERVER span and
 * continues `traceparent` (the header) itself. Extracting again under an active span would make a sibling.
 */
export function inRequestSpan<T>(
  name: string,
  traceparent: string | string[] | undefined,
  attributes: Record<string, string | number | boolean>,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const active = trace.getSpan(context.active());
  return inSpan(
    name,
    active
      ? { kind: SpanKind.INTERNAL, attributes }
      : { parent: contextFrom(typeof traceparent === 'string' ? traceparent : undefined), kind: SpanKind.SERVER, attributes },
    fn,
  );
}

export { SpanKind };
