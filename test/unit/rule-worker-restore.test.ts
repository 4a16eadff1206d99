import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryEventLog, encodeEvent, topicSpecs, type ConsumedRecord, type EventLog } from '@ztv/bus';
import { signal as signalSchema, topicNames, type Signal, type ZtvEvent } from '@ztv/events';
import { baselineRules, defaultRulesConfig, RuleEngine } from '@ztv/rules';
import { createLogger } from '@ztv/telemetry';
import { RuleWorker } from '@ztv/rule-worker';
import { churnStream } from '../../shared/rules/src/engine/test-churn';
import { resourceEvent } from '../../shared/rules/src/testing';

/*
 * The rule-worker's restore at start: the resource tables are replayed into a partial state first, so signals of the
 * replay are held and only the latest per finding goes out once caught up — no finding opened for what was merely not
 * read yet. Against the in-memory event log (the contract tests hold it to Kafka's semantics).
 */

const topics = topicNames('restore');
const now = new Date('2026-03-14T12:00:00Z');
const logger = createLogger({ name: 'restore-test', level: 'silent' });
const rulesConfig = defaultRulesConfig();

const workers: RuleWorker[] = [];
const logs: EventLog[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()));
  await Promise.all(logs.splice(0).map((l) => l.close()));
});

async function logWith(events: ZtvEvent[]): Promise<EventLog> {
  const log = createMemoryEventLog({ maxBatchSize: 25 });
  logs.push(log);
  await log.ensureTopics(topicSpecs(topics, 3));
  await produce(log, events);
  return log;
}

async function produce(log: EventLog, events: ZtvEvent[]): Promise<void> {
  const p = await log.producer();
  await p.send(events.map((e) => encodeEvent(topics, e)));
  await p.close();
}

function worker(log: EventLog, more: { restoreIdleMs?: number } = {}): RuleWorker {
  const w = new RuleWorker({ eventLog: log, logger, cluster: 'c', rulesConfig, groupId: `rw-${workers.length}`, topicPrefix: 'restore', clock: () => now, ...more });
  workers.push(w);
  return w;
}

/** Every signal on the signals topic so far (a group of its own, from the beginning, until nothing new comes). */
async function signalsOn(log: EventLog): Promise<Signal[]> {
  const seen: ConsumedRecord[] = [];
  const c = await log.consume({ groupId: `read-${Math.random()}`, topics: [topics.signals], fromBeginning: true, handleBatch: async (b) => void seen.push(...b.records) });
  let last = -1;
  while (last !== seen.length) {
    last = seen.length;
    await new Promise((r) => setTimeout(r, 150));
  }
  await c.stop();
  return seen.map((r) => signalSchema.parse(JSON.parse(String(r.value))));
}

/** What an engine built from scratch over `events` has firing: fingerprint → rule. */
function firingAfter(events: ZtvEvent[]): Map<string, string> {
  const engine = new RuleEngine({ rules: baselineRules, config: rulesConfig, cluster: 'c', clock: () => now });
  for (const e of events) engine.load(e);
  return new Map(engine.snapshot().signals.filter((s) => !s.suppressedBy).map((s) => [s.fingerprint, s.ruleId]));
}

const firingIn = (signals: Signal[]) => signals.filter((s) => s.transition === 'firing' && !s.suppressedBy);

describe('rule-worker restore at start', () => {
  const tables = churnStream(11, 5, 600).filter((e) => e.type === 'k8s.resource');

  it('the churn really has conditions that hold for a while and clear (else this proves nothing)', () => {
    const engine = new RuleEngine({ rules: baselineRules, config: rulesConfig, cluster: 'c', clock: () => now });
    const fired = new Set(tables.flatMap((e) => firingIn(engine.process(e).signals).map((s) => s.fingerprint)));
    const final = firingAfter(tables);
    expect([...fired].filter((fp) => !final.has(fp)).length).toBeGreaterThan(10);
    expect(final.size).toBeGreaterThan(5);
  });

  it('sends, once caught up, one firing signal per finding that still holds and none for one that came and went', async () => {
    const log = await logWith(tables);
    const w = worker(log);
    await w.start();
    expect(w.restored).toBe(true);
    const sent = await signalsOn(log);
    const final = firingAfter(tables);
    const firing = firingIn(sent);
    expect(new Set(firing.map((s) => s.fingerprint))).toEqual(new Set(final.keys()));
    expect(firing).toHaveLength(final.size); // one each
    // Whatever else went out is a resolution: harmless for a finding never opened, and the news for one that was.
    expect(sent.filter((s) => s.transition !== 'firing' && !s.suppressedBy).every((s) => s.transition === 'resolved')).toBe(true);
    expect(sent.filter((s) => s.transition === 'resolved').every((s) => !final.has(s.fingerprint))).toBe(true);
  });

  it('evaluates as it goes once restored', async () => {
    const log = await logWith(tables);
    const w = worker(log);
    await w.start();
    const before = new Set((await signalsOn(log)).map((s) => s.signalId));
    // A namespace with a bare pod and nothing else, after the restore: its findings go out as they arise.
    const late = [
      resourceEvent({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'late', uid: 'ns-late' } }),
      resourceEvent({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'shell', namespace: 'late', uid: 'pod-late' }, spec: { containers: [{ name: 'sh', image: 'busybox:1.36', securityContext: { privileged: true } }] } }),
    ];
    await produce(log, late);
    const expected = [...firingAfter([...tables, ...late]).keys()].filter((fp) => !firingAfter(tables).has(fp));
    expect(expected.length).toBeGreaterThan(0);
    await expect
      .poll(async () => new Set(firingIn((await signalsOn(log)).filter((s) => !before.has(s.signalId))).map((s) => s.fingerprint)), { timeout: 10_000 })
      .toEqual(new Set(expected));
  });

  it('goes on after restoreIdleMs when a table never reaches the end it was told, and sends what it held', async () => {
    const log = await logWith(tables);
    // A partition whose tail never arrives (as a compacted-away tombstone could leave it).
    const short: EventLog = {
      ...log,
      endOffsets: async (t) => (await log.endOffsets(t)).map((e, i) => (i === 0 ? { ...e, offset: String(Number(e.offset) + 5) } : e)),
    };
    const w = worker(short, { restoreIdleMs: 400 });
    const t0 = Date.now();
    await w.start();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(400);
    expect(w.restored).toBe(true);
    expect(new Set(firingIn(await signalsOn(log)).map((s) => s.fingerprint))).toEqual(new Set(firingAfter(tables).keys()));
  });

  it('starts at once on empty tables', async () => {
    const log = await logWith([]);
    const w = worker(log, { restoreIdleMs: 60_000 });
    const t0 = Date.now();
    await w.start();
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(w.restored).toBe(true);
  });
});
