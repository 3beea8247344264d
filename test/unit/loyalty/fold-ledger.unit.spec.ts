import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { foldLedger, verifyLedger, type LedgerEntry } from '../../../shared/loyalty/index.js';
import { MemoryLoyalty } from './memory-loyalty.js';
import { config, placed, refunded } from './fixtures.js';

const entry = (key: string, kind: LedgerEntry['kind'], points: number, lot: string, balanceAfter: number, at: string): LedgerEntry => ({
  key, kind, points, lots: points ? { [lot]: points } : {}, balanceAfter, at,
});

describe('foldLedger', () => {
  it('given entries on both sides of the cut, when folded, then the older become one history entry that adds up', () => {
    const entries = [
      entry('earn#o1', 'earn', 300, '2025-01', 300, '2025-01-10T02:00:00Z'),
      entry('refund#o1#r1', 'reverse', -100, '2025-01', 200, '2025-01-20T02:00:00Z'),
      entry('earn#o2', 'earn', 500, '2025-06', 700, '2025-06-01T02:00:00Z'),
      entry('expire#2025-01', 'expire', -200, '2025-01', 500, '2026-02-01T07:00:00+08:00'),
      entry('earn#o3', 'earn', 400, '2026-10', 900, '2026-10-05T02:00:00Z'),
    ];
    // The expiry is an hour before the cut, written with another offset: as a string it sorts
    // after the cut and would be kept.
    const { history, kept } = foldLedger(entries, new Date('2026-02-01T00:00:00Z'));
    expect(history).toEqual({
      key: 'history', kind: 'history', points: 500, lots: { '2025-06': 500 }, balanceAfter: 500,
      at: '2026-02-01T07:00:00+08:00', folded: 4, since: '2025-01-10T02:00:00Z', earned: 800,
    });
    expect(kept.map((e) => e.key)).toEqual(['earn#o3']);
  });

  it('given no entry before the cut, when folded, then nothing is folded', () => {
    const entries = [entry('earn#o3', 'earn', 400, '2026-10', 400, '2026-10-05T02:00:00Z')];
    expect(foldLedger(entries, new Date('2026-09-01T00:00:00Z'))).toEqual({ kept: entries });
  });

  it('never folds a redemption or a birthday reward: their keys refuse a repeat', () => {
    const entries = [entry('earn#o1', 'earn', 300, '2025-01', 300, '2025-01-10T02:00:00Z'), entry('redeem#k1', 'redeem', -100, '2025-01', 200, '2025-01-11T02:00:00Z'), entry('birthday#2025', 'birthday', 200, '2025-02', 400, '2025-02-01T02:00:00Z')];
    expect(foldLedger(entries, new Date('2026-01-01T00:00:00Z')).kept.map((e) => e.key)).toEqual(['redeem#k1', 'birthday#2025']);
  });

  it('keeps the statement consistent with the state at any cut (property)', () => {
    const DAY = 86_400_000;
    const start = Date.UTC(2025, 0, 1);
    fc.assert(
      fc.property(
        fc.array(fc.record({ total: fc.integer({ min: 0, max: 3000 }), day: fc.integer({ min: 0, max: 600 }), refund: fc.option(fc.integer({ min: 1, max: 3000 }), { nil: undefined }) }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 0, max: 700 }),
        (orders, cutDay) => {
          const m = new MemoryLoyalty(config(), new Date(start));
          const events = orders
            .flatMap((o, i) => {
              const t = start + o.day * DAY;
              const evs = [{ t, e: placed(`o${i}`, o.total, new Date(t).toISOString()) }];
              if (o.refund) evs.push({ t: t + 10 * DAY, e: refunded(`o${i}`, Math.min(o.refund, o.total), 'r1', new Date(t + 10 * DAY).toISOString()) });
              return evs;
            })
            .sort((a, b) => a.t - b.t);
          for (const { t, e } of events) m.order(e, new Date(t));
          m.expire(new Date(start + 720 * DAY));
          const all = [...m.ledger.values()];
          const { history, kept } = foldLedger(all, new Date(start + cutDay * DAY));
          expect(verifyLedger(m.state, [...(history ? [history] : []), ...kept])).toEqual([]);
          expect((history?.folded ?? 0) + kept.length).toBe(all.length);
          for (const k of kept) expect(Date.parse(k.at)).toBeGreaterThanOrEqual(start + cutDay * DAY);
        },
      ),
    );
  });
});
