import { context, propagation, trace, SpanKind } from '@opentelemetry/api';
import { core, node, tracing } from '@opentelemetry/sdk-node';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { currentTraceparent, inRequestSpan, inSpan, inSpanSync } from './tracing';

const exporter = new tracing.InMemorySpanExporter();
const provider = new node.NodeTracerProvider({ spanProcessors: [new tracing.SimpleSpanProcessor(exporter)] });
provider.register({ propagator: new core.W3CTraceContextPropagator() });

describe('tracing helpers', () => {
  beforeEach(() => exporter.reset());
  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
    propagation.disable();
    context.disable();
  });

  it('inRequestSpan is the SERVER span continuing the caller when no HTTP span is active', async () => {
    const tp = await inRequestSpan('req', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', { a: 1 }, async () => currentTraceparent());
    const [span] = exporter.getFinishedSpans();
    expect(span!.kind).toBe(SpanKind.SERVER);
    expect(span!.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(span!.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(tp).toBe(`00-4bf92f3577b34da6a3ce929d0e0e4736-${span!.spanContext().spanId}-01`);
  });

  it('inRequestSpan is an INTERNAL child of an active server span and ignores the header then', async () => {
    await inSpan('http', { kind: SpanKind.SERVER }, () =>
      inRequestSpan('req', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', {}, async () => undefined),
    );
    const [req, http] = exporter.getFinishedSpans();
    expect(req!.kind).toBe(SpanKind.INTERNAL);
    expect(req!.parentSpanContext?.spanId).toBe(http!.spanContext().spanId);
    expect(req!.spanContext().traceId).toBe(http!.spanContext().traceId);
  });

  it('inSpanSync runs synchronously in a child span, ends it, and records a throw', () => {
    const parent = propagation.extract(context.active(), { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' });
    let inside: string | undefined;
    const out = inSpanSync('evaluate', { parent, kind: SpanKind.CONSUMER, attributes: { 'ztv.event.type': 'flow' } }, () => {
      inside = currentTraceparent();
      return 42;
    });
    expect(out).toBe(42); // not a promise
    const [span] = exporter.getFinishedSpans();
    expect(span!.kind).toBe(SpanKind.CONSUMER);
    expect(span!.attributes['ztv.event.type']).toBe('flow');
    expect(span!.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(inside).toBe(`00-4bf92f3577b34da6a3ce929d0e0e4736-${span!.spanContext().spanId}-01`);
    expect(() => inSpanSync('boom', {}, () => { throw new Error('bad rule'); })).toThrow('bad rule');
    const boom = exporter.getFinishedSpans()[1]!;
    expect(boom.status).toEqual({ code: 2, message: 'bad rule' });
    expect(boom.events.map((e) => e.name)).toEqual(['exception']);
  });

  it('inRequestSpan starts a new trace without a header (or with several, which is not W3C)', async () => {
    await inRequestSpan('req', ['00-a', '00-b'], {}, async () => undefined);
    expect(exporter.getFinishedSpans()[0]!.parentSpanContext).toBeUndefined();
  });
});
