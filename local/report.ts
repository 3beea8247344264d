/** What the demo did, read back from the table: customers, orders, risk levels, sends, loyalty. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { paginateScan } from '@aws-sdk/lib-dynamodb';
import { customerPartitions } from './table.js';
import { documentClient } from '../shared/platform/table/dynamodb.js';
import type { OrderSummary } from '../shared/orders/decide.js';
import type { LedgerEntry, LoyaltyState } from '../shared/loyalty/index.js';
import { keys } from '../shared/platform/table/keys.js';

export interface TableReport {
  customers: number;
  buyers: number;
  orders: number;
  byRiskLevel: Record<string, number>;
  byRiskMethod: Record<string, number>;
  bySegment: Record<string, number>;
  byCampaign: Record<string, Record<string, number>>;
  /** Loyalty members (customers with a LOYALTY item) by tier id. */
  byTier: Record<string, number>;
  /** Points ever credited (positive entries: earn, birthday; later reversals not subtracted) and now on balances. */
  pointsIssued: number;
  pointsBalance: number;
}

const bump = (m: Record<string, number>, k: string) => void (m[k] = (m[k] ?? 0) + 1);

/** Every item the report reads: a Scan of the table, or (`customers`) a Query of each customer's
 * partition, where all of them live — DynamoDB Local serves a Scan of a 100,000-customer table
 * page by page far slower than the Queries. */
async function* itemsOf(client: DynamoDBClient, tableName: string, customers?: readonly string[]): AsyncIterable<Record<string, unknown>> {
  const db = documentClient(client);
  if (customers) return yield* customerPartitions(db, tableName, customers);
  for await (const page of paginateScan({ client: db }, { TableName: tableName })) yield* page.Items ?? [];
}

export async function reportTable(client: DynamoDBClient, tableName: string, customers?: readonly string[]): Promise<TableReport> {
  const r: TableReport = { customers: 0, buyers: 0, orders: 0, byRiskLevel: {}, byRiskMethod: {}, bySegment: {}, byCampaign: {}, byTier: {}, pointsIssued: 0, pointsBalance: 0 };
  for await (const item of itemsOf(client, tableName, customers)) {
    const sk = item.sk as string;
    if (sk === 'CUSTOMER') {
      r.customers++;
      const s = item.summary as OrderSummary | undefined;
      if (s && s.orders > 0) r.buyers++;
      r.orders += s?.orders ?? 0;
      const risk = item.risk as { level: string; method: string } | undefined;
      bump(r.byRiskLevel, risk?.level ?? 'no purchase');
      if (risk) bump(r.byRiskMethod, risk.method);
      if (item.segment) bump(r.bySegment, item.segment as string);
    } else if (sk === keys.loyalty('').sk) {
      const state = item.state as LoyaltyState;
      bump(r.byTier, state.tier);
      r.pointsBalance += state.balance;
      // An import's folded history rides on the state's item.
      r.pointsIssued += (item.history as LedgerEntry | undefined)?.earned ?? 0;
    } else if (sk.startsWith(keys.ledgerPrefix)) {
      // An order view that has not earned shares the LEDGER#earn# key without an entry.
      const entry = item.entry as LedgerEntry | undefined;
      if (entry && entry.points > 0) r.pointsIssued += entry.points;
    } else if (sk.startsWith(keys.sendPrefix)) {
      const c = (r.byCampaign[item.campaignId as string] ??= {});
      bump(c, item.status === 'skipped' ? `skipped:${item.reason as string}` : (item.status as string));
    }
  }
  return r;
}
