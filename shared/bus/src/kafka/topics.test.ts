import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { fetchSettledTopicOffsets } from './topics';

// kafkajs's own error for a protocol error code, exactly as its ListOffsets response parser throws it.
const { createErrorFromCode } = createRequire(import.meta.url)('kafkajs/src/protocol/error.js') as {
  createErrorFromCode: (code: number) => Error;
};
const protocolError = (code: number): Error => createErrorFromCode(code);

function admin(failures: Error[]) {
  const calls = { offsets: 0, metadata: 0 };
  return {
    calls,
    fetchTopicOffsets: async (topic: string) => {
      calls.offsets++;
      const next = failures.shift();
      if (next) throw next;
      return [{ partition: 0, offset: '7', high: '7', low: '0' }].map((p) => ({ ...p, topic }));
    },
    fetchTopicMetadata: async () => {
      calls.metadata++;
      return { topics: [] };
    },
  };
}

describe('fetchSettledTopicOffsets', () => {
  it('retries NOT_LEADER_FOR_PARTITION and LEADER_NOT_AVAILABLE, refreshing metadata between tries', async () => {
    const a = admin([protocolError(6), protocolError(5), protocolError(6)]);
    expect(String(protocolError(6))).toMatch(/not the leader/);
    await expect(fetchSettledTopicOffsets(a as never, 't')).resolves.toEqual([{ partition: 0, high: '7', low: '0' }]);
    expect(a.calls).toEqual({ offsets: 4, metadata: 3 });
  });

  it('throws other errors at once', async () => {
    const a = admin([protocolError(29) /* TOPIC_AUTHORIZATION_FAILED */]);
    await expect(fetchSettledTopicOffsets(a as never, 't')).rejects.toThrow(/not authorized/i);
    expect(a.calls).toEqual({ offsets: 1, metadata: 0 });
  });

  it('throws the leadership error once it outlasts the timeout', async () => {
    const a = admin(Array.from({ length: 1000 }, () => protocolError(6)));
    await expect(fetchSettledTopicOffsets(a as never, 't', 300)).rejects.toThrow(/not the leader/);
    expect(a.calls.offsets).toBeGreaterThan(1);
    expect(a.calls.offsets).toBeLessThan(20);
  });
});
