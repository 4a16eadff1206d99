import type { ZtvEvent } from '@ztv/events';
import type { StoryStep } from './story';

export interface ReplayOptions {
  /** Wall-clock length of the story's hour (default one minute). */
  durationMs?: number;
  publish(events: ZtvEvent[]): Promise<void>;
  narrate?(line: string): void;
  signal?: AbortSignal;
}

/** Replays the story with its hour compressed to `durationMs`. Resolves when the last step was published. */
export async function replayStory(steps: StoryStep[], opts: ReplayOptions): Promise<void> {
  const scale = (opts.durationMs ?? 60_000) / 60;
  const start = Date.now();
  for (const step of steps) {
    const due = start + step.minute * scale;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait, opts.signal);
    if (opts.signal?.aborted) return;
    if (step.narration) opts.narrate?.(`[story +${String(Math.floor(step.minute)).padStart(2, '0')}m] ${step.narration}`);
    await opts.publish(step.events);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });
}
