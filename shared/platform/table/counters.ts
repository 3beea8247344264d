/**
 * The shop's KPI counters: what each counts, and the ADD that goes into the conditional write of
 * the transition it counts (never a write of its own, so a redelivered event, whose transition
 * the guard refuses, counts nothing). One item per UTC day and shard (keys.kpiDay), a month per
 * partition: the report reads a month with one Query. Pure builders; the adapters add the item.
 */
import { keys } from './keys.js';

/** Counter attribute names on a day item (short: every byte is paid on every ADD). */
export const KPI = {
  newCustomers: 'new',
  returning: 'ret',
  reactivated: 'react',
  orders: 'orders',
  revenue: 'rev',
  churned: 'churned',
  atRisk: 'atRisk',
  upgraded: 'up',
  downgraded: 'down',
  csatResponses: 'csatN',
  csatSum: 'csatSum',
  npsResponses: 'npsN',
  npsPromoters: 'npsP',
  npsDetractors: 'npsD',
} as const;

/** Buyers of a first-order month who bought (again) in the day item's month: `coh<yyyy-mm>`. */
export const cohortCounter = (firstOrderMonth: string): string => `coh${firstOrderMonth}`;
export const COHORT_PREFIX = 'coh';

/** A campaign's members on the shop's day items (`s:<id>` mailed, `c:<id>` held out), so one
 * Query of a month finds every campaign that ran in it; its engagement has its own partition. */
export const CAMPAIGN_SENT = 's:';
export const CAMPAIGN_CONTROL = 'c:';
export const campaignCounter = (status: string, campaignId: string): string | undefined =>
  status === 'sent' ? `${CAMPAIGN_SENT}${campaignId}` : status === 'control' ? `${CAMPAIGN_CONTROL}${campaignId}` : undefined;

/** Conversions within CONVERSION_DAYS of a campaign's decision, by group: converters (`cv:` mailed,
 * `cc:` held out) and their revenue (`rv:`, `rc:`); last-touch orders after a click (`ko:`, `kr:`). */
export const CAMPAIGN_CONVERTED = { s: 'cv:', c: 'cc:' } as const;
export const CAMPAIGN_REVENUE = { s: 'rv:', c: 'rc:' } as const;
export const CLICK_ORDERS = 'ko:';
/** Unsubscribes through a campaign's link (`u:<id>`). */
export const CAMPAIGN_UNSUBSCRIBED = 'u:';
export const CLICK_REVENUE = 'kr:';
export const CONVERSION_DAYS = 30;

/** The latest decision of a campaign for a customer, on the customer item (`touch#<campaign>`):
 * order ingest, which reads that item anyway, counts conversions from it. */
export interface Touch {
  at: string;
  /** s: mailed, c: held out. */
  g: 's' | 'c';
  /** Counted as a converter already. */
  conv?: true;
}
export const TOUCH_PREFIX = 'touch#';

export type KpiCounts = Record<string, number>;

/** What one transition adds to one day item (UTC day, the customer's shard). */
export interface KpiDelta {
  day: string;
  shard: number;
  counts: KpiCounts;
}

/** Deltas summed per (day, shard), zero counts dropped: one ADD per item. */
export function mergeDeltas(deltas: readonly KpiDelta[]): KpiDelta[] {
  const byItem = new Map<string, KpiDelta>();
  for (const d of deltas) {
    const id = `${d.day}#${d.shard}`;
    const m = byItem.get(id) ?? byItem.set(id, { day: d.day, shard: d.shard, counts: {} }).get(id)!;
    for (const [k, v] of Object.entries(d.counts)) m.counts[k] = round2((m.counts[k] ?? 0) + v);
  }
  return [...byItem.values()].flatMap((d) => {
    const counts = Object.fromEntries(Object.entries(d.counts).filter(([, v]) => v !== 0));
    return Object.keys(counts).length ? [{ ...d, counts }] : [];
  });
}

/** The one customer's delta on their shard. */
export const deltaFor = (customerId: string, day: string, counts: KpiCounts): KpiDelta => ({ day, shard: keys.kpiShardOf(customerId), counts });

/** The ADD of a delta, as a TransactWriteItems action (or an UpdateItem's input). */
export function kpiUpdate(tableName: string, d: KpiDelta, key = keys.kpiDay(d.day, d.shard)) {
  const entries = Object.entries(d.counts);
  return {
    Update: {
      TableName: tableName,
      Key: key,
      UpdateExpression: `ADD ${entries.map((_, i) => `#k${i} :k${i}`).join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(entries.map(([k], i) => [`#k${i}`, k])),
      ExpressionAttributeValues: Object.fromEntries(entries.map(([, v], i) => [`:k${i}`, v])),
    },
  };
}

const round2 = (n: number) => Math.round(n * 100) / 100;
