/**
 * Tiers: qualification on a rolling window of monthly buckets, immediate upgrades, downgrades at
 * reviews (after a grace period), and refunds undoing upgrades they paid for.
 *
 * Why 13 buckets: the window is the current (partial) month plus the 12 full months before it, so
 * a customer is never judged on less than a full year, and each bucket can be added to or taken
 * from in O(1) when an order, refund or cancellation arrives: no history is re-read. Older buckets
 * are dropped on every write, so the map never exceeds 13 entries.
 */
import { tierIndex, type LoyaltyConfig } from './config.js';
import type { CustomerTierChanged, TierReason } from './events.js';
import { round2 } from './order.js';
import type { LoyaltyState, MonthBucket } from './state.js';
import { addDays, addMonths, daysBetween, isoDate, isLeapYear, localDate, monthKey, instantMs } from '../platform/time.js';

export const WINDOW_MONTHS = 13;

export const windowStart = (now: Date, config: LoyaltyConfig): string => addMonths(monthKey(now, config.timeZone), 1 - WINDOW_MONTHS);

export function pruneBuckets(buckets: Record<string, MonthBucket>, now: Date, config: LoyaltyConfig): Record<string, MonthBucket> {
  const start = windowStart(now, config);
  return Object.fromEntries(Object.entries(buckets).filter(([k]) => k >= start));
}

/** The bucket an order placed at `placedAt` counts in, or null when it is already outside the window.
 * A timestamp from the future (clock skew) counts in the current month, keeping the map bounded. */
export function bucketMonth(placedAt: string, now: Date, config: LoyaltyConfig): string | null {
  const current = monthKey(now, config.timeZone);
  const month = monthKey(new Date(placedAt), config.timeZone);
  if (month < windowStart(now, config)) return null;
  return month > current ? current : month;
}

export function addToBucket(
  buckets: Record<string, MonthBucket>,
  month: string,
  delta: MonthBucket,
): Record<string, MonthBucket> {
  if (delta.spend === 0 && delta.orders === 0) return buckets;
  const b = buckets[month] ?? { spend: 0, orders: 0 };
  const next = { spend: round2(b.spend + delta.spend), orders: b.orders + delta.orders };
  const { [month]: _, ...rest } = buckets;
  return next.orders === 0 && next.spend <= 0 ? rest : { ...rest, [month]: next };
}

export function rollingTotals(buckets: Record<string, MonthBucket>, now: Date, config: LoyaltyConfig): MonthBucket {
  const start = windowStart(now, config);
  let spend = 0;
  let orders = 0;
  for (const [k, b] of Object.entries(buckets)) if (k >= start) (spend += b.spend), (orders += b.orders);
  return { spend: round2(spend), orders };
}

/** Index of the highest tier the totals qualify for (thresholds never decrease up the list). */
export function qualifiedTier(totals: MonthBucket, config: LoyaltyConfig): number {
  let best = 0;
  config.tiers.forEach((t, i) => {
    const { spend, orders, match } = t.qualify;
    const checks = [spend === undefined ? null : totals.spend >= spend, orders === undefined ? null : totals.orders >= orders].filter(
      (c): c is boolean => c !== null,
    );
    const ok = checks.length === 0 || (match === 'any' ? checks.some(Boolean) : checks.every(Boolean));
    if (ok) best = i;
  });
  return best;
}

function change(state: LoyaltyState, to: number, reason: TierReason, key: string, at: Date, config: LoyaltyConfig) {
  const from = tierIndex(config, state.tier);
  const tier = config.tiers[to]!;
  const event: CustomerTierChanged = {
    customerId: state.customerId,
    from: state.tier,
    to: tier.id,
    direction: to > from ? 'up' : 'down',
    toName: tier.name,
    reason,
    key: `tier#${key}`,
    occurredAt: at.toISOString(),
  };
  return { state: { ...state, tier: tier.id, tierSince: at.toISOString() }, change: event };
}

/**
 * After an order event has updated the buckets: upgrade at once when the customer now qualifies
 * higher; after a refund or cancellation, take back an upgrade it paid for, never below the tier
 * the last review confirmed (only a review goes lower). `cause.key` names the event; kind
 * 'refund' | 'cancellation' is passed only when the event lowered the customer's window.
 * The window is judged at `now`; a change is dated `at`, when the event that caused it happened.
 */
export function decideTierAfterOrder(
  state: LoyaltyState,
  cause: { kind: 'order' | 'refund' | 'cancellation'; key: string },
  now: Date,
  config: LoyaltyConfig,
  at: Date = now,
): { state: LoyaltyState; change?: CustomerTierChanged } {
  const q = qualifiedTier(rollingTotals(state.buckets, now, config), config);
  const current = tierIndex(config, state.tier);
  if (q > current) {
    const { grace: _, ...rest } = state;
    return change(rest, q, 'qualified', cause.key, at, config);
  }
  if (q === current && state.grace) {
    const { grace: _, ...rest } = state;
    return { state: rest };
  }
  if (q < current && cause.kind !== 'order') {
    const target = Math.max(q, tierIndex(config, state.reviewedTier));
    if (target < current) return change(state, target, cause.kind, cause.key, at, config);
  }
  return { state };
}

/** The review period `now` falls in, or undefined when none has begun (first anniversary not reached). */
export function reviewPeriod(state: LoyaltyState, now: Date, config: LoyaltyConfig): string | undefined {
  if (config.review.schedule === 'monthly') return monthKey(now, config.timeZone);
  const since = localDate(new Date(state.memberSince), config.timeZone);
  const today = localDate(now, config.timeZone);
  const anniversary = (year: number) => ({
    year,
    month: since.month,
    day: since.month === 2 && since.day === 29 && !isLeapYear(year) ? 28 : since.day,
  });
  let year = today.year;
  if (daysBetween(anniversary(year), today) < 0) year -= 1;
  return year > since.year ? isoDate(anniversary(year)) : undefined;
}

export type ReviewDecision =
  | { kind: 'not-due' }
  | {
      kind: 'apply';
      outcome: 'kept' | 'upgraded' | 'grace-started' | 'in-grace' | 'downgraded';
      state: LoyaltyState;
      change?: CustomerTierChanged;
    };

/**
 * The periodic review (run by the sweep, daily or monthly; it is due once per period and again
 * when a grace period it started has run out). Decided once per period: the state remembers it.
 */
export function decideReview(state: LoyaltyState, now: Date, config: LoyaltyConfig): ReviewDecision {
  const period = reviewPeriod(state, now, config);
  const graceOver = !!state.grace && now.getTime() >= instantMs(state.grace.until);
  const periodDue = period !== undefined && (state.lastReview === undefined || period > state.lastReview);
  if (!periodDue && !graceOver) return { kind: 'not-due' };

  const base: LoyaltyState = { ...state, buckets: pruneBuckets(state.buckets, now, config), ...(periodDue ? { lastReview: period } : {}) };
  const q = qualifiedTier(rollingTotals(base.buckets, now, config), config);
  const current = tierIndex(config, state.tier);
  const { grace, ...settled } = base;

  if (q >= current) {
    const reviewed = { ...settled, reviewedTier: config.tiers[q]!.id };
    if (q === current) return { kind: 'apply', outcome: 'kept', state: reviewed };
    return { kind: 'apply', outcome: 'upgraded', ...change(reviewed, q, 'review', `review#${period}`, now, config) };
  }
  if (grace && !graceOver) return { kind: 'apply', outcome: 'in-grace', state: base };
  if (!grace && config.review.graceDays > 0 && period) {
    const until = addDays(now, config.review.graceDays).toISOString();
    return { kind: 'apply', outcome: 'grace-started', state: { ...base, grace: { until, review: period } } };
  }
  const key = `review#${grace?.review ?? period}`;
  const down = change({ ...settled, reviewedTier: config.tiers[q]!.id }, q, 'review', key, now, config);
  return { kind: 'apply', outcome: 'downgraded', ...down };
}
