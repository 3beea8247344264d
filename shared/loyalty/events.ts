/**
 * Payloads the loyalty decisions emit. Schemas live here until they are registered in
 * shared/contracts/events.ts (source engage.core), so campaigns can trigger on them.
 */
import { z } from 'zod';
import { Localized, Reward } from './config.js';

export const LoyaltyDetailType = {
  TierChanged: 'customer.tier-changed',
  PointsExpiring: 'points.expiring',
  BirthdayReward: 'customer.birthday-reward',
} as const;

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
  occurredAt: z.iso.datetime({ offset: true }),
});
export type CustomerTierChanged = z.infer<typeof CustomerTierChanged>;

export const PointsExpiring = z.object({
  customerId: z.string().min(1),
  /** Remaining in the lot when the notice was decided; redemptions before expiry lower it. */
  points: z.number().int().positive(),
  lot: z.string().regex(/^\d{4}-\d{2}$/),
  expiresAt: z.iso.datetime({ offset: true }),
  key: z.string().min(1),
  occurredAt: z.iso.datetime({ offset: true }),
});
export type PointsExpiring = z.infer<typeof PointsExpiring>;

export const BirthdayRewarded = z.object({
  customerId: z.string().min(1),
  year: z.number().int(),
  /** The local date celebrated (29 Feb moves to 28 Feb or 1 Mar in other years). */
  date: z.iso.date(),
  reward: Reward,
  currency: z.string().regex(/^[A-Z]{3}$/),
  key: z.string().min(1),
  occurredAt: z.iso.datetime({ offset: true }),
});
export type BirthdayRewarded = z.infer<typeof BirthdayRewarded>;

/** What the coupon service is asked to issue; `idempotencyKey` is the ledger key of its cause. */
export interface CouponRequest {
  customerId: string;
  idempotencyKey: string;
  value: number;
  currency: string;
  points: number;
}
