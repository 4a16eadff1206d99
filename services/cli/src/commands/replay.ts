import type { Command } from 'commander';
import { UsageError, type Io } from '../io';
import { action, CliFailure, exitCodes, exitCodesHelp } from './support';

interface ReplayOptions {
  to: string;
  brokers?: string;
  topicPrefix?: string;
  cluster?: string;
  format?: string;
  batch: string;
  strict?: boolean;
}

/**
 * `ztv replay <files...> --to kafka`: reads any supported format, normalizes it exactly as the collector does, and
 * produces the events to their topics (resources that reach every namespace to the global table too).
 */
export function registerReplay(program: Command, io: Io): void {
  program
    .command('replay')
    .description('produce the normalized events of files (any supported format) to Kafka, to exercise a deployment')
    .argument('<files...>', 'input files (audit logs, manifests, Hubble flows, Envoy logs, certificates, ...)')
    .requiredOption('--to <sink>', 'where to: kafka')
    .option('--brokers <list>', 'host:port,… (default: KAFKA_BROKERS)')
    .option('--topic-prefix <prefix>', 'topic name prefix (default: ZTV_TOPIC_PREFIX)')
    .option('--cluster <name>', 'cluster name in keys and subjects (default: ZTV_CLUSTER)')
    .option('--format <id>', 'read every file as this format instead of detecting it')
    .option('--batch <n>', 'events per produce request', '500')
    .option('--strict', 'exit 2 when a record cannot be parsed (default: report it on stderr and go on)')
    .addHelpText('after', `\nEvents keep their ids, so replaying the same file twice changes no finding (DESIGN §1).\n  ztv replay audit.log --to kafka --brokers kafka:9092\n${exitCodesHelp}`)
    .action(
      action(io, async (files: string[], opts: ReplayOptions) => {
        if (opts.to !== 'kafka') throw new UsageError(`--to must be kafka (got "${opts.to}")`);
        const batch = Number(opts.batch);
        if (!Number.isInteger(batch) || batch < 1) throw new UsageError(`--batch must be a positive integer (got "${opts.batch}")`);
        const { isFormatId, readFileEvents } = await import('@ztv/formats');
        if (opts.format && !isFormatId(opts.format)) throw new UsageError(`--format: unknown format "${opts.format}"`);
        const { loadEnv } = await import('@ztv/config');
        const { createKafkaEventLog, encodeEvent, topicSpecs } = await import('@ztv/bus');
        const { isGlobalResource, topicNames } = await import('@ztv/events');
        const env = loadEnv();
        const brokers = opts.brokers ? opts.brokers.split(',').map((b) => b.trim()).filter(Boolean) : env.KAFKA_BROKERS;
        const topics = topicNames(opts.topicPrefix ?? env.ZTV_TOPIC_PREFIX);
        const cluster = opts.cluster ?? env.ZTV_CLUSTER;
        const log = createKafkaEventLog({ brokers, clientId: `${env.KAFKA_CLIENT_ID}-replay` });
        let produced = 0;
        let malformed = 0;
        try {
          await log.ensureTopics(topicSpecs(topics, env.ZTV_PARTITIONS, env.KAFKA_REPLICATION_FACTOR));
          const producer = await log.producer();
          let pending: Parameters<typeof producer.send>[0] = [];
          const flush = async () => {
            if (!pending.length) return;
            await producer.send(pending);
            pending = [];
          };
          for (const file of files) {
            const ctx = { cluster, file, observedAt: io.now().toISOString(), ...(opts.format ? { format: opts.format as never } : {}) };
            for await (const item of readFileEvents(file, ctx)) {
              if (!item.ok) {
                malformed++;
                io.stderr(`${item.error.file ?? file}:${item.error.line ?? 0}: ${item.error.reason}`);
                continue;
              }
              const record = encodeEvent(topics, item.event);
              pending.push(record);
              if (isGlobalResource(item.event, env.MESH_ROOT_NAMESPACE)) pending.push({ ...record, topic: topics.global });
              produced++;
              if (pending.length >= batch) await flush();
            }
          }
          await flush();
        } catch (err) {
          if (err instanceof UsageError) throw err;
          throw new CliFailure(`Kafka at ${brokers.join(',')} did not take the events: ${(err as Error).message}`, exitCodes.unavailable);
        } finally {
          await log.close();
        }
        io.stdout(`${produced} event(s) produced to ${brokers.join(',')} from ${files.length} file(s); ${malformed} malformed record(s)`);
        if (opts.strict && malformed > 0) io.exitCode = exitCodes.usage;
      }),
    );
}
