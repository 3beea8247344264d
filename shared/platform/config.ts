/**
 * Runtime configuration as named groups of environment variables. A function's manifest entry
 * (contracts/functions.ts) lists the groups it reads; infra sets exactly those variables, the
 * local runtime gives each handler exactly those, and a handler can only read what its groups
 * hold. Defaults are declared once, here, for the runtime and for the CDK settings alike.
 */
import { z } from 'zod';

export const EnvVar = {
  tableName: 'TABLE_NAME',
  eventBusName: 'EVENT_BUS_NAME',
  senderEmail: 'SENDER_EMAIL',
  configurationSet: 'SES_CONFIGURATION_SET',
  sesRequestTimeoutMs: 'SES_REQUEST_TIMEOUT_MS',
  campaignsDir: 'CAMPAIGNS_DIR',
  atRiskMultiple: 'CHURN_AT_RISK_MULTIPLE',
  churnedMultiple: 'CHURN_CHURNED_MULTIPLE',
  sweepSegments: 'SWEEP_SEGMENTS',
  defaultGapDays: 'CHURN_DEFAULT_GAP_DAYS',
  activeMinPAlive: 'RISK_ACTIVE_MIN_P_ALIVE',
  atRiskMinPAlive: 'RISK_AT_RISK_MIN_P_ALIVE',
  refitSampleLimit: 'REFIT_SAMPLE_LIMIT',
  refitHoldoutBound: 'REFIT_HOLDOUT_BOUND',
  refitHorizonDays: 'REFIT_HORIZON_DAYS',
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
  linkOriginSecretId: 'LINK_ORIGIN_SECRET_ID',
  loyaltyConfig: 'LOYALTY_CONFIG',
  botClickSeconds: 'ENGAGEMENT_BOT_CLICK_SECONDS',
  attributionDays: 'ATTRIBUTION_WINDOW_DAYS',
  refitBucket: 'REFIT_BUCKET',
  refitDir: 'REFIT_DIR',
  reportBucket: 'REPORT_BUCKET',
  reportDir: 'REPORT_DIR',
  reportEmail: 'REPORT_EMAIL',
  reportLang: 'REPORT_LANG',
  webhookSecretId: 'WEBHOOK_SECRETS_SECRET_ID',
  webhookSecretsFile: 'WEBHOOK_SECRETS_FILE',
  webhookDefaultLocale: 'WEBHOOK_DEFAULT_LOCALE',
  wooConsentMetaKey: 'WOO_CONSENT_META_KEY',
  wooLocaleMetaKey: 'WOO_LOCALE_META_KEY',
  webhookMaxBodyBytes: 'WEBHOOK_MAX_BODY_BYTES',
  sesRateShare: 'SES_RATE_SHARE',
  sesAccountRefreshSeconds: 'SES_ACCOUNT_REFRESH_SECONDS',
  laneMaxWaitMs: 'LANE_MAX_WAIT_MS',
  lanePauseHoldSeconds: 'LANE_PAUSE_HOLD_SECONDS',
  laneQuotaHoldSeconds: 'LANE_QUOTA_HOLD_SECONDS',
  laneRequeueAfterReceives: 'LANE_REQUEUE_AFTER_RECEIVES',
  bulkRunStateMachines: 'BULK_RUN_STATE_MACHINES',
} as const;

/** The one place defaults live: runtime schemas below and infra/settings.ts both read them. */
export const DEFAULTS = {
  eventBusName: 'engage',
  sweepSegments: 4,
  atRiskMultiple: 2,
  churnedMultiple: 4,
  defaultGapDays: 60,
  activeMinPAlive: 0.6,
  atRiskMinPAlive: 0.3,
  refitSampleLimit: 200_000,
  /** Refuse a refit unless a model forecasts its hold-out and the one before it within this (relative, beyond 1 s.e.). */
  refitHoldoutBound: 0.2,
  /** Horizon H of P(lapse), E[X(H)] and the ranked risk levels. */
  refitHorizonDays: 90,
  shopName: 'Engage Demo Shop',
  shopAddress: '1 Demo Street, Example City',
  shopUrl: 'https://shop.example.com',
  shopCurrency: 'CNY',
  shopTimeZone: 'Asia/Shanghai',
  /** Klaviyo's Smart Sending gap, and a weekly ceiling. */
  capMinGapHours: 16,
  capMaxPerWeek: 3,
  /** How long a SendEmail may take before its outcome counts as unknown (SES answers in ~0.1 s). */
  sesRequestTimeoutMs: 10_000,
  /** A click sooner than this after delivery is a link scanner's, not a person's. */
  botClickSeconds: 10,
  /** An order this many days after a person's click is the clicked campaign's (last touch). */
  attributionDays: 5,
  webhookDefaultLocale: 'zh-CN',
  /** Whole Shopify orders pass 256 KB; Function URLs take up to 6 MB. */
  webhookMaxBodyBytes: 1024 * 1024,
  /** The send lanes use this share of SES's MaxSendRate (headroom for jitter, other senders). */
  sesRateShare: 0.9,
  sesAccountRefreshSeconds: 60,
  /** A SendEmail waits at most this long for its slot inside a function. */
  laneMaxWaitMs: 10_000,
  /** A paused account is looked at again after 5 minutes; a used-up daily quota after 15. */
  lanePauseHoldSeconds: 300,
  laneQuotaHoldSeconds: 900,
  /** From this receive on, a held message goes back as a new message (so holding never dead-letters it). */
  laneRequeueAfterReceives: 3,
} as const;

const positive = (fallback: number) => z.coerce.number().positive().default(fallback);
const probability = (fallback: number) => z.coerce.number().min(0).max(1).default(fallback);

export const TableConfig = z.object({ [EnvVar.tableName]: z.string().min(3) });
export const BusConfig = z.object({ [EnvVar.eventBusName]: z.string().min(1) });

export const SweepConfig = z.object({
  [EnvVar.sweepSegments]: z.coerce.number().int().min(1).max(1000).default(DEFAULTS.sweepSegments),
});

export const ChurnConfig = z.object({
  [EnvVar.atRiskMultiple]: positive(DEFAULTS.atRiskMultiple),
  [EnvVar.churnedMultiple]: positive(DEFAULTS.churnedMultiple),
  [EnvVar.defaultGapDays]: positive(DEFAULTS.defaultGapDays),
  [EnvVar.activeMinPAlive]: probability(DEFAULTS.activeMinPAlive),
  [EnvVar.atRiskMinPAlive]: probability(DEFAULTS.atRiskMinPAlive),
});

/** The state machines a starter may start, by job (JSON: {"daily-sweep": "arn:…"}). */
export const BulkRunsConfig = z.object({
  [EnvVar.bulkRunStateMachines]: z
    .string()
    .min(2)
    .transform((s, ctx) => {
      try {
        return z.record(z.string(), z.string().min(1)).parse(JSON.parse(s));
      } catch {
        ctx.addIssue({ code: 'custom', message: 'not a JSON object of job → state machine ARN' });
        return z.NEVER;
      }
    }),
});

export const LoyaltyEnv = z.object({ [EnvVar.loyaltyConfig]: z.string().min(1) });

export const RefitConfig = z.object({
  /** Above this many customers the fit uses a uniform random sample of this size. */
  [EnvVar.refitSampleLimit]: z.coerce.number().int().min(1000).default(DEFAULTS.refitSampleLimit),
  [EnvVar.refitHoldoutBound]: z.coerce.number().positive().max(1).default(DEFAULTS.refitHoldoutBound),
  [EnvVar.refitHorizonDays]: z.coerce.number().int().min(7).max(730).default(DEFAULTS.refitHorizonDays),
});

/** The refit settings as the churn capability wants them. */
export function refitOptionsFrom(c: z.infer<typeof RefitConfig>) {
  return { sampleLimit: c[EnvVar.refitSampleLimit], bound: c[EnvVar.refitHoldoutBound], horizonDays: c[EnvVar.refitHorizonDays] };
}

/** Sending mail: the From address and the SES configuration set that carries feedback. */
export const MailConfig = z.object({
  [EnvVar.senderEmail]: z.email(),
  [EnvVar.configurationSet]: z.string().min(1).optional(),
  [EnvVar.sesRequestTimeoutMs]: z.coerce.number().int().min(100).max(30_000).default(DEFAULTS.sesRequestTimeoutMs),
});

/** The send lanes' pacing (platform/runtime/lane.ts, mail/pacing.ts). */
export const LaneConfig = z.object({
  [EnvVar.sesRateShare]: z.coerce.number().gt(0).max(1).default(DEFAULTS.sesRateShare),
  [EnvVar.sesAccountRefreshSeconds]: z.coerce.number().int().min(1).max(3600).default(DEFAULTS.sesAccountRefreshSeconds),
  [EnvVar.laneMaxWaitMs]: z.coerce.number().int().min(100).max(60_000).default(DEFAULTS.laneMaxWaitMs),
  [EnvVar.lanePauseHoldSeconds]: z.coerce.number().int().min(1).max(43_200).default(DEFAULTS.lanePauseHoldSeconds),
  [EnvVar.laneQuotaHoldSeconds]: z.coerce.number().int().min(1).max(43_200).default(DEFAULTS.laneQuotaHoldSeconds),
  [EnvVar.laneRequeueAfterReceives]: z.coerce.number().int().min(1).max(100).default(DEFAULTS.laneRequeueAfterReceives),
});

export const CampaignsConfig = z.object({ [EnvVar.campaignsDir]: z.string().min(1) });

/** What every marketing mail must show about the shop (CAN-SPAM: a postal address). */
export const ShopConfig = z.object({
  [EnvVar.shopName]: z.string().min(1).default(DEFAULTS.shopName),
  [EnvVar.shopAddress]: z.string().min(5).default(DEFAULTS.shopAddress),
  [EnvVar.shopUrl]: z.url().default(DEFAULTS.shopUrl),
  [EnvVar.shopCurrency]: z.string().regex(/^[A-Z]{3}$/).default(DEFAULTS.shopCurrency),
  [EnvVar.shopTimeZone]: z.string().min(1).default(DEFAULTS.shopTimeZone),
  [EnvVar.capMinGapHours]: z.coerce.number().min(0).max(24 * 14).default(DEFAULTS.capMinGapHours),
  [EnvVar.capMaxPerWeek]: z.coerce.number().int().min(1).max(100).default(DEFAULTS.capMaxPerWeek),
});

/** Engagement tracking (shared/engagement): the machine-click rule and the attribution window. */
export const EngagementConfig = z.object({
  [EnvVar.botClickSeconds]: z.coerce.number().min(0).max(3600).default(DEFAULTS.botClickSeconds),
  [EnvVar.attributionDays]: z.coerce.number().min(0).max(90).default(DEFAULTS.attributionDays),
});

/** The weekly report: where it is archived (a bucket in AWS, a folder locally) and who gets the digest. */
export const ReportConfig = z
  .object({
    [EnvVar.reportBucket]: z.string().min(3).optional(),
    [EnvVar.reportDir]: z.string().min(1).optional(),
    [EnvVar.reportEmail]: z.email().optional(),
    [EnvVar.reportLang]: z.enum(['en', 'zh-CN']).default('en'),
  })
  .refine((c) => c[EnvVar.reportBucket] || c[EnvVar.reportDir], { message: `set ${EnvVar.reportBucket} or ${EnvVar.reportDir}`, path: [EnvVar.reportBucket] });

/** Where the refit's segments leave their partial samples for the fit (a bucket in AWS, a folder locally). */
export const RefitPartialsConfig = z
  .object({
    [EnvVar.refitBucket]: z.string().min(3).optional(),
    [EnvVar.refitDir]: z.string().min(1).optional(),
  })
  .refine((c) => c[EnvVar.refitBucket] || c[EnvVar.refitDir], { message: `set ${EnvVar.refitBucket} or ${EnvVar.refitDir}`, path: [EnvVar.refitBucket] });

/** Where the links in mail point (the links function's public URL). */
export const LinkBaseConfig = z.object({ [EnvVar.publicBaseUrl]: z.url() });

/** The keys that sign and verify shopper links: a secret in AWS, a file locally. */
export const KeyringConfig = z
  .object({
    [EnvVar.keyringSecretId]: z.string().min(1).optional(),
    [EnvVar.keyringFile]: z.string().min(1).optional(),
  })
  .refine((c) => c[EnvVar.keyringSecretId] || c[EnvVar.keyringFile], {
    message: `set ${EnvVar.keyringSecretId} or ${EnvVar.keyringFile}`,
    path: [EnvVar.keyringSecretId],
  });

/**
 * The secret CloudFront sends as a header on every request it forwards to the links function, so
 * requests that bypass the distribution (and its WebACL) are refused. Unset locally: no CDN.
 */
export const LinkOriginConfig = z.object({ [EnvVar.linkOriginSecretId]: z.string().min(1).optional() });
/** Shop-platform webhooks: the signing secrets (a secret in AWS, a file locally) and the mapping's
 * settings; the shop's time zone comes from the `shop` group. */
export const WebhookConfig = z
  .object({
    [EnvVar.webhookSecretId]: z.string().min(1).optional(),
    [EnvVar.webhookSecretsFile]: z.string().min(1).optional(),
    [EnvVar.webhookDefaultLocale]: z.enum(['zh-CN', 'en']).default(DEFAULTS.webhookDefaultLocale),
    [EnvVar.wooConsentMetaKey]: z.string().min(1).optional(),
    [EnvVar.wooLocaleMetaKey]: z.string().min(1).optional(),
    [EnvVar.webhookMaxBodyBytes]: z.coerce.number().int().min(1024).max(6 * 1024 * 1024).default(DEFAULTS.webhookMaxBodyBytes),
  })
  .refine((c) => c[EnvVar.webhookSecretId] || c[EnvVar.webhookSecretsFile], {
    message: `set ${EnvVar.webhookSecretId} or ${EnvVar.webhookSecretsFile}`,
    path: [EnvVar.webhookSecretId],
  });

/** Every configuration group, by the name manifests use. */
export const ConfigGroups = {
  table: TableConfig,
  bus: BusConfig,
  sweep: SweepConfig,
  churn: ChurnConfig,
  refit: RefitConfig,
  refitPartials: RefitPartialsConfig,
  loyalty: LoyaltyEnv,
  mail: MailConfig,
  lane: LaneConfig,
  campaigns: CampaignsConfig,
  shop: ShopConfig,
  linkBase: LinkBaseConfig,
  keyring: KeyringConfig,
  linkOrigin: LinkOriginConfig,
  engagement: EngagementConfig,
  report: ReportConfig,
  webhooks: WebhookConfig,
  bulkRuns: BulkRunsConfig,
} as const;
export type ConfigGroupName = keyof typeof ConfigGroups;
export type ConfigOfGroup<G extends ConfigGroupName> = z.infer<(typeof ConfigGroups)[G]>;

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
/** The parsed configuration of a function that reads the groups `G`. */
export type ConfigOfGroups<G extends ConfigGroupName> = UnionToIntersection<{ [K in G]: ConfigOfGroup<K> }[G]>;

/** The variable names a group reads (what infra and the local runtime must provide). */
export const groupVariables = (g: ConfigGroupName): string[] => Object.keys((ConfigGroups[g] as z.ZodObject).shape);

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const describe = (issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>) => issues.map((i) => `${i.path.join('.')}: ${i.message}`);

export function loadConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  throw new ConfigError(`Invalid configuration: ${describe(parsed.error.issues).join('; ')}`);
}

/** Parses every group at once, so a misconfigured function names all its problems in one error. */
export function loadGroups<G extends ConfigGroupName>(groups: readonly G[], env: NodeJS.ProcessEnv = process.env): ConfigOfGroups<G> {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const g of groups) {
    const parsed = ConfigGroups[g].safeParse(env);
    if (parsed.success) Object.assign(out, parsed.data);
    else problems.push(...describe(parsed.error.issues));
  }
  if (problems.length) throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  return out as ConfigOfGroups<G>;
}

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

export function laneSettingsFrom(c: z.infer<typeof LaneConfig>) {
  return {
    share: c[EnvVar.sesRateShare],
    refreshMs: c[EnvVar.sesAccountRefreshSeconds] * 1000,
    maxWaitMs: c[EnvVar.laneMaxWaitMs],
    pauseHoldSeconds: c[EnvVar.lanePauseHoldSeconds],
    quotaHoldSeconds: c[EnvVar.laneQuotaHoldSeconds],
  };
}
