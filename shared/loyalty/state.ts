/**
 * The customer's loyalty state. It stays a few hundred bytes however long the history: spend is
 * kept in at most 13 monthly buckets, points in at most expiryMonths + 1 monthly lots. (Its item
 * also carries the open orders, at most MAX_OPEN_ORDERS, and one folded history entry:
 * ./open-orders.ts.)
 */
import type { LoyaltyConfig } from './config.js';

/** Net spend and order count of the orders placed in one shop-calendar month. */
export interface MonthBucket {
  spend: number;
  orders: number;
}

/** Points credited in one month that are still on the balance; they expire together. */
export interface Lot {
  points: number;
  /** The points.expiring notice for this lot was decided. */
  noticed?: true;
}

export interface LoyaltyState {
  customerId: string;
  memberSince: string;
  tier: string;
  tierSince: string;
  /** The tier the last review confirmed (initially the base tier): a refund can undo upgrades
   * granted since then, but only a review goes below it. */
  reviewedTier: string;
  /** Period key ('YYYY-MM' monthly, 'YYYY-MM-DD' anniversary) of the last review. */
  lastReview?: string;
  /** A review found the customer short of their tier; the downgrade waits until `until`. */
  grace?: { until: string; review: string };
  /** 'YYYY-MM' → totals; only the current month and the 12 before it are kept. */
  buckets: Record<string, MonthBucket>;
  /** Always the sum of `lots` and of every ledger entry's `points`; never negative. */
  balance: number;
  /** Credit month 'YYYY-MM' → remaining points; empty lots are removed. */
  lots: Record<string, Lot>;
  /** Points refunds should have taken back but that were already spent (forgiven, see points.ts). */
  unrecoverable: number;
  /** Year of the last birthday reward: one per year, whatever the birthday is changed to. */
  birthdayYear?: number;
  /** Year of the last notice ahead of the birthday (birthday.noticeDays). */
  birthdayNoticeYear?: number;
}

export function newLoyaltyState(customerId: string, now: Date, config: LoyaltyConfig): LoyaltyState {
  const base = config.tiers[0]!.id;
  const at = now.toISOString();
  return { customerId, memberSince: at, tier: base, tierSince: at, reviewedTier: base, buckets: {}, balance: 0, lots: {}, unrecoverable: 0 };
}
