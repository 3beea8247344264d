/** The shop's loyalty programme as written in loyalty.yaml: one zod schema for the loader and editors. */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { Locale, Localized, Reward, TimeZone } from '../platform/contracts/events.js';

export { Localized, Reward } from '../platform/contracts/events.js';

const TierId = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'lowercase letters, digits and dashes');


export const Qualification = z
  .object({
    /** Net spend (after refunds, without cancelled orders) in the rolling window, in `currency`. */
    spend: z.number().nonnegative().optional(),
    orders: z.number().int().nonnegative().optional(),
    /** 'all': every threshold given must be met; 'any': one is enough. */
    match: z.enum(['all', 'any']).default('all'),
  })
  .strict();

export const Tier = z
  .object({
    id: TierId,
    name: Localized,
    qualify: Qualification.default({ match: 'all' }),
    /** Points per currency unit are multiplied by this while the customer holds the tier. */
    multiplier: z.number().positive().max(100).default(1),
    perks: z.array(z.object({ id: TierId, name: Localized }).strict()).default([]),
    /** Replaces `birthday.reward` for customers holding this tier. */
    birthdayReward: Reward.optional(),
  })
  .strict();
export type Tier = z.infer<typeof Tier>;

export const LoyaltyConfig = z
  .object({
    currency: z.string().regex(/^[A-Z]{3}$/, 'ISO 4217 code, e.g. CNY'),
    /** Month boundaries (spend buckets, point lots, monthly reviews) are the shop's calendar months. */
    timeZone: TimeZone.default('Asia/Shanghai'),
    defaultLocale: Locale.default('zh-CN'),
    /** Lowest first; the first tier is where every customer starts and must need nothing. */
    tiers: z.array(Tier).min(1).max(10),
    /** Days after its placement an order can still be refunded. Until then its loyalty view is
     * kept (a refund takes its points back); after, its entries fold into the statement's
     * history line, and a later refund leaves the points as they are. The import's default too. */
    refundWindowDays: z.number().int().min(1).max(3650).default(90),
    review: z
      .object({
        schedule: z.enum(['monthly', 'anniversary']).default('monthly'),
        /** Days a customer keeps a tier after a review found them short of it. 0: downgrade at once. */
        graceDays: z.number().int().min(0).max(366).default(30),
      })
      .strict()
      .default({ schedule: 'monthly', graceDays: 30 }),
    points: z
      .object({
        earnOn: z.enum(['placed', 'fulfilled']).default('placed'),
        /** Points per currency unit of the order total, before the tier multiplier. */
        perUnit: z.number().positive().default(1),
        /** Points credited in month M expire at the end of month M + expiryMonths (shop time zone). */
        expiryMonths: z.number().int().min(1).max(120).default(12),
        noticeDays: z.number().int().min(0).max(180).default(30),
      })
      .strict()
      .default({ earnOn: 'placed', perUnit: 1, expiryMonths: 12, noticeDays: 30 }),
    redemption: z
      .object({
        /** Points that buy one currency unit of coupon value. */
        pointsPerUnit: z.number().int().positive().default(100),
        minPoints: z.number().int().positive().default(100),
        /** Redemptions must be a multiple of this, so coupon values stay round. */
        step: z.number().int().positive().default(100),
      })
      .strict()
      .default({ pointsPerUnit: 100, minPoints: 100, step: 100 }),
    birthday: z
      .object({
        reward: Reward,
        /** Where a 29 February birthday falls in other years. */
        feb29: z.enum(['feb-28', 'mar-01']).default('feb-28'),
        /** A sweep that missed the day may still grant the reward this many days later. */
        lateDays: z.number().int().min(0).max(27).default(3),
        /** customer.birthday-upcoming this many days ahead (0: none); birthday campaigns with
         * `daysBefore` must use the same number. */
        noticeDays: z.number().int().min(0).max(14).default(3),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const ids = c.tiers.map((t) => t.id);
    ids.forEach((id, i) => {
      if (ids.indexOf(id) !== i) ctx.addIssue({ code: 'custom', path: ['tiers', i, 'id'], message: `duplicate tier id "${id}"` });
    });
    const base = c.tiers[0]?.qualify;
    if (base && (base.spend || base.orders)) ctx.addIssue({ code: 'custom', path: ['tiers', 0, 'qualify'], message: 'the first tier must need nothing' });
    // A higher tier that is easier to reach would make "highest qualifying tier" depend on list order.
    c.tiers.forEach((t, i) => {
      const prev = c.tiers[i - 1];
      if (!prev) return;
      if ((t.qualify.spend ?? 0) < (prev.qualify.spend ?? 0) || (t.qualify.orders ?? 0) < (prev.qualify.orders ?? 0))
        ctx.addIssue({ code: 'custom', path: ['tiers', i, 'qualify'], message: 'thresholds must not decrease from one tier to the next' });
    });
    c.tiers.forEach((t, i) => {
      if (i > 0 && t.qualify.spend === undefined && t.qualify.orders === undefined)
        ctx.addIssue({ code: 'custom', path: ['tiers', i, 'qualify'], message: 'give spend and/or orders' });
    });
  });
export type LoyaltyConfig = z.infer<typeof LoyaltyConfig>;

export class LoyaltyConfigError extends Error {
  override name = 'LoyaltyConfigError';
}

export function parseLoyaltyConfig(raw: unknown, source = 'loyalty config'): LoyaltyConfig {
  const parsed = LoyaltyConfig.safeParse(raw);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new LoyaltyConfigError(`Invalid ${source}:\n  ${lines.join('\n  ')}`);
}

/** Reads and validates loyalty.yaml; a broken file fails the load naming each path. */
export function loadLoyaltyConfig(path: string): LoyaltyConfig {
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new LoyaltyConfigError(`${path}: ${(e as Error).message}`, { cause: e });
  }
  return parseLoyaltyConfig(raw, path);
}

const name = (zh: string, en: string): Localized => ({ 'zh-CN': zh, en });

/** The programme a shop gets without a loyalty.yaml: the four classic tiers in CNY. */
export const defaultLoyaltyConfig: LoyaltyConfig = parseLoyaltyConfig({
  currency: 'CNY',
  tiers: [
    { id: 'member', name: name('普通会员', 'Member') },
    { id: 'silver', name: name('银卡', 'Silver'), qualify: { spend: 2000, orders: 3, match: 'any' }, multiplier: 1.2 },
    { id: 'gold', name: name('金卡', 'Gold'), qualify: { spend: 8000, orders: 8, match: 'any' }, multiplier: 1.5 },
    { id: 'diamond', name: name('钻石', 'Diamond'), qualify: { spend: 20000, orders: 12, match: 'all' }, multiplier: 2 },
  ],
  birthday: { reward: { kind: 'points', points: 200 } },
});

export const tierIndex = (config: LoyaltyConfig, id: string): number => {
  const i = config.tiers.findIndex((t) => t.id === id);
  // A tier removed from the config counts as the base tier, so the next review can settle it.
  return i < 0 ? 0 : i;
};
