/**
 * Signed link tokens: `<kid>.<payload>.<signature>`, base64url, HMAC-SHA256.
 *
 * - The subject is the opaque customer id, never an email address (links leak: forwards, logs).
 * - Each purpose signs with its own key, derived by HKDF from the master secret, so a survey
 *   token can never unsubscribe and vice versa.
 * - The kid names the master secret; verifiers accept the current and previous secrets, so a
 *   rotation does not break links already in inboxes.
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

export type TokenPurpose = 'unsubscribe' | 'survey' | 'preferences';

/** Unsubscribe links must work ≥ 30 days after sending (CAN-SPAM); mail is read much later. */
export const TOKEN_TTL_DAYS: Record<TokenPurpose, number> = { unsubscribe: 400, survey: 30, preferences: 400 };

export interface TokenKey {
  kid: string;
  /** The master secret (≥ 32 random bytes); per-purpose keys are derived from it. */
  secret: Uint8Array;
}

export interface TokenKeyring {
  current: TokenKey;
  previous?: TokenKey[];
}

export interface TokenClaims {
  purpose: TokenPurpose;
  /** Opaque customer id. */
  sub: string;
  /** What the token is about: a campaign id, or a survey id. */
  ref?: string;
  /** Issued at / expires at, epoch seconds. */
  iat: number;
  exp: number;
}

export type VerifyResult = { kind: 'ok'; claims: TokenClaims } | { kind: 'invalid' } | { kind: 'expired'; claims: TokenClaims };

const KID = /^[A-Za-z0-9_-]{1,16}$/;
const B64URL = /^[A-Za-z0-9_-]+$/;

function purposeKey(secret: Uint8Array, purpose: TokenPurpose): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'engage-link-tokens-v1', `purpose:${purpose}`, 32));
}

const sign = (key: TokenKey, purpose: TokenPurpose, kid: string, payload: string): Buffer =>
  createHmac('sha256', purposeKey(key.secret, purpose)).update(`v1.${kid}.${payload}`).digest();

export function signToken(
  purpose: TokenPurpose,
  subject: { sub: string; ref?: string },
  keys: TokenKeyring,
  now: Date,
  ttlSeconds: number = TOKEN_TTL_DAYS[purpose] * 86_400,
): string {
  const { kid } = keys.current;
  if (!KID.test(kid)) throw new Error(`invalid key id "${kid}"`);
  const iat = Math.floor(now.getTime() / 1000);
  const claims = { p: purpose, s: subject.sub, ...(subject.ref ? { r: subject.ref } : {}), i: iat, e: iat + ttlSeconds };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${kid}.${payload}.${sign(keys.current, purpose, kid, payload).toString('base64url')}`;
}

// Buffer's base64url decoder skips junk silently; re-encoding proves the text was canonical.
function strictDecode(s: string): Buffer | null {
  if (!B64URL.test(s)) return null;
  const b = Buffer.from(s, 'base64url');
  return b.toString('base64url') === s ? b : null;
}

/** Tampered, truncated, unknown-key and cross-purpose tokens are all just `invalid`. */
export function verifyToken(purpose: TokenPurpose, token: string, keys: TokenKeyring, now: Date): VerifyResult {
  const invalid: VerifyResult = { kind: 'invalid' };
  const parts = token.split('.');
  if (parts.length !== 3) return invalid;
  const [kid, payload, sig] = parts as [string, string, string];
  const key = [keys.current, ...(keys.previous ?? [])].find((k) => k.kid === kid);
  const given = strictDecode(sig);
  if (!key || !given || !strictDecode(payload)) return invalid;
  const expected = sign(key, purpose, kid, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return invalid;
  let raw: { p?: unknown; s?: unknown; r?: unknown; i?: unknown; e?: unknown };
  try {
    raw = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return invalid;
  }
  if (raw.p !== purpose || typeof raw.s !== 'string' || typeof raw.i !== 'number' || typeof raw.e !== 'number') return invalid;
  const claims: TokenClaims = { purpose, sub: raw.s, iat: raw.i, exp: raw.e, ...(typeof raw.r === 'string' ? { ref: raw.r } : {}) };
  return now.getTime() / 1000 >= claims.exp ? { kind: 'expired', claims } : { kind: 'ok', claims };
}
