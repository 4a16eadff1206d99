import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { ztvEvent, type ZtvEvent } from '@ztv/events';
import { FormatError } from '../errors';
import { parseText } from '../engine/parse-text';
import type { ParseContext, ParseResult } from '../types';

/** Test helpers only: fixture paths, a fixed context, and the checks every parsed fixture must pass. */
export const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');
export const localFixtures = resolve(repoRoot, 'shared/formats/test-fixtures');
export const sharedFixtures = resolve(repoRoot, '../shared/fixtures');

export const OBSERVED_AT = '2026-03-14T09:30:00Z';

export function ctx(extra: Partial<ParseContext> = {}): ParseContext {
  return { cluster: 'test', observedAt: OBSERVED_AT, ...extra };
}

/** A copied fixture (test-fixtures/, travels with the package). */
export function local(rel: string): string {
  return readFileSync(join(localFixtures, rel), 'utf8');
}

/** The shared corpus directory; a missing corpus is a failure with a clear message, never a skip. */
export function requireSharedFixtures(dir = sharedFixtures): string {
  if (!existsSync(join(dir, 'SOURCES.md'))) {
    throw new Error(
      `The shared fixture corpus is missing: expected ${dir}/SOURCES.md. These tests read the real ` +
        'samples from ../shared/fixtures next to the repository; check that folder out (the core tests use test-fixtures/).',
    );
  }
  return dir;
}

export function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => (statSync(join(dir, e)).isDirectory() ? walk(join(dir, e)) : [join(dir, e)]));
}

/** parseText over a copied fixture, with the fixture's path as the file name. */
export function parseLocal(rel: string, extra: Partial<ParseContext> = {}): ParseResult {
  return parseText(local(rel), ctx({ file: rel, ...extra }));
}

/** Every event fits the envelope; every error is a FormatError that names the file and a line. */
export function expectWellFormed(r: ParseResult, file?: string): void {
  for (const e of r.events) expect(() => ztvEvent.parse(e)).not.toThrow();
  for (const e of r.errors) {
    expect(e).toBeInstanceOf(FormatError);
    if (file) expect(e.file).toBe(file);
    expect(e.line, e.message).toBeGreaterThanOrEqual(1);
  }
}

export function ofType<T extends ZtvEvent['type']>(events: ZtvEvent[], type: T): Extract<ZtvEvent, { type: T }>[] {
  return events.filter((e): e is Extract<ZtvEvent, { type: T }> => e.type === type);
}
