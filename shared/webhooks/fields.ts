/**
 * Field conversions both platform mappings share: reading untyped JSON, money strings, instants,
 * ids, SKUs, coupon codes and locales. Pure; nothing here knows a platform's topics.
 */
import type { Locale } from '../platform/contracts/events.js';
import { normalizeCode } from '../coupons/code.js';

export type Json = Record<string, unknown>;

export const obj = (v: unknown): Json | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const objs = (v: unknown): Json[] => arr(v).map(obj).filter((x): x is Json => x !== undefined);

/** A trimmed non-empty string, cut to `max` characters; numbers are accepted as text. */
export function text(v: unknown, max = 200): string | undefined {
  const s = typeof v === 'string' ? v.trim() : typeof v === 'number' && Number.isFinite(v) ? String(v) : '';
  return s ? s.slice(0, max) : undefined;
}

// Engage ids allow '@' today, but a tightened contract may not: mapped ids never contain one.
const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;
export const isSafeId = (s: string): boolean => SAFE_ID.test(s);

/** The digits of a platform id given as a number, a digit string or a GraphQL gid
 * (`gid://shopify/Order/123`); the gid is exact where JSON numbers above 2^53 are not. */
export function numericId(v: unknown): string | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v > 0 ? String(v) : undefined;
  if (typeof v !== 'string') return undefined;
  const digits = /^(?:gid:\/\/[a-z]+\/[A-Za-z]+\/)?(\d{1,30})$/.exec(v.trim())?.[1];
  return digits && !/^0+$/.test(digits) ? digits : undefined;
}

/** `shopify:123`, `woocommerce:45`: the platform prefix keeps ids of different shops apart. */
export function platformId(platform: string, ...candidates: unknown[]): string | undefined {
  for (const c of candidates) {
    const n = numericId(c);
    if (n) return `${platform}:${n}`;
  }
  return undefined;
}

/** The shop's SKU when it is a usable id, else a stable id built from the product/variant id. */
export function lineSku(sku: unknown, fallback: string | undefined): string | undefined {
  const s = text(sku, 200);
  return s && isSafeId(s) ? s : fallback;
}

const MONEY = /^-?\d{1,15}(\.\d{1,6})?$/;

/** A decimal money string ("12.50") or a finite number; null for anything else ("1,234.00", ""). */
export function parseMoney(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v !== 'string' || !MONEY.test(v.trim())) return null;
  return Number(v.trim());
}

/** Sums in 1/10,000 units so that 0.1 + 0.2 is 0.3, whatever the currency's decimals. */
export const sumMoney = (amounts: number[]): number =>
  amounts.reduce((sum, a) => sum + Math.round(a * 10_000), 0) / 10_000;

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * An ISO 8601 timestamp as a UTC instant (`…Z`). Without an offset it is ambiguous and refused,
 * unless the field is documented as UTC (WooCommerce's `*_gmt` fields carry no offset).
 */
export function toInstant(v: unknown, { assumeUtc = false } = {}): string | undefined {
  if (typeof v !== 'string') return undefined;
  const m = ISO.exec(v.trim());
  if (!m) return undefined;
  if (!m[3] && !assumeUtc) return undefined;
  const t = Date.parse(m[3] ? v.trim() : `${v.trim()}Z`);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

/** The latest of several instants (undefined entries skipped). */
export function latest(instants: (string | undefined)[]): string | undefined {
  return instants.filter((i): i is string => Boolean(i)).sort().at(-1);
}

/**
 * Engage writes in two languages. Any Chinese tag (zh, zh-CN, zh_Hans, zh-TW …) becomes 'zh-CN'
 * (simplified text is the closer fit for every Chinese reader than English), any English one 'en';
 * anything else (fr, ja, missing) gets the shop's default.
 */
export function engageLocale(tag: unknown, fallback: Locale): Locale {
  const t = typeof tag === 'string' ? tag.trim().toLowerCase().replace(/_/g, '-') : '';
  if (t === 'zh' || t.startsWith('zh-')) return 'zh-CN';
  if (t === 'en' || t.startsWith('en-')) return 'en';
  return fallback;
}

/** One code for Engage: prefer a code Engage issued (its coupon redemption needs it), else the first. */
export function pickCouponCode(codes: unknown[]): string | undefined {
  const given = codes.flatMap((c) => text(c, 64) ?? []);
  return given.find((c) => normalizeCode(c) !== null) ?? given[0];
}

/** A display name from the parts a shop has, never empty when any part is present. */
export function personName(first: unknown, last: unknown, ...fallbacks: unknown[]): string | undefined {
  const full = [text(first), text(last)].filter(Boolean).join(' ');
  return text(full) ?? fallbacks.map((f) => text(f)).find(Boolean);
}

/** Comma-separated tags ("vip, wholesale") as the contract's list: trimmed, unique, ≤ 50 of ≤ 64 chars. */
export function tagList(v: unknown): string[] | undefined {
  if (typeof v !== 'string') return undefined;
  const tags = [...new Set(v.split(',').flatMap((t) => text(t, 64) ?? []))].slice(0, 50);
  return tags.length ? tags : undefined;
}
