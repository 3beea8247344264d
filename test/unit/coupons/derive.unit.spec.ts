/** Campaign coupon codes derived per claim: the same claim, the same code; anything else, another. */
import { describe, expect, it } from 'vitest';
import { couponKeyFor, derivedCouponCode } from '../../../shared/coupons/derive.js';
import { normalizeCode } from '../../../shared/coupons/code.js';

const key = (kid: string, fill: number) => ({ kid, secret: new Uint8Array(32).fill(fill) });
const keyring = { current: key('k2', 2), previous: [key('k1', 1)] };
const claim = { campaignId: 'win-back', customerId: 'c-1', occurrence: 'at-risk:2026-09-01' };

describe('derivedCouponCode', () => {
  it('gives a retried send the very same well-formed code', () => {
    const code = derivedCouponCode(keyring.current, claim);
    expect(normalizeCode(code)).toBe(code);
    expect(derivedCouponCode(keyring.current, { ...claim })).toBe(code);
  });
  it('differs per occurrence, customer, campaign and key', () => {
    const base = derivedCouponCode(keyring.current, claim);
    expect(derivedCouponCode(keyring.current, { ...claim, occurrence: 'at-risk:2026-10-01' })).not.toBe(base);
    expect(derivedCouponCode(keyring.current, { ...claim, customerId: 'c-2' })).not.toBe(base);
    expect(derivedCouponCode(keyring.current, { ...claim, campaignId: 'birthday' })).not.toBe(base);
    expect(derivedCouponCode(keyring.previous[0]!, claim)).not.toBe(base);
  });
  it('keeps using the key recorded at the claim after a rotation, and the current one otherwise', () => {
    expect(couponKeyFor(keyring, 'k1').kid).toBe('k1');
    expect(couponKeyFor(keyring, undefined).kid).toBe('k2');
    expect(couponKeyFor(keyring, 'gone').kid).toBe('k2');
  });
});
