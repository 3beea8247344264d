/**
 * The function manifest: one entry per Lambda function, the only place that says what a function
 * receives (its routes and so its typed events), what it reads (configuration groups) and what it
 * may touch (grants), and how it is sized. The CDK stack builds rules, queues, environments and IAM
 * from it; the local runtime delivers events and hands each handler exactly its own environment
 * from it; handlers get their config typed from it. Nothing else restates any of this.
 */
import type { BulkJob } from '../bulk.js';
import type { ConfigGroupName } from '../config.js';
import type { IndexName, TablePartition } from '../table/keys.js';
import { contracts, DetailType, type DetailOf, type DetailTypeName } from './events.js';

/**
 * How long a route's event can take to reach its function at most: EventBridge retries delivery
 * to the queue for up to a day, and the dead-letter queue keeps a record the function gave up on
 * 14 days (SQS's longest) from when it was first queued, for a redrive. One definition for the
 * stack (infra/constructs/event-consumer.ts) and for the handlers that must still recognise a
 * copy that late (shared/loyalty/open-orders.ts).
 */
export const ROUTE_DELIVERY = { maxEventAgeHours: 24, deadLetterRetentionDays: 14 } as const;

export interface RouteSpec {
  /** Construct id of the rule and its queue. */
  readonly id: string;
  readonly events: readonly DetailTypeName[];
  /** SQS → Lambda batch size; failed records are retried alone (partial batch response). */
  readonly batchSize: number;
  /** Receives before a record moves to the route's dead-letter queue. */
  readonly maxReceiveCount: number;
  /** Which bus the rule sits on: Engage's own, or the account default bus (where SES publishes). */
  readonly bus?: 'engage' | 'default';
  /**
   * A send lane: its queue feeds the function with at most `maxConcurrency` concurrent
   * invocations (the SQS event source's maximum concurrency, honoured locally too), and the
   * function may hold records back in it (platform/runtime/lane.ts). All lanes share one SES rate.
   */
  readonly lane?: { readonly name: LaneName; readonly maxConcurrency: number };
}

/** Transactional mail (service recovery, surveys, follow-ups) never waits behind a bulk run. */
export type LaneName = 'transactional' | 'bulk';

export type Trigger =
  | { readonly kind: 'queue'; readonly routes: readonly RouteSpec[] }
  /** EventBridge Scheduler invokes it with a ScheduledRun payload. */
  | { readonly kind: 'schedule' }
  /** A public Function URL (shopper links, shop-platform webhooks). */
  | { readonly kind: 'url' }
  /** A Task of the bulk-run state machines (shared/platform/bulk.ts): one segment, until its time budget. */
  | { readonly kind: 'task'; readonly jobs: readonly BulkJob[] }
  /** Once per run of these bulk runs, after every segment is done, with the run's input (RunFinish). */
  | { readonly kind: 'finish'; readonly jobs: readonly BulkJob[] };

export interface Grants {
  /**
   * Data-plane access: item reads (and writes) on exactly the partition families listed (IAM
   * `dynamodb:LeadingKeys`), each listed index in its one access pattern (customers: Scan, due:
   * Query). `partitions` omitted means the whole table, Scan included (no function needs it).
   */
  readonly table?: {
    readonly access: 'read' | 'readWrite';
    readonly indexes: readonly IndexName[];
    readonly partitions?: readonly TablePartition[];
    /** Item reads (never writes) on these further partition families. */
    readonly reads?: readonly TablePartition[];
  };
  /** events:PutEvents on the Engage bus. */
  readonly publish?: true;
  /** ses:SendEmail from the sender identity through the configuration set. */
  readonly send?: true;
  /** Read the link-signing keyring secret. */
  readonly keyring?: true;
  /** Read the secret CloudFront presents to the links function. */
  readonly origin?: true;
  /** Write (and delete digest markers in) the private report bucket. */
  readonly reports?: true;
  /** The refit bucket's partial samples: the segments write and read them, the fit reads them. */
  readonly refitPartials?: 'read' | 'readWrite';
  /** Read the shop platforms' webhook signing secrets. */
  readonly webhookSecrets?: true;
  /** A send lane's consumer: ses:GetAccount (the pace), and holding records in its lane queues. */
  readonly lane?: true;
  /** states:StartExecution on these bulk runs' state machines (named by scheduled time). */
  readonly startRuns?: readonly BulkJob[];
}

export interface FunctionSpec {
  readonly summary: string;
  readonly trigger: Trigger;
  readonly config: readonly ConfigGroupName[];
  readonly grants: Grants;
  /** @default 512 */
  readonly memoryMb?: number;
  /** @default 30 */
  readonly timeoutSeconds?: number;
}

const ORDER_EVENTS = [DetailType.OrderPlaced, DetailType.OrderFulfilled, DetailType.OrderCancelled, DetailType.OrderRefunded] as const;
/** Every sending event the configuration set publishes (infra/constructs/mail.ts). */
const SES_EVENTS = [
  DetailType.SesBounced,
  DetailType.SesComplaint,
  DetailType.SesDelivered,
  DetailType.SesRejected,
  DetailType.SesRenderingFailed,
  DetailType.SesDeliveryDelayed,
  DetailType.SesOpened,
  DetailType.SesClicked,
] as const;
const readWrite = (partitions: readonly TablePartition[], ...indexes: IndexName[]) => ({ access: 'readWrite', indexes, partitions }) as const;

export const manifest = {
  'order-events': {
    summary: 'Order events into the running customer summary; redeems Engage coupons',
    trigger: { kind: 'queue', routes: [{ id: 'OrderEvents', events: ORDER_EVENTS, batchSize: 10, maxReceiveCount: 5 }] },
    // loyalty.yaml for its refund window (how long an order's state stays on the customer item).
    config: ['table', 'loyalty'],
    // Orders and summaries in the customer's partition; redeemed coupons.
    grants: { table: readWrite(['customer', 'coupon', 'erased', 'kpi']) },
  },
  'customer-upsert': {
    summary: 'Customer profiles (last writer by occurredAt), honouring the hashed suppression list',
    trigger: { kind: 'queue', routes: [{ id: 'CustomerUpserts', events: [DetailType.CustomerUpserted], batchSize: 10, maxReceiveCount: 5 }] },
    config: ['table'],
    // The profile, and the hashed address list it honours.
    grants: { table: readWrite(['customer', 'suppression', 'erased']) },
    memoryMb: 256,
  },
  'sweep-start': {
    summary: 'Starts the daily sweep (or the monthly tier review) as a bulk run named by its scheduled time',
    trigger: { kind: 'schedule' },
    config: ['table', 'sweep', 'bulkRuns'],
    // The base size (STORE) sizes the segment count.
    grants: { table: { access: 'read', indexes: [], partitions: ['store'] }, startRuns: ['daily-sweep', 'tier-review'] },
    memoryMb: 256,
  },
  'churn-sweep': {
    summary: 'Scores one scan segment: risk level, RFM segment, predictions; emits risk transitions',
    trigger: { kind: 'task', jobs: ['daily-sweep'] },
    config: ['table', 'bus', 'churn'],
    // Scores in each customer item; the current model and base statistics from STORE.
    grants: { table: readWrite(['customer', 'store', 'kpi'], 'customers'), publish: true },
    // Pages of a segment until 60 s before this, then hands its cursor back to the state machine.
    memoryMb: 1024,
    timeoutSeconds: 300,
  },
  'model-refit': {
    summary: 'Starts the weekly model refit as a bulk run named by its scheduled time',
    trigger: { kind: 'schedule' },
    config: ['table', 'sweep', 'refit', 'bulkRuns'],
    // The last refit's counts (STORE) size the segment count and the sampling threshold.
    grants: { table: { access: 'read', indexes: [], partitions: ['store'] }, startRuns: ['model-refit'] },
    memoryMb: 256,
  },
  'refit-sample': {
    summary: "One scan segment of the refit: partial base statistics and the segment's bottom-k sample of buyers",
    trigger: { kind: 'task', jobs: ['model-refit'] },
    config: ['table', 'refit', 'refitPartials'],
    // Summaries through the index only; its state between invocations in the refit bucket.
    grants: { table: { access: 'read', indexes: ['customers'], partitions: [] }, refitPartials: 'readWrite' },
    memoryMb: 1024,
    timeoutSeconds: 300,
  },
  'refit-fit': {
    summary: "The refit's end: merges the segments' samples and statistics, reads the sample's purchase days, chooses and stores the model",
    trigger: { kind: 'finish', jobs: ['model-refit'] },
    config: ['table', 'refit', 'refitPartials'],
    // Writes models and statistics to STORE; reads the sampled customers' purchase days (customer items).
    grants: { table: { access: 'readWrite', indexes: [], partitions: ['store'], reads: ['customer'] }, refitPartials: 'read' },
    // Holds the sample (up to the sample limit) and fits on it: memory buys CPU.
    memoryMb: 3008,
    timeoutSeconds: 900,
  },
  links: {
    summary: 'Shopper links: one-click unsubscribe and survey answers',
    trigger: { kind: 'url' },
    // shop: the pages carry the shop's name and a link back to it.
    config: ['table', 'bus', 'keyring', 'shop', 'linkOrigin'],
    // Public: the customer's own items (suppression flag, surveys) and the hashed address list only.
    grants: { table: readWrite(['customer', 'suppression', 'kpi']), publish: true, keyring: true, origin: true },
    memoryMb: 256,
    timeoutSeconds: 10,
  },
  webhooks: {
    summary: 'Shopify and WooCommerce webhooks: signature, mapping to shop events, once per delivery, publish',
    trigger: { kind: 'url' },
    // loyalty.yaml for its refund window (how long an order's owner is kept).
    config: ['table', 'bus', 'shop', 'webhooks', 'loyalty'],
    // Its delivery claims and the order owners (written only while no erasure tombstone exists);
    // nothing of the customers' partitions.
    grants: { table: readWrite(['webhookDelivery', 'orderOwner', 'erased']), publish: true, webhookSecrets: true },
    memoryMb: 256,
    // Well inside the delivery claim's 60 s lease (shared/webhooks/receive.ts).
    timeoutSeconds: 10,
  },
  loyalty: {
    summary: 'Points and tiers from order events; points redemption into coupons',
    trigger: {
      kind: 'queue',
      routes: [{ id: 'LoyaltyEvents', events: [...ORDER_EVENTS, DetailType.PointsRedeemRequested], batchSize: 10, maxReceiveCount: 5 }],
    },
    config: ['table', 'bus', 'loyalty', 'keyring'],
    // Loyalty items, ledger and tier in the customer's partition; coupons from redeemed points,
    // their codes derived with the keyring (coupons/derive.ts) so the mail can carry them.
    grants: { table: readWrite(['customer', 'coupon', 'erased', 'kpi']), publish: true, keyring: true },
  },
  'loyalty-sweep': {
    summary: 'Daily: expiry, grace ends and birthdays of who the due index names; monthly: every member\'s tier review',
    trigger: { kind: 'task', jobs: ['daily-sweep', 'tier-review'] },
    config: ['table', 'bus', 'loyalty', 'keyring'],
    // Tier birthday coupons are derived with the keyring, like redemptions (functions above).
    grants: { table: readWrite(['customer', 'coupon', 'erased', 'kpi'], 'customers', 'loyaltyDue'), publish: true, keyring: true },
    memoryMb: 1024,
    timeoutSeconds: 300,
  },
  'campaign-dispatch': {
    summary: 'Flows and campaigns (one engine): entries step by step; one decision per (campaign, customer, occurrence): policy, coupon, survey, SES; paced in two send lanes',
    trigger: {
      kind: 'queue',
      routes: [
        {
          // The bulk lane: the sweep's and the tier review's triggers, scheduled runs, their deferrals.
          id: 'CampaignTriggers',
          events: [
            DetailType.CustomerRiskChanged,
            DetailType.CustomerTierChanged,
            DetailType.BirthdayRewarded,
            DetailType.BirthdayUpcoming,
            DetailType.PointsExpiring,
            DetailType.CampaignScheduledSend,
            DetailType.CampaignSendDue,
            DetailType.FlowStepDue,
          ],
          batchSize: 10,
          maxReceiveCount: 5,
          // 32: at SES 200/s × 0.9 and ~140 ms per send, 26 dispatchers keep the rate busy (bench/lanes.ts).
          lane: { name: 'bulk', maxConcurrency: 32 },
        },
        // The transactional lane: shop deliveries start follow-ups (post-delivery survey), a low
        // survey score starts service recovery, redeemed points bring their coupon, and their deferrals come back here when due. Same
        // function, its own queue and concurrency.
        {
          id: 'DeliveryFollowUps',
          events: [DetailType.OrderFulfilled, DetailType.SurveyLowScore, DetailType.PointsRedeemed, DetailType.CampaignTransactionalSendDue],
          batchSize: 10,
          maxReceiveCount: 5,
          lane: { name: 'transactional', maxConcurrency: 5 },
        },
        // Shopper activity: orders and checkouts start flows (welcome, abandoned checkout) and end
        // or resume waiting entries, so they must not queue behind a bulk run.
        {
          id: 'ShopActivity',
          events: [DetailType.OrderPlaced, DetailType.CheckoutStarted, DetailType.CartUpdated, DetailType.ProductViewed],
          batchSize: 10,
          maxReceiveCount: 5,
          lane: { name: 'transactional', maxConcurrency: 5 },
        },
      ],
    },
    config: ['table', 'mail', 'lane', 'campaigns', 'shop', 'linkBase', 'keyring'],
    // Customer, sends and surveys in the customer's partition; the coupons it issues and reminds
    // of; the lanes' shared rate.
    grants: { table: readWrite(['customer', 'coupon', 'suppression', 'erased', 'rate', 'kpi']), send: true, keyring: true, lane: true },
    timeoutSeconds: 60,
  },
  'dispatch-due': {
    summary: 'Every 15 minutes: pending sends that are due, leased, go back to dispatch',
    trigger: { kind: 'schedule' },
    config: ['table', 'bus'],
    // Queries the due index; leases each send it publishes (in the customer's partition); its cursor.
    grants: { table: readWrite(['customer', 'dueCursor'], 'due'), publish: true },
    memoryMb: 256,
    timeoutSeconds: 120,
  },
  'ses-feedback': {
    summary: 'SES bounces and complaints onto the suppression list; deliveries, opens and clicks recorded on the send and counted',
    trigger: {
      kind: 'queue',
      routes: [{ id: 'SesFeedback', events: SES_EVENTS, batchSize: 10, maxReceiveCount: 5, bus: 'default' }],
    },
    config: ['table', 'engagement'],
    // Suppression on the customer and the address list; engagement on the send and the campaign's KPI items.
    grants: { table: readWrite(['customer', 'suppression', 'kpi']) },
    memoryMb: 256,
  },
  'customer-erase': {
    summary: 'GDPR/PIPL erasure of one customer; the address hash stays suppressed',
    trigger: { kind: 'queue', routes: [{ id: 'CustomerErasure', events: [DetailType.CustomerEraseRequested], batchSize: 1, maxReceiveCount: 5 }] },
    config: ['table'],
    // The customer's partition (coupons found through its COUPONREF# pointers), their coupons, the
    // hashed address, the tombstone: Query and key access only, no Scan.
    grants: { table: readWrite(['customer', 'coupon', 'suppression', 'erased', 'orderOwner', 'kpi']) },
    memoryMb: 256,
    timeoutSeconds: 120,
  },
  'campaign-schedule': {
    summary: "Starts a scheduled campaign's run as a bulk run named by campaign and scheduled time",
    trigger: { kind: 'schedule' },
    config: ['table', 'sweep', 'campaigns', 'bulkRuns'],
    // The base size (STORE) sizes the segment count; campaigns are checked before a run starts.
    grants: { table: { access: 'read', indexes: [], partitions: ['store'] }, startRuns: ['campaign-run'] },
    memoryMb: 256,
  },
  'campaign-audience': {
    summary: "One scan segment of a scheduled campaign's run: one campaign.scheduled-send per audience member",
    trigger: { kind: 'task', jobs: ['campaign-run'] },
    config: ['table', 'bus', 'campaigns'],
    grants: { table: { access: 'read', indexes: ['customers'], partitions: [] }, publish: true },
    memoryMb: 1024,
    timeoutSeconds: 300,
  },
  'weekly-report': {
    summary: "Monday's report of the week that ended: HTML to the private report bucket, a KPI digest to the marketer",
    trigger: { kind: 'schedule' },
    config: ['table', 'mail', 'shop', 'report', 'campaigns'],
    // The report reads only the KPI counters (a few Queries, shared/reports/counters-source.ts)
    // and the flows' counters (the flows are read from the bundled campaigns), never a write; it
    // writes only to its bucket.
    grants: { table: { access: 'read', indexes: [], partitions: ['kpi'] }, send: true, reports: true },
    memoryMb: 2048,
    timeoutSeconds: 900,
  },
} as const satisfies Record<string, FunctionSpec>;

export type Manifest = typeof manifest;
export type FunctionName = keyof Manifest;
export const functionNames = Object.keys(manifest) as FunctionName[];

/** Construct-friendly keys (OrderEvents) → function names (order-events). */
export const FunctionName = Object.fromEntries(
  functionNames.map((n) => [n.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase()), n]),
) as { readonly [K in FunctionName as PascalCase<K>]: K };
type PascalCase<S extends string> = S extends `${infer H}-${infer T}` ? `${Capitalize<H>}${PascalCase<T>}` : Capitalize<S>;

type RoutesOf<F extends FunctionName> = Manifest[F]['trigger'] extends { routes: readonly (infer R)[] } ? R : never;
/** The detail-types a function receives, as a union. */
export type EventTypeOf<F extends FunctionName> = RoutesOf<F> extends { events: readonly (infer E)[] } ? Extract<E, DetailTypeName> : never;
/** A validated event as a handler receives it: discriminated by `type`, no casts needed. */
export type TypedEvent<T extends DetailTypeName = DetailTypeName> = { [K in T]: { type: K; detail: DetailOf<K> } }[T];
export type EventOf<F extends FunctionName> = TypedEvent<EventTypeOf<F>>;
export type ConfigGroupsOf<F extends FunctionName> = Manifest[F]['config'][number];
/** The segment Tasks of a bulk run, in the order each segment runs them. */
export const tasksOf = (job: BulkJob): FunctionName[] =>
  functionNames.filter((n) => {
    const t: Trigger = manifest[n].trigger;
    return t.kind === 'task' && t.jobs.includes(job);
  });

/** The Task run once after a bulk run's segments, if the job has one. */
export const finisherOf = (job: BulkJob): FunctionName | undefined =>
  functionNames.find((n) => {
    const t: Trigger = manifest[n].trigger;
    return t.kind === 'finish' && t.jobs.includes(job);
  });

/** Every function a bulk run's state machine invokes: its segment Tasks, then its finisher. */
export const runFunctionsOf = (job: BulkJob): FunctionName[] => [...tasksOf(job), ...[finisherOf(job)].filter((f): f is FunctionName => f !== undefined)];

/** Functions fed by queues (the local bus and the stack's consumers). */
export type QueueFunction = { [F in FunctionName]: Manifest[F]['trigger']['kind'] extends 'queue' ? F : never }[FunctionName];

export const specOf = (fn: FunctionName): FunctionSpec => manifest[fn];
/** The function's timeout (the Lambda setting, the local context's deadline, its bulk-run Task's wait). */
export const timeoutSecondsOf = (fn: FunctionName): number => specOf(fn).timeoutSeconds ?? 30;

export interface EventPattern {
  source: readonly string[];
  detailType: readonly DetailTypeName[];
}

/** A queue route with its target and its EventBridge pattern (source from each event's contract). */
export interface Route extends RouteSpec {
  target: FunctionName;
  pattern: EventPattern;
}

export const routes: readonly Route[] = functionNames.flatMap((target) => {
  const trigger: Trigger = manifest[target].trigger;
  if (trigger.kind !== 'queue') return [];
  return trigger.routes.map((r) => ({
    ...r,
    target,
    pattern: { source: [...new Set(r.events.map((e) => contracts[e].source))], detailType: r.events },
  }));
});

/** The detail-types a function accepts are exactly those its routes deliver. */
export function acceptedBy(fn: FunctionName): readonly DetailTypeName[] {
  const mine = routes.filter((r) => r.target === fn);
  if (mine.length === 0) throw new Error(`no route targets ${fn}`);
  return [...new Set(mine.flatMap((r) => r.pattern.detailType))];
}

/** What `matches` implements is exactly EventBridge's semantics for source + detail-type lists. */
export function matches(pattern: EventPattern, event: { source: string; 'detail-type': string }): boolean {
  return pattern.source.includes(event.source) && (pattern.detailType as readonly string[]).includes(event['detail-type']);
}

export function routesFor(event: { source: string; 'detail-type': string }): Route[] {
  return routes.filter((r) => matches(r.pattern, event));
}
