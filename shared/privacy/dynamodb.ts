/**
 * ErasureStore over the Engage table: bulk deletes of one customer's items (see
 * shared/privacy/erase.ts for the order of the steps and why).
 */
import { BatchWriteCommand, paginateQuery, paginateScan, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys, type Key } from '../platform/table/keys.js';
import type { ErasureDeps, ErasureStore } from './erase.js';
import { DynamoCustomerStore } from '../customers/dynamodb.js';
import { RetryableError } from '../platform/errors.js';

/** BatchWriteItem takes at most 25 requests. */
const BATCH = 25;
const MAX_ATTEMPTS = 10;

export class DynamoErasureStore implements ErasureStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Every sort key of CUST#<id> (profile, orders, days, sends, loyalty, ledger, surveys, and any
   * item type added later): listing by partition rather than by known prefixes means a new item
   * type can never be forgotten by erasure. */
  async deleteCustomerPartition(customerId: string): Promise<number> {
    const found: Key[] = [];
    const pages = paginateQuery(
      { client: this.db },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.customer(customerId).pk },
        ProjectionExpression: 'pk, sk',
        ConsistentRead: true,
      },
    );
    for await (const page of pages) for (const i of page.Items ?? []) found.push({ pk: i.pk as string, sk: i.sk as string });
    await this.deleteAll(found);
    return found.length;
  }

  /**
   * Coupons live under COUPON#<code hash>, outside the partition, and nothing indexes them by
   * customer; pointer items written at issue time would need changes in dispatch. Erasure is a
   * rare operator action, so a filtered full-table Scan is the accepted cost (it reads the whole
   * table: for a large table expect it to take a while and consume read capacity accordingly).
   */
  async deleteCouponsOf(customerId: string): Promise<number> {
    const found: Key[] = [];
    const pages = paginateScan(
      { client: this.db },
      {
        TableName: this.tableName,
        FilterExpression: 'begins_with(pk, :p) AND coupon.customerId = :c',
        ExpressionAttributeValues: { ':p': 'COUPON#', ':c': customerId },
        ProjectionExpression: 'pk, sk',
        ConsistentRead: true,
      },
    );
    for await (const page of pages) for (const i of page.Items ?? []) found.push({ pk: i.pk as string, sk: i.sk as string });
    await this.deleteAll(found);
    return found.length;
  }

  /** Deletes in batches of 25, retrying unprocessed requests (throttling) with backoff. */
  private async deleteAll(all: Key[]): Promise<void> {
    for (let i = 0; i < all.length; i += BATCH) {
      let pending = all.slice(i, i + BATCH).map((Key) => ({ DeleteRequest: { Key } }));
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt >= MAX_ATTEMPTS) throw new RetryableError(`erasure: ${pending.length} deletes still unprocessed after ${MAX_ATTEMPTS} attempts`);
        if (attempt > 0) await new Promise((ok) => setTimeout(ok, Math.min(2000, 50 * 2 ** attempt)));
        const out = await this.db.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }));
        pending = (out.UnprocessedItems?.[this.tableName] ?? []) as typeof pending;
      }
    }
  }
}

/** What eraseCustomer needs, over one table (used by the customer-erase function and the CLI). */
export const erasureDeps = (db: DynamoDBDocumentClient, tableName: string): ErasureDeps => ({
  customers: new DynamoCustomerStore(db, tableName),
  erasure: new DynamoErasureStore(db, tableName),
});
