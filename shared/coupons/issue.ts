/**
 * Issuing coupons, the one way: the coupon state stored under the code's hash (plus its last two
 * characters, so a reminder can say which code it means without storing it). Campaign coupons
 * have codes derived per send (./derive.ts), loyalty coupons fresh ones from injected randomness
 * (they are created in the same transaction as their ledger entry, which makes them once-only).
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

/** The state of the coupon with this code: stored under its hash, with its last two characters. */
export const couponWithCode = (terms: CouponTerms, owner: CouponOwner, now: Date, code: string): CouponState => ({
  ...issueCoupon(terms, { ...owner, codeHash: couponHash(code) }, now),
  codeHint: code.slice(-2),
});

/** A new code and its state; the plain code lives only in memory and in the mail. */
export function newCoupon(terms: CouponTerms, owner: CouponOwner, now: Date, randomBytes: RandomBytes): { code: string; state: CouponState } {
  const code = generateCouponCode(randomBytes);
  return { code, state: couponWithCode(terms, owner, now, code) };
}

/** Stores a new coupon with a random code; a (vanishingly rare) hash collision draws another
 * code. For coupons issued outside a send (operator tools, fixtures): a send derives its code. */
export async function issueUniqueCoupon(store: CouponStore, terms: CouponTerms, owner: CouponOwner, now: Date, randomBytes: RandomBytes): Promise<{ code: string; state: CouponState }> {
  for (;;) {
    const coupon = newCoupon(terms, owner, now, randomBytes);
    if (await store.putCoupon(coupon.state)) return coupon;
  }
}

/**
 * Stores the coupon for a given (derived, see ./derive.ts) code, once: a retried send finds the
 * coupon its first attempt stored and mails that one, with its original expiry (null when the
 * owner was erased meanwhile: nothing is stored, nothing may be sent). A code held by
 * another owner would be a 2^-70 collision; it is refused loudly rather than shared.
 */
export async function issueCouponOnce(store: CouponStore, terms: CouponTerms, owner: CouponOwner, now: Date, code: string): Promise<CouponState | null> {
  const state = couponWithCode(terms, owner, now, code);
  if (await store.putCoupon(state)) return state;
  const existing = await store.getCoupon(state.codeHash);
  // Neither created nor there: the owner was erased meanwhile (null: send nothing).
  if (!existing) return null;
  if (existing.customerId === owner.customerId && existing.campaignId === owner.campaignId) return existing;
  throw new Error(`coupon code of ${owner.campaignId} collides with another coupon`);
}
