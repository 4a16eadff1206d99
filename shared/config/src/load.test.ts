import { describe, expect, it } from 'vitest';
import { loadEnv, ConfigError } from './index';

describe('loadEnv', () => {
  it('applies documented defaults', () => {
    const env = loadEnv({});
    expect(env.ZTV_CLUSTER).toBe('default');
    expect(env.KAFKA_BROKERS).toEqual(['127.0.0.1:9092']);
    expect(env.COLLECTOR_BODY_LIMIT).toBe(10 * 1024 * 1024);
  });

  it('parses lists and numbers', () => {
    const env = loadEnv({ KAFKA_BROKERS: 'a:1, b:2', ZTV_PARTITIONS: '3', COLLECTOR_TOKENS: 't1,t2' });
    expect(env.KAFKA_BROKERS).toEqual(['a:1', 'b:2']);
    expect(env.ZTV_PARTITIONS).toBe(3);
    expect(env.COLLECTOR_TOKENS).toEqual(['t1', 't2']);
  });

  it('names the variable and what it expects', () => {
    expect(() => loadEnv({ KAFKA_BROKERS: 'nohostport' })).toThrow(ConfigError);
    expect(() => loadEnv({ KAFKA_BROKERS: 'nohostport' })).toThrow(/KAFKA_BROKERS.*host:port/);
    expect(() => loadEnv({ ZTV_PARTITIONS: 'many' })).toThrow(/ZTV_PARTITIONS/);
  });
});
