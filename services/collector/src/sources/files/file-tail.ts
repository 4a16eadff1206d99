import { open, readdir, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Logger } from '@ztv/telemetry';
import { OffsetStore, type TailPosition } from './offset-store';

/** Complete lines read from a file, and where the next read starts. */
export interface TailBatch {
  lines: string[];
  path: string;
  /** Byte offset just after the batch's last line. */
  endOffset: number;
}

export interface FileTailOptions {
  path: string;
  /** JSON file holding the position (see OffsetStore). */
  stateFile: string;
  pollMs: number;
  logger: Logger;
  /** Handles a batch; throwing (BackpressureError or anything) leaves the position where it was, to retry. */
  handle(batch: TailBatch): Promise<void>;
  /**
   * 'handled' (default): the position is saved after every handled batch. 'manual': only through `checkpoint()`,
   * for sources whose batches are acknowledged later (flow windows).
   */
  commit?: 'handled' | 'manual';
  maxChunkBytes?: number;
}

interface Open {
  fh: FileHandle;
  path: string;
  dev: number;
  ino: number;
  offset: number;
  /** The position is inside a line (one longer than a chunk was cut). */
  midLine?: boolean;
}

/**
 * Follows a log file the way logrotate and kube-apiserver's own rotation leave it. A new inode at the path is a
 * rotation: the old file is read to its end (a last line without a newline included) before the new one is read
 * from its start. A file shorter than the position was truncated (copytruncate) and is read again from the
 * start. The position (inode + offset) is saved only after a batch is handled, so a restart neither skips nor
 * repeats; when the file was rotated while the collector was down, the old file is found by its inode in the
 * same directory and finished first. While `handle` fails, the tail does not advance.
 */
export class FileTail {
  private readonly store: OffsetStore;
  private current: Open | undefined;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly opts: FileTailOptions) {
    this.store = new OffsetStore(opts.stateFile);
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    await this.current?.fh.close();
    this.current = undefined;
  }

  /** The position read so far, and a function that saves it (call it once what was read is acknowledged). */
  checkpoint(): (() => Promise<void>) | undefined {
    const c = this.current;
    if (!c) return undefined;
    const p: TailPosition = { path: c.path, dev: c.dev, ino: c.ino, offset: c.offset };
    return () => this.store.save(p);
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        const progressed = await this.step();
        failures = 0;
        if (!progressed) await this.sleep(this.opts.pollMs);
      } catch (err) {
        failures++;
        if (failures === 1 || failures % 20 === 0) this.opts.logger.warn({ err, path: this.opts.path, failures }, 'file tail cannot advance; retrying');
        await this.sleep(Math.min(this.opts.pollMs * 2 ** Math.min(failures, 6), 10_000));
      }
    }
  }

  /** One read: true when lines were handled or the file changed, false when there was nothing new. */
  private async step(): Promise<boolean> {
    if (!this.current) return this.openAtSavedPosition();
    const c = this.current;
    const size = (await c.fh.stat()).size;
    if (size < c.offset || (size > c.offset && c.offset > 0 && !c.midLine && !(await this.endsLineAt(c)))) {
      this.opts.logger.warn({ path: c.path, offset: c.offset, size }, 'file was truncated; reading it again from the start');
      c.offset = 0;
      return true;
    }
    if (size > c.offset && (await this.readLines(c, size, false))) return true;
    const atPath = await stat(this.opts.path).catch(() => undefined);
    if (!atPath || (atPath.ino === c.ino && atPath.dev === c.dev)) return false;
    // Rotated: the old file is read to its end (a last line without a newline counts), then the new one from its start.
    if (size > c.offset) return this.readLines(c, size, true);
    await c.fh.close();
    this.current = undefined;
    const next = await this.openFile(this.opts.path, 0);
    if (!next) return false;
    this.current = next;
    if (this.opts.commit !== 'manual') await this.save(next);
    this.opts.logger.info({ path: this.opts.path }, 'file rotated; reading the new file');
    return true;
  }

  private async openAtSavedPosition(): Promise<boolean> {
    const saved = await this.store.load();
    const atPath = await stat(this.opts.path).catch(() => undefined);
    if (!atPath) return false;
    if (saved && (saved.ino !== atPath.ino || saved.dev !== atPath.dev)) {
      // Rotated while the collector was down: finish the old file first if it is still there.
      const old = await this.findByInode(saved);
      if (old) {
        this.current = await this.openFile(old, saved.offset);
        if (this.current) return true;
      }
      this.opts.logger.warn({ path: this.opts.path, lost: saved }, 'the file read before was rotated away and is gone; lines after the saved offset may be missing');
    }
    const same = saved && saved.ino === atPath.ino && saved.dev === atPath.dev;
    this.current = await this.openFile(this.opts.path, same ? saved.offset : 0);
    return this.current !== undefined;
  }

  private async readLines(c: Open, size: number, final: boolean): Promise<boolean> {
    const max = this.opts.maxChunkBytes ?? 1024 * 1024;
    const length = Math.min(size - c.offset, max);
    const buf = Buffer.alloc(length);
    const { bytesRead } = await c.fh.read(buf, 0, length, c.offset);
    const chunk = buf.subarray(0, bytesRead);
    let end = chunk.lastIndexOf(0x0a) + 1;
    // A line longer than a chunk, or a file's last line without a newline once the file is rotated away.
    if (end === 0 && (bytesRead === max || final)) end = bytesRead;
    if (final && size - c.offset <= max) end = bytesRead;
    if (end === 0) return false;
    const text = chunk.subarray(0, end).toString('utf8');
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    await this.opts.handle({ lines: lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l)), path: c.path, endOffset: c.offset + end });
    c.offset += end;
    c.midLine = chunk[end - 1] !== 0x0a;
    if (this.opts.commit !== 'manual') await this.save(c);
    return true;
  }

  /** Whether the byte before the position is a newline: if not, the file was truncated and written again since. */
  private async endsLineAt(c: Open): Promise<boolean> {
    const b = Buffer.alloc(1);
    const { bytesRead } = await c.fh.read(b, 0, 1, c.offset - 1);
    return bytesRead === 1 && b[0] === 0x0a;
  }

  private async openFile(path: string, offset: number): Promise<Open | undefined> {
    const fh = await open(path, 'r').catch(() => undefined);
    if (!fh) return undefined;
    const st = await fh.stat();
    return { fh, path, dev: st.dev, ino: st.ino, offset: offset > st.size ? 0 : offset };
  }

  private async findByInode(saved: TailPosition): Promise<string | undefined> {
    const dir = dirname(this.opts.path);
    const prefix = basename(this.opts.path).replace(/\.[^.]*$/, '');
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      if (!name.startsWith(prefix)) continue;
      const st = await stat(join(dir, name)).catch(() => undefined);
      if (st && st.ino === saved.ino && st.dev === saved.dev) return join(dir, name);
    }
    return undefined;
  }

  private save(c: Open): Promise<void> {
    return this.store.save({ path: c.path, dev: c.dev, ino: c.ino, offset: c.offset });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }
}
