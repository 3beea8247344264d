/**
 * Coupon redemption from order.placed: exactly once per code, under concurrency (a conditional
 * write on the coupon decides between two orders), with the order's revenue attributed to the
 * campaign that issued the code. Rejections are expected outcomes, returned, not thrown.
 * Codes never reach logs: outcomes carry a fingerprint.
 */
import type { OrderPlaced } from '../platform/contracts/events.js';
import { couponFingerprint, couponHash, decideRedemption, normalizeCode } from './index.js';
import type { CouponStore } from './port.js';

export type RedemptionOutcome =
  | { kind: 'none' }
  | { kind: 'redeemed'; campaignId: string; fingerprint: string; discount: number }
  | { kind: 'duplicate'; fingerprint: string }
  | { kind: 'rejected'; reason: string; fingerprint?: string };

export async function redeemOrderCoupon(store: CouponStore, order: OrderPlaced, now: Date): Promise<RedemptionOutcome> {
  if (!order.couponCode) return { kind: 'none' };
  const code = normalizeCode(order.couponCode);
  // Codes Engage did not issue (the shop's own promotions) are simply not ours to redeem.
  if (!code) return { kind: 'rejected', reason: 'not-an-engage-code' };
  const hash = couponHash(code);
  const fingerprint = couponFingerprint(code);
  const coupon = await store.getCoupon(hash);
  const d = decideRedemption(coupon, { orderId: order.orderId, customerId: order.customerId, total: order.total, currency: order.currency, occurredAt: order.occurredAt }, now);
  if (d.kind === 'already-redeemed-by-this-order') return { kind: 'duplicate', fingerprint };
  if (d.kind === 'reject') return { kind: 'rejected', reason: d.reason, fingerprint };
  const won = await store.redeemCoupon(hash, { orderId: order.orderId, at: d.redeemedAt, revenue: order.total, discount: d.discount });
  if (!won) return { kind: 'rejected', reason: 'already-redeemed', fingerprint };
  return { kind: 'redeemed', campaignId: coupon!.campaignId, fingerprint, discount: d.discount };
}
