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
