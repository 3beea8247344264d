/**
 * Webhook signatures. Shopify (X-Shopify-Hmac-Sha256) and WooCommerce (X-WC-Webhook-Signature)
 * sign alike: base64 of HMAC-SHA256 over the raw body bytes, keyed with the shared secret. The
 * bytes must be the ones received: re-serialised JSON hashes differently.
 *
 * Rotation: the endpoint holds the current secret and, while a rotation settles, the previous one
 * (Shopify may sign with the old secret for up to an hour after a change).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type SignatureCheck =
  | { ok: true; secretIndex: number }
  | { ok: false; reason: 'no-secret' | 'missing' | 'malformed' | 'mismatch' };

// 32 digest bytes are 44 base64 characters ending in one '='.
const BASE64_SHA256 = /^[A-Za-z0-9+/]{43}=$/;

export const signBody = (body: Uint8Array, secret: string): string =>
  createHmac('sha256', secret).update(body).digest('base64');

/** `secretIndex` says which secret matched (0: current, 1: previous), for a rotation log line. */
export function verifySignature(body: Uint8Array, header: string | undefined, secrets: readonly string[]): SignatureCheck {
  // An empty secret would let anyone sign: a misconfiguration, never a key.
  const keys = secrets.filter((s) => s.length > 0);
  if (keys.length === 0) return { ok: false, reason: 'no-secret' };
  const given = header?.trim();
  if (!given) return { ok: false, reason: 'missing' };
  if (!BASE64_SHA256.test(given)) return { ok: false, reason: 'malformed' };
  const givenBytes = Buffer.from(given, 'base64');
  let matched = -1;
  // Every key is compared, in constant time, whatever matched before.
  keys.forEach((key, i) => {
    const expected = createHmac('sha256', key).update(body).digest();
    if (timingSafeEqual(expected, givenBytes) && matched < 0) matched = i;
  });
  return matched >= 0 ? { ok: true, secretIndex: matched } : { ok: false, reason: 'mismatch' };
}
