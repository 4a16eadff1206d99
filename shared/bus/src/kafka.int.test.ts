import { randomUUID } from 'node:crypto';
import kafkajs, { type PartitionAssigner } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventLogContract, waitFor } from './contract';
import { createKafkaEventLog } from './kafka/event-log';
import type { KafkaConsumerTuning } from './kafka/consumer';
import type { BusLogger, ConsumedRecord } from './types';

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string[];
  }
}

const { AssignerProtocol, ConfigResourceTypes, Kafka, logLevel } = kafkajs;
const brokers = inject('kafkaBrokers');
const uid = (): string => randomUUID().slice(0, 8);

// Short fetch waits and heartbeats keep stops and rebalances at well under a second on the shared test broker.
const tuning: KafkaConsumerTuning = {
  maxWaitTimeInMs: 100,
  heartbeatInterval: 300,
  sessionTimeout: 10_000,
  handlerRetry: { initialMs: 50, maxMs: 500 },
  recreateDelayMs: 300,
};
const makeLog = (logger?: BusLogger) =>
  createKafkaEventLog({ brokers, clientId: 'ztv-bus-test', consumer: tuning, logger });

eventLogContract('kafka', () => makeLog());

describe('kafka event log', () => {
  const admin = new Kafka({ brokers, clientId: 'ztv-bus-test-admin', logLevel: logLevel.NOTHING }).admin();
  beforeAll(() => admin.connect());
  afterAll(() => admin.disconnect());

  it('creates compacted topics with cleanup.policy=compact on the broker', async () => {
    const log = makeLog();
    const [compacted, plain] = [`ztv-test-${uid()}`, `ztv-test-${uid()}`];
    await log.ensureTopics([
      { name: compacted, partitions: 2, compacted: true },
      { name: plain, partitions: 2 },
    ]);
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [compacted, plain].map((name) => ({
        type: ConfigResourceTypes.TOPIC,
        name,
        configNames: ['cleanup.policy'],
      })),
    });
    const policy = Object.fromEntries(
      resources.map((r) => [r.resourceName, r.configEntries[0]?.configValue]),
    );
    expect(policy).toEqual({ [compacted]: 'compact', [plain]: 'delete' });
    await log.close();
  });

  it('replaces a consumer that crashed with an error kafkajs does not restart on', async () => {
    const topic = `ztv-test-${uid()}`;
    const groupId = `g-${uid()}`;
    const messages: string[] = [];
    const logger: BusLogger = {
      error: (_, msg) => messages.push(msg),
      warn: (_, msg) => messages.push(msg),
      info: () => undefined,
    };
    const log = makeLog(logger);
    await log.ensureTopics([{ name: topic, partitions: 1 }]);

    // A member speaking another assignment protocol holds the group: joining it fails with the non-retriable
    // INCONSISTENT_GROUP_PROTOCOL, and kafkajs gives up on that consumer for good.
    const squatter = new Kafka({
      brokers,
      clientId: 'ztv-bus-test-squatter',
      logLevel: logLevel.NOTHING,
    }).consumer({
      groupId,
      partitionAssigners: [otherProtocol],
      maxWaitTimeInMs: 100,
    });
    await squatter.connect();
    await squatter.subscribe({ topics: [topic] });
    await squatter.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: async () => undefined });

    const seen: ConsumedRecord[] = [];
    await log.consume({
      groupId,
      topics: [topic],
      fromBeginning: true,
      handleBatch: async (b) => void seen.push(...b.records),
    });
    await waitFor('a crash', () => messages.includes('kafka consumer crashed; replacing it'));
    await squatter.disconnect();

    const p = await log.producer();
    await p.send([{ topic, key: 'prod/ns', value: 'after the crash' }]);
    await waitFor('the record', () => seen.length > 0);
    expect(String(seen[0]?.value)).toBe('after the crash');
    await log.close();
  });
});

/** A round-robin assigner under another name. */
const otherProtocol: PartitionAssigner = (config) => {
  const inner = kafkajs.PartitionAssigners.roundRobin(config);
  return {
    name: 'ZtvOtherProtocol',
    version: 0,
    assign: (group) => inner.assign(group),
    protocol: ({ topics }) => ({
      name: 'ZtvOtherProtocol',
      metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }),
    }),
  };
};
