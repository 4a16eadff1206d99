import type { ClockData } from '@ztv/events';
import type { RulesConfig } from '../config';
import type { StateSlice } from './cluster-state';
import { isoMillis } from './iso-time';

export interface ClockReading {
  data: ClockData;
  /** Event time of the reading, ms. */
  at: number;
  eventId: string;
}

/** A node's last reading per kind of method: chrony/timex measure the clock itself; lease readings are indirect. */
export interface NodeClock {
  precise?: ClockReading;
  lease?: ClockReading;
}

export type ClockState = Map<string, NodeClock>;

/**
 * The reading that speaks for a node: its chrony/timex reading, unless that is more than
 * `preciseClockReadingMaxAgeSeconds` older than its newest lease reading (the probe stopped reporting).
 */
export function effectiveReading(n: NodeClock, config: RulesConfig): ClockReading | undefined {
  const { precise, lease } = n;
  if (!precise) return lease;
  if (!lease) return precise;
  return lease.at - precise.at > config.preciseClockReadingMaxAgeSeconds * 1000 ? lease : precise;
}

/** Last clock reading per node and method; a Node delete forgets the node. */
export const clockSlice: StateSlice<ClockState> = {
  on: ['clock', 'k8s.resource'],
  name: 'clocks',
  init: () => new Map(),
  apply(s, e) {
    if (e.type === 'k8s.resource' && e.data.kind === 'Node' && e.data.op === 'delete') {
      s.delete(e.data.name);
      return;
    }
    if (e.type !== 'clock') return;
    const r: ClockReading = { data: e.data, at: isoMillis(e.time), eventId: e.id };
    let n = s.get(e.data.node);
    if (!n) s.set(e.data.node, (n = {}));
    const slot = e.data.method === 'lease' ? 'lease' : 'precise';
    const cur = n[slot];
    // Readings can arrive out of order (batches, retries): an older one never overwrites a newer one.
    if (!cur || r.at >= cur.at) n[slot] = r;
  },
};
