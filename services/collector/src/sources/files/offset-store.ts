import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';

/** Where a tail stands in a file: the file's identity (device + inode) and the byte offset after the last line handled. */
export const tailPosition = z.object({
  path: z.string(),
  dev: z.number(),
  ino: z.number(),
  offset: z.number().int().min(0),
});
export type TailPosition = z.infer<typeof tailPosition>;

/**
 * A tail's position in a small JSON file, replaced atomically (write + rename), so a crash leaves either the old
 * position or the new one. A file that does not parse is reported, never silently reset.
 */
export class OffsetStore {
  constructor(readonly file: string) {}

  async load(): Promise<TailPosition | undefined> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    const parsed = tailPosition.safeParse(JSON.parse(text));
    if (!parsed.success) throw new Error(`${this.file} is not a tail position: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    return parsed.data;
  }

  async save(p: TailPosition): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    await writeFile(tmp, `${JSON.stringify(p)}\n`);
    await rename(tmp, this.file);
  }
}
