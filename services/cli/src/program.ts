import { Command, CommanderError } from 'commander';
import { registerEvaluate } from './commands/evaluate';
import { registerOperateCommands } from './commands/operate';
import { registerServices } from './commands/services';
import { registerStart } from './commands/start';
import { UsageError, type Io } from './io';

export const version = '0.1.0';

/** The `ztv` command. Returns the exit code; never calls process.exit itself. */
export async function runCli(argv: string[], io: Io): Promise<number> {
  const program = new Command('ztv')
    .description('ztv, the Zero-Trust Verifier: continuous verification of a Kubernetes cluster\'s zero-trust posture')
    .version(version)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s.trimEnd()), writeErr: (s) => io.stderr(s.trimEnd()) })
    .showHelpAfterError('(run with --help for usage)');
  registerEvaluate(program, io);
  registerServices(program, io);
  registerStart(program, io);
  registerOperateCommands(program, io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return io.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit 0; any other commander error is a usage error.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof UsageError) {
      io.stderr(`ztv: ${err.message}`);
      return 2;
    }
    io.stderr(`ztv: ${(err as Error).message}`);
    return 2;
  }
}
