import type { ConsumedRecord } from '@ztv/bus';
import { decodeRecord } from '@ztv/bus';
import { ztvEvent } from '@ztv/events';
import { describe, expect, it } from 'vitest';
import { decodeEvent } from './decode';

const record = (value: string | null): ConsumedRecord => ({
  topic: 'ztv.flows.v1',
  partition: 0,
  offset: '7',
  key: 'lab/shop',
  value: value === null ? null : Buffer.from(value, 'utf8'),
  headers: {},
  timestamp: '0',
});

const flow = {
  id: 'hubble/1',
  type: 'flow',
  cluster: 'lab',
  source: 'hubble',
  time: '2026-03-14T09:00:00Z',
  observedAt: '2026-03-14T09:00:01.5+01:00',
  data: { verdict: 'forwarded', direction: 'egress', reporter: 'hubble', source: { namespace: 'shop', pod: 'a', extra: 1 }, destination: { ip: '10.0.0.1' }, protocol: 'TCP', mtls: { mode: 'unknown' } },
};

describe('decodeEvent', () => {
  it('returns what ztvEvent returns for a valid record (unknown keys stripped, defaults filled)', () => {
    const d = decodeEvent(record(JSON.stringify(flow)));
    expect(d).toEqual({ ok: true, event: ztvEvent.parse(flow) });
    expect(d.ok && d.event.type === 'flow' && d.event.data.count).toBe(1);
  });

  it('rejects every bad record with the reason decodeRecord gives', () => {
    const bad = [null, '', 'not json', '[]', JSON.stringify({ ...flow, time: 'yesterday' }), JSON.stringify({ ...flow, data: { ...flow.data, count: 0 } }), JSON.stringify({ ...flow, type: 'nope' })];
    for (const value of bad) {
      const d = decodeEvent(record(value));
      const expected = decodeRecord(record(value), ztvEvent, 'ztv event');
      expect(d.ok).toBe(false);
      expect(d).toEqual(expected);
    }
  });
});
