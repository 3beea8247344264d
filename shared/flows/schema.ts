/**
 * Flows as marketers write them in campaigns/*.yaml: a campaign with `steps` instead of one set of
 * templates. One zod schema for the runtime, `engage campaigns validate` and (through
 * schemas/campaign.schema.json) editors. A single-shot campaign is the one-step flow of the same
 * engine (./compile.ts).
 */
import { z } from 'zod';
import { Locale, RiskLevel } from '../platform/contracts/events.js';
import { Audience, Campaign, CampaignCommon, CouponAction, EmailTemplate, SurveyAction } from '../campaigns/schema.js';

const StepId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,30}$/, 'lowercase letters, digits and dashes (at most 31)');
/** Where a step goes next: another step's id, or `end`. */
const Target = z.union([z.literal('end'), StepId]);
const Clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 24-hour');
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

export const Duration = z
  .object({ minutes: z.number().int().min(0).optional(), hours: z.number().int().min(0).optional(), days: z.number().int().min(0).max(366).optional() })
  .strict()
  .refine((d) => (d.minutes ?? 0) + (d.hours ?? 0) + (d.days ?? 0) > 0, 'a duration longer than zero, e.g. { hours: 24 }');
export type Duration = z.infer<typeof Duration>;
export const durationMs = (d: Duration): number => ((d.days ?? 0) * 1440 + (d.hours ?? 0) * 60 + (d.minutes ?? 0)) * 60_000;

const SendStep = z
  .object({
    id: StepId,
    type: z.literal('send'),
    coupon: CouponAction.optional(),
    survey: SurveyAction.optional(),
    templates: z.partialRecord(Locale, EmailTemplate).refine((t) => Object.keys(t).length > 0, 'at least one locale'),
    next: Target.optional(),
  })
  .strict();

const WaitStep = z
  .object({
    id: StepId,
    type: z.literal('wait'),
    /** Wait this long... */
    for: Duration.optional(),
    /** ...then (or instead) until this local time in the customer's time zone, on one of `weekdays`. */
    until: z.object({ time: Clock, weekdays: z.array(z.enum(WEEKDAYS)).min(1).optional() }).strict().optional(),
    next: Target.optional(),
  })
  .strict()
  .refine((w) => w.for || w.until, 'a wait needs `for` (a duration), `until` (a local time) or both');

/** Events a running flow can wait for (the same names as the entry triggers). */
export const WaitEvent = z.discriminatedUnion('type', [
  /** Another order than the one that entered. */
  z.object({ type: z.literal('order-placed') }).strict(),
  /** The delivery of the order that entered (flows entered by order-placed). */
  z.object({ type: z.literal('order-delivered') }).strict(),
  z.object({ type: z.literal('risk-entered'), level: RiskLevel }).strict(),
]);
export type WaitEvent = z.infer<typeof WaitEvent>;

const WaitForStep = z
  .object({ id: StepId, type: z.literal('wait-for'), event: WaitEvent, timeout: Duration, onEvent: Target, onTimeout: Target })
  .strict();

/** A split's condition: the audience filters on the customer read model, and engagement with the
 * flow's previous mail. */
export const Condition = Audience.omit({ requiresConsent: true })
  .extend({ openedPrevious: z.boolean().optional(), clickedPrevious: z.boolean().optional() })
  .strict();
export type Condition = z.infer<typeof Condition>;

const SplitStep = z.object({ id: StepId, type: z.literal('split'), when: Condition, then: Target, else: Target }).strict();

const AbSplitStep = z
  .object({
    id: StepId,
    type: z.literal('ab-split'),
    /** What "best" means, per recipient of the variant: `conversion` (ordered within `windowDays`
     * after the split), `click` (clicked the mail of the send step the variant goes to) or
     * `revenue` (the converting order's total, 0 for the others: revenue per recipient). */
    metric: z.enum(['conversion', 'click', 'revenue']).default('conversion'),
    /** The winner needs this posterior probability of being best... */
    threshold: z.number().min(0.5).max(0.999).default(0.9),
    /** ...and every variant at least this many recipients. */
    minRecipients: z.number().int().min(1).default(100),
    /** An order up to this many days after the split counts for the variant, also once the flow has ended. */
    windowDays: z.number().int().min(1).max(365).default(30),
    variants: z
      .array(z.object({ id: StepId, weight: z.number().positive().default(1), next: Target }).strict())
      .min(2)
      .max(6),
  })
  .strict();

export const Step = z.discriminatedUnion('type', [SendStep, WaitStep, WaitForStep, SplitStep, AbSplitStep]);
export type Step = z.infer<typeof Step>;
export type SendStep = z.infer<typeof SendStep>;
export type WaitStep = z.infer<typeof WaitStep>;
export type WaitForStep = z.infer<typeof WaitForStep>;
export type SplitStep = z.infer<typeof SplitStep>;
export type AbSplitStep = z.infer<typeof AbSplitStep>;

export const ReEntry = z.discriminatedUnion('type', [
  /** Once per triggering occasion (an order, a checkout, a risk transition): the default. */
  z.object({ type: z.literal('per-occasion') }).strict(),
  z.object({ type: z.literal('once') }).strict(),
  /** At most once in `days` days. */
  z.object({ type: z.literal('every'), days: z.number().int().min(1).max(3660) }).strict(),
]);
export type ReEntry = z.infer<typeof ReEntry>;

export const Flow = z
  .object({
    ...CampaignCommon,
    /** Goals that end the flow, checked before every step and when the customer orders. */
    exit: z
      .object({ orderedSinceEntry: z.boolean().default(false), unsubscribed: z.boolean().default(true) })
      .strict()
      .default({ orderedSinceEntry: false, unsubscribed: true }),
    reEntry: ReEntry.default({ type: 'per-occasion' }),
    steps: z.array(Step).min(1).max(30),
  })
  .strict()
  .superRefine((f, ctx) => {
    // Scheduled runs select their audience per campaign (campaigns/scheduled.ts); a flow's entry there is not built yet.
    if (f.trigger.type === 'schedule' || f.trigger.type === 'coupon-expiring') ctx.addIssue({ code: 'custom', message: `a flow cannot start on a ${f.trigger.type} trigger yet (use a single-shot campaign)`, path: ['trigger', 'type'] });
    if (f.kind === 'marketing' && f.audience.requiresConsent === false) ctx.addIssue({ code: 'custom', message: 'marketing flows always require consent', path: ['audience', 'requiresConsent'] });
    f.steps.forEach((s, i) => {
      if (s.type === 'send' && s.templates[f.fallbackLocale] === undefined) ctx.addIssue({ code: 'custom', message: `fallbackLocale ${f.fallbackLocale} must have a template`, path: ['steps', i, 'templates'] });
    });
  });
export type Flow = z.infer<typeof Flow>;

/** A campaigns/*.yaml file holds a flow when it has `steps`, else a single-shot campaign. */
export const isFlowDocument = (doc: unknown): boolean => typeof doc === 'object' && doc !== null && 'steps' in doc;

/** The JSON Schema editors use for campaigns/*.yaml (yaml-language-server): a campaign or a flow.
 * Committed as schemas/campaign.schema.json. */
export function campaignFileJsonSchema(): object {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'Engage campaign or flow',
    ...z.toJSONSchema(z.union([Campaign, Flow]), { io: 'input', unrepresentable: 'any' }),
  };
}
