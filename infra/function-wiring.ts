/**
 * Gives each function what its manifest entry says, from the one place that owns each resource:
 * the table construct grants table access and sets TABLE_NAME, the bus PutEvents and
 * EVENT_BUS_NAME, and so on; settings-only groups (sweep, churn, refit, shop) become variables
 * from the CDK context. A manifest whose config and grants disagree fails synth.
 */
import { EnvVar, type ConfigGroupName } from '../shared/platform/config.js';
import { specOf } from '../shared/platform/contracts/functions.js';
import { Stack } from 'aws-cdk-lib';
import type { BulkJob } from '../shared/platform/bulk.js';
import type { BulkRun } from './constructs/bulk-run.js';
import type { EngageBus } from './constructs/event-bus.js';
import type { EngageFunction } from './constructs/function.js';
import type { Mail } from './constructs/mail.js';
import type { ReportArchive } from './constructs/report-archive.js';
import type { RefitPartialsBucket } from './constructs/refit-partials.js';
import type { ShopperLinks } from './constructs/shopper-links.js';
import type { EngageTable } from './constructs/table.js';
import type { ShopWebhooks } from './constructs/webhooks.js';
import type { EngageSettings } from './settings.js';

export interface FunctionResources {
  table: EngageTable;
  bus: EngageBus;
  mail: Mail;
  links: ShopperLinks;
  reports: ReportArchive;
  refitPartials: RefitPartialsBucket;
  webhooks: ShopWebhooks;
  bulkRuns: Record<BulkJob, BulkRun>;
}

/** Variables of the groups that come from deployment settings rather than from a resource. */
export function settingsVariables(group: ConfigGroupName, s: EngageSettings): Record<string, string> {
  switch (group) {
    case 'sweep':
      return { [EnvVar.sweepSegments]: String(s.sweepSegments) };
    case 'churn':
      return {
        [EnvVar.atRiskMultiple]: String(s.atRiskMultiple),
        [EnvVar.churnedMultiple]: String(s.churnedMultiple),
        [EnvVar.defaultGapDays]: String(s.defaultGapDays),
        [EnvVar.activeMinPAlive]: String(s.activeMinPAlive),
        [EnvVar.atRiskMinPAlive]: String(s.atRiskMinPAlive),
      };
    case 'refit':
      return {
        [EnvVar.refitSampleLimit]: String(s.refitSampleLimit),
        [EnvVar.refitHoldoutBound]: String(s.refitHoldoutBound),
        [EnvVar.refitHorizonDays]: String(s.refitHorizonDays),
      };
    case 'shop':
      return {
        ...(s.shopName ? { [EnvVar.shopName]: s.shopName } : {}),
        ...(s.shopAddress ? { [EnvVar.shopAddress]: s.shopAddress } : {}),
        ...(s.shopUrl ? { [EnvVar.shopUrl]: s.shopUrl } : {}),
        [EnvVar.shopCurrency]: s.shopCurrency,
        [EnvVar.shopTimeZone]: s.shopTimeZone,
        [EnvVar.capMinGapHours]: String(s.capMinGapHours),
        [EnvVar.capMaxPerWeek]: String(s.capMaxPerWeek),
      };
    case 'report':
      return { ...(s.reportEmail ? { [EnvVar.reportEmail]: s.reportEmail } : {}), [EnvVar.reportLang]: s.reportLang };
    case 'engagement':
      return { [EnvVar.botClickSeconds]: String(s.botClickSeconds), [EnvVar.attributionDays]: String(s.attributionDays) };
    default:
      return {};
  }
}

/** Which grant each resource-bound configuration group goes with. */
const GROUP_GRANT = { table: 'table', bus: 'publish', mail: 'send', keyring: 'keyring', linkOrigin: 'origin', report: 'reports', refitPartials: 'refitPartials', webhooks: 'webhookSecrets', lane: 'lane', bulkRuns: 'startRuns' } as const;

export function wireFunction(fn: EngageFunction, r: FunctionResources, settings: EngageSettings): void {
  const spec = specOf(fn.engageName);
  const groups = new Set<ConfigGroupName>(spec.config);
  for (const [group, grant] of Object.entries(GROUP_GRANT) as [ConfigGroupName, keyof typeof spec.grants][]) {
    if (groups.has(group) !== (spec.grants[grant] !== undefined)) {
      throw new Error(`manifest ${fn.engageName}: config group "${group}" and grant "${grant}" must come together`);
    }
  }
  if (spec.grants.table) r.table.grantTo(fn, spec.grants.table);
  if (spec.grants.publish) r.bus.grantPut(fn);
  if (spec.grants.send) r.mail.grantSend(fn);
  // (the lane queues grant holding their records themselves: infra/constructs/event-consumer.ts)
  if (spec.grants.lane) r.mail.grantReadAccount(fn);
  if (spec.grants.keyring) r.links.grantKeyring(fn);
  if (spec.grants.origin) r.links.grantOrigin(fn);
  if (spec.grants.reports) r.reports.grantWrite(fn);
  if (spec.grants.refitPartials) r.refitPartials.grantTo(fn, spec.grants.refitPartials);
  if (spec.grants.webhookSecrets) r.webhooks.grantSecrets(fn);
  if (groups.has('linkBase')) r.links.pointLinksFrom(fn);
  if (spec.grants.startRuns) {
    for (const job of spec.grants.startRuns) r.bulkRuns[job].grantStart(fn);
    const arns = Object.fromEntries(spec.grants.startRuns.map((job) => [job, r.bulkRuns[job].stateMachine.stateMachineArn]));
    fn.addEnvironment(EnvVar.bulkRunStateMachines, Stack.of(fn).toJsonString(arns));
  }
  for (const g of groups) for (const [k, v] of Object.entries(settingsVariables(g, settings))) fn.addEnvironment(k, v);
}
