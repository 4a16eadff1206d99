import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryEventLog, topicSpecs, type EventLog, type Producer } from '@ztv/bus';
import { topicNames, type FlowEvent } from '@ztv/events';
import { parseText } from '@ztv/formats';
import { createLogger } from '@ztv/telemetry';
import { BackpressureError } from '../http/errors';
import { EventSink } from '../sink';
import { sharedFixture } from '../test-support';
import { FlowPipeline } from './flow-pipeline';

const topics = topicNames('');
let log: EventLog;
afterEach(() => log?.close());

const flows = parseText(sharedFixture('hubble/hubble-otel-basic-sample-400-udp-flows.first120.json'), {
  cluster: 'c',
  observedAt: '2026-03-14T09:30:00Z',
}).events.filter((e): e is FlowEvent => e.type === 'flow');

async function setup() {
  log = createMemoryEventLog();
  await log.ensureTopics(topicSpecs(topics, 1));
  const inner = await log.producer();
  const state = { down: false };
  const producer: Producer = {
    send: async (r) => {
      if (state.down) throw new Error('broker unavailable');
      await inner.send(r);
    },
    close: () => inner.close(),
  };
  const pipeline = new FlowPipeline({
    source: 'test',
    sink: new EventSink(producer, { meshRootNamespace: 'istio-system' }),
    logger: createLogger({ name: 'pipeline-test', level: 'silent' }),
    windowMs: 60_000,
    maxAggregates: 1000,
    retryAfterSeconds: 2,
  });
  return { pipeline, state };
}

async function produced(): Promise<FlowEvent[]> {
  const out: FlowEvent[] = [];
  const c = await log.consume({ groupId: `g${Math.random()}`, topics: [topics.flows], fromBeginning: true, handleBatch: async (b) => void out.push(...b.records.map((r) => JSON.parse(String(r.value)) as FlowEvent)) });
  await new Promise((r) => setTimeout(r, 100));
  await c.stop();
  return out;
}

describe('FlowPipeline', () => {
  it('publishes a window as aggregates and runs the seal hooks once Kafka has them', async () => {
    const { pipeline } = await setup();
    const committed: number[] = [];
    let read = 0;
    pipeline.addSealHook(() => {
      const at = read;
      return () => void committed.push(at);
    });
    read = flows.length;
    pipeline.accept(flows);
    expect(await pipeline.flush()).toBe(true);
    const events = await produced();
    expect(events.reduce((n, e) => n + e.data.count, 0)).toBe(flows.length);
    expect(committed).toEqual([flows.length]);
  });

  it('keeps a window Kafka refused, refuses new flows meanwhile, and publishes it once when Kafka is back', async () => {
    const { pipeline, state } = await setup();
    const committed: string[] = [];
    pipeline.addSealHook(() => () => void committed.push('window'));
    pipeline.accept(flows.slice(0, 60));
    state.down = true;
    expect(await pipeline.flush()).toBe(false);
    expect(pipeline.healthy).toBe(false);
    expect(() => pipeline.accept(flows.slice(60))).toThrow(BackpressureError);
    expect(committed).toEqual([]);
    state.down = false;
    expect(await pipeline.flush()).toBe(true);
    pipeline.accept(flows.slice(60));
    expect(await pipeline.flush()).toBe(true);
    const events = await produced();
    expect(events.reduce((n, e) => n + e.data.count, 0)).toBe(flows.length);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(committed).toEqual(['window', 'window']);
  });
});
