import { join } from 'node:path';
import type { Command } from 'commander';
import { UsageError, type Io } from '../io';
import { action, CliFailure, exitCodes, exitCodesHelp, outputFormat } from './support';

interface TokenCreateOptions {
  role: string;
  name?: string;
  output: string;
  embedded?: boolean;
  dataDir?: string;
}

export function registerToken(program: Command, io: Io): void {
  const token = program
    .command('token')
    .description('API tokens (stored hashed; roles viewer < operator < admin)')
    .addHelpText('after', `\nRoles: viewer reads (and runs read-only SQL); operator also acknowledges, resolves, suppresses, silences and requests remediations; admin also approves or rejects remediations and manages tokens.\n${exitCodesHelp}`);
  token
    .command('create')
    .description('create an API token and print it once (it is stored only as a SHA-256 hash)')
    .requiredOption('--role <role>', 'viewer | operator | admin')
    .option('--name <name>', 'who holds it; recorded as the actor of every change made with it (default: <role>-<time>)')
    .option('-o, --output <format>', 'table (the token alone on stdout) | json', 'table')
    .option('--embedded', 'write to the embedded store (PGlite under --data-dir) instead of DATABASE_URL; stop `ztv start --embedded` first')
    .option('--data-dir <dir>', 'the embedded store directory (default: ZTV_DATA_DIR or .ztv)')
    .addHelpText('after', '\nTalks to the database directly (DATABASE_URL), so it works before any token exists.\n  ztv token create --role admin --name alice')
    .action(
      action(io, async (opts: TokenCreateOptions) => {
        const format = outputFormat(opts.output);
        const { apiTokenRoles, createApiToken, ApiTokenNameTakenError, openEmbeddedStore, openStore } = await import('@ztv/store');
        if (!(apiTokenRoles as readonly string[]).includes(opts.role)) throw new UsageError(`--role must be one of ${apiTokenRoles.join(', ')} (got "${opts.role}")`);
        const name = opts.name ?? `${opts.role}-${io.now().toISOString().slice(0, 19).replace(/[-:T]/g, '')}`;
        if (!/^[\w.@:-]+( [\w.@:-]+)*$/.test(name) || name.length > 100) throw new UsageError('--name: letters, digits and . _ - @ : (single spaces between words), at most 100 characters');
        const { loadEnv } = await import('@ztv/config');
        const env = loadEnv();
        const store = opts.embedded ? await openEmbeddedStore({ dataDir: join(opts.dataDir ?? env.ZTV_DATA_DIR, 'pgdata') }) : openStore({ url: env.DATABASE_URL, poolSize: 1 });
        try {
          const { token: value, info } = await createApiToken(store.db, { name, role: opts.role as (typeof apiTokenRoles)[number], now: io.now() });
          if (format === 'json') io.stdout(JSON.stringify({ token: value, id: info.id, name: info.name, role: info.role }, null, 2));
          else {
            io.stdout(value);
            io.stderr(`created ${info.role} token "${info.name}" (${info.id}); this is the only time it is shown`);
          }
        } catch (err) {
          if (err instanceof ApiTokenNameTakenError) throw new CliFailure(err.message, exitCodes.refused);
          const code = (err as { code?: string }).code;
          if (code === '42P01') throw new CliFailure('the database has no api_tokens table: run `ztv migrate` first', exitCodes.refused);
          throw new CliFailure(`cannot create the token: ${(err as Error).message}`, exitCodes.unavailable);
        } finally {
          await store.close();
        }
      }),
    );
}
