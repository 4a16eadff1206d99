import { appendFile, mkdtemp, rename, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '@ztv/telemetry';
import { BackpressureError } from '../../http/errors';
import { FileTail } from './file-tail';

const logger = createLogger({ name: 'tail-test', level: 'silent' });
let dir: string;
let path: string;
const tails: FileTail[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ztv-tail-'));
  path = join(dir, 'audit.log');
});
afterEach(async () => {
  await Promise.all(tails.splice(0).map((t) => t.stop()));
  await rm(dir, { recursive: true, force: true });
});

/** A tail that records every line it handled; `refuse` makes handling fail like Kafka being down. */
function tail(opts: { refuse?: () => boolean } = {}) {
  const seen: string[] = [];
  const t = new FileTail({
    path,
    stateFile: join(dir, 'state', 'pos.json'),
    pollMs: 20,
    logger,
    handle: async (b) => {
      if (opts.refuse?.()) throw new BackpressureError('kafka down');
      seen.push(...b.lines);
    },
  });
  tails.push(t);
  t.start();
  return { t, seen };
}

const lines = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i}`);
const write = (n: string[]) => appendFile(path, n.map((l) => `${l}\n`).join(''));

describe('FileTail', () => {
  it('reads new lines, waits for a line to end, and follows a rotation without losing or repeating a line', async () => {
    await write(lines(1, 3));
    const { seen } = tail();
    await vi.waitFor(() => expect(seen).toEqual(lines(1, 3)));
    await appendFile(path, 'line 4\nline 5 partial');
    await vi.waitFor(() => expect(seen).toEqual(lines(1, 4)));
    // logrotate: the old file is renamed and gets its last bytes, a new file takes its place.
    await appendFile(path, ' end\n');
    await rename(path, `${path}.1`);
    await appendFile(`${path}.1`, 'line 6 without newline');
    await write(lines(7, 8));
    await vi.waitFor(() => expect(seen).toEqual([...lines(1, 4), 'line 5 partial end', 'line 6 without newline', ...lines(7, 8)]));
  });

  it('reads a truncated file again from its start', async () => {
    await write(lines(1, 2));
    const { seen } = tail();
    await vi.waitFor(() => expect(seen).toHaveLength(2));
    await truncate(path, 0);
    await write(['after truncation']);
    await vi.waitFor(() => expect(seen).toEqual([...lines(1, 2), 'after truncation']));
  });

  it('does not advance while handling fails, and resumes where it stood', async () => {
    let down = true;
    await write(lines(1, 3));
    const { seen } = tail({ refuse: () => down });
    await new Promise((r) => setTimeout(r, 150));
    expect(seen).toEqual([]);
    down = false;
    await vi.waitFor(() => expect(seen).toEqual(lines(1, 3)));
  });

  it('after a restart neither skips nor repeats, also when the file was rotated while it was stopped', async () => {
    await write(lines(1, 3));
    const first = tail();
    await vi.waitFor(() => expect(first.seen).toEqual(lines(1, 3)));
    await first.t.stop();
    await write(lines(4, 5));
    await rename(path, `${path}.1`);
    await writeFile(path, lines(6, 7).map((l) => `${l}\n`).join(''));
    const second = tail();
    await vi.waitFor(() => expect(second.seen).toEqual(lines(4, 7)));
    await second.t.stop();
    await write(['line 8']);
    const third = tail();
    await vi.waitFor(() => expect(third.seen).toEqual(['line 8']));
  });
});
