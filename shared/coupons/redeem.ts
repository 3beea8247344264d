/** Whether an order may use a coupon; idempotent per order so redelivered events are harmless. */

/** What the store keeps per issued coupon, keyed by couponHash(code); the code itself is not stored. */
export interface CouponState {
  codeHash: string;
  campaignId: string;
  customerId: string;
  kind: 'percent' | 'fixed';
  value: number;
  /** Currency of `value` (fixed) and `minSpend`; orders in another currency are refused. */
  currency: string;
  minSpend?: number;
  issuedAt: string;
  expiresAt: string;
  redeemedBy?: string;
  redeemedAt?: string;
  /** The code's last two characters (of 14), so a reminder can name it without storing it. */
  codeHint?: string;
}

export interface CouponOrder {
  orderId: string;
  customerId?: string;
  total: number;
  currency: string;
  occurredAt: string;
}

export type RedemptionDecision =
  | { kind: 'redeem'; discount: number; redeemedAt: string }
  /** This very order already redeemed it (a redelivery): success, nothing to write. */
  | { kind: 'already-redeemed-by-this-order'; discount: number }
  | { kind: 'reject'; reason: 'unknown' | 'expired' | 'min-spend' | 'already-redeemed' | 'currency' | 'not-owner' };

const cents = (n: number) => Math.round(n * 100) / 100;

export const discountFor = (c: Pick<CouponState, 'kind' | 'value'>, total: number): number =>
  cents(c.kind === 'percent' ? (total * c.value) / 100 : Math.min(c.value, total));

/**
 * Expiry is judged at the order's occurredAt, not at processing time: a late event for an order
 * placed before expiry still redeems. Coupons are personal when `customerId` is given on the order.
 */
export function decideRedemption(coupon: CouponState | null, order: CouponOrder, now: Date): RedemptionDecision {
  if (!coupon) return { kind: 'reject', reason: 'unknown' };
  if (coupon.redeemedBy === order.orderId) return { kind: 'already-redeemed-by-this-order', discount: discountFor(coupon, order.total) };
  if (coupon.redeemedBy !== undefined) return { kind: 'reject', reason: 'already-redeemed' };
  if (order.customerId !== undefined && order.customerId !== coupon.customerId) return { kind: 'reject', reason: 'not-owner' };
  if (Date.parse(order.occurredAt) >= Date.parse(coupon.expiresAt)) return { kind: 'reject', reason: 'expired' };
  if (order.currency !== coupon.currency) return { kind: 'reject', reason: 'currency' };
  if (coupon.minSpend !== undefined && order.total < coupon.minSpend) return { kind: 'reject', reason: 'min-spend' };
  return { kind: 'redeem', discount: discountFor(coupon, order.total), redeemedAt: now.toISOString() };
}
