import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  formatStorage,
  freePorts,
  logTail,
  spawnBroker,
  waitForBroker,
  writeBrokerConfig,
  type BrokerLayout,
} from './kafka/broker';
import { kafkaClasspath, requireJava } from './kafka/classpath';
import { exited, stopChild } from './kafka/process';

export interface KafkaHandle {
  brokers: string[];
  stop(): Promise<void>;
}

const START_DEADLINE_MS = 60_000;

/**
 * A real Kafka broker for the test run: the one named by KAFKA_BROKERS if set (e.g. from `npm run infra:up`),
 * otherwise a fresh single-node KRaft broker (Apache Kafka 3.9.1 from Maven Central) in a temporary directory.
 */
export async function startKafka(): Promise<KafkaHandle> {
  const fromEnv = process.env.KAFKA_BROKERS?.trim();
  if (fromEnv) return useExisting(fromEnv.split(',').map((b) => b.trim()));

  await requireJava();
  const classpath = await kafkaClasspath();
  const [freePort = 0, freeControllerPort = 0] = await freePorts(2);
  const layout: BrokerLayout = {
    dir: await mkdtemp(join(tmpdir(), 'ztv-kafka-')),
    port: Number(process.env.KAFKA_PORT ?? freePort),
    controllerPort: Number(process.env.KAFKA_CONTROLLER_PORT ?? freeControllerPort),
  };
  const brokers = [`127.0.0.1:${layout.port}`];
  try {
    await writeBrokerConfig(layout);
    await formatStorage(classpath, layout);
  } catch (e) {
    await rm(layout.dir, { recursive: true, force: true });
    throw e;
  }

  const child = spawnBroker(classpath, layout, { detached: false });
  // The broker must not outlive the test run, however it ends.
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.on('exit', killOnExit);
  let gone = false;
  const exit = exited(child).then(() => (gone = true));
  const stop = async (): Promise<void> => {
    process.off('exit', killOnExit);
    await stopChild(child);
    await rm(layout.dir, { recursive: true, force: true });
  };

  try {
    await Promise.race([
      waitForBroker(brokers, Date.now() + START_DEADLINE_MS, () => gone),
      exit.then(() =>
        Promise.reject(new Error(`the Kafka broker exited (code ${child.exitCode ?? child.signalCode})`)),
      ),
    ]);
  } catch (e) {
    const tail = await logTail(layout);
    await stop();
    throw new Error(`Kafka did not start: ${e instanceof Error ? e.message : String(e)}\n${tail}`, {
      cause: e,
    });
  }
  return { brokers, stop };
}

async function useExisting(brokers: string[]): Promise<KafkaHandle> {
  try {
    await waitForBroker(brokers, Date.now() + 15_000);
  } catch (e) {
    throw new Error(
      `KAFKA_BROKERS=${brokers.join(',')} does not answer (${e instanceof Error ? e.message : String(e)}): start ` +
        'it with "npm run infra:up", or unset KAFKA_BROKERS to let the tests start their own broker',
      { cause: e },
    );
  }
  return { brokers, stop: async () => undefined };
}

/** A broker only one test uses, which it may stop and start again (same ports, same data). */
export interface PrivateBroker {
  brokers: string[];
  /** Controlled shutdown (SIGTERM); the data directory stays. */
  stop(): Promise<void>;
  /** Starts the stopped broker again on the same ports and data, and waits until it answers. */
  start(): Promise<void>;
  /** Stops it if running and deletes its data. */
  destroy(): Promise<void>;
}

/**
 * A second, private single-node KRaft broker, for a test that stops Kafka: stopping the run's shared broker would
 * break every other test file running at the same time. Always a fresh broker (KAFKA_BROKERS is not used).
 */
export async function startPrivateBroker(): Promise<PrivateBroker> {
  await requireJava();
  const classpath = await kafkaClasspath();
  const [port = 0, controllerPort = 0] = await freePorts(2);
  const layout: BrokerLayout = { dir: await mkdtemp(join(tmpdir(), 'ztv-kafka-private-')), port, controllerPort };
  const brokers = [`127.0.0.1:${layout.port}`];
  await writeBrokerConfig(layout);
  await formatStorage(classpath, layout);
  let child: ReturnType<typeof spawnBroker> | undefined;
  const killOnExit = (): void => void child?.kill('SIGKILL');
  process.on('exit', killOnExit);

  const stop = async (): Promise<void> => {
    if (child) await stopChild(child);
    child = undefined;
  };
  const start = async (): Promise<void> => {
    if (child) return;
    const c = spawnBroker(classpath, layout, { detached: false });
    child = c;
    let gone = false;
    const exit = exited(c).then(() => (gone = true));
    try {
      await Promise.race([
        waitForBroker(brokers, Date.now() + START_DEADLINE_MS, () => gone),
        exit.then(() => Promise.reject(new Error(`the private Kafka broker exited (code ${c.exitCode ?? c.signalCode})`))),
      ]);
    } catch (e) {
      await stop();
      throw new Error(`private Kafka did not start: ${e instanceof Error ? e.message : String(e)}\n${await logTail(layout)}`, { cause: e });
    }
  };
  try {
    await start();
  } catch (e) {
    process.off('exit', killOnExit);
    await rm(layout.dir, { recursive: true, force: true });
    throw e;
  }
  return {
    brokers,
    stop,
    start,
    async destroy() {
      await stop();
      process.off('exit', killOnExit);
      await rm(layout.dir, { recursive: true, force: true });
    },
  };
}
