/**
 * Each function's own environment, locally: the values of every configuration group, and for a
 * function exactly the groups its manifest entry lists — as the CDK stack does in AWS. (The
 * emulator endpoints, region and credentials are platform settings every function shares, as
 * Lambda's own variables are; the local system puts those in process.env.)
 */
import { ConfigGroups, EnvVar, groupVariables, type ConfigGroupName } from '../shared/platform/config.js';
import { manifest, type FunctionName } from '../shared/platform/contracts/functions.js';
import { BULK_JOBS, type BulkJob } from '../shared/platform/bulk.js';

export interface LocalSettings {
  tableName: string;
  eventBusName: string;
  campaignsDir: string;
  loyaltyConfig: string;
  linksUrl: string;
  keyringFile: string;
  reportDir: string;
  refitDir: string;
  webhookSecretsFile: string;
}

/** The local Step Functions' state machine ARNs (local/stepfunctions.ts serves them). */
export const localStateMachineArn = (job: BulkJob): string => `arn:aws:states:us-east-1:000000000000:stateMachine:engage-local-${job}`;

/** The demo shop's settings: what every local function's `shop` group holds (and what the CLI's
 * previews and dry runs use unless SHOP_* variables say otherwise). */
export const LOCAL_SHOP: Record<string, string> = { [EnvVar.shopName]: 'Engage Demo Shop', [EnvVar.shopAddress]: '88 Demo Road, Hangzhou 310000, China', [EnvVar.shopTimeZone]: 'Asia/Shanghai' };

/** Variable values by group. Groups with defaults only (churn, refit) need nothing here. */
export function localGroupValues(s: LocalSettings): Record<ConfigGroupName, Record<string, string>> {
  return {
    table: { [EnvVar.tableName]: s.tableName },
    bus: { [EnvVar.eventBusName]: s.eventBusName },
    sweep: { [EnvVar.sweepSegments]: '4' },
    churn: {},
    refit: {},
    refitPartials: { [EnvVar.refitDir]: s.refitDir },
    loyalty: { [EnvVar.loyaltyConfig]: s.loyaltyConfig },
    // Locally every function and the SES emulator share one event loop: a reply can be read
    // late while other invocations render mail, which must not count as "SES did not answer".
    mail: { [EnvVar.senderEmail]: 'hello@shop.example.com', [EnvVar.sesRequestTimeoutMs]: '30000' },
    // Pacing from the emulator's account (local/emulators.ts); holds and waits as in AWS.
    lane: {},
    campaigns: { [EnvVar.campaignsDir]: s.campaignsDir },
    shop: LOCAL_SHOP,
    linkBase: { [EnvVar.publicBaseUrl]: s.linksUrl },
    keyring: { [EnvVar.keyringFile]: s.keyringFile },
    // No CDN in front of the local links server, so no origin secret to check.
    linkOrigin: {},
    engagement: {},
    report: { [EnvVar.reportDir]: s.reportDir },
    webhooks: { [EnvVar.webhookSecretsFile]: s.webhookSecretsFile },
    bulkRuns: { [EnvVar.bulkRunStateMachines]: JSON.stringify(Object.fromEntries(BULK_JOBS.map((j) => [j, localStateMachineArn(j)]))) },
  };
}

/**
 * The environment of one function: its groups' values, plus any override whose variable belongs
 * to one of its groups (tests set e.g. SEND_CAP_MIN_GAP_HOURS; only campaign dispatch sees it).
 */
export function functionEnv(fn: FunctionName, values: Record<ConfigGroupName, Record<string, string>>, overrides: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const g of manifest[fn].config) {
    Object.assign(env, values[g]);
    for (const name of groupVariables(g)) if (name in overrides) env[name] = overrides[name]!;
  }
  return env;
}

/** Every variable any group reads: an override outside this set is a mistake worth naming. */
export const knownVariables = (): Set<string> => new Set((Object.keys(ConfigGroups) as ConfigGroupName[]).flatMap(groupVariables));
