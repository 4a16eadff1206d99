import { describe, expect, it } from 'vitest';
import { parseText } from '../engine/parse-text';
import { ctx, expectWellFormed, local, ofType, parseLocal } from '../test-support/fixtures';

const HEALTHY = 'authored/chronyc-tracking-worker-4.txt';
const UNSYNCED = 'authored/chronyc-tracking-worker-9-unsynced.txt';
const CSV = 'authored/chronyc-csv-tracking-worker-4.csv';

describe('chrony: chronyc tracking', () => {
  it('reads a healthy node 0.41 ms fast, naming it from the file name', () => {
    const r = parseLocal(HEALTHY);
    expectWellFormed(r, HEALTHY);
    expect(r.format).toBe('chrony');
    const [c] = ofType(r.events, 'clock');
    expect(c?.data).toEqual({
      node: 'worker-4',
      offsetSeconds: 0.000412873,
      synchronized: true,
      method: 'chrony',
      maxErrorSeconds: 0.000904129 + 0.012337014 / 2,
      stratum: 3,
      referenceId: 'C0A80A01 (ntp1.example.internal)',
      leapStatus: 'Normal',
    });
    expect(c?.id).toBe('worker-4@2026-03-14T09:30:00Z/chrony');
  });
  it('reads an unsynchronised node 4.2 s slow, its name given by flag', () => {
    const [c] = ofType(parseLocal(UNSYNCED, { node: 'worker-9' }).events, 'clock');
    expect(c?.data).toMatchObject({ node: 'worker-9', offsetSeconds: -4.212836504, synchronized: false, stratum: 0, leapStatus: 'Not synchronised', referenceId: '00000000' });
  });
  it('takes the node and time from a wrapper: a header line or a JSON object', () => {
    const header = parseText(`# node: worker-7 time=2026-03-14T09:29:58Z\n${local(HEALTHY)}`, ctx({ file: 'tracking.txt' }));
    expect(header.events[0]).toMatchObject({ time: '2026-03-14T09:29:58Z', data: { node: 'worker-7' } });
    const json = parseText(JSON.stringify({ node: 'worker-8', tracking: local(UNSYNCED) }), ctx({ file: 'x.json' }));
    expect(json.format).toBe('chrony');
    expect(json.events[0]).toMatchObject({ data: { node: 'worker-8', synchronized: false } });
  });
  it('refuses a reading it cannot place on a node, and garbage, with line numbers', () => {
    const r = parseText(local(HEALTHY), ctx({ file: 'tracking.txt', format: 'chrony' }));
    expect(r.errors[0]).toMatchObject({ line: 1, reason: expect.stringContaining('cannot tell which node') });
    const garbled = parseText(local(HEALTHY).replace('fast of NTP time', 'sideways'), ctx({ node: 'n', format: 'chrony' }));
    expect(garbled.errors[0]?.reason).toBe('no valid "System time" line');
    expect(parseText('Reference ID : x\nthis is not chrony\n', ctx({ node: 'n', format: 'chrony' })).errors[0]?.line).toBe(2);
  });
});

describe('chrony-csv: chronyc -c tracking', () => {
  it('reads the CSV form of the same node to the same offset: positive system time there means slow', () => {
    const r = parseLocal(CSV);
    expect(r.format).toBe('chrony-csv');
    const [csv] = ofType(r.events, 'clock');
    const [text] = ofType(parseLocal(HEALTHY).events, 'clock');
    expect(csv?.data).toEqual(text?.data);
  });
  it('reports a line with the wrong number of fields at its line', () => {
    const r = parseText(`${local(CSV)}C0A80A01,ntp1,3\n`, ctx({ file: 'chronyc-csv-tracking-worker-4.csv' }));
    expect(r.events).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ line: 2, reason: 'expected 14 comma-separated fields, found 3' });
  });
});
