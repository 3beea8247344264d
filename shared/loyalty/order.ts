/**
 * The loyalty view of one order, kept per order like shared/orders/decide.ts does: it makes a
 * redelivered event a no-op, lets a refund that arrives before its order be applied when the order
 * arrives, and remembers what the order currently contributes (bucket, points) so that every
 * event changes the customer only by the difference.
 */
import { DetailType, type OrderEvent } from '../platform/contracts/events.js';
import { orderContribution } from '../orders/decide.js';
import type { LoyaltyConfig } from './config.js';

export interface LoyaltyOrder {
  orderId: string;
  placedAt?: string;
  total?: number;
  currency?: string;
  fulfilledAt?: string;
  cancelledAt?: string;
  /** refundId → amount: a redelivered refund is recognised by its id. */
  refunds: Record<string, number>;
  /** The bucket the order counts in, fixed when first counted so later refunds hit the same one. */
  month?: string;
  /** What the order adds to that bucket now. */
  counted: { spend: number; orders: number };
  /** Fixed when points are first credited; reversals are proportional to `gross`. */
  credit?: { lot: string; rate: number; gross: number };
  /** Points the order is owed now (what was credited less what refunds took back or forgave). */
  points: number;
}

export const newLoyaltyOrder = (orderId: string): LoyaltyOrder => ({ orderId, refunds: {}, counted: { spend: 0, orders: 0 }, points: 0 });

export function evolveLoyaltyOrder(o: LoyaltyOrder, event: OrderEvent): LoyaltyOrder | null {
  switch (event.type) {
    case DetailType.OrderPlaced: {
      if (o.placedAt) return null;
      const { occurredAt, total, currency } = event.detail;
      return { ...o, placedAt: occurredAt, total, currency };
    }
    case DetailType.OrderFulfilled:
      return o.fulfilledAt ? null : { ...o, fulfilledAt: event.detail.occurredAt };
    case DetailType.OrderCancelled:
      return o.cancelledAt ? null : { ...o, cancelledAt: event.detail.occurredAt };
    case DetailType.OrderRefunded: {
      const { refundId, amount } = event.detail;
      if (refundId in o.refunds) return null;
      return { ...o, refunds: { ...o.refunds, [refundId]: amount } };
    }
    default: {
      const unreachable: never = event;
      throw new Error(`unknown order event ${JSON.stringify(unreachable)}`);
    }
  }
}

export const refundedAmount = (o: LoyaltyOrder): number => Object.values(o.refunds).reduce((s, a) => s + a, 0);

const counts = (o: LoyaltyOrder, config: LoyaltyConfig): boolean =>
  !!o.placedAt && !o.cancelledAt && o.total !== undefined && o.currency === config.currency;

/** The order summary's rule (orderContribution), for orders in the programme's currency. */
export function qualifyingContribution(o: LoyaltyOrder, config: LoyaltyConfig): { spend: number; orders: number } {
  if (!counts(o, config)) return { spend: 0, orders: 0 };
  const c = orderContribution({ placed: true, cancelled: false, total: o.total!, refunded: refundedAmount(o) });
  return { spend: round2(c.spend), orders: c.orders };
}

export const isEarnable = (o: LoyaltyOrder, config: LoyaltyConfig): boolean =>
  counts(o, config) && (config.points.earnOn === 'placed' || !!o.fulfilledAt);

/** Points for the order: multiplied once at credit time, then scaled by what was not refunded. */
export const grossPoints = (total: number, rate: number, config: LoyaltyConfig): number =>
  Math.max(0, Math.floor(total * config.points.perUnit * rate + 1e-9));

export function targetPoints(o: LoyaltyOrder, config: LoyaltyConfig): number {
  if (!o.credit || !isEarnable(o, config) || !o.total) return 0;
  const net = Math.max(0, o.total - refundedAmount(o));
  // Floor of the whole, not a sum of floored parts, so several partial refunds never drift.
  return Math.floor((o.credit.gross * net) / o.total + 1e-9);
}

export const round2 = (n: number): number => Math.round(n * 100) / 100;
