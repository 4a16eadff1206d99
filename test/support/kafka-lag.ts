import { fetchSettledTopicOffsets } from '@ztv/bus';
import { Kafka, logLevel } from 'kafkajs';

/**
 * Waits until a consumer group has committed up to the end of every partition of `topics` (no lag), i.e. it has
 * handled everything produced so far. Fails with the remaining lag after `timeoutMs`.
 */
export async function waitForNoLag(brokers: string[], groupId: string, topics: string[], timeoutMs = 60_000): Promise<void> {
  const admin = new Kafka({ brokers, clientId: 'ztv-test-lag', logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const deadline = Date.now() + timeoutMs;
  let lag: Record<string, number> = {};
  try {
    for (;;) {
      lag = {};
      const committed = await admin.fetchOffsets({ groupId, topics });
      for (const t of committed) {
        const ends = await fetchSettledTopicOffsets(admin, t.topic);
        for (const p of t.partitions) {
          const end = Number(ends.find((e) => e.partition === p.partition)?.high ?? 0);
          const at = Number(p.offset) < 0 ? 0 : Number(p.offset);
          if (end > at) lag[`${t.topic}[${p.partition}]`] = end - at;
        }
      }
      if (Object.keys(lag).length === 0) return;
      if (Date.now() > deadline) throw new Error(`group ${groupId} still has lag after ${timeoutMs} ms: ${JSON.stringify(lag)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await admin.disconnect();
  }
}

/** The number of records in a topic (sum of high-water marks; topics here are never truncated). */
export async function topicRecordCount(brokers: string[], topic: string): Promise<number> {
  const admin = new Kafka({ brokers, clientId: 'ztv-test-count', logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const offsets = await fetchSettledTopicOffsets(admin, topic);
    return offsets.reduce((n, o) => n + Number(o.high) - Number(o.low), 0);
  } finally {
    await admin.disconnect();
  }
}

/** Every record of a topic, read from the beginning with a throwaway group until `count` arrived. */
export async function readTopic(brokers: string[], topic: string, count: number, timeoutMs = 30_000): Promise<{ key: string | null; value: string; headers: Record<string, string> }[]> {
  const kafka = new Kafka({ brokers, clientId: 'ztv-test-read', logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `ztv-test-read-${Math.random().toString(36).slice(2)}` });
  const out: { key: string | null; value: string; headers: Record<string, string> }[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const done = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`read ${out.length}/${count} records of ${topic} in ${timeoutMs} ms`)), timeoutMs);
    void consumer.run({
      eachMessage: async ({ message }) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
        out.push({ key: message.key?.toString() ?? null, value: message.value?.toString() ?? '', headers });
        if (out.length >= count) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  try {
    await done;
  } finally {
    await consumer.disconnect();
  }
  return out;
}
