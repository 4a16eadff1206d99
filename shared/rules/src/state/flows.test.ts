import { describe, expect, it } from 'vitest';
import type { FlowData } from '@ztv/events';
import { defaultRulesConfig } from '../config';
import { event } from '../testing';
import { deniedFlowSlice, isAuthRequiredDrop, isPolicyDenied } from './flows';

const config = defaultRulesConfig();
const denied = (pod: string, count = 1): FlowData => ({
  verdict: 'dropped',
  dropReason: 'POLICY_DENIED',
  direction: 'ingress',
  reporter: 'hubble',
  source: { namespace: 'default', pod },
  destination: { namespace: 'default', pod: 'deathstar-7848d6c4d5-th9v2', port: 80 },
  protocol: 'TCP',
  mtls: { mode: 'unknown' },
  count,
});
const at = (s: number) => new Date(Date.parse('2026-03-14T09:00:00Z') + s * 1000).toISOString();

describe('deniedFlowSlice', () => {
  it('keeps a sliding window per source with bounded buckets', () => {
    const s = deniedFlowSlice.init();
    for (let i = 0; i < 600; i++) deniedFlowSlice.apply(s, event('flow', denied('xwing'), { time: at(i * 0.5) }), config);
    const w = s.get('default/xwing');
    expect(w?.buckets.length).toBeLessThanOrEqual(60);
    // Whole-second buckets: the window holds the last 60 s (± one bucket) of two drops a second.
    expect(w?.total).toBeGreaterThanOrEqual(118);
    expect(w?.total).toBeLessThanOrEqual(122);
  });

  it('forgets sources idle for longer than the window and ignores drops older than it', () => {
    const s = deniedFlowSlice.init();
    deniedFlowSlice.apply(s, event('flow', denied('xwing'), { time: at(0) }), config);
    deniedFlowSlice.apply(s, event('flow', denied('tiefighter'), { time: at(120) }), config);
    expect([...s.keys()]).toEqual(['default/tiefighter']);
    deniedFlowSlice.apply(s, event('flow', denied('tiefighter', 5), { time: at(10) }), config);
    expect(s.get('default/tiefighter')?.total).toBe(1);
  });

  it('counts only policy denials that are not replies', () => {
    expect(isPolicyDenied(denied('a'))).toBe(true);
    expect(isPolicyDenied({ ...denied('a'), dropReason: 'policy_deny' })).toBe(true);
    expect(isPolicyDenied({ ...denied('a'), verdict: 'denied', dropReason: undefined })).toBe(true);
    expect(isPolicyDenied({ ...denied('a'), dropReason: 'CT_MAP_INSERTION_FAILED' })).toBe(false);
    expect(isPolicyDenied({ ...denied('a'), isReply: true })).toBe(false);
    expect(isPolicyDenied({ ...denied('a'), verdict: 'forwarded' })).toBe(false);
    // Cilium's AUTH_REQUIRED (which a parser may report as `denied`) is authentication, not a policy refusal.
    expect(isPolicyDenied({ ...denied('a'), verdict: 'denied', dropReason: 'AUTH_REQUIRED' })).toBe(false);
    expect(isAuthRequiredDrop({ ...denied('a'), verdict: 'denied', dropReason: 'AUTH_REQUIRED' })).toBe(true);
  });
});
