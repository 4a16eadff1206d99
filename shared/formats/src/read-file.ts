import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { detectFormat } from './detect';
import { FormatError } from './errors';
import { HEAD_BYTES } from './engine/parse-text';
import { parseStream } from './engine/parse-stream';
import type { ParseContext, ParseItem } from './types';

/**
 * Streams the events of a file: detects its format from the name and first bytes (unless ctx.format is
 * set), then reads it line by line. The only function here that does I/O; a file that cannot be opened
 * is one FormatError item, like any other unreadable input.
 */
export async function* readFileEvents(path: string, ctx: ParseContext): AsyncGenerator<ParseItem> {
  const withFile = { ...ctx, file: ctx.file ?? path };
  let format = withFile.format;
  try {
    if (!format) {
      const fh = await open(path, 'r');
      try {
        const buf = Buffer.alloc(HEAD_BYTES);
        const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
        format = detectFormat(path, buf.subarray(0, bytesRead).toString('utf8'));
      } finally {
        await fh.close();
      }
    }
  } catch (e) {
    yield { ok: false, error: new FormatError({ file: withFile.file, reason: `cannot read file: ${(e as Error).message}`, cause: e }) };
    return;
  }
  try {
    // A read error mid-file surfaces here, through the stream's async iterator.
    yield* parseStream(createReadStream(path), { ...withFile, ...(format ? { format } : {}) });
  } catch (e) {
    const reason = `cannot read file: ${e instanceof Error ? e.message : String(e)}`;
    yield { ok: false, error: new FormatError({ file: withFile.file, format, reason, cause: e }) };
  }
}
