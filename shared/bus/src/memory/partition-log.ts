export interface StoredRecord {
  offset: number;
  key: string;
  value: Buffer;
  headers: Record<string, string>;
  timestamp: string;
  /** A later record has the same key (compacted topics only). */
  superseded?: boolean;
}

/** Records this far behind the end are never compacted away, like the records of Kafka's active segment. */
const COMPACTION_LAG = 1000;

/**
 * One partition: an append-only list of records with increasing offsets. A compacted partition drops older records
 * of a key once enough have piled up; any other partition keeps the newest `retain` records.
 */
export class PartitionLog {
  private entries: StoredRecord[] = [];
  private next = 0;
  private readonly latestByKey = new Map<string, StoredRecord>();
  private supersededCount = 0;
  private cleanAt = COMPACTION_LAG;

  constructor(
    private readonly compacted: boolean,
    private readonly retain: number,
  ) {}

  get startOffset(): number {
    return this.entries[0]?.offset ?? this.next;
  }

  get endOffset(): number {
    return this.next;
  }

  append(r: Omit<StoredRecord, 'offset'>): void {
    const rec: StoredRecord = { ...r, offset: this.next++ };
    this.entries.push(rec);
    if (this.compacted) this.supersede(rec);
    else if (this.entries.length > this.retain * 1.25)
      this.entries.splice(0, this.entries.length - this.retain);
  }

  /** Up to `max` records from the first offset >= `from`. */
  read(from: number, max: number): StoredRecord[] {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.entries[mid]?.offset ?? Infinity) < from) lo = mid + 1;
      else hi = mid;
    }
    return this.entries.slice(lo, lo + max);
  }

  private supersede(rec: StoredRecord): void {
    const prev = this.latestByKey.get(rec.key);
    this.latestByKey.set(rec.key, rec);
    if (!prev) return;
    prev.superseded = true;
    this.supersededCount += 1;
    if (this.supersededCount < this.cleanAt) return;
    const keepFrom = this.next - COMPACTION_LAG;
    this.entries = this.entries.filter((e) => !e.superseded || e.offset >= keepFrom);
    this.supersededCount = this.entries.filter((e) => e.superseded).length;
    // Amortized O(1) per append: the next pass waits for as many new superseded records as half the log.
    this.cleanAt = this.supersededCount + Math.max(COMPACTION_LAG, this.entries.length / 2);
  }
}
