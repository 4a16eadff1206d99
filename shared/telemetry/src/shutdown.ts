import type { Logger } from 'pino';

type Closer = { name: string; close: () => Promise<void> };

/** A shutdown registry with a time limit (trigger.dev style): closes in reverse order of registration. */
export class ShutdownRegistry {
  private readonly closers: Closer[] = [];
  private closing: Promise<void> | undefined;

  constructor(private readonly logger: Logger, private readonly timeoutMs = 15_000) {}

  register(name: string, close: () => Promise<void>): void {
    this.closers.push({ name, close });
  }

  /** Installs SIGTERM/SIGINT handlers that shut down once and then exit. */
  installSignalHandlers(exit: (code: number) => void): void {
    for (const sig of ['SIGTERM', 'SIGINT'] as const) {
      process.once(sig, () => {
        this.logger.info({ signal: sig }, 'shutting down');
        void this.shutdown().then(() => exit(0), () => exit(1));
      });
    }
  }

  shutdown(): Promise<void> {
    this.closing ??= this.run();
    return this.closing;
  }

  private async run(): Promise<void> {
    const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), this.timeoutMs).unref());
    for (const c of [...this.closers].reverse()) {
      const r = await Promise.race([c.close().then(() => 'ok' as const, (e: unknown) => e), timer]);
      if (r === 'timeout') {
        this.logger.error({ closer: c.name }, 'shutdown timed out');
        return;
      }
      if (r !== 'ok') this.logger.error({ closer: c.name, err: r }, 'close failed');
    }
  }
}
