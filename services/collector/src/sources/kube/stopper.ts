/** A stop signal that interrupts sleeps and runs registered callbacks once. */
export class Stopper {
  stopped = false;
  private readonly listeners = new Set<() => void>();

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const l of [...this.listeners]) l();
    this.listeners.clear();
  }

  /** Runs `fn` on stop (at once if already stopped); returns an unregister function. */
  onStop(fn: () => void): () => void {
    if (this.stopped) {
      fn();
      return () => undefined;
    }
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Sleeps `ms`, or less when stopped meanwhile. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const off = this.onStop(done);
      function done(): void {
        clearTimeout(timer);
        off();
        resolve();
      }
    });
  }
}
