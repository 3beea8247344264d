/**
 * Campaign config as marketers write it in campaigns/*.yaml: one zod schema for the runtime, for
 * `engage campaigns validate` and (through schemas/campaign.schema.json) for editors.
 */
import { z } from 'zod';
import { Locale, RiskLevel, TimeZone } from '../platform/contracts/events.js';

// Tier names come from the shop's loyalty programme, so they are data, not an enum.
const Name = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lowercase letters, digits and dashes');
const Clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 24-hour');
const Range = z
  .object({ min: z.number().nonnegative().optional(), max: z.number().nonnegative().optional() })
  .strict()
  .refine((r) => r.min === undefined || r.max === undefined || r.min <= r.max, 'min must not exceed max');
const ProbabilityRange = z
  .object({ min: z.number().min(0).max(1).optional(), max: z.number().min(0).max(1).optional() })
  .strict()
  .refine((r) => r.min === undefined || r.max === undefined || r.min <= r.max, 'min must not exceed max');

export const EmailTemplate = z
  .object({
    subject: z.string().min(1),
    /** Inbox preview line; hidden in the opened mail. */
    preheader: z.string().optional(),
    /** A whole `<mjml>` document with Liquid inside; compiled to HTML once, at load. */
    mjml: z.string().regex(/^\s*<mjml[\s>]/, 'an MJML document starting with <mjml>'),
    text: z.string().min(1),
  })
  .strict();
export type EmailTemplate = z.infer<typeof EmailTemplate>;

export const Trigger = z.discriminatedUnion('type', [
  z.object({ type: z.literal('risk-entered'), level: RiskLevel }).strict(),
  /** Follow-up (e.g. a survey) `delayHours` after the order was delivered. */
  z.object({ type: z.literal('order-delivered'), delayHours: z.number().int().min(0).max(24 * 60) }).strict(),
  /** On the birthday (0, with the loyalty reward), or `daysBefore` days ahead: the loyalty
   * sweep announces a birthday `birthday.noticeDays` (loyalty.yaml) ahead, and validate checks
   * that the two agree. Dates in the customer's time zone. */
  z.object({ type: z.literal('birthday'), daysBefore: z.number().int().min(0).max(14).default(0) }).strict(),
  /** Points of one month are about to expire (loyalty.yaml `points.noticeDays` ahead). */
  z.object({ type: z.literal('points-expiring') }).strict(),
  /** Points were turned into a coupon: the mail carries it (transactional: the shopper asked). */
  z.object({ type: z.literal('points-redeemed') }).strict(),
  /** Any tier change, or only changes into one of `to`. */
  z.object({ type: z.literal('tier-changed'), to: z.array(Name).min(1).optional(), direction: z.enum(['up', 'down']).optional() }).strict(),
  /** Newsletters and offers to a segment; five-field cron in `timeZone` (else the shop's). */
  z
    .object({
      type: z.literal('schedule'),
      cron: z.string().regex(/^(\S+\s+){4}\S+$/, 'five cron fields: minute hour day month weekday'),
      timeZone: TimeZone.optional(),
    })
    .strict(),
  /** Service recovery after a survey answer at or below `maxScore`. */
  z.object({ type: z.literal('survey-low-score'), maxScore: z.number().int().min(0).max(10) }).strict(),
  z.object({ type: z.literal('coupon-expiring'), daysBefore: z.number().int().min(1).max(60) }).strict(),
  /** Every order, only a customer's first (`first: true`), or only the later ones (`repeat: true`). */
  z
    .object({ type: z.literal('order-placed'), first: z.boolean().default(false), repeat: z.boolean().default(false) })
    .strict()
    .refine((t) => !(t.first && t.repeat), 'first and repeat exclude each other'),
  /** A checkout was started (flows wait, then remind unless the customer orders). */
  z.object({ type: z.literal('checkout-started') }).strict(),
  /** A cart that stayed unchanged for `idleMinutes` without an order. */
  z.object({ type: z.literal('cart-abandoned'), idleMinutes: z.number().int().min(5).max(7 * 1440).default(60) }).strict(),
  /** A product page view (one entry per product and day). */
  z.object({ type: z.literal('product-viewed') }).strict(),
]);
export type Trigger = z.infer<typeof Trigger>;

export const Audience = z
  .object({
    riskLevels: z.array(RiskLevel).min(1).optional(),
    /** RFM segment names as produced by shared/scoring/rfm.ts, e.g. "Champions". */
    segments: z.array(z.string().min(1)).min(1).optional(),
    /** Predicted 12-month CLV (shop currency), from the current model version. */
    clv: Range.optional(),
    /**
     * Value at stake: CLV × P(no purchase within the model's horizon, default 90 days), shop
     * currency. Ranks win-back targets by what losing them would cost, e.g. `priority: { min: 50 }`.
     */
    priority: Range.optional(),
    /** P(no purchase within the model's horizon), 0–1. */
    pLapse: ProbabilityRange.optional(),
    orders: Range.optional(),
    daysSinceLastOrder: Range.optional(),
    tiers: z.array(Name).min(1).optional(),
    locales: z.array(Locale).min(1).optional(),
    /** Defaults to true for marketing; only transactional campaigns may turn it off. */
    requiresConsent: z.boolean().optional(),
    tags: z
      .object({ any: z.array(z.string().min(1)).optional(), all: z.array(z.string().min(1)).optional(), none: z.array(z.string().min(1)).optional() })
      .strict()
      .optional(),
  })
  .strict();
export type Audience = z.infer<typeof Audience>;

export const CouponAction = z
  .object({
    kind: z.enum(['percent', 'fixed']),
    value: z.number().positive(),
    /** Order total (in the shop currency) the order must reach. */
    minSpend: z.number().nonnegative().optional(),
    expiresInDays: z.number().int().min(1).max(366),
  })
  .strict()
  .refine((c) => c.kind !== 'percent' || c.value <= 100, { message: 'a percent coupon is at most 100', path: ['value'] });
export type CouponAction = z.infer<typeof CouponAction>;

export const SurveyAction = z
  .object({ kind: z.enum(['csat', 'nps']), expiresInDays: z.number().int().min(1).max(366).default(30) })
  .strict();
export type SurveyAction = z.infer<typeof SurveyAction>;

export const QuietHours = z
  .object({ start: Clock, end: Clock })
  .strict()
  .refine((q) => q.start !== q.end, 'start and end must differ (use "off" for no quiet hours)');
export type QuietHours = z.infer<typeof QuietHours>;

/** What campaigns and flows (shared/flows/schema.ts) share: identity, trigger, who, and the sending policy. */
export const CampaignCommon = {
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'lowercase letters, digits and dashes'),
  name: z.string().min(1),
  description: z.string().optional(),
  kind: z.enum(['marketing', 'transactional']).default('marketing'),
  enabled: z.boolean().default(true),
  trigger: Trigger,
  /** Who is mailed (a flow: who may enter, checked once at entry). */
  audience: Audience.default({}),
  /** Share of the eligible audience kept as a control group, to measure lift (a flow: at entry). */
  holdoutPercent: z.number().min(0).max(50).default(0),
  /** What to do when the frequency cap blocks a marketing mail now. */
  onCapped: z.enum(['defer', 'skip']).default('skip'),
  /** Overrides the shop's quiet hours; "off" sends at any hour. */
  quietHours: z.union([QuietHours, z.literal('off')]).optional(),
  /** Locale used when the customer's locale has no template. */
  fallbackLocale: Locale.default('en'),
};

export const Campaign = z
  .object({
    ...CampaignCommon,
    coupon: CouponAction.optional(),
    survey: SurveyAction.optional(),
    exit: z.object({ orderedSinceEntry: z.boolean().default(false) }).strict().default({ orderedSinceEntry: false }),
    templates: z.partialRecord(Locale, EmailTemplate).refine((t) => Object.keys(t).length > 0, 'at least one locale'),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.templates[c.fallbackLocale] === undefined) {
      ctx.addIssue({ code: 'custom', message: 'fallbackLocale must have a template', path: ['fallbackLocale'] });
    }
    // GDPR/PIPL: marketing needs consent; only service mail may go without it.
    if (c.kind === 'marketing' && c.audience.requiresConsent === false) {
      ctx.addIssue({ code: 'custom', message: 'marketing campaigns always require consent', path: ['audience', 'requiresConsent'] });
    }
    if (c.trigger.type === 'survey-low-score' && c.survey) {
      ctx.addIssue({ code: 'custom', message: 'a service-recovery mail must not ask for another survey', path: ['survey'] });
    }
  });
export type Campaign = z.infer<typeof Campaign>;
export type CampaignInput = z.input<typeof Campaign>;

/** Campaigns and flows alike: marketing needs consent unless (transactional only) turned off. */
export const requiresConsent = (c: Pick<Campaign, 'audience' | 'kind'>): boolean => c.audience.requiresConsent ?? c.kind === 'marketing';
