import type { Kafka, Message } from 'kafkajs';
import { BusClosedError } from '../errors';
import { namespacePartitioner } from '../partitioner';
import type { ProducedRecord, Producer } from '../types';

/** An idempotent, acks=all producer with the namespace partitioner. */
export async function createKafkaProducer(kafka: Kafka, onClose: (p: Producer) => void): Promise<Producer> {
  const producer = kafka.producer({
    idempotent: true,
    // kafkajs requires one request in flight per broker for idempotence (it cannot reorder retried batches).
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    // Passing a partitioner explicitly also silences kafkajs's "default partitioner changed" warning.
    createPartitioner: namespacePartitioner,
  });
  await producer.connect();
  let closed = false;

  const handle: Producer = {
    async send(records: ProducedRecord[]) {
      if (closed) throw new BusClosedError('producer');
      if (records.length === 0) return;
      const byTopic = new Map<string, Message[]>();
      for (const r of records) {
        let messages = byTopic.get(r.topic);
        if (!messages) byTopic.set(r.topic, (messages = []));
        messages.push({ key: r.key, value: r.value, headers: r.headers ?? {} });
      }
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      onClose(handle);
      await producer.disconnect();
    },
  };
  return handle;
}
