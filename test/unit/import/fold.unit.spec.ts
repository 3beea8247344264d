import { describe, expect, it } from 'vitest';
import { MAX_OPEN_ORDERS } from '../../../shared/loyalty/open-orders.js';
import { foldCustomer, itemsToKeep, type FoldContext } from '../../../shared/import/fold.js';
import type { ShopEvent } from '../../../shared/import/rows.js';
import { defaultLoyaltyConfig, verifyLedger } from '../../../shared/loyalty/index.js';

const ctx: FoldContext = { now: new Date('2026-11-20T04:00:00Z'), loyalty: defaultLoyaltyConfig, refundWindowDays: 90 };
const placed = (orderId: string, total: number, occurredAt: string): ShopEvent => ({
  type: 'order.placed',
  detail: { orderId, customerId: 'c-1', lines: [{ sku: 'tea', quantity: 1, unitPrice: total }], total, currency: 'CNY', occurredAt },
});
const refunded = (orderId: string, amount: number, occurredAt: string): ShopEvent => ({
  type: 'order.refunded',
  detail: { orderId, customerId: 'c-1', refundId: `r-${orderId}`, amount, currency: 'CNY', occurredAt },
});
const profile = (email: string, occurredAt: string): ShopEvent => ({
  type: 'customer.upserted',
  detail: { customerId: 'c-1', email, name: 'Lin', locale: 'zh-CN', timeZone: 'Asia/Shanghai', marketingConsent: true, occurredAt },
});

const history = [
  profile('old@example.cn', '2024-01-01T00:00:00Z'),
  placed('o-1', 300, '2024-02-01T02:00:00Z'),
  placed('o-2', 500, '2026-03-05T02:00:00Z'),
  placed('o-3', 2000, '2026-10-01T02:00:00Z'),
  refunded('o-3', 2000, '2026-10-10T02:00:00Z'),
  placed('o-4', 100, '2026-11-01T02:00:00Z'),
  profile('new@example.cn', '2026-06-01T00:00:00Z'),
];

describe('Function: foldCustomer', () => {
  it('folds a history, in time order, into the summary, loyalty state and ledger the handlers would write', () => {
    const f = foldCustomer('c-1', [...history].reverse(), ctx);
    // o-3 fully refunded: its day disappears and the last purchase day is found among the others
    expect(f.summary).toMatchObject({ orders: 3, purchaseDays: 3, firstDay: '2024-02-01', lastDay: '2026-11-01', spend: 900, firstDaySpend: 300 });
    expect(f.profile).toMatchObject({ email: 'new@example.cn', updatedAt: '2026-06-01T00:00:00Z' });
    expect(f.profileEmails).toEqual(['old@example.cn', 'new@example.cn']);
    // o-1's points would have expired long ago: never credited; o-2 and o-4 earn in their own months
    expect(f.ledger.map((e) => [e.key, e.points, Object.keys(e.lots)[0]])).toEqual([
      ['earn#o-2', 500, '2026-03'],
      ['earn#o-3', 2000, '2026-10'],
      ['refund#o-3#r-o-3', -2000, '2026-10'],
      ['earn#o-4', 100, '2026-11'],
    ]);
    expect(verifyLedger(f.loyalty!, f.ledger)).toEqual([]);
    expect(f.loyalty).toMatchObject({ memberSince: '2024-02-01T02:00:00.000Z', tier: 'member', balance: 600 });
  });

  it('treats repeated events as the handlers do: a no-op, and the same digest only for the same history', () => {
    const once = foldCustomer('c-1', history, ctx);
    const twice = foldCustomer('c-1', [...history, ...history], ctx);
    expect(twice.summary).toEqual(once.summary);
    expect(twice.loyalty).toEqual(once.loyalty);
    expect(twice.ledger).toEqual(once.ledger);
    expect(foldCustomer('c-1', history, ctx).digest).toBe(once.digest);
    expect(twice.digest).not.toBe(once.digest);
  });
});

describe('Function: itemsToKeep', () => {
  it('keeps per-order state inside the refund window only; the purchase days all stay in the fold (the refit chooses its model from them)', () => {
    const folded = foldCustomer('c-1', history, ctx);
    const kept = itemsToKeep(folded, ctx);
    expect(kept.orders.map(([id]) => id)).toEqual(['o-3', 'o-4']);
    expect(Object.keys(kept.open)).toEqual(['o-3', 'o-4']);
    // Each open order carries the entries it caused; none of them is also a ledger item or in the history.
    expect(kept.open['o-3']!.entries.map((e) => e.key)).toEqual(['earn#o-3', 'refund#o-3#r-o-3']);
    expect(kept.ledger).toEqual([]);
    expect(Object.keys(folded.days)).toContain('2026-03-05');
    expect(Object.keys(folded.days).length).toBe(folded.summary!.purchaseDays);
  });

  it('puts recent orders beyond the room on the state item on items of their own, in time order, as the handler would', () => {
    const many = Array.from({ length: MAX_OPEN_ORDERS + 2 }, (_, i) => placed(`m${String(i).padStart(2, '0')}`, 100, `2026-11-${String(i + 1).padStart(2, '0')}T02:00:00Z`));
    const kept = itemsToKeep(foldCustomer('c-1', many, ctx), ctx);
    expect(Object.keys(kept.open)).toHaveLength(MAX_OPEN_ORDERS);
    expect(kept.ownItems.map((o) => o.order.orderId)).toEqual([`m${MAX_OPEN_ORDERS}`, `m${MAX_OPEN_ORDERS + 1}`]);
    // Their earn entries share the view's item: no separate ledger item, nothing folded.
    expect(kept.ledger).toEqual([]);
    expect(kept.history).toBeUndefined();
  });

  it('judges the refund window by instants: an order an hour before the cut, written +08:00, is old for its state and its points alike', () => {
    // The cut is 2026-08-22T04:00Z; as strings '…T11:00:00+08:00' (03:00Z) would sort after it.
    const folded = foldCustomer('c-1', [placed('o-a', 300, '2026-08-22T11:00:00+08:00'), placed('o-b', 300, '2026-08-22T13:00:00+08:00')], ctx);
    const kept = itemsToKeep(folded, ctx);
    expect(kept.orders.map(([id]) => id)).toEqual(['o-b']);
    expect(Object.keys(kept.open)).toEqual(['o-b']);
    expect(kept.open['o-b']!.entries.map((e) => e.key)).toEqual(['earn#o-b']);
    expect(kept.ledger).toEqual([]);
    expect(kept.history).toMatchObject({ kind: 'history', folded: 1, points: 300 });
  });

  it('keeps no per-order state for a customer without recent orders, but their last purchase day (a live order cancelled later needs it back)', () => {
    const old = history.filter((e) => e.detail.occurredAt < '2026-06-01');
    const folded = foldCustomer('c-1', old, ctx);
    expect(itemsToKeep(folded, ctx)).toMatchObject({ orders: [], open: {}, ledger: [] });
    expect(Object.keys(folded.days)).toContain(folded.summary!.lastDay);
    expect(Object.keys(folded.days).length).toBe(folded.summary!.purchaseDays);
  });
});
