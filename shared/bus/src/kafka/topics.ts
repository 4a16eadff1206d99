import kafkajs, { type Admin } from 'kafkajs';
import { assertTopicMatches } from '../topic-check';
import type { TopicSpec } from '../types';

const { ConfigResourceTypes } = kafkajs;

/** Specs of the named topics that exist, read from the cluster (partition count, replicas, cleanup.policy). */
export async function describeKafkaTopics(admin: Admin, names: string[]): Promise<TopicSpec[]> {
  const existing = new Set(await admin.listTopics());
  const present = [...new Set(names)].filter((n) => existing.has(n));
  if (present.length === 0) return [];
  const [{ topics }, { resources }] = await Promise.all([
    admin.fetchTopicMetadata({ topics: present }),
    admin.describeConfigs({
      includeSynonyms: false,
      resources: present.map((name) => ({
        type: ConfigResourceTypes.TOPIC,
        name,
        configNames: ['cleanup.policy'],
      })),
    }),
  ]);
  const policy = new Map(
    resources.map((r) => [
      r.resourceName,
      r.configEntries.find((c) => c.configName === 'cleanup.policy')?.configValue ?? '',
    ]),
  );
  return topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.length,
    compacted: (policy.get(t.name) ?? '').split(',').includes('compact'),
    replicationFactor: t.partitions[0]?.replicas.length ?? 0,
  }));
}

/** Creates the missing topics, then checks every topic against its spec. */
export async function ensureKafkaTopics(admin: Admin, specs: TopicSpec[]): Promise<void> {
  if (specs.length === 0) return;
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((s) => !existing.has(s.name));
  if (missing.length > 0) {
    // Another process may create the same topics at the same time: kafkajs then reports TOPIC_ALREADY_EXISTS as
    // `false`, and the check below still holds both of us to the same spec.
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((s) => ({
          topic: s.name,
          numPartitions: s.partitions,
          // -1: the broker's default.replication.factor.
          replicationFactor: s.replicationFactor ?? -1,
          configEntries: s.compacted ? [{ name: 'cleanup.policy', value: 'compact' }] : [],
        })),
      });
    } catch (err) {
      // A KRaft broker can answer the metadata request kafkajs sends right after creating a topic with
      // UNKNOWN_TOPIC_OR_PARTITION while the topic propagates; kafkajs retries only LEADER_NOT_AVAILABLE.
      if (!isUnknownTopic(err)) throw err;
    }
    await waitForLeaders(admin, missing.map((s) => s.name));
  }
  const actual = new Map(
    (
      await describeKafkaTopics(
        admin,
        specs.map((s) => s.name),
      )
    ).map((t) => [t.name, t]),
  );
  for (const spec of specs) assertTopicMatches(spec, actual.get(spec.name));
}

/** True when kafkajs's error, or the error it wraps (retries exhausted), is a protocol error of one of `types`. */
function hasErrorType(err: unknown, types: ReadonlySet<string>): boolean {
  const e = err as { type?: string; cause?: { type?: string } } | undefined;
  return types.has(e?.type ?? '') || types.has(e?.cause?.type ?? '');
}

const UNKNOWN_TOPIC = new Set(['UNKNOWN_TOPIC_OR_PARTITION']);

function isUnknownTopic(err: unknown): boolean {
  return hasErrorType(err, UNKNOWN_TOPIC) || /does not host this topic-partition/.test(String(err));
}

/** Polls metadata until every partition of every topic has a leader (30 s at most). */
async function waitForLeaders(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: meta } = await admin.fetchTopicMetadata({ topics });
      if (meta.length === topics.length && meta.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (err) {
      if (!isUnknownTopic(err) && !/LEADER_NOT_AVAILABLE|leader/i.test(String(err))) throw err;
    }
    if (Date.now() > deadline) throw new Error(`topics ${topics.join(', ')} have no leader after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Errors a partition gives while its leadership moves or a new topic settles; worth a metadata refresh and a retry. */
const LEADERSHIP_ERRORS = new Set(['NOT_LEADER_FOR_PARTITION', 'LEADER_NOT_AVAILABLE', 'UNKNOWN_TOPIC_OR_PARTITION']);

export interface TopicOffsets {
  partition: number;
  high: string;
  low: string;
}

/**
 * `admin.fetchTopicOffsets`, retried while a partition's leadership settles. kafkajs gives up at once on
 * NOT_LEADER_FOR_PARTITION from ListOffsets, which a KRaft broker answers for a moment after a topic is created (the
 * metadata already names the leader) and any cluster answers during a leader election. Other errors, and leadership
 * errors that outlast `timeoutMs`, are thrown.
 */
export async function fetchSettledTopicOffsets(
  admin: Pick<Admin, 'fetchTopicOffsets' | 'fetchTopicMetadata'>,
  topic: string,
  timeoutMs = 30_000,
): Promise<TopicOffsets[]> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return (await admin.fetchTopicOffsets(topic)).map(({ partition, high, low }) => ({ partition, high, low }));
    } catch (err) {
      if (!hasErrorType(err, LEADERSHIP_ERRORS) || Date.now() >= deadline) throw err;
    }
    // A metadata request refreshes kafkajs's view of the leaders before the next try.
    await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, Math.min(50 * 2 ** (attempt - 1), 1_000)));
  }
}
