import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import kafkajs from 'kafkajs';

const run = promisify(execFile);

/**
 * Where a single-node KRaft broker (broker + controller in one JVM) keeps its config, logs and data.
 *
 * Kafka stays on 3.9.x (see pom.xml): kafkajs 2.2.4 tops out at old versions of several protocol APIs, and 3.9 is
 * the last line that still accepts every version kafkajs uses (Kafka 4.0 removed the old ones, KIP-896).
 */
export interface BrokerLayout {
  dir: string;
  port: number;
  controllerPort: number;
}

const serverProperties = (l: BrokerLayout): string => join(l.dir, 'server.properties');
const log4jProperties = (l: BrokerLayout): string => join(l.dir, 'log4j.properties');

export async function writeBrokerConfig(l: BrokerLayout): Promise<void> {
  await mkdir(join(l.dir, 'data'), { recursive: true });
  const server = {
    'process.roles': 'broker,controller',
    'node.id': '1',
    'controller.quorum.voters': `1@127.0.0.1:${l.controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${l.port},CONTROLLER://127.0.0.1:${l.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${l.port}`,
    'controller.listener.names': 'CONTROLLER',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name': 'PLAINTEXT',
    'log.dirs': join(l.dir, 'data'),
    'num.partitions': '1',
    'offsets.topic.replication.factor': '1',
    // One partition instead of 50: the offsets topic is created on the first group and 50 logs cost seconds.
    'offsets.topic.num.partitions': '1',
    'transaction.state.log.replication.factor': '1',
    'transaction.state.log.min.isr': '1',
    'group.initial.rebalance.delay.ms': '0',
    'auto.create.topics.enable': 'false',
    // The cleaner's dedupe buffer defaults to 128 MiB of a 768 MiB heap; tests compact little.
    'log.cleaner.dedupe.buffer.size': String(16 * 1024 * 1024),
  };
  const log4j = {
    'log4j.rootLogger': 'WARN, file',
    'log4j.appender.file': 'org.apache.log4j.FileAppender',
    'log4j.appender.file.File': join(l.dir, 'server.log'),
    'log4j.appender.file.layout': 'org.apache.log4j.PatternLayout',
    'log4j.appender.file.layout.ConversionPattern': '[%d] %p %m (%c)%n',
  };
  await writeFile(serverProperties(l), toProperties(server));
  await writeFile(log4jProperties(l), toProperties(log4j));
}

/** Formats the data directory for a new cluster id, unless it was formatted before (infra:up reuses its data). */
export async function formatStorage(classpath: string, l: BrokerLayout): Promise<void> {
  if (existsSync(join(l.dir, 'data', 'meta.properties'))) return;
  const clusterId = (await storageTool(classpath, ['random-uuid'])).trim();
  await storageTool(classpath, ['format', '-t', clusterId, '-c', serverProperties(l)]);
}

async function storageTool(classpath: string, args: string[]): Promise<string> {
  try {
    return (await run('java', ['-cp', classpath, 'kafka.tools.StorageTool', ...args])).stdout;
  } catch (e) {
    // The error's own message starts with the whole classpath: keep what the tool said instead.
    const { stdout = '', stderr = '' } = e as { stdout?: string; stderr?: string };
    const said = `${stdout}${stderr}`.split('\n').filter((line) => line && !line.startsWith('log4j:'));
    throw new Error(`kafka.tools.StorageTool ${args[0]} failed:\n${said.slice(-20).join('\n')}`, {
      cause: e,
    });
  }
}

/**
 * Starts the broker JVM. Attached (`detached: false`) it dies with this process even on SIGKILL where Linux's
 * parent-death signal is available (setpriv); detached it outlives it (infra:up).
 */
export function spawnBroker(classpath: string, l: BrokerLayout, opts: { detached: boolean }): ChildProcess {
  const out = openSync(join(l.dir, 'stdout.log'), 'a');
  const java = [
    'java',
    '-Xmx768m',
    `-Dlog4j.configuration=file:${log4jProperties(l)}`,
    '-cp',
    classpath,
    'kafka.Kafka',
    serverProperties(l),
  ];
  const command = !opts.detached && onPath('setpriv') ? ['setpriv', '--pdeathsig', 'KILL', ...java] : java;
  try {
    return spawn(command[0] as string, command.slice(1), {
      stdio: ['ignore', out, out],
      detached: opts.detached,
    });
  } finally {
    closeSync(out);
  }
}

/** Resolves once the broker answers metadata requests and a group coordinator is up; rejects at `deadline`. */
export async function waitForBroker(
  brokers: string[],
  deadline: number,
  gaveUp: () => boolean = () => false,
): Promise<void> {
  const kafka = new kafkajs.Kafka({
    brokers,
    clientId: 'ztv-test-harness',
    logLevel: kafkajs.logLevel.NOTHING,
    connectionTimeout: 1000,
    // This loop is the retry: kafkajs's own would back off for seconds on "connection refused" while the JVM starts.
    retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 300 },
  });
  let last: unknown;
  while (Date.now() < deadline && !gaveUp()) {
    const admin = kafka.admin({ retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 300 } });
    try {
      await admin.connect();
      await admin.describeCluster();
      // Finding the coordinator creates the offsets topic: once this answers, consumer groups work.
      await admin.describeGroups(['ztv-harness-probe']);
      return;
    } catch (e) {
      last = e;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `Kafka at ${brokers.join(',')} did not answer in time: ${last instanceof Error ? last.message : String(last)}`,
  );
}

/** The last lines of the broker's log and console output, for error messages. */
export async function logTail(l: BrokerLayout, lines = 40): Promise<string> {
  const parts: string[] = [];
  for (const file of ['server.log', 'stdout.log']) {
    const text = await readFile(join(l.dir, file), 'utf8').catch(() => '');
    if (text.trim())
      parts.push(`--- ${join(l.dir, file)} (tail)\n${text.trimEnd().split('\n').slice(-lines).join('\n')}`);
  }
  return parts.join('\n') || '(the broker wrote no log)';
}

/** A port nobody listens on right now (the broker binds it a moment later; a clash shows in its log). */
export function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  return Promise.all(
    servers.map(
      (s) =>
        new Promise<number>((resolve, reject) => {
          s.once('error', reject);
          s.listen(0, '127.0.0.1', () => resolve((s.address() as { port: number }).port));
        }),
    ),
  ).finally(() => servers.forEach((s) => s.close()));
}

function toProperties(p: Record<string, string>): string {
  return `${Object.entries(p)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n')}\n`;
}

function onPath(binary: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, binary)));
}
