/**
 * What the loyalty programme says on the bus: tier changes, points about to expire, points
 * turned into a coupon, birthdays coming and celebrated. Campaigns and flows enter on them.
 */
import { z } from 'zod';
import { Count, Id, Instant, ShopTime } from './primitives.js';

/**
 * A coupon the programme issued (a redemption, a tier's birthday coupon). Its plain code is not
 * stored anywhere: it is derived (coupons/derive.ts) from `claim` with the keyring key `kid`, by
 * the loyalty function when it stores the coupon and again by the send that mails it.
 */
export const LoyaltyCoupon = z.object({
  claim: z.object({ campaignId: z.string().min(1), occurrence: z.string().min(1) }).strict(),
  kid: z.string().min(1),
});
export type LoyaltyCoupon = z.infer<typeof LoyaltyCoupon>;

/** Text in every shopper language. */
export const Localized = z.object({ 'zh-CN': z.string().min(1), en: z.string().min(1) }).strict();
export type Localized = z.infer<typeof Localized>;

export const Reward = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('points'), points: z.number().int().positive() }).strict(),
  z.object({ kind: z.literal('coupon'), value: z.number().positive() }).strict(),
]);
export type Reward = z.infer<typeof Reward>;

export const TierReason = z.enum(['qualified', 'review', 'refund', 'cancellation']);
export type TierReason = z.infer<typeof TierReason>;

/** `key` names the business cause ('tier#placed#o-1', 'tier#review#2026-06'): consumers dedupe on it. */
export const CustomerTierChanged = z.object({
  customerId: z.string().min(1),
  from: z.string().min(1),
  to: z.string().min(1),
  direction: z.enum(['up', 'down']),
  toName: Localized,
  reason: TierReason,
  key: z.string().min(1),
  occurredAt: Instant,
});
export type CustomerTierChanged = z.infer<typeof CustomerTierChanged>;

export const PointsExpiring = z.object({
  customerId: z.string().min(1),
  /** Remaining in the lot when the notice was decided; redemptions before expiry lower it. */
  points: z.number().int().positive(),
  lot: z.string().regex(/^\d{4}-\d{2}$/),
  expiresAt: Instant,
  /** The whole balance when the notice was decided ("you have 1,240 points; 300 expire…"). */
  balance: z.number().int().nonnegative().optional(),
  key: z.string().min(1),
  occurredAt: Instant,
});
export type PointsExpiring = z.infer<typeof PointsExpiring>;

export const BirthdayRewarded = z.object({
  customerId: z.string().min(1),
  year: z.number().int(),
  /** The local date celebrated (29 Feb moves to 28 Feb or 1 Mar in other years). */
  date: z.iso.date(),
  reward: Reward,
  currency: z.string().regex(/^[A-Z]{3}$/),
  /** A coupon reward: where its code is derived from, so the birthday mail can carry it. */
  coupon: LoyaltyCoupon.optional(),
  key: z.string().min(1),
  occurredAt: Instant,
});
export type BirthdayRewarded = z.infer<typeof BirthdayRewarded>;

/** A shop asks to turn points into a coupon; `key` makes a retried request redeem once. */
export const PointsRedeemRequested = z.object({
  customerId: Id,
  key: Id,
  points: Count,
  occurredAt: ShopTime,
});
export type PointsRedeemRequested = z.infer<typeof PointsRedeemRequested>;

/** Points became a coupon (the shop's redemption request was granted): the mail carries it. */
export const PointsRedeemed = z.object({
  customerId: Id,
  /** The ledger key of the redemption ('redeem#<request key>'): consumers dedupe on it. */
  key: z.string().min(1),
  points: Count,
  /** The coupon's value, in `currency`. */
  value: z.number().positive(),
  currency: z.string().regex(/^[A-Z]{3}$/),
  balanceAfter: z.number().int().nonnegative(),
  coupon: LoyaltyCoupon,
  occurredAt: Instant,
});
export type PointsRedeemed = z.infer<typeof PointsRedeemed>;

/** A birthday `daysBefore` days ahead (loyalty config `birthday.noticeDays`), once a year. */
export const BirthdayUpcoming = z.object({
  customerId: z.string().min(1),
  year: z.number().int(),
  /** The local date to be celebrated. */
  date: z.iso.date(),
  /** The configured notice days (what triggers match), not the days left if the sweep was late. */
  daysBefore: z.number().int().positive(),
  daysLeft: z.number().int().nonnegative(),
  key: z.string().min(1),
  occurredAt: Instant,
});
export type BirthdayUpcoming = z.infer<typeof BirthdayUpcoming>;
