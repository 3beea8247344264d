/**
 * The orders the customer item keeps beside the summary: each order's state while a refund can
 * still reach it (the refund window) or a copy of its last event can still be delivered. Kept on
 * the item the summary is on, an order event is one update of that item (plus its KPI counter)
 * instead of a second item per order; once an order is out of both windows it drops off at the
 * customer's next order event — its effect on the summary and the purchase days stays, and a
 * refund that comes later finds no order, as for an imported order from before the window
 * (README "Orders older than the refund window keep no per-order state").
 *
 * Stored compactly (a list per order, ~80 bytes) so a customer item with a few open orders stays
 * within one write unit. A buyer with more than MAX_OPEN_ORDERS open at once (a reseller) gets
 * the further ones on ORDER# items of their own, as every order had before.
 */
import { openCuts, type OpenCuts } from '../platform/open-window.js';
import { instantMs, utcDay } from '../platform/time.js';
import type { OrderState } from './decide.js';

export const OPEN_ORDERS_ATTR = 'openOrders';
export const MAX_OPEN_ORDERS = 10;

export interface OpenOrder {
  state: OrderState;
  /** When a live event last changed it (wall clock); absent on what an import wrote. */
  touchedAt?: string;
}
export type OpenOrders = Record<string, OpenOrder>;

/** [placedAt, total, currency, refunded, refundIds, fulfilledAt, cancelledAt, couponCode, touchedAt], trailing absences trimmed. */
type Stored = Array<string | number | string[] | null>;

export function encodeOpenOrders(open: OpenOrders): Record<string, Stored> {
  return Object.fromEntries(
    Object.entries(open).map(([id, { state: s, touchedAt }]) => {
      const row: Stored = [s.placedAt ?? null, s.total ?? null, s.currency ?? null, s.refunded, s.refundIds, s.fulfilledAt ?? null, s.cancelledAt ?? null, s.couponCode ?? null, touchedAt ?? null];
      while (row.length && row.at(-1) === null) row.pop();
      return [id, row];
    }),
  );
}

export function decodeOpenOrders(stored: unknown): OpenOrders {
  if (!stored || typeof stored !== 'object') return {};
  return Object.fromEntries(
    Object.entries(stored as Record<string, Stored>).map(([id, r]) => {
      const at = (i: number) => (r[i] ?? undefined) as string | undefined;
      const placedAt = at(0);
      const state: OrderState = {
        ...(placedAt ? { placedAt, day: utcDay(placedAt) } : {}),
        ...(r[1] != null ? { total: r[1] as number } : {}),
        ...(at(2) ? { currency: at(2)! } : {}),
        ...(at(7) ? { couponCode: at(7)! } : {}),
        ...(at(5) ? { fulfilledAt: at(5)! } : {}),
        ...(at(6) ? { cancelledAt: at(6)! } : {}),
        refunded: (r[3] as number | undefined) ?? 0,
        refundIds: (r[4] as string[] | undefined) ?? [],
      };
      return [id, { state, ...(at(8) ? { touchedAt: at(8)! } : {}) }];
    }),
  );
}

/**
 * Open while a refund may still come (placed inside the window), or a copy of its last event may
 * still be delivered. Not placed yet (a refund or fulfilment that came first waits for its order):
 * open for one window after it came — a refund for an order that left the window long ago would
 * otherwise hold a place on the item for good.
 */
export const isOpenOrder = (o: OpenOrder, cuts: OpenCuts): boolean => {
  const touched = o.touchedAt === undefined ? undefined : instantMs(o.touchedAt);
  if (!o.state.placedAt) return touched === undefined || touched >= cuts.refunds;
  return instantMs(o.state.placedAt) >= cuts.refunds || (touched !== undefined && touched >= cuts.copies);
};

/**
 * Where an event's order state goes after the decision, and the open orders written back: the
 * ones out of both windows dropped, the changed order on the item if it is there or has room
 * (else on an ORDER# item of its own, `onItem: false`).
 */
export function placeOrder(open: OpenOrders, orderId: string, state: OrderState, now: Date, windowDays: number): { open: OpenOrders; onItem: boolean } {
  const cuts = openCuts(now, windowDays);
  const kept = Object.fromEntries(Object.entries(open).filter(([id, o]) => id === orderId || isOpenOrder(o, cuts)));
  const onItem = orderId in kept || Object.keys(kept).length < MAX_OPEN_ORDERS;
  if (onItem) kept[orderId] = { state, touchedAt: now.toISOString() };
  return { open: kept, onItem };
}
