import type { Construct } from 'constructs';
import { z } from 'zod';
import { DEFAULTS } from '../shared/platform/config.js';

/**
 * Deployment settings, read from CDK context (`cdk.json` or `-c engage:<key>=…`). CLI context
 * values arrive as strings, hence the coercions; a bad value fails synth naming the key.
 */
export const EngageSettings = z.object({
  eventBusName: z.string().min(1).default(DEFAULTS.eventBusName),
  senderEmail: z.email().default('noreply@example.com'),
  senderDomain: z.string().min(3).optional(),
  createEmailIdentity: z.stringbool().or(z.boolean()).default(true),
  sweepSchedule: z.string().regex(/^(cron|rate)\(.+\)$/, 'a Scheduler cron(...) or rate(...) expression').default('cron(0 3 * * ? *)'),
  refitSchedule: z.string().regex(/^(cron|rate)\(.+\)$/, 'a Scheduler cron(...) or rate(...) expression').default('cron(0 2 ? * SUN *)'),
  refitSampleLimit: z.coerce.number().int().min(1000).default(DEFAULTS.refitSampleLimit),
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
});
export type EngageSettings = z.infer<typeof EngageSettings>;

const PREFIX = 'engage:';

export function readSettings(scope: Construct): EngageSettings {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(EngageSettings.shape)) {
    const value: unknown = scope.node.tryGetContext(PREFIX + key);
    // Empty strings mean "unset" so optional keys can be blanked from the command line.
    if (value !== undefined && value !== null && value !== '') raw[key] = value;
  }
  const parsed = EngageSettings.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${PREFIX}${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid Engage context: ${problems}`);
  }
  return parsed.data;
}
