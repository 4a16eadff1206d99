import kafkajs, { type Admin } from 'kafkajs';
import type { BusLogger, ConsumeOptions, Consumer, EventLog, Producer, TopicSpec } from '../types';
import { BusClosedError } from '../errors';
import { KafkaConsumerLoop, type KafkaConsumerTuning } from './consumer';
import { kafkajsLogCreator } from './log-creator';
import { createKafkaProducer } from './producer';
import { describeKafkaTopics, ensureKafkaTopics, fetchSettledTopicOffsets } from './topics';

const { Kafka, logLevel } = kafkajs;

export interface KafkaEventLogOptions {
  brokers: string[];
  clientId: string;
  /** Receives kafkajs's warnings and errors and the bus's own; without it they are dropped. */
  logger?: BusLogger;
  consumer?: KafkaConsumerTuning;
}

/** The production EventLog: kafkajs against real brokers. */
export function createKafkaEventLog(opts: KafkaEventLogOptions): EventLog {
  const kafka = new Kafka({
    brokers: opts.brokers,
    clientId: opts.clientId,
    logLevel: logLevel.WARN,
    logCreator: kafkajsLogCreator(opts.logger),
  });
  const producers = new Set<Producer>();
  const consumers = new Set<Consumer>();
  let admin: Promise<Admin> | undefined;
  let closed = false;

  const getAdmin = (): Promise<Admin> => {
    if (closed) throw new BusClosedError('event log');
    if (!admin) {
      const a = kafka.admin();
      admin = a.connect().then(() => a);
      admin.catch(() => (admin = undefined));
    }
    return admin;
  };

  return {
    async ensureTopics(specs: TopicSpec[]) {
      await ensureKafkaTopics(await getAdmin(), specs);
    },
    async describeTopics(names: string[]) {
      return describeKafkaTopics(await getAdmin(), names);
    },
    async endOffsets(topics: string[]) {
      const a = await getAdmin();
      const existing = new Set(await a.listTopics());
      const present = [...new Set(topics)].filter((t) => existing.has(t));
      const per = await Promise.all(
        present.map(async (topic) =>
          (await fetchSettledTopicOffsets(a, topic))
            .map((p) => ({ topic, partition: p.partition, offset: p.high }))
            .sort((x, y) => x.partition - y.partition),
        ),
      );
      return per.flat();
    },
    async producer() {
      if (closed) throw new BusClosedError('event log');
      const p = await createKafkaProducer(kafka, (closedOne) => producers.delete(closedOne));
      producers.add(p);
      return p;
    },
    async consume(o: ConsumeOptions) {
      if (closed) throw new BusClosedError('event log');
      const loop = new KafkaConsumerLoop(kafka, o, opts.consumer ?? {}, opts.logger);
      await loop.start();
      const handle: Consumer = {
        async stop() {
          consumers.delete(handle);
          await loop.stop();
        },
      };
      consumers.add(handle);
      return handle;
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.allSettled([...consumers].map((c) => c.stop()));
      await Promise.allSettled([...producers].map((p) => p.close()));
      const a = await admin?.catch(() => undefined);
      await a?.disconnect();
    },
  };
}
