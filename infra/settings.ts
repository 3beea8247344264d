import type { Construct } from 'constructs';
import { z } from 'zod';
import { DEFAULTS } from '../shared/platform/config.js';
import { DEFAULT_BULK_LIMITS } from './bulk-definition.js';
import { productionProblems } from './production.js';

const Schedule = z.string().regex(/^(cron|rate)\(.+\)$/, 'a Scheduler cron(...) or rate(...) expression');
const Domain = z.string().regex(/^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'a lower-case DNS domain, e.g. yourshop.com');
const Rate = z.coerce.number().gt(0).lt(1);

/**
 * Deployment settings, read from CDK context (`cdk.json` or `-c engage:<key>=…`). CLI context
 * values arrive as strings, hence the coercions; a bad value fails synth naming the key.
 * A stage (`engage:stage`) names one deployment: its stack, bus and alarms; `engage:stages.<stage>`
 * in cdk.json holds that stage's own values (account, region, shop identity), which win over the
 * flat keys. A production stage (`engage:production`, or the stage named `prod`) refuses to
 * synthesize with anything missing or left at a demo value (see production.ts).
 */
export const EngageSettings = z.object({
  stage: z.string().regex(/^[a-z][a-z0-9-]{0,19}$/, 'lower-case letters, digits and -, at most 20').default('dev'),
  /** Per-stage values, keyed by stage name (only in cdk.json; the keys are the ones below). */
  stages: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  production: z.stringbool().or(z.boolean()).optional(),
  /** The account and region the stage is pinned to: a deploy with other credentials fails. */
  account: z.string().regex(/^\d{12}$/, 'a 12-digit AWS account id').optional(),
  region: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'an AWS region, e.g. eu-west-1').optional(),
  /** @default engage-<stage> */
  eventBusName: z.string().min(1).optional(),
  senderEmail: z.email().default('noreply@example.com'),
  /** Verify this domain (Easy DKIM, custom MAIL FROM) instead of the single address. */
  senderDomain: Domain.optional(),
  /** MAIL FROM domain (SPF alignment), a subdomain of senderDomain. @default mail.<senderDomain> */
  mailFromDomain: Domain.optional(),
  createEmailIdentity: z.stringbool().or(z.boolean()).default(true),
  /** Custom domain of the shopper links (CloudFront), e.g. links.yourshop.com. */
  linksDomain: Domain.optional(),
  /** ACM certificate for linksDomain; CloudFront only uses certificates from us-east-1. */
  linksCertificateArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]+$/, 'an ACM certificate ARN in us-east-1 (CloudFront only uses certificates from us-east-1)')
    .optional(),
  /** A CLOUDFRONT-scope WebACL (us-east-1), for stages outside us-east-1: see infra/edge-app.ts. */
  wafWebAclArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:wafv2:us-east-1:\d{12}:global\/webacl\/[^/]+\/[0-9a-f-]+$/, 'a CLOUDFRONT-scope WebACL ARN (arn:aws:wafv2:us-east-1:<account>:global/webacl/…)')
    .optional(),
  /** Requests per 5 minutes per client IP before the WebACL blocks it (one-click unsubscribe POSTs are exempt). */
  linksRateLimit: z.coerce.number().int().min(10).max(2_000_000_000).default(600),
  /** Concurrency reserved for (and capping) the links function. */
  linksReservedConcurrency: z.coerce.number().int().min(1).max(1000).default(10),
  /** SES account reputation: alarm above these rates (SES reviews an account at 5 % bounces, 0.1 % complaints). */
  bounceRateAlarm: Rate.default(0.04),
  complaintRateAlarm: Rate.default(0.0008),
  /** Above these, this stage's configuration set stops sending (SES pauses an account at 10 % / 0.5 %). */
  bounceRatePause: Rate.default(0.08),
  complaintRatePause: Rate.default(0.004),
  sweepSchedule: Schedule.default('cron(0 3 * * ? *)'),
  refitSchedule: Schedule.default('cron(0 2 ? * SUN *)'),
  /** The monthly tier review's bulk run, in the shop's time zone: early on the 1st. */
  tierReviewSchedule: Schedule.default('cron(0 4 1 * ? *)'),
  /** Segments of a bulk run processed at once (each one Lambda at a time). */
  bulkMaxConcurrency: z.coerce.number().int().min(1).max(10_000).default(DEFAULT_BULK_LIMITS.maxConcurrency),
  /** Segments that may fail (after retries) before the run counts as failed. */
  bulkToleratedFailurePercentage: z.coerce.number().min(0).max(100).default(DEFAULT_BULK_LIMITS.toleratedFailurePercentage),
  refitSampleLimit: z.coerce.number().int().min(1000).default(DEFAULTS.refitSampleLimit),
  refitHoldoutBound: z.coerce.number().positive().max(1).default(DEFAULTS.refitHoldoutBound),
  refitHorizonDays: z.coerce.number().int().min(7).max(730).default(DEFAULTS.refitHorizonDays),
  sweepSegments: z.coerce.number().int().min(1).max(1000).default(DEFAULTS.sweepSegments),
  atRiskMultiple: z.coerce.number().positive().default(DEFAULTS.atRiskMultiple),
  churnedMultiple: z.coerce.number().positive().default(DEFAULTS.churnedMultiple),
  defaultGapDays: z.coerce.number().positive().default(DEFAULTS.defaultGapDays),
  activeMinPAlive: z.coerce.number().min(0).max(1).default(DEFAULTS.activeMinPAlive),
  atRiskMinPAlive: z.coerce.number().min(0).max(1).default(DEFAULTS.atRiskMinPAlive),
  alarmEmail: z.email().optional(),
  shopName: z.string().min(1).optional(),
  /** Postal address shown in every marketing mail (CAN-SPAM). */
  shopAddress: z.string().min(5).optional(),
  shopUrl: z.url().optional(),
  shopCurrency: z.string().regex(/^[A-Z]{3}$/).default(DEFAULTS.shopCurrency),
  shopTimeZone: z.string().min(1).default(DEFAULTS.shopTimeZone),
  capMinGapHours: z.coerce.number().min(0).max(24 * 14).default(DEFAULTS.capMinGapHours),
  capMaxPerWeek: z.coerce.number().int().min(1).max(100).default(DEFAULTS.capMaxPerWeek),
  botClickSeconds: z.coerce.number().min(0).max(3600).default(DEFAULTS.botClickSeconds),
  attributionDays: z.coerce.number().min(0).max(90).default(DEFAULTS.attributionDays),
  /** Who gets the weekly KPI digest (the report itself is always archived), in which language, when. */
  reportEmail: z.email().optional(),
  reportLang: z.enum(['en', 'zh-CN']).default('en'),
  reportSchedule: Schedule.default('cron(0 6 ? * MON *)'),
});
export type EngageSettingsInput = z.infer<typeof EngageSettings>;

/** Settings with every derived value resolved. */
export type EngageSettings = Omit<EngageSettingsInput, 'stages' | 'production' | 'eventBusName'> & {
  production: boolean;
  eventBusName: string;
  mailFromDomain?: string;
};

export const CONTEXT_PREFIX = 'engage:';

export class SettingsError extends Error {
  override name = 'SettingsError';
}

const isProduction = (s: EngageSettingsInput) => s.production === true || s.stage === 'prod';

/** Parses and resolves settings from plain key → value context (what readSettings collects). */
export function resolveSettings(flat: Record<string, unknown>, opts: { checkProduction?: boolean } = {}): EngageSettings {
  const stage = typeof flat.stage === 'string' && flat.stage ? flat.stage : 'dev';
  const perStage = (flat.stages as Record<string, Record<string, unknown>> | undefined)?.[stage] ?? {};
  const parsed = EngageSettings.safeParse({ ...flat, ...perStage, stage });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${CONTEXT_PREFIX}${i.path.join('.')}: ${i.message}`).join('; ');
    throw new SettingsError(`Invalid Engage context: ${problems}`);
  }
  const { stages: _stages, production: _production, eventBusName, ...s } = parsed.data;
  if (s.mailFromDomain && !s.senderDomain) throw new SettingsError(`${CONTEXT_PREFIX}mailFromDomain needs ${CONTEXT_PREFIX}senderDomain`);
  if (s.mailFromDomain && s.senderDomain && !s.mailFromDomain.endsWith(`.${s.senderDomain}`)) {
    throw new SettingsError(`${CONTEXT_PREFIX}mailFromDomain must be a subdomain of ${s.senderDomain} (SPF alignment)`);
  }
  if (!s.linksDomain !== !s.linksCertificateArn) throw new SettingsError(`${CONTEXT_PREFIX}linksDomain and ${CONTEXT_PREFIX}linksCertificateArn go together`);
  const settings: EngageSettings = {
    ...s,
    production: isProduction(parsed.data),
    eventBusName: eventBusName ?? `${DEFAULTS.eventBusName}-${s.stage}`,
    ...(s.senderDomain ? { mailFromDomain: s.mailFromDomain ?? `mail.${s.senderDomain}` } : {}),
  };
  if (settings.production && opts.checkProduction !== false) {
    const problems = productionProblems(settings);
    if (problems.length) {
      throw new SettingsError(
        `Stage "${settings.stage}" is a production stage and is not ready to mail customers:\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
          `Set these with -c ${CONTEXT_PREFIX}<key>=… or under "${CONTEXT_PREFIX}stages": { "${settings.stage}": { … } } in cdk.json (README: Deploying to AWS).`,
      );
    }
  }
  return settings;
}

export function readSettings(scope: Construct, opts: { checkProduction?: boolean } = {}): EngageSettings {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(EngageSettings.shape)) {
    const value: unknown = scope.node.tryGetContext(CONTEXT_PREFIX + key);
    // Empty strings mean "unset" so optional keys can be blanked from the command line.
    if (value !== undefined && value !== null && value !== '') raw[key] = value;
  }
  return resolveSettings(raw, opts);
}
