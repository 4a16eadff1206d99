import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  formatStorage,
  logTail,
  spawnBroker,
  waitForBroker,
  writeBrokerConfig,
  type BrokerLayout,
} from './broker';
import { kafkaClasspath, repoRoot, requireJava } from './classpath';
import { stopPid } from './process';

const dir = join(repoRoot, '.cache', 'kafka');
const pidFile = join(dir, 'broker.pid');

/** Starts a broker that outlives this command, on 9092/9093 with its data in .cache/kafka, for local runs. */
export async function kafkaUp(): Promise<string> {
  const layout: BrokerLayout = {
    dir,
    port: Number(process.env.KAFKA_PORT ?? 9092),
    controllerPort: Number(process.env.KAFKA_CONTROLLER_PORT ?? 9093),
  };
  const brokers = [`127.0.0.1:${layout.port}`];
  const running = await runningPid();
  if (running) return `already running (pid ${running}); use KAFKA_BROKERS=${brokers[0]}`;

  await requireJava();
  const classpath = await kafkaClasspath();
  await writeBrokerConfig(layout);
  await formatStorage(classpath, layout);
  const child = spawnBroker(classpath, layout, { detached: true });
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start java');
  await writeFile(pidFile, String(pid));
  try {
    await waitForBroker(brokers, Date.now() + 60_000, () => child.exitCode !== null);
  } catch (e) {
    await stopPid(pid);
    await rm(pidFile, { force: true });
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n${await logTail(layout)}`, { cause: e });
  }
  return `up on ${brokers[0]} (pid ${pid}, data in .cache/kafka); run tests against it with KAFKA_BROKERS=${brokers[0]}`;
}

export async function kafkaDown(): Promise<string> {
  const pid = await runningPid();
  if (!pid) return 'not running';
  await stopPid(pid);
  await rm(pidFile, { force: true });
  return `stopped (pid ${pid})`;
}

/** The pid in the pid file if that process is still our broker (pids get reused). */
async function runningPid(): Promise<number | undefined> {
  const pid = Number(await readFile(pidFile, 'utf8').catch(() => ''));
  if (!pid) return undefined;
  try {
    process.kill(pid, 0);
    const cmdline = `/proc/${pid}/cmdline`;
    if (!existsSync(cmdline) || (await readFile(cmdline, 'utf8')).includes('kafka.Kafka')) return pid;
  } catch {
    // not running
  }
  await rm(pidFile, { force: true });
  return undefined;
}
