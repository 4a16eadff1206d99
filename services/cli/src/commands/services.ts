import type { Command } from 'commander';
import type { Io } from '../io';

/** Service entrypoints (the container image's first argument picks one) and `migrate`. */
export function registerServices(program: Command, _io: Io): void {
  for (const [name, what] of [
    ['collector', 'audit webhook and ingest endpoints → Kafka'],
    ['rule-worker', 'evaluate events against the rule pack → signals'],
    ['alerter', 'signals → findings in Postgres, notifications'],
    ['remediator', 'remediation playbooks through the Kubernetes API'],
    ['api', 'HTTP API, read-only SQL and the dashboard'],
  ] as const) {
    program
      .command(name)
      .description(`run the ${name} service (${what}); configured by environment variables`)
      .action(async () => {
        await import(`../../../${name}/src/main.ts`);
      });
  }
  program
    .command('clock-probe')
    .description('run the node clock probe (the clock-probe DaemonSet): chronyc tracking → the collector; needs NODE_NAME')
    .action(async () => {
      await import('../../../collector/src/probe/probe-main');
    });
  program
    .command('migrate')
    .description('apply the database migrations in migrations/ to DATABASE_URL')
    .action(async () => {
      const { loadEnv } = await import('@ztv/config');
      const { openStore, migrate } = await import('@ztv/store');
      const store = openStore({ url: loadEnv().DATABASE_URL });
      try {
        await migrate(store);
      } finally {
        await store.close();
      }
    });
}
