import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
// ioredis is a dependency of @ztv/jobs, hoisted to the root node_modules by npm workspaces.
import { Redis } from 'ioredis';

const run = promisify(execFile);

declare module 'vitest' {
  // Provided by global-setup.ts; declared here too so that a test importing these helpers gets a typed
  // inject('redisUrl') without declaring it itself (as postgres.ts does for databaseTemplateUrl).
  export interface ProvidedContext {
    redisUrl: string;
  }
}

const defaultUrl = 'redis://127.0.0.1:6379';
const startArgs = [
  '--daemonize',
  'yes',
  '--bind',
  '127.0.0.1',
  '--port',
  '6379',
  '--save',
  '',
  '--appendonly',
  'no',
];
const startCommand = 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no';

/**
 * Finds Redis at REDIS_URL (default redis://127.0.0.1:6379), or starts a throwaway local one without persistence when
 * the default address is silent, and returns its URL. Fails with the command to run when neither works.
 */
export async function ensureRedis(): Promise<string> {
  const url = process.env.REDIS_URL ?? defaultUrl;
  if (await pings(url)) return url;
  if (url === defaultUrl || url === `${defaultUrl}/`) {
    await run('redis-server', startArgs).catch(() => undefined);
    for (let i = 0; i < 20; i++) {
      if (await pings(url)) return url;
      await sleep(250);
    }
  }
  throw new Error(
    `Redis is not reachable at ${redact(url)}: start it with \`${startCommand}\` or set REDIS_URL`,
  );
}

/** A queue prefix of its own for one test, so tests sharing a Redis never see each other's jobs (STYLE §10). */
export function uniqueQueuePrefix(): string {
  return `ztv-test-${randomBytes(6).toString('hex')}`;
}

/** Deletes every key under each of `prefixes` (what tests with their own queue prefix leave behind). */
export async function deleteQueuePrefixes(url: string, prefixes: Iterable<string>): Promise<void> {
  const redis = new Redis(url);
  try {
    for (const prefix of prefixes)
      for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 1000 }) as AsyncIterable<
        string[]
      >)
        if (keys.length) await redis.del(...keys);
  } finally {
    await redis.quit();
  }
}

async function pings(url: string): Promise<boolean> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 2_000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // Without a listener a refused connection is reported as an unhandled 'error' event.
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}
