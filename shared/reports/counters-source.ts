/**
 * KpiSource over the KPI counters: one Query per month partition (its days' shards and its low
 * comments), one Query for the latest complete sweep run's aggregate, and one per campaign for its
 * engagement counters. Never a Scan and never a customer item: a report reads a few dozen items
 * per day of its window, whatever the size of the base.
 */
import { paginateQuery, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys } from '../platform/table/keys.js';
import type { Item } from '../platform/table/dynamodb.js';
import type { KpiCounts } from '../platform/table/counters.js';
import { DynamoEngagementStore } from '../engagement/dynamodb.js';
import { DAY_MS } from '../platform/time.js';
import { mergeAggregates, type BaseAggregate } from './base.js';
import { kpisFromCounters, kpiWindow, type CounterRead } from './from-counters.js';
import type { KpiData, KpiQuery, LowComment } from './kpis.js';
import type { KpiSource } from './port.js';

/** Final send records live this long (their TTL), so no engagement counter older matters. */
const SEND_RECORD_DAYS = 400;

export class CounterKpiSource implements KpiSource {
  /** Queries sent by the last readKpis (the bench and a test read it). */
  queries = 0;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly opts: { currency: string; timeZone: string },
  ) {}

  async readKpis(q: KpiQuery): Promise<KpiData> {
    this.queries = 0;
    const w = kpiWindow(q, this.opts.timeZone);
    const days = new Map<string, KpiCounts>();
    const lowComments: LowComment[] = [];
    const [, base] = await Promise.all([
      Promise.all(w.months.map(async (m) => {
        for (const item of await this.query(keys.kpiMonthPk(m))) {
          const sk = String(item.sk);
          if (sk.startsWith(keys.kpiCommentPrefix)) lowComments.push({ at: String(item.at), kind: item.kind as LowComment['kind'], score: Number(item.score), comment: String(item.comment), campaignId: String(item.campaignId) });
          else if (sk.startsWith(keys.kpiDayPrefix)) {
            const day = sk.slice(keys.kpiDayPrefix.length, keys.kpiDayPrefix.length + 10);
            const c = days.get(day) ?? days.set(day, {}).get(day)!;
            for (const [k, v] of Object.entries(item)) if (typeof v === 'number') c[k] = (c[k] ?? 0) + v;
          }
        }
      })),
      this.latestBase(),
    ]);
    const read: CounterRead = { currency: this.opts.currency, timeZone: this.opts.timeZone, days, ...(base ? { base } : {}), engagement: new Map(), lowComments };
    const draft = kpisFromCounters(read, q);
    await this.readEngagement(draft.campaigns.map((c) => c.campaignId), q.now, read.engagement);
    return kpisFromCounters(read, q);
  }

  /** The newest run whose every segment finished: its parts come first in descending key order. */
  private async latestBase(): Promise<BaseAggregate | undefined> {
    const runs = new Map<string, { parts: BaseAggregate[]; done: Set<number>; total: number }>();
    this.queries++;
    for await (const page of paginateQuery({ client: this.db }, { TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.kpiBasePk }, ScanIndexForward: false })) {
      for (const item of page.Items ?? []) {
        const run = runs.get(String(item.runKey)) ?? runs.set(String(item.runKey), { parts: [], done: new Set(), total: Number(item.totalSegments) }).get(String(item.runKey))!;
        run.parts.push(item.aggregate as BaseAggregate);
        if (item.done) run.done.add(Number(item.segment));
      }
      // Items of one run are contiguous: every run but the one still being read is whole.
      const runsRead = [...runs.values()];
      const complete = runsRead.slice(0, -1).find((r) => r.done.size >= r.total);
      if (complete) return mergeAggregates(complete.parts);
      this.queries++;
    }
    const complete = [...runs.values()].find((r) => r.done.size >= r.total);
    return complete ? mergeAggregates(complete.parts) : undefined;
  }

  private async readEngagement(ids: string[], now: Date, into: CounterRead['engagement']): Promise<void> {
    const store = new DynamoEngagementStore(this.db, this.tableName);
    const from = new Date(now.getTime() - SEND_RECORD_DAYS * DAY_MS).toISOString().slice(0, 10);
    const to = now.toISOString().slice(0, 10);
    await Promise.all(
      ids.map(async (id) => {
        this.queries++;
        const s: { delivered?: number; opened?: number; clicked?: number; bounced?: number } = {};
        for (const d of await store.campaignDays(id, from, to)) for (const k of ['delivered', 'opened', 'clicked', 'bounced'] as const) if (d.counts[k]) s[k] = (s[k] ?? 0) + d.counts[k];
        into.set(id, s);
      }),
    );
  }

  private async query(pk: string): Promise<Item[]> {
    const items: Item[] = [];
    // Eventually consistent: a report a second behind the last event is fine, at half the price.
    for await (const page of paginateQuery({ client: this.db }, { TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: false })) {
      this.queries++;
      items.push(...(page.Items ?? []));
    }
    return items;
  }
}
