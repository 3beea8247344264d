import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { OrderEvent } from '../../../shared/platform/contracts/events.js';
import { purchaseStats } from '../../../shared/orders/decide.js';
import { MemoryOrders } from '../../support/memory-orders.js';

const placed = (orderId: string, at: string, total: number): OrderEvent => ({
  type: 'order.placed',
  detail: { orderId, customerId: 'c1', lines: [{ sku: 's', quantity: 1, unitPrice: total }], total, currency: 'CNY', occurredAt: at },
});
const cancelled = (orderId: string): OrderEvent => ({ type: 'order.cancelled', detail: { orderId, customerId: 'c1', occurredAt: '2026-06-01T00:00:00Z' } });
const refunded = (orderId: string, amount: number, refundId = `r-${orderId}`): OrderEvent => ({
  type: 'order.refunded',
  detail: { orderId, customerId: 'c1', refundId, amount, currency: 'CNY', occurredAt: '2026-06-01T00:00:00Z' },
});
const given = (...events: OrderEvent[]) => {
  const m = new MemoryOrders();
  for (const e of events) m.apply(e);
  return m;
};

describe('order summary', () => {
  it('merges same-day orders into one purchase day', () => {
    const m = given(placed('a', '2026-01-01T08:00:00Z', 10), placed('b', '2026-01-01T20:00:00Z', 5), placed('c', '2026-01-11T08:00:00Z', 7));
    expect(m.summary).toEqual({ orders: 3, purchaseDays: 2, firstDay: '2026-01-01', lastDay: '2026-01-11', spend: 22, firstDaySpend: 15 });
  });

  it('treats a repeated event as a duplicate', () => {
    const m = given(placed('a', '2026-01-01T08:00:00Z', 10));
    expect(m.apply(placed('a', '2026-01-01T08:00:00Z', 10))).toBe('duplicate');
    expect(m.summary.orders).toBe(1);
  });

  it('moves the last purchase day back when the latest order is cancelled', () => {
    const m = given(placed('a', '2026-01-01T08:00:00Z', 10), placed('b', '2026-02-01T08:00:00Z', 20), cancelled('b'));
    expect(m.summary).toMatchObject({ orders: 1, purchaseDays: 1, firstDay: '2026-01-01', lastDay: '2026-01-01', spend: 10 });
  });

  it('moves the first purchase day forward when the earliest order is fully refunded, and its spend with it', () => {
    const m = given(placed('a', '2026-01-01T08:00:00Z', 10), placed('b', '2026-02-01T08:00:00Z', 20), placed('c', '2026-03-01T08:00:00Z', 30), refunded('a', 10));
    expect(m.summary).toMatchObject({ purchaseDays: 2, firstDay: '2026-02-01', firstDaySpend: 20, spend: 50 });
  });

  it('keeps a partially refunded order as a purchase with reduced spend', () => {
    const m = given(placed('a', '2026-01-01T08:00:00Z', 100), refunded('a', 40));
    expect(m.summary).toMatchObject({ orders: 1, purchaseDays: 1, spend: 60 });
  });

  it('derives the buying cycle and repeat value from the summary alone', () => {
    const m = given(placed('a', '2026-01-01T00:00:00Z', 10), placed('b', '2026-01-21T00:00:00Z', 20), placed('c', '2026-02-10T00:00:00Z', 40));
    const p = purchaseStats(m.summary, new Date('2026-03-12T00:00:00Z'));
    expect(p).toMatchObject({ x: 2, recencyDays: 40, ageDays: 70, daysSinceLastOrder: 30, cycleDays: 20, repeatValue: 30 });
  });
});

/** The summary recomputed from scratch over the whole history: an independent oracle. */
function oracle(events: OrderEvent[]) {
  const byOrder = new Map<string, { day: string; total: number; cancelled: boolean; refunded: number }>();
  for (const e of events) {
    const o = byOrder.get(e.detail.orderId) ?? { day: '', total: 0, cancelled: false, refunded: 0 };
    if (e.type === 'order.placed') Object.assign(o, { day: e.detail.occurredAt.slice(0, 10), total: e.detail.total });
    if (e.type === 'order.cancelled') o.cancelled = true;
    if (e.type === 'order.refunded') o.refunded += e.detail.amount;
    byOrder.set(e.detail.orderId, o);
  }
  const active = [...byOrder.values()].filter((o) => !o.cancelled && !(o.refunded > 0 && o.refunded >= o.total));
  const spendByDay = new Map<string, number>();
  for (const o of active) spendByDay.set(o.day, (spendByDay.get(o.day) ?? 0) + o.total - o.refunded);
  const days = [...spendByDay.keys()].sort();
  return {
    orders: active.length,
    purchaseDays: days.length,
    spend: active.reduce((s, o) => s + o.total - o.refunded, 0),
    firstDaySpend: days[0] ? spendByDay.get(days[0])! : 0,
    ...(days.length ? { firstDay: days[0], lastDay: days.at(-1) } : {}),
  };
}

describe('order summary under at-least-once, unordered delivery (property)', () => {
  const history = fc
    .array(
      fc.record({
        day: fc.integer({ min: 0, max: 40 }),
        hour: fc.integer({ min: 0, max: 23 }),
        total: fc.integer({ min: 0, max: 500 }),
        fate: fc.constantFrom('kept', 'cancelled', 'partial', 'full', 'cancel-and-refund'),
      }),
      { minLength: 1, maxLength: 8 },
    )
    .map((orders) =>
      orders.flatMap((o, i): OrderEvent[] => {
        const id = `o${i}`;
        const at = new Date(Date.UTC(2026, 0, 1 + o.day, o.hour)).toISOString();
        const evs = [placed(id, at, o.total)];
        if (o.fate === 'cancelled' || o.fate === 'cancel-and-refund') evs.push(cancelled(id));
        if (o.fate === 'partial') evs.push(refunded(id, Math.floor(o.total / 2)));
        if (o.fate === 'full' || o.fate === 'cancel-and-refund') evs.push(refunded(id, o.total));
        return evs;
      }),
    );

  it('ends in the same summary whatever the order and number of deliveries', () => {
    fc.assert(
      fc.property(
        history.chain((events) =>
          fc.tuple(fc.constant(events), fc.shuffledSubarray([...events, ...events, ...events], { minLength: events.length * 3 })),
        ),
        ([events, delivered]) => {
          const reference = given(...events);
          const actual = given(...delivered);
          expect(actual.summary).toEqual(reference.summary);
          expect(actual.days).toEqual(reference.days);
          expect(actual.summary).toEqual(oracle(events));
        },
      ),
      { numRuns: 300 },
    );
  });
});
