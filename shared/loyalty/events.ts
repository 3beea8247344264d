/** Payloads the loyalty decisions emit; their schemas live with every other event contract. */

export { BirthdayRewarded, BirthdayUpcoming, CustomerTierChanged, PointsExpiring, TierReason } from '../platform/contracts/events.js';

/** What the coupon service is asked to issue; `idempotencyKey` is the ledger key of its cause. */
export interface CouponRequest {
  customerId: string;
  idempotencyKey: string;
  value: number;
  currency: string;
  points: number;
}
