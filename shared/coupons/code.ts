/**
 * Coupon codes people can read aloud and type: 32 symbols without 0/O and 1/I (5 bits each),
 * 14 symbols = 70 bits of entropy, shown as XXXX-XXXX-XXXX-XX. Codes are bearer secrets:
 * logs carry only `couponFingerprint(code)`, the store keys coupons by `couponHash(code)`.
 */
import { createHash } from 'node:crypto';

export const COUPON_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export const COUPON_SYMBOLS = 14;
export const COUPON_ENTROPY_BITS = COUPON_SYMBOLS * Math.log2(COUPON_ALPHABET.length);
const GROUPS = [4, 4, 4, 2];

const group = (raw: string): string => {
  const out: string[] = [];
  let i = 0;
  for (const n of GROUPS) out.push(raw.slice(i, (i += n)));
  return out.join('-');
};

/** `randomBytes` is injected (crypto.randomBytes in production, a seeded source in tests). */
export function generateCouponCode(randomBytes: (n: number) => Uint8Array): string {
  const bytes = randomBytes(Math.ceil((COUPON_SYMBOLS * 5) / 8));
  let raw = '';
  // Read 5 bits at a time: with a 32-symbol alphabet there is no modulo bias.
  for (let s = 0; s < COUPON_SYMBOLS; s++) {
    let v = 0;
    for (let b = s * 5; b < s * 5 + 5; b++) v = (v << 1) | ((bytes[b >> 3]! >> (7 - (b & 7))) & 1);
    raw += COUPON_ALPHABET[v];
  }
  return group(raw);
}

/** Canonical form of what a customer typed (any case, spaces, dashes), or null if it cannot be a code. */
export function normalizeCode(input: string): string | null {
  const raw = input.toUpperCase().replace(/[\s\-_]/g, '');
  if (raw.length !== COUPON_SYMBOLS || [...raw].some((ch) => !COUPON_ALPHABET.includes(ch))) return null;
  return group(raw);
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const canonical = (code: string) => normalizeCode(code) ?? code.trim().toUpperCase();

/** Storage key: full SHA-256 of the canonical code (70 bits of entropy make it unguessable). */
export const couponHash = (code: string): string => sha256(`coupon\0${canonical(code)}`);

/** Short, log-safe identifier of a code (first 12 hex digits of its hash). */
export const couponFingerprint = (code: string): string => couponHash(code).slice(0, 12);
