import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COUPON_ALPHABET, COUPON_ENTROPY_BITS, couponFingerprint, couponHash, generateCouponCode, normalizeCode } from '../../../shared/coupons/code.js';
import { decideRedemption, type CouponState } from '../../../shared/coupons/redeem.js';
import { issueCoupon } from '../../../shared/coupons/issue.js';

describe('coupon codes', () => {
  it('have at least 64 bits of entropy in an alphabet without 0/O or 1/I', () => {
    expect(COUPON_ENTROPY_BITS).toBeGreaterThanOrEqual(64);
    expect(COUPON_ALPHABET).not.toMatch(/[0O1I]/);
    expect(new Set(COUPON_ALPHABET).size).toBe(32);
  });
  it('are formatted XXXX-XXXX-XXXX-XX from the alphabet only', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 9, maxLength: 9 }), (bytes) => {
      const code = generateCouponCode(() => bytes);
      return /^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{2}$/.test(code);
    }));
  });
  it('use every bit: different random bytes give different codes', () => {
    const zero = generateCouponCode(() => new Uint8Array(9));
    for (let bit = 0; bit < 70; bit++) {
      const b = new Uint8Array(9);
      b[bit >> 3] = 1 << (7 - (bit & 7));
      expect(generateCouponCode(() => b), `bit ${bit}`).not.toBe(zero);
    }
  });
  it('do not repeat over 50,000 draws and use symbols evenly', () => {
    const codes = new Set<string>();
    const counts = new Map<string, number>();
    for (let i = 0; i < 50_000; i++) {
      const c = generateCouponCode(randomBytes);
      codes.add(c);
      for (const ch of c.replaceAll('-', '')) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    }
    expect(codes.size).toBe(50_000);
    const expected = (50_000 * 14) / 32;
    for (const n of counts.values()) expect(Math.abs(n - expected) / expected).toBeLessThan(0.05);
  });
  it('normalise what customers type', () => {
    expect(normalizeCode(' k7qm 4xtp-9rwd_3h ')).toBe('K7QM-4XTP-9RWD-3H');
    expect(normalizeCode('K7QM-4XTP-9RWD-3')).toBeNull();
    expect(normalizeCode('K7QM-4XTP-9RWD-30')).toBeNull();
  });
  it('are logged by a short fingerprint, stable across spellings', () => {
    expect(couponFingerprint('k7qm4xtp9rwd3h')).toBe(couponFingerprint('K7QM-4XTP-9RWD-3H'));
    expect(couponFingerprint('K7QM-4XTP-9RWD-3H')).toMatch(/^[0-9a-f]{12}$/);
    expect(couponHash('K7QM-4XTP-9RWD-3H')).not.toContain('K7QM');
  });
});

describe('decideRedemption', () => {
  const now = new Date('2026-05-20T00:00:00Z');
  const coupon: CouponState = issueCoupon(
    { kind: 'percent', value: 15, minSpend: 100, expiresInDays: 14 },
    { codeHash: 'h', campaignId: 'birthday', customerId: 'cus-1', currency: 'CNY' },
    new Date('2026-05-10T00:00:00Z'),
  );
  const order = { orderId: 'o-1', customerId: 'cus-1', total: 200, currency: 'CNY', occurredAt: '2026-05-19T10:00:00Z' };
  it('redeems with the discount', () => expect(decideRedemption(coupon, order, now)).toEqual({ kind: 'redeem', discount: 30, redeemedAt: now.toISOString() }));
  it('caps a fixed discount at the order total', () => {
    expect(decideRedemption({ ...coupon, kind: 'fixed', value: 50, minSpend: undefined }, { ...order, total: 30 }, now)).toMatchObject({ discount: 30 });
  });
  it('is a no-op success when the same order redeems again', () => {
    expect(decideRedemption({ ...coupon, redeemedBy: 'o-1' }, order, now)).toEqual({ kind: 'already-redeemed-by-this-order', discount: 30 });
  });
  it.each([
    ['unknown', null, order],
    ['already-redeemed', { ...coupon, redeemedBy: 'o-0' }, order],
    ['expired', coupon, { ...order, occurredAt: '2026-05-24T00:00:00Z' }],
    ['min-spend', coupon, { ...order, total: 99.99 }],
    ['currency', coupon, { ...order, currency: 'USD' }],
    ['not-owner', coupon, { ...order, customerId: 'cus-2' }],
  ] as const)('rejects: %s', (reason, c, o) => expect(decideRedemption(c, o, now)).toEqual({ kind: 'reject', reason }));
  it('judges expiry at the order time, so a late event still redeems', () => {
    expect(decideRedemption(coupon, { ...order, occurredAt: '2026-05-23T23:59:59Z' }, new Date('2026-06-30T00:00:00Z')).kind).toBe('redeem');
  });
});
