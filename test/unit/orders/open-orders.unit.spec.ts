/** The orders the customer item keeps (shared/orders/open-orders.ts): stored compactly, kept by the two cuts, bounded. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_OPEN_ORDERS, decodeOpenOrders, encodeOpenOrders, isOpenOrder, placeOrder, type OpenOrders } from '../../../shared/orders/open-orders.js';
import { openCuts, REDELIVERY_DAYS } from '../../../shared/platform/open-window.js';
import type { OrderState } from '../../../shared/orders/decide.js';

const NOW = new Date('2026-11-18T06:00:00Z');
const DAY = 86_400_000;
const ago = (days: number) => new Date(NOW.getTime() - days * DAY).toISOString();
const cuts = openCuts(NOW, 90);
const placedOrder = (placedAt: string, total = 100): OrderState => ({ placedAt, day: placedAt.slice(0, 10), total, currency: 'CNY', refunded: 0, refundIds: [] });

describe('stored open orders', () => {
  it('decode what they encode, for any order state and touch', () => {
    const iso = fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
    const state = fc.record(
      { placedAt: iso, total: fc.integer({ min: 0, max: 100_000 }), currency: fc.constantFrom('CNY', 'EUR'), couponCode: fc.string({ minLength: 1 }), fulfilledAt: iso, cancelledAt: iso },
      { requiredKeys: [] },
    );
    const open = fc.dictionary(
      fc.string({ minLength: 1, maxLength: 12 }),
      fc.record({ state, refunds: fc.array(fc.tuple(fc.string({ minLength: 1 }), fc.integer({ min: 1, max: 500 })), { maxLength: 3 }), touchedAt: fc.option(iso, { nil: undefined }) }),
    );
    fc.assert(
      fc.property(open, (raw) => {
        const orders: OpenOrders = Object.fromEntries(
          Object.entries(raw).map(([id, o]) => {
            const s: OrderState = { ...o.state, ...(o.state.placedAt ? { day: o.state.placedAt.slice(0, 10) } : {}), refunded: o.refunds.reduce((a, [, n]) => a + n, 0), refundIds: o.refunds.map(([r]) => r) };
            return [id, { state: s, ...(o.touchedAt ? { touchedAt: o.touchedAt } : {}) }];
          }),
        );
        expect(decodeOpenOrders(JSON.parse(JSON.stringify(encodeOpenOrders(orders))))).toEqual(orders);
      }),
    );
  });

  it('take well under a write unit for a few orders (a list per order, no attribute names)', () => {
    const open = Object.fromEntries([1, 2, 3].map((i) => [`shopify:60217755730${i}`, { state: placedOrder(ago(i)), touchedAt: NOW.toISOString() }]));
    expect(JSON.stringify(encodeOpenOrders(open)).length).toBeLessThan(3 * 110);
  });
});

describe('which orders stay on the customer item', () => {
  it('given an order placed inside the window, or one outside it touched within the redelivery time, then it stays', () => {
    expect(isOpenOrder({ state: placedOrder(ago(89)) }, cuts)).toBe(true);
    expect(isOpenOrder({ state: placedOrder(ago(400)), touchedAt: ago(REDELIVERY_DAYS - 1) }, cuts)).toBe(true);
  });

  it('given an order outside the window that no copy can reach any more, or imported from before it, then it goes', () => {
    expect(isOpenOrder({ state: placedOrder(ago(91)), touchedAt: ago(REDELIVERY_DAYS + 1) }, cuts)).toBe(false);
    expect(isOpenOrder({ state: placedOrder(ago(91)) }, cuts)).toBe(false);
  });

  it('given a refund that came before its order, then it waits one window for the order, then goes', () => {
    const waiting = { state: { refunded: 50, refundIds: ['r1'] } };
    expect(isOpenOrder({ ...waiting, touchedAt: ago(89) }, cuts)).toBe(true);
    expect(isOpenOrder({ ...waiting, touchedAt: ago(91) }, cuts)).toBe(false);
  });

  it('when an event is placed, then closed orders drop off and the event’s order is stored with its touch', () => {
    const open: OpenOrders = { old: { state: placedOrder(ago(200)), touchedAt: ago(30) }, recent: { state: placedOrder(ago(10)) } };
    const next = placeOrder(open, 'new', placedOrder(ago(0)), NOW, 90);
    expect(next.onItem).toBe(true);
    expect(Object.keys(next.open).sort()).toEqual(['new', 'recent']);
    expect(next.open.new!.touchedAt).toBe(NOW.toISOString());
  });

  it('given an old order touched again (a late fulfilment), then it stays however old it is', () => {
    const open: OpenOrders = { old: { state: placedOrder(ago(200)), touchedAt: ago(30) } };
    const next = placeOrder(open, 'old', { ...placedOrder(ago(200)), fulfilledAt: ago(0) }, NOW, 90);
    expect(next).toEqual({ onItem: true, open: { old: { state: { ...placedOrder(ago(200)), fulfilledAt: ago(0) }, touchedAt: NOW.toISOString() } } });
  });

  it('given the item full of open orders, then a further order goes on an item of its own and the item is unchanged', () => {
    const open: OpenOrders = Object.fromEntries(Array.from({ length: MAX_OPEN_ORDERS }, (_, i) => [`o${i}`, { state: placedOrder(ago(i + 1)) }]));
    const next = placeOrder(open, 'extra', placedOrder(ago(0)), NOW, 90);
    expect(next.onItem).toBe(false);
    expect(next.open).toEqual(open);
    // One already there still is updated in place.
    expect(placeOrder(open, 'o3', { ...placedOrder(ago(4)), fulfilledAt: ago(0) }, NOW, 90).onItem).toBe(true);
  });
});
