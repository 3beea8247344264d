/**
 * Runtime configuration: environment variable names are defined here once, so infra sets exactly
 * what the functions read. Parsed once per cold start; a bad or missing value fails fast naming it.
 */
import { z } from 'zod';

export const EnvVar = {
  tableName: 'TABLE_NAME',
  eventBusName: 'EVENT_BUS_NAME',
  senderEmail: 'SENDER_EMAIL',
  configurationSet: 'SES_CONFIGURATION_SET',
  campaignsDir: 'CAMPAIGNS_DIR',
  atRiskMultiple: 'CHURN_AT_RISK_MULTIPLE',
  churnedMultiple: 'CHURN_CHURNED_MULTIPLE',
  sweepSegments: 'SWEEP_SEGMENTS',
  defaultGapDays: 'CHURN_DEFAULT_GAP_DAYS',
  activeMinPAlive: 'RISK_ACTIVE_MIN_P_ALIVE',
  atRiskMinPAlive: 'RISK_AT_RISK_MIN_P_ALIVE',
  refitSampleLimit: 'REFIT_SAMPLE_LIMIT',
  shopName: 'SHOP_NAME',
  shopAddress: 'SHOP_ADDRESS',
  shopUrl: 'SHOP_URL',
  shopCurrency: 'SHOP_CURRENCY',
  shopTimeZone: 'SHOP_TIME_ZONE',
  capMinGapHours: 'SEND_CAP_MIN_GAP_HOURS',
  capMaxPerWeek: 'SEND_CAP_MAX_PER_WEEK',
  publicBaseUrl: 'PUBLIC_BASE_URL',
  keyringSecretId: 'TOKEN_KEYRING_SECRET_ID',
  keyringFile: 'TOKEN_KEYRING_FILE',
  loyaltyConfig: 'LOYALTY_CONFIG',
} as const;

const positive = (fallback: number) => z.coerce.number().positive().default(fallback);

export const TableConfig = z.object({ [EnvVar.tableName]: z.string().min(3) });
export const BusConfig = z.object({ [EnvVar.eventBusName]: z.string().min(1) });

export const ChurnConfig = z.object({
  [EnvVar.atRiskMultiple]: positive(2),
  [EnvVar.churnedMultiple]: positive(4),
  [EnvVar.defaultGapDays]: positive(60),
  [EnvVar.activeMinPAlive]: z.coerce.number().min(0).max(1).default(0.6),
  [EnvVar.atRiskMinPAlive]: z.coerce.number().min(0).max(1).default(0.3),
  [EnvVar.sweepSegments]: z.coerce.number().int().min(1).max(1000).default(4),
});

export const LoyaltyEnv = z.object({ [EnvVar.loyaltyConfig]: z.string().min(1) });

export const RefitConfig = z.object({
  /** Above this many customers the fit uses a uniform random sample of this size. */
  [EnvVar.refitSampleLimit]: z.coerce.number().int().min(1000).default(200_000),
});

/** The churn settings as the scoring domain wants them. */
export function riskConfigFrom(c: z.infer<typeof ChurnConfig>) {
  return {
    atRiskMultiple: c[EnvVar.atRiskMultiple],
    churnedMultiple: c[EnvVar.churnedMultiple],
    defaultGapDays: c[EnvVar.defaultGapDays],
    atRiskPercentile: 0.75,
    churnedPercentile: 0.95,
    modelBands: { active: c[EnvVar.activeMinPAlive], atRisk: c[EnvVar.atRiskMinPAlive] },
  };
}

export const MailConfig = z.object({
  [EnvVar.senderEmail]: z.email(),
  [EnvVar.configurationSet]: z.string().min(1).optional(),
  [EnvVar.campaignsDir]: z.string().min(1),
});

/** What every marketing mail must show about the shop (CAN-SPAM: a postal address). */
export const ShopConfig = z.object({
  [EnvVar.shopName]: z.string().min(1).default('Engage Demo Shop'),
  [EnvVar.shopAddress]: z.string().min(5).default('1 Demo Street, Example City'),
  [EnvVar.shopUrl]: z.url().default('https://shop.example.com'),
  [EnvVar.shopCurrency]: z.string().regex(/^[A-Z]{3}$/).default('CNY'),
  [EnvVar.shopTimeZone]: z.string().min(1).default('UTC'),
  /** Marketing frequency cap: Klaviyo's Smart Sending default gap, and a weekly ceiling. */
  [EnvVar.capMinGapHours]: z.coerce.number().min(0).max(24 * 14).default(16),
  [EnvVar.capMaxPerWeek]: z.coerce.number().int().min(1).max(100).default(3),
});

export function shopInfoFrom(c: z.infer<typeof ShopConfig>) {
  return {
    name: c[EnvVar.shopName],
    address: c[EnvVar.shopAddress],
    url: c[EnvVar.shopUrl],
    currency: c[EnvVar.shopCurrency],
    timeZone: c[EnvVar.shopTimeZone],
  };
}

export function capFrom(c: z.infer<typeof ShopConfig>) {
  return { minGapHours: c[EnvVar.capMinGapHours], windowDays: 7, maxInWindow: c[EnvVar.capMaxPerWeek] };
}

/** Shopper-facing links: where they point and the keys that sign them (a secret in AWS, a file locally). */
export const LinksConfig = z
  .object({
    [EnvVar.publicBaseUrl]: z.url(),
    [EnvVar.keyringSecretId]: z.string().min(1).optional(),
    [EnvVar.keyringFile]: z.string().min(1).optional(),
  })
  .refine((c) => c[EnvVar.keyringSecretId] || c[EnvVar.keyringFile], {
    message: `set ${EnvVar.keyringSecretId} or ${EnvVar.keyringFile}`,
    path: [EnvVar.keyringSecretId],
  });

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  throw new ConfigError(`Invalid configuration: ${problems}`);
}
