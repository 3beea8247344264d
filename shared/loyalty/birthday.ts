/**
 * Birthday rewards: once per year per customer, on the birthday in the customer's time zone.
 *
 * The reward is keyed by customer + year ('birthday#2026' on the ledger, `birthdayYear` on the
 * state), not by the birthday, so moving the birthday to tomorrow after this year's reward gives
 * nothing more this year. A 29 February birthday is celebrated on config.birthday.feb29 (default
 * 28 February: it stays in the birth month) in other years. A sweep that missed the day can still
 * grant it up to `lateDays` later; the year is the year of the birthday, not of the sweep.
 */
import { tierIndex, type LoyaltyConfig, type Reward } from './config.js';
import type { BirthdayRewarded, BirthdayUpcoming, CouponRequest } from './events.js';
import { creditLot, type LedgerEntry } from './ledger.js';
import type { LoyaltyState } from './state.js';
import { daysBetween, isLeapYear, isoDate, localDate, monthKey, type LocalDate } from '../platform/time.js';

export interface BirthdayProfile {
  /** 'MM-DD' or 'YYYY-MM-DD' as in customer.upserted. */
  birthday?: string;
  timeZone: string;
}

export type BirthdayDecision =
  | { kind: 'none'; reason: 'disabled' | 'no-birthday' | 'invalid-birthday' | 'not-today' }
  | { kind: 'duplicate'; year: number }
  | { kind: 'reward'; year: number; state: LoyaltyState; entry: LedgerEntry; event: BirthdayRewarded; coupon?: CouponRequest };

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function parseBirthday(s: string | undefined): { month: number; day: number } | null {
  const m = s?.match(/^(?:\d{4}-)?(\d{2})-(\d{2})$/);
  if (!m) return null;
  const month = Number(m[1]);
  const day = Number(m[2]);
  return month >= 1 && month <= 12 && day >= 1 && day <= DAYS_IN_MONTH[month - 1]! ? { month, day } : null;
}

/** The date the birthday is celebrated in `year`. */
export function birthdayIn(b: { month: number; day: number }, year: number, feb29: 'feb-28' | 'mar-01'): LocalDate {
  if (b.month === 2 && b.day === 29 && !isLeapYear(year)) return feb29 === 'feb-28' ? { year, month: 2, day: 28 } : { year, month: 3, day: 1 };
  return { year, ...b };
}

export function decideBirthday(state: LoyaltyState, profile: BirthdayProfile, now: Date, config: LoyaltyConfig): BirthdayDecision {
  const rules = config.birthday;
  if (!rules) return { kind: 'none', reason: 'disabled' };
  if (!profile.birthday) return { kind: 'none', reason: 'no-birthday' };
  const b = parseBirthday(profile.birthday);
  if (!b) return { kind: 'none', reason: 'invalid-birthday' };

  const today = localDate(now, profile.timeZone);
  // This year's birthday, or last year's when a sweep in early January catches up on 31 December.
  const occurrence = [today.year, today.year - 1]
    .map((y) => birthdayIn(b, y, rules.feb29))
    .find((d) => {
      const late = daysBetween(d, today);
      return late >= 0 && late <= rules.lateDays;
    });
  if (!occurrence) return { kind: 'none', reason: 'not-today' };
  const year = occurrence.year;
  if (state.birthdayYear !== undefined && state.birthdayYear >= year) return { kind: 'duplicate', year };

  const reward: Reward = config.tiers[tierIndex(config, state.tier)]!.birthdayReward ?? rules.reward;
  const key = birthdayRewardKey(year);
  const at = now.toISOString();
  const event: BirthdayRewarded = {
    customerId: state.customerId,
    year,
    date: isoDate(occurrence),
    reward,
    currency: config.currency,
    key,
    occurredAt: at,
  };
  if (reward.kind === 'points') {
    const lot = monthKey(now, config.timeZone);
    const balance = state.balance + reward.points;
    const next = { ...state, birthdayYear: year, balance, lots: creditLot(state.lots, lot, reward.points) };
    const entry: LedgerEntry = { key, kind: 'birthday', points: reward.points, lots: { [lot]: reward.points }, balanceAfter: balance, at };
    return { kind: 'reward', year, state: next, entry, event };
  }
  // A coupon moves no points; the zero entry is still written, as the once-per-year claim.
  const entry: LedgerEntry = { key, kind: 'birthday', points: 0, lots: {}, balanceAfter: state.balance, at, couponValue: reward.value };
  const coupon: CouponRequest = { customerId: state.customerId, idempotencyKey: key, value: reward.value, currency: config.currency, points: 0 };
  return { kind: 'reward', year, state: { ...state, birthdayYear: year }, entry, event, coupon };
}

/** The once-per-year key of the reward (ledger entry and campaign occurrence). */
export const birthdayRewardKey = (year: number): string => `birthday#${year}`;

/** The once-per-year key of the notice ahead of the birthday (the campaign occurrence too). */
export const birthdayNoticeKey = (year: number): string => `birthday-notice#${year}`;

export type BirthdayNoticeDecision =
  | { kind: 'none' }
  | { kind: 'notice'; state: LoyaltyState; event: BirthdayUpcoming };

/**
 * The notice `birthday.noticeDays` ahead ("your birthday gift arrives on Friday"), once a year: on
 * the first sweep that sees the birthday at most that many days ahead (a late sweep still tells,
 * with fewer days left; on the day itself the reward speaks instead).
 */
export function decideBirthdayNotice(state: LoyaltyState, profile: BirthdayProfile, now: Date, config: LoyaltyConfig): BirthdayNoticeDecision {
  const rules = config.birthday;
  if (!rules?.noticeDays) return { kind: 'none' };
  const b = parseBirthday(profile.birthday);
  if (!b) return { kind: 'none' };
  const today = localDate(now, profile.timeZone);
  for (const year of [today.year, today.year + 1]) {
    const day = birthdayIn(b, year, rules.feb29);
    const left = daysBetween(today, day);
    if (left < 1 || left > rules.noticeDays) continue;
    if ((state.birthdayNoticeYear ?? 0) >= year) return { kind: 'none' };
    const event: BirthdayUpcoming = { customerId: state.customerId, year, date: isoDate(day), daysBefore: rules.noticeDays, daysLeft: left, key: birthdayNoticeKey(year), occurredAt: now.toISOString() };
    return { kind: 'notice', state: { ...state, birthdayNoticeYear: year }, event };
  }
  return { kind: 'none' };
}
