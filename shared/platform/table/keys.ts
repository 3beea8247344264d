/**
 * Table design: one DynamoDB table, generic key attributes `pk`/`sk`, a sparse GSI over the
 * compact customer items, and `expiresAt` as the TTL attribute.
 *
 * Access patterns
 *  1. Customer profile + running summary + risk      GetItem  pk=CUST#<cid>  sk=CUSTOMER
 *  2. One order's state (any event may come first)    GetItem  pk=CUST#<cid>  sk=ORDER#<oid>
 *  3. Purchase day (same-day orders are one purchase) GetItem  pk=CUST#<cid>  sk=DAY#<yyyy-mm-dd>
 *  4. First / last remaining purchase day             Query    pk=CUST#<cid>  sk begins_with DAY#, Limit 2, either direction
 *  5. Sweep over every customer summary               parallel Scan of GSI `customers` (only customer items carry `gsi1pk`)
 *  6. Base statistics (gap quantiles, RFM cuts)      GetItem  pk=STORE       sk=STATS
 *  6b. Current model parameters / their history      GetItem  pk=STORE       sk=MODEL | MODEL#<version>
 *  7. Send claim per (campaign, customer, occurrence) PutItem  pk=CUST#<cid>  sk=SEND#<campaign>#<occurrence>, attribute_not_exists
 *  8. Messages sent to a customer                     Query    pk=CUST#<cid>  sk begins_with SEND#
 *  9. Deferred sends that are due                    Query GSI `due`: dueShard=DUE#<0..3>, dueAt <= now (sparse: only deferred sends carry it)
 * 10. Coupon by code (stored as a hash, never plain)  GetItem  pk=COUPON#<sha256>  sk=COUPON, created attribute_not_exists
 * 11. Loyalty state (tier, balance, lots, outbox)     GetItem  pk=CUST#<cid>  sk=LOYALTY; BatchGet per sweep page
 * 12. One order's loyalty view                        GetItem  pk=CUST#<cid>  sk=LOYALTY#ORDER#<oid> (not ORDER#: that item
 *     is Put whole by order ingest under its own version, so a shared item would lose writes or conflict)
 * 13. Ledger entry by cause (earn#o-1, redeem#<key>)  GetItem  pk=CUST#<cid>  sk=LEDGER#<key>, created attribute_not_exists
 * 14. A customer's statement                          Query    pk=CUST#<cid>  sk begins_with LEDGER#
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
 * 20. Loyalty members due today (review, expiry,   Query GSI `loyaltyDue` (keys only): ldShard=LDUE#<0..15>, ldOn <= today
 *     grace end): every LOYALTY item carries its next action's UTC date (9999-12-31: none)
 * 21. Birthdays around today                        Query GSI `loyaltyDue`: ldShard=BDAY#<0..15>, ldOn between MM-DD bounds
 *     (customer items with a birthday carry it as MM-DD: it recurs, so it never needs rewriting)
 *
 * The churn sweep reads only (5): customer items are a few hundred bytes, orders never enter the
 * index. The daily loyalty sweep reads only (20) and (21), then who they name.
 */
import { createHash } from 'node:crypto';

const ERASED_PK = 'ERASED#';

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
export const DUE_INDEX = 'due';
export const LOYALTY_DUE_INDEX = 'loyaltyDue';
export type IndexName = typeof CUSTOMERS_INDEX | typeof DUE_INDEX | typeof LOYALTY_DUE_INDEX;
/** Loyalty due dates spread over this many partitions; each bulk-run segment queries its share. */
export const LOYALTY_DUE_SHARDS = 16;
/** The due date of a member with nothing scheduled: after every query bound. */
export const NEVER_DUE = '9999-12-31';
/** Deferred sends spread over a few partitions so the due-index never has one hot key. */
export const DUE_SHARDS = 4;

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
  day: (customerId: string, day: string): Key => ({ pk: `${CUSTOMER_PK}${customerId}`, sk: `DAY#${day}` }),
  dayPrefix: 'DAY#',
  storeStats: (): Key => ({ pk: 'STORE', sk: 'STATS' }),
  modelCurrent: (): Key => ({ pk: 'STORE', sk: 'MODEL' }),
  modelVersion: (version: number): Key => ({ pk: 'STORE', sk: `MODEL#${String(version).padStart(6, '0')}` }),
  send: (customerId: string, campaignId: string, occurrence: string): Key => ({
    pk: `${CUSTOMER_PK}${customerId}`,
    sk: `SEND#${campaignId}#${occurrence}`,
  }),
  sendPrefix: 'SEND#',
  /** Partition value of due-index shard `n` (0 ≤ n < DUE_SHARDS). */
  dueShardKey: (n: number): string => `DUE#${n}`,
  /** The shard a customer's deferrals go to: a stable hash, so one customer stays on one shard. */
  dueShard: (customerId: string): string => {
    let h = 0;
    for (const ch of customerId) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
    return keys.dueShardKey(Math.abs(h) % DUE_SHARDS);
  },
  survey: (customerId: string, surveyId: string): Key => ({ pk: `${CUSTOMER_PK}${customerId}`, sk: `SURVEY#${surveyId}` }),
  coupon: (codeHash: string): Key => ({ pk: `COUPON#${codeHash}`, sk: 'COUPON' }),
  couponPrefix: 'COUPON#',
  couponRef: (customerId: string, codeHash: string): Key => ({ pk: `${CUSTOMER_PK}${customerId}`, sk: `COUPONREF#${codeHash}` }),
  couponRefPrefix: 'COUPONREF#',
  surveyPrefix: 'SURVEY#',
  loyalty: (customerId: string): Key => ({ pk: `${CUSTOMER_PK}${customerId}`, sk: 'LOYALTY' }),
  loyaltyOrder: (customerId: string, orderId: string): Key => ({ pk: `${CUSTOMER_PK}${customerId}`, sk: `LOYALTY#ORDER#${orderId}` }),
  ledger: (customerId: string, entryKey: string): Key => ({ pk: `${CUSTOMER_PK}${customerId}`, sk: `LEDGER#${entryKey}` }),
  ledgerPrefix: 'LEDGER#',
  suppressedAddress: (emailHash: string): Key => ({ pk: `SUPPRESS#${emailHash}`, sk: 'SUPPRESS' }),
  /** Keyed by a hash of the id: the tombstone must not keep the erased id itself in clear. */
  erased: (customerId: string): Key => ({ pk: `${ERASED_PK}${createHash('sha256').update(`customer\0${customerId}`).digest('hex')}`, sk: 'ERASED' }),
  cap: (customerId: string): Key => ({ pk: `${CUSTOMER_PK}${customerId}`, sk: 'CAP' }),
  /** Partition values of the loyalty due index: members' next actions, and birthdays. */
  loyaltyDueShardKey: (n: number): string => `LDUE#${n}`,
  birthdayShardKey: (n: number): string => `BDAY#${n}`,
  loyaltyShardOf: (customerId: string): number => {
    let h = 0;
    for (const ch of customerId) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
    return Math.abs(h) % LOYALTY_DUE_SHARDS;
  },
} as const;

/** The customer id of any item in a customer partition. */
export const customerIdOfPk = (pk: string): string => pk.slice(CUSTOMER_PK.length);

export const dayFromSortKey = (sk: string): string => sk.slice(keys.dayPrefix.length);

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
} as const;
export type TablePartition = keyof typeof PARTITIONS;
