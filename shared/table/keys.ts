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
 * 10. Coupon by code (stored as a hash, never plain)  GetItem  pk=COUPON#<sha256>  sk=COUPON, created attribute_not_exists

 *
 * The sweep reads only (5): customer items are a few hundred bytes, orders never enter the index.
 */
export const TableAttr = {
  pk: 'pk',
  sk: 'sk',
  gsi1pk: 'gsi1pk',
  ttl: 'expiresAt',
  version: 'v',
} as const;

export const CUSTOMERS_INDEX = 'customers';

export type Key = { pk: string; sk: string };

export const keys = {
  customer: (customerId: string): Key => ({ pk: `CUST#${customerId}`, sk: 'CUSTOMER' }),
  order: (customerId: string, orderId: string): Key => ({ pk: `CUST#${customerId}`, sk: `ORDER#${orderId}` }),
  day: (customerId: string, day: string): Key => ({ pk: `CUST#${customerId}`, sk: `DAY#${day}` }),
  dayPrefix: 'DAY#',
  storeStats: (): Key => ({ pk: 'STORE', sk: 'STATS' }),
  modelCurrent: (): Key => ({ pk: 'STORE', sk: 'MODEL' }),
  modelVersion: (version: number): Key => ({ pk: 'STORE', sk: `MODEL#${String(version).padStart(6, '0')}` }),
  send: (customerId: string, campaignId: string, occurrence: string): Key => ({
    pk: `CUST#${customerId}`,
    sk: `SEND#${campaignId}#${occurrence}`,
  }),
  sendPrefix: 'SEND#',
  coupon: (codeHash: string): Key => ({ pk: `COUPON#${codeHash}`, sk: 'COUPON' }),
} as const;

export const dayFromSortKey = (sk: string): string => sk.slice(keys.dayPrefix.length);
