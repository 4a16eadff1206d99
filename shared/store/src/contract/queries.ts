import { describe, expect, it } from 'vitest';
import type { Database } from '../client';
import { InvalidCursorError } from '../errors';
import { applySignals } from '../findings/apply-signals';
import { listFindings } from '../findings/list';
import { findingHistory, getFinding, getFindingByFingerprint } from '../findings/queries';
import { opts, signal } from './support';

export function queryContract(db: () => Database): void {
  describe('queries', () => {
    it('finds a finding by id and by fingerprint, and nothing for an unknown one', async () => {
      const s = signal({ event: 'e1' });
      await applySignals(db(), [s], opts(0));
      const byFingerprint = await getFindingByFingerprint(db(), s.fingerprint);
      expect(await getFinding(db(), byFingerprint?.id ?? '')).toEqual(byFingerprint);
      expect(await getFindingByFingerprint(db(), 'nope')).toBeUndefined();
      expect(await findingHistory(db(), 'fnd_nope')).toEqual([]);
    });

    it('filters findings and pages through them newest first', async () => {
      // 12 findings: namespaces n0..n11, one new one per minute; every third critical; n5 resolved.
      for (let i = 0; i < 12; i++) {
        await applySignals(
          db(),
          [signal({ event: `e${i}`, namespace: `n${i}`, severity: i % 3 === 0 ? 'critical' : 'low' })],
          opts(i * 60),
        );
      }
      await applySignals(
        db(),
        [signal({ event: 'r5', namespace: 'n5', transition: 'resolved' })],
        opts(1000),
      );

      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await listFindings(
          db(),
          { status: ['open'] },
          { limit: 5, ...(cursor ? { cursor } : {}) },
        );
        seen.push(...page.items.map((f) => f.namespace ?? ''));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toEqual(['n11', 'n10', 'n9', 'n8', 'n7', 'n6', 'n4', 'n3', 'n2', 'n1', 'n0']);

      const critical = await listFindings(
        db(),
        { severity: ['critical'], cluster: 'prod' },
        { sort: 'firstSeen' },
      );
      expect(critical.items.map((f) => f.namespace)).toEqual(['n9', 'n6', 'n3', 'n0']);
      expect(critical.nextCursor).toBeNull();
      expect((await listFindings(db(), { namespace: 'n5' })).items).toMatchObject([{ status: 'resolved' }]);
      expect((await listFindings(db(), { ruleId: ['flow-plaintext'] })).items).toEqual([]);
      expect((await listFindings(db(), { seenSince: opts(600).now })).items.map((f) => f.namespace)).toEqual([
        'n11',
        'n10',
      ]);
    });

    it('rejects a cursor it did not produce', async () => {
      await expect(listFindings(db(), {}, { cursor: 'garbage' })).rejects.toBeInstanceOf(InvalidCursorError);
    });
  });
}
