/**
 * The code of a campaign coupon is derived, not drawn: HMAC-SHA256 over the send's claim key
 * (campaign, customer, occurrence) with a coupon key derived by HKDF from the link keyring's
 * secret (its own purpose, so no link token can be turned into a code or back). A retried send
 * re-derives the very code the first attempt stored and possibly mailed: one coupon per claim
 * however often the send is retried, taken over or redelivered, and no plain code is ever
 * stored. Why not store the code encrypted instead: the same keyring would have to protect it,
 * the table would hold every live code in one place, and a retry that found no stored code (a
 * crash before the write) would still need a rule to avoid a second one — derivation needs none.
 * The key id used is recorded on the send at its first claim, so a keyring rotation between
 * attempts still re-derives the same code (previous keys stay in the keyring for 400 days).
 * 70 bits of an HMAC output are as unguessable as 70 random bits to anyone without the secret;
 * whoever holds the secret can already sign links.
 */
import { createHmac, hkdfSync } from 'node:crypto';
import type { TokenKey, TokenKeyring } from '../links/token.js';
import { generateCouponCode } from './code.js';

const couponKey = (key: TokenKey): Buffer => Buffer.from(hkdfSync('sha256', key.secret, 'engage-coupons-v1', 'purpose:coupon-code', 32));

export interface CouponClaim {
  campaignId: string;
  customerId: string;
  occurrence: string;
}

export function derivedCouponCode(key: TokenKey, claim: CouponClaim): string {
  const mac = createHmac('sha256', couponKey(key)).update(`${claim.campaignId}\0${claim.customerId}\0${claim.occurrence}`).digest();
  return generateCouponCode((n) => mac.subarray(0, n));
}

/** The key a send derives its code with: the one recorded at its claim, else the current one. */
export function couponKeyFor(keyring: TokenKeyring, kid?: string): TokenKey {
  return (kid ? [keyring.current, ...(keyring.previous ?? [])].find((k) => k.kid === kid) : undefined) ?? keyring.current;
}

/** Codes derived with one key, and that key's id: what an issuer outside a send holds (the
 * loyalty programme), so the mail that carries the coupon later derives the same code. */
export interface CouponDeriver {
  kid: string;
  code(claim: CouponClaim): string;
}

export const couponDeriver = (key: TokenKey): CouponDeriver => ({ kid: key.kid, code: (claim) => derivedCouponCode(key, claim) });
