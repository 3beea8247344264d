/**
 * Issuing coupons, the one way: a fresh code from injected randomness, and the coupon state
 * stored under the code's hash (plus its last two characters, so a reminder can say which code
 * it means without storing it). Campaign and loyalty coupons both come from here.
 */
import type { RandomBytes } from '../platform/ports.js';
import { DAY_MS } from '../platform/time.js';
import { couponHash, generateCouponCode } from './code.js';
import type { CouponStore } from './port.js';
import type { CouponState } from './redeem.js';

export interface CouponTerms {
  kind: 'percent' | 'fixed';
  value: number;
  /** Order total (in `currency`) the order must reach. */
  minSpend?: number;
  expiresInDays: number;
}

export interface CouponOwner {
  /** The campaign (or loyalty cause, e.g. 'loyalty-redemption') revenue is attributed to. */
  campaignId: string;
  customerId: string;
  currency: string;
}

/** The stored state of a coupon whose code hashes to `codeHash`. */
export function issueCoupon(terms: CouponTerms, owner: CouponOwner & { codeHash: string }, now: Date): CouponState {
  return {
    ...owner,
    kind: terms.kind,
    value: terms.value,
    ...(terms.minSpend !== undefined ? { minSpend: terms.minSpend } : {}),
    issuedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + terms.expiresInDays * DAY_MS).toISOString(),
  };
}

/** A new code and its state; the plain code lives only in memory and in the mail. */
export function newCoupon(terms: CouponTerms, owner: CouponOwner, now: Date, randomBytes: RandomBytes): { code: string; state: CouponState } {
  const code = generateCouponCode(randomBytes);
  return { code, state: { ...issueCoupon(terms, { ...owner, codeHash: couponHash(code) }, now), codeHint: code.slice(-2) } };
}

/** Stores a new coupon; a (vanishingly rare) hash collision draws another code. */
export async function issueUniqueCoupon(store: CouponStore, terms: CouponTerms, owner: CouponOwner, now: Date, randomBytes: RandomBytes): Promise<{ code: string; state: CouponState }> {
  for (;;) {
    const coupon = newCoupon(terms, owner, now, randomBytes);
    if (await store.putCoupon(coupon.state)) return coupon;
  }
}
