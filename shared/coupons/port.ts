/** What coupons need from storage (DynamoCouponStore in ./dynamodb.ts). */
import type { CouponState } from './redeem.js';

export interface Redemption {
  orderId: string;
  at: string;
  revenue: number;
  discount: number;
}

export interface CouponStore {
  /** Conditional create by code hash: false when the hash exists, or the owner was erased. */
  putCoupon(coupon: CouponState): Promise<boolean>;
  getCoupon(codeHash: string): Promise<CouponState | null>;
  /** Marks the coupon redeemed by this order (and attributes its revenue) unless another order already has (false). */
  redeemCoupon(codeHash: string, redemption: Redemption): Promise<boolean>;
  /** The customer's coupons as stored now (redeemed or not); the codes themselves are never stored. */
  listCustomerCoupons(customerId: string): Promise<CouponState[]>;
}
