import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { foldLedger, newLoyaltyOrder, type LedgerEntry } from '../../../shared/loyalty/index.js';
import { isOpen, openCuts, REDELIVERY_DAYS, settleOpenOrders, type OpenOrder } from '../../../shared/loyalty/open-orders.js';

const NOW = new Date('2026-11-18T06:00:00Z');
const DAY = 86_400_000;
const ago = (days: number) => new Date(NOW.getTime() - days * DAY).toISOString();
const cuts = openCuts(NOW, 90);
const cut = cuts.refunds;
let balance = 0;
const earn = (orderId: string, points: number, at: string): LedgerEntry => ({ key: `earn#${orderId}`, kind: 'earn', points, lots: { [at.slice(0, 7)]: points }, balanceAfter: (balance += points), at, orderId });
const slot = (orderId: string, placedAt: string | undefined, entries: LedgerEntry[] = []): OpenOrder => ({
  order: { ...newLoyaltyOrder(orderId), ...(placedAt ? { placedAt, total: 100, currency: 'CNY' } : {}) },
  entries,
});

describe('open orders on the state item', () => {
  it('given orders inside and outside the refund window, when settled, then the older fold into the history and the rest stay', () => {
    const open = {
      old: slot('old', ago(120), [earn('old', 100, ago(120))]),
      recent: slot('recent', ago(10), [earn('recent', 50, ago(10))]),
      // A refund that came before its order waits for the placement, however old.
      waiting: slot('waiting', undefined),
      // Placed before the window, but its refund came inside it: a second refund may follow.
      refunded: slot('refunded', ago(100), [earn('refunded', 80, ago(100)), { key: 'refund#refunded#r1', kind: 'reverse', points: -40, lots: { x: -40 }, balanceAfter: 0, at: ago(85), orderId: 'refunded' }]),
    };
    const s = settleOpenOrders(open, undefined, cuts);
    expect(Object.keys(s.open).sort()).toEqual(['recent', 'refunded', 'waiting']);
    expect(s.history).toMatchObject({ key: 'history', kind: 'history', points: 100, folded: 1, earned: 100, at: ago(120) });
  });

  it('given an old order whose event came days ago, when settled, then it stays until no copy of that event can arrive', () => {
    // A backfill through the bus: the order is long out of the window, but the queue may still deliver its event again.
    const backfilled = { ...slot('old', ago(300), [earn('old', 100, ago(300))]), touchedAt: ago(REDELIVERY_DAYS - 1) };
    expect(Object.keys(settleOpenOrders({ old: backfilled }, undefined, cuts).open)).toEqual(['old']);
    const later = { ...backfilled, touchedAt: ago(REDELIVERY_DAYS + 1) };
    expect(settleOpenOrders({ old: later }, undefined, cuts)).toMatchObject({ open: {}, history: { points: 100 } });
  });

  it('given nothing has left the window, when settled, then the item is unchanged', () => {
    const open = { a: slot('a', ago(3), [earn('a', 10, ago(3))]) };
    const history = foldLedger([earn('h', 5, ago(400))], new Date(cut)).history!;
    expect(settleOpenOrders(open, history, cuts)).toEqual({ open, history });
  });

  it('judges the window by instants: an order written +08:00 an hour before the cut has left it', () => {
    const at = new Date(cut - 3_600_000).toISOString().replace('Z', '+00:00');
    const local = new Date(cut - 3_600_000 + 8 * 3_600_000).toISOString().replace('.000Z', '+08:00');
    expect(isOpen(slot('a', at), cuts)).toBe(false);
    expect(isOpen(slot('a', local), cuts)).toBe(false);
  });

  it('folds in steps to the same history as folding once (property): live commits and the import agree', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 91, max: 700 }), fc.integer({ min: 1, max: 900 })), { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 11 }), (orders, split) => {
        balance = 0;
        const slots = orders.sort(([a], [b]) => b - a).map(([days, points], i) => slot(`o${i}`, ago(days), [earn(`o${i}`, points, ago(days))]));
        const once = foldLedger(slots.flatMap((s) => s.entries), new Date(cut)).history;
        const first = settleOpenOrders(Object.fromEntries(slots.slice(0, split).map((s) => [s.order.orderId, s])), undefined, cuts);
        const second = settleOpenOrders(Object.fromEntries(slots.slice(split).map((s) => [s.order.orderId, s])), first.history, cuts);
        expect(second.history).toEqual(once);
        expect(second.open).toEqual({});
      }),
    );
  });
});
