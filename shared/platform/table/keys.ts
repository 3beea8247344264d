/**
 * Table design: one DynamoDB table, generic key attributes `pk`/`sk`, a sparse GSI over the
 * compact customer items, and `expiresAt` as the TTL attribute.
 *
 * Access patterns
 *  1. Customer profile + running summary + risk      GetItem  pk=CUST#<cid>  sk=CUSTOMER
 *  2. One order's state (any event may come first)    on the customer item (`openOrders`, orders/open-orders.ts) while it is
 *     open; beyond its room, and for orders written before:  GetItem  pk=CUST#<cid>  sk=ORDER#<oid>
 *     The customer item also holds the purchase days (`days`: yyyy-mm-dd → [active orders, net spend];
 *     same-day orders are one purchase), under the summary's version (shared/orders/stored-days.ts)
 *  3. Legacy purchase days (tables written before    Query    pk=CUST#<cid>  sk begins_with DAY#: read once for a customer
 *     they moved onto the customer item)                       whose item has a summary but no `days`; never written
 *  5. Sweep over every customer summary               parallel Scan of GSI `customers` (only customer items carry `gsi1pk`)
 *  6. Base statistics (gap quantiles, RFM cuts)      GetItem  pk=STORE       sk=STATS
 *  6b. Current model parameters / their history      GetItem  pk=STORE       sk=MODEL | MODEL#<version>
 *  6c. What the last refit decided (also a refusal)  GetItem  pk=STORE       sk=REFIT
 *  7. Send claim per (campaign, customer, occurrence) PutItem  pk=CUST#<cid>  sk=SEND#<campaign>#<occurrence>, attribute_not_exists
 *  8. Messages sent to a customer                     Query    pk=CUST#<cid>  sk begins_with SEND#
 *  9. Pending sends that are due                     Query GSI `due`: dueShard=DUE#<yyyy-mm-dd>#<0..15> (the UTC day of dueAt ×
 *     16 shards), dueAt <= now, paged (sparse: only pending sends carry it). Items written before
 *     the buckets (dueShard=DUE#<0..3>) are still read, and move to a bucket when leased.
 * 10. Coupon by code (stored as a hash, never plain)  GetItem  pk=COUPON#<sha256>  sk=COUPON, created attribute_not_exists
 * 11. Loyalty state (tier, balance, lots, outbox,    GetItem  pk=CUST#<cid>  sk=LOYALTY; BatchGet per sweep page
 *     the open orders' views and entries, history)
 * 12. One order's loyalty view stored on its own item GetItem  pk=CUST#<cid>  sk=LEDGER#earn#<oid> (views stored before they
 *     moved onto the state item; not ORDER#: that item is Put whole by order ingest under its own version)
 * 13. Ledger entry by cause (earn#o-1, redeem#<key>)  GetItem  pk=CUST#<cid>  sk=LEDGER#<key>, created attribute_not_exists
 * 14. A customer's statement                          Query    pk=CUST#<cid>  sk BETWEEN LEDGER# AND LOYALTY (the state item holds the open orders' entries and the folded history)
 * 15. Suppressed address (hash only, never the email)  GetItem  pk=SUPPRESS#<sha256(trimmed lower-cased email)>  sk=SUPPRESS;
 *     outlives erasure of the CUST# partition, so a re-registered address stays suppressed
 * 16. Survey of one mail, answered once            GetItem  pk=CUST#<cid>  sk=SURVEY#<campaign>:<occurrence>
 * 16b. A customer's survey answers                Query    pk=CUST#<cid>  sk begins_with SURVEY#
 * 17. A customer's coupons (terms and hint, never the code; the state stays on COUPON#)
 *                                                  Query    pk=CUST#<cid>  sk begins_with COUPONREF#, then BatchGet COUPON#<hash>
 * 18. Erasure tombstone (the id hashed)              GetItem / ConditionCheck pk=ERASED#<sha256(cid)>  sk=ERASED; every
 *     write that could recreate a customer's items checks it in the same transaction (see shared/privacy/erase.ts)
 * 19. Frequency-cap ledger of marketing sends        GetItem  pk=CUST#<cid>  sk=CAP; written with a version guard in the
 *     same transaction that marks a send `sending`, so two concurrent sends cannot both pass the cap
 * 20. A campaign's engagement counters per day     Query    pk=KPI#CAMPAIGN#<campaign>  sk between DAY#<from> and DAY#<to>#~
 *     (16 shards a day); ADDed in the transaction that first records the fact on the send, so a repeated SES event counts nothing
 * 21. Bulk import progress, per input              GetItem  pk=IMPORT#<sha256 of the input files>  sk=CHECKPOINT
 * 22. Webhook delivery claim (platform delivery id) PutItem  pk=WEBHOOK#<dedupe key>  sk=WEBHOOK, conditional; TTL expiresAt
 * 23. Owner of a shop order (Shopify refunds name  GetItem  pk=ORDEROWNER#<orderId>  sk=OWNER; outside CUST#, so erasure
 *     only the order)                                 deletes them by the orders the customer holds; TTL expiresAt (ownerExpiry)
 * 24. The send lanes' shared SES rate (one schedule)  GetItem / conditional UpdateItem pk=RATE#ses  sk=RATE (mail/dynamodb.ts)
 * 25. The due job's cursor (first hour not drained)  GetItem / PutItem pk=DUE#cursor  sk=CURSOR
 * 26. Loyalty members due today (review, expiry,   Query GSI `loyaltyDue` (keys only): ldShard=LDUE#<0..15>, ldOn <= today
 *     grace end): every LOYALTY item carries its next action's UTC date (9999-12-31: none)
 * 28. The shop's KPI counters of a month            Query    pk=KPI#<yyyy-mm> (one partition a month: 16 shards a day,
 *     sk=DAY#<yyyy-mm-dd>#<shard>, and the month's low survey comments, sk=COMMENT#<answeredAt>#<customer>);
 *     ADDed in the conditional write of the transition each counts (shared/platform/table/counters.ts)
 * 29. The sweep's picture of the base per run        Query    pk=KPI#BASE  sk=RUN#<runKey>#<segment>#<page start>; summed
 *     over a run's segments by the report (current state: risk levels, CLV tiers, RFM grid, totals)
 * 30. One flow entry (step, wait, variant, version)  GetItem / conditional Put  pk=CUST#<cid>  sk=FLOW#<flow>#<entry>; waiting
 *     entries carry the due attributes (9), so their waits drain with the pending sends
 * 31. A customer's flow entries (an order ends or   Query  pk=CUST#<cid>  sk begins_with FLOW#
 *     resumes them)
 * 32. Last entry into a flow (re-entry rules)        conditional Put  pk=CUST#<cid>  sk=FLOWLAST#<flow>
 * 33. A flow's counters (entered, per step, exits,   Query  pk=KPI#FLOW#<flow>  (16 shards), ADDed in the transaction that
 *     A/B recipients and conversions)                  moves the entry, so a repeated event counts nothing
 * 27. Birthdays around today                        Query GSI `loyaltyDue`: ldShard=BDAY#<0..15>, ldOn between MM-DD bounds
 *     (customer items with a birthday carry it as MM-DD: it recurs, so it never needs rewriting)
 *
 * The churn sweep reads only (5): customer items are a few hundred bytes, orders never enter the
 * index. The daily loyalty sweep reads only (26) and (27), then who they name.
 * The refit reads (5) and, for its sample of customers only, their customer items' `days` (1, as
 * BatchGetItem of 100, eventually consistent): the purchase days model selection needs.
 */
import { createHash } from 'node:crypto';

const ERASED_PK = 'ERASED#';
const KPI_PK = 'KPI#';
const RATE_PK = 'RATE#';

export const TableAttr = {
  pk: 'pk',
  sk: 'sk',
  gsi1pk: 'gsi1pk',
  ttl: 'expiresAt',
  version: 'v',
  dueShard: 'dueShard',
  dueAt: 'dueAt',
  loyaltyDueShard: 'ldShard',
  loyaltyDueOn: 'ldOn',
} as const;

export const CUSTOMERS_INDEX = 'customers';
/** Shards of a day's KPI counters: a mass day's writes spread over 16 items. */
export const KPI_DAY_SHARDS = 16;
export const DUE_INDEX = 'due';
export const LOYALTY_DUE_INDEX = 'loyaltyDue';
/** Loyalty due dates spread over this many partitions; each bulk-run segment queries its share. */
export const LOYALTY_DUE_SHARDS = 16;
/** The due date of a member with nothing scheduled: after every query bound. */
export const NEVER_DUE = '9999-12-31';
export type IndexName = typeof CUSTOMERS_INDEX | typeof DUE_INDEX | typeof LOYALTY_DUE_INDEX;
/**
 * Pending sends by the UTC day they fall due, each day spread over 16 shards by customer: a day's
 * partitions stay bounded, and deferrals sharing one dueAt (quiet hours ending at 08:00) spread
 * over 16 partitions instead of one. (Days rather than hours: the due job walks every bucket from
 * its cursor, and after a pause of days that walk stays a few dozen Queries.)
 */
export const DUE_SHARDS = 16;
/** The shards before the buckets: still read, so a deployed table keeps working. */
export const LEGACY_DUE_SHARDS = 4;

/** The bucket (UTC day, yyyy-mm-dd) of a due time. */
export const dueBucket = (dueAt: string): string => new Date(dueAt).toISOString().slice(0, 10);

/** Every GSI, as data: the CDK table and the local table are both built from this list. */
export const TABLE_INDEXES: ReadonlyArray<{ name: IndexName; partitionKey: string; sortKey?: string; keysOnly?: true }> = [
  { name: CUSTOMERS_INDEX, partitionKey: TableAttr.gsi1pk },
  { name: DUE_INDEX, partitionKey: TableAttr.dueShard, sortKey: TableAttr.dueAt },
  // Keys only: the sweep reads the items it names anyway, and a keys-only index is rewritten only
  // when the due date moves, not on every write of a member.
  { name: LOYALTY_DUE_INDEX, partitionKey: TableAttr.loyaltyDueShard, sortKey: TableAttr.loyaltyDueOn, keysOnly: true },
];

export type Key = { pk: string; sk: string };

const CUSTOMER_PK = 'CUST#';

export const keys = {
  customer: (customerId: string): Key => ({ pk: `${CUSTOMER_PK}${customerId}`, sk: 'CUSTOMER' }),
  order: (customerId: string, orderId: string): Key => ({ pk: `${CUSTOMER_PK}${customerId}`, sk: `ORDER#${orderId}` }),
  orderPrefix: 'ORDER#',
  /** Legacy purchase day items (access pattern 3): read, never written. */
  day: (customerId: string, day: string): Key => ({ pk: `${CUSTOMER_PK}${customerId}`, sk: `DAY#${day}` }),
  dayPrefix: 'DAY#',
  storeStats: (): Key => ({ pk: 'STORE', sk: 'STATS' }),
  modelCurrent: (): Key => ({ pk: 'STORE', sk: 'MODEL' }),
  modelVersion: (version: number): Key => ({ pk: 'STORE', sk: `MODEL#${String(version).padStart(6, '0')}` }),
  refitReport: (): Key => ({ pk: 'STORE', sk: 'REFIT' }),
  send: (customerId: string, campaignId: string, occurrence: string): Key => ({
    pk: `${CUSTOMER_PK}${customerId}`,
    sk: `SEND#${campaignId}#${occurrence}`,
  }),
  sendPrefix: 'SEND#',
  survey: (customerId: string, surveyId: string): Key => ({ pk: `${CUSTOMER_PK}${customerId}`, sk: `SURVEY#${surveyId}` }),
  coupon: (codeHash: string): Key => ({ pk: `COUPON#${codeHash}`, sk: 'COUPON' }),
  couponPrefix: 'COUPON#',
  couponRef: (customerId: string, codeHash: string): Key => ({ pk: `${CUSTOMER_PK}${customerId}`, sk: `COUPONREF#${codeHash}` }),
  couponRefPrefix: 'COUPONREF#',
  surveyPrefix: 'SURVEY#',
  loyalty: (customerId: string): Key => ({ pk: `${CUSTOMER_PK}${customerId}`, sk: 'LOYALTY' }),
  /** Where an order's loyalty view was stored, with its earn entry, before views moved onto the
   * state item (shared/loyalty/open-orders.ts): still read and updated there. */
  loyaltyOrder: (customerId: string, orderId: string): Key => ({ pk: `${CUSTOMER_PK}${customerId}`, sk: `LEDGER#earn#${orderId}` }),
  ledger: (customerId: string, entryKey: string): Key => ({ pk: `${CUSTOMER_PK}${customerId}`, sk: `LEDGER#${entryKey}` }),
  ledgerPrefix: 'LEDGER#',
  suppressedAddress: (emailHash: string): Key => ({ pk: `SUPPRESS#${emailHash}`, sk: 'SUPPRESS' }),
  /** Keyed by a hash of the id: the tombstone must not keep the erased id itself in clear. */
  erased: (customerId: string): Key => ({ pk: `${ERASED_PK}${createHash('sha256').update(`customer\0${customerId}`).digest('hex')}`, sk: 'ERASED' }),
  cap: (customerId: string): Key => ({ pk: `${CUSTOMER_PK}${customerId}`, sk: 'CAP' }),
  /** One shard of a campaign's engagement counters of one UTC day (delivered, opened, clicked, …):
   * shards keep a mass mailing's feedback from contending on one item. */
  campaignKpiDay: (campaignId: string, day: string, shard: number): Key => ({ pk: `${KPI_PK}CAMPAIGN#${campaignId}`, sk: `DAY#${day}#${String(shard).padStart(2, '0')}` }),
  campaignKpiPk: (campaignId: string): string => `${KPI_PK}CAMPAIGN#${campaignId}`,
  flowEntry: (customerId: string, flowId: string, entry: string): Key => ({ pk: `${CUSTOMER_PK}${customerId}`, sk: `FLOW#${flowId}#${entry}` }),
  flowPrefix: 'FLOW#',
  flowLast: (customerId: string, flowId: string): Key => ({ pk: `${CUSTOMER_PK}${customerId}`, sk: `FLOWLAST#${flowId}` }),
  flowKpi: (flowId: string, shard: number): Key => ({ pk: `${KPI_PK}FLOW#${flowId}`, sk: `SHARD#${String(shard).padStart(2, '0')}` }),
  flowKpiPk: (flowId: string): string => `${KPI_PK}FLOW#${flowId}`,
  /** One shard of the shop's KPI counters of one UTC day (access pattern 28): a month is one partition. */
  kpiDay: (day: string, shard: number): Key => ({ pk: `${KPI_PK}${day.slice(0, 7)}`, sk: `DAY#${day}#${String(shard).padStart(2, '0')}` }),
  kpiMonthPk: (month: string): string => `${KPI_PK}${month}`,
  kpiDayPrefix: 'DAY#',
  /** A low survey score's comment, kept for the report beside the month's counters. */
  kpiComment: (answeredAt: string, customerId: string): Key => ({ pk: `${KPI_PK}${answeredAt.slice(0, 7)}`, sk: `COMMENT#${answeredAt}#${customerId}` }),
  kpiCommentPrefix: 'COMMENT#',
  /** One sweep page's aggregate of the base (access pattern 29). */
  kpiBase: (runKey: string, segment: number, from: string): Key => ({ pk: `${KPI_PK}BASE`, sk: `RUN#${runKey}#${String(segment).padStart(4, '0')}#${from}` }),
  kpiBasePk: `${KPI_PK}BASE`,
  /** The KPI shard of a customer: all of one customer's counter writes land on one shard. */
  kpiShardOf: (customerId: string): number => createHash('sha256').update(customerId).digest()[0]! % KPI_DAY_SHARDS,
  importCheckpoint: (inputHash: string): Key => ({ pk: `IMPORT#${inputHash}`, sk: 'CHECKPOINT' }),
  webhookDelivery: (dedupeKey: string): Key => ({ pk: `WEBHOOK#${dedupeKey}`, sk: 'WEBHOOK' }),
  orderOwner: (orderId: string): Key => ({ pk: `ORDEROWNER#${orderId}`, sk: 'OWNER' }),
  sendRate: (): Key => ({ pk: `${RATE_PK}ses`, sk: 'RATE' }),
  dueCursor: (): Key => ({ pk: 'DUE#cursor', sk: 'CURSOR' }),
  /** Partition values of the loyalty due index: members' next actions, and birthdays. */
  loyaltyDueShardKey: (n: number): string => `LDUE#${n}`,
  birthdayShardKey: (n: number): string => `BDAY#${n}`,
  loyaltyShardOf: (customerId: string): number => {
    let h = 0;
    for (const ch of customerId) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
    return Math.abs(h) % LOYALTY_DUE_SHARDS;
  },
} as const;

/** Partition values of the due index (access pattern 9). */
export const dueKeys = {
  /** Shard `n` (0 ≤ n < DUE_SHARDS) of a day's bucket. */
  shard: (bucket: string, n: number): string => `DUE#${bucket}#${n}`,
  /** A shard of the index before the buckets (0 ≤ n < LEGACY_DUE_SHARDS). */
  legacyShard: (n: number): string => `DUE#${n}`,
  /** Where a pending send due at `dueAt` sits: its day's bucket, the shard a stable hash of the customer picks. */
  of: (customerId: string, dueAt: string): string => {
    let h = 0;
    for (const ch of customerId) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
    return dueKeys.shard(dueBucket(dueAt), Math.abs(h) % DUE_SHARDS);
  },
} as const;

/** The customer id of any item in a customer partition. */
export const customerIdOfPk = (pk: string): string => pk.slice(CUSTOMER_PK.length);


/** A key as one string, for maps of batch-read items. */
export const keyId = (k: Key): string => `${k.pk}|${k.sk}`;

/**
 * The partition families of the table as IAM sees them: `dynamodb:LeadingKeys` patterns, derived
 * from the key builders. A function's manifest lists the families it touches, so its role cannot
 * reach the others (the links function cannot read models, the sweep cannot touch coupons).
 */
export const PARTITIONS = {
  customer: keys.customer('*').pk,
  coupon: keys.coupon('*').pk,
  suppression: keys.suppressedAddress('*').pk,
  store: keys.storeStats().pk,
  erased: `${ERASED_PK}*`,
  kpi: `${KPI_PK}*`,
  importCheckpoint: keys.importCheckpoint('*').pk,
  webhookDelivery: keys.webhookDelivery('*').pk,
  orderOwner: keys.orderOwner('*').pk,
  rate: `${RATE_PK}*`,
  dueCursor: keys.dueCursor().pk,
} as const;
export type TablePartition = keyof typeof PARTITIONS;
