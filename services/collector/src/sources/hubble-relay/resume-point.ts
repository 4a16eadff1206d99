/**
 * Where a Hubble stream resumes: the time of the last flow taken, and the flows taken at exactly that time
 * (GetFlows' `since` is inclusive, so they come again and are skipped).
 */
export class ResumePoint {
  private at: bigint | undefined;
  private atText: string | undefined;
  private readonly atInstant = new Set<string>();

  get time(): string | undefined {
    return this.atText;
  }

  /**
   * True for a flow at exactly the resume point that was already taken. Earlier flows are not skipped: a resumed
   * stream starts at the resume point, and an earlier one in a live stream is a late arrival from another node.
   */
  seen(time: string, id: string): boolean {
    const t = nanos(time);
    return t !== undefined && t === this.at && this.atInstant.has(id);
  }

  advance(time: string, id: string): void {
    const t = nanos(time);
    if (t === undefined) return;
    if (this.at === undefined || t > this.at) {
      this.at = t;
      this.atText = time;
      this.atInstant.clear();
    }
    if (t === this.at) this.atInstant.add(id);
  }
}

/** RFC 3339 → nanoseconds since the epoch (exact: Hubble times carry nanoseconds). */
export function nanos(time: string): bigint | undefined {
  const m = /^(.*?T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(time);
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) return undefined;
  return BigInt(ms) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
}
