/**
 * The KPIs recomputed from a Scan of the whole table (what the report read before the counters):
 * kept for tests only, as the independent computation the counters must agree with.
 */
import { paginateScan } from '@aws-sdk/lib-dynamodb';
import { DynamoTable, type Item } from '../../shared/platform/table/dynamodb.js';
import { customerIdOfPk, keys } from '../../shared/platform/table/keys.js';
import { daysOf } from '../../shared/orders/stored-days.js';
import { toCustomer } from '../../shared/customers/dynamodb.js';
import { orderContribution, type OrderState } from '../../shared/orders/decide.js';
import { OPEN_ORDERS_ATTR, decodeOpenOrders } from '../../shared/orders/open-orders.js';
import type { SendRecord } from '../../shared/campaigns/port.js';
import type { SurveyState } from '../../shared/surveys/response.js';
import type { LoyaltyState } from '../../shared/loyalty/index.js';
import { gapPercentileFn, type BaseStats } from '../../shared/churn/model.js';
import { DEFAULT_RISK_CONFIG } from '../../shared/churn/scores.js';
import { DEFAULTS } from '../../shared/platform/config.js';
import type { KpiData, KpiQuery } from '../../shared/reports/kpis.js';
import type { KpiSource } from '../../shared/reports/port.js';
import { computeKpis, withCampaigns, type EngagementTotals, type KpiSnapshot } from '../../shared/reports/snapshot.js';
import { DynamoEngagementStore } from '../../shared/engagement/dynamodb.js';
import { DAY_MS } from '../../shared/platform/time.js';

/** Final send records live this long (their TTL), so no counter older matters to a campaign. */
const SEND_RECORD_DAYS = 400;

export interface ScanKpiOptions {
  currency: string;
  timeZone: string;
  /** The loyalty programme's first tier (loyalty.yaml). */
  baseTier?: string;
}

const SEGMENTS = 4;

export class ScanKpiSource extends DynamoTable implements KpiSource {
  constructor(
    db: ConstructorParameters<typeof DynamoTable>[0],
    tableName: string,
    private readonly opts: ScanKpiOptions,
  ) {
    super(db, tableName);
  }

  async readKpis(q: KpiQuery): Promise<KpiData> {
    const s = await this.snapshot();
    return withCampaigns(computeKpis(s, q), s, q.conversionWindowDays ?? 30, q.attributionDays ?? DEFAULTS.attributionDays, await this.engagementTotals(s, q.now));
  }

  /** Each campaign's engagement counters over the life of its send records (a few Queries each). */
  private async engagementTotals(s: KpiSnapshot, now: Date): Promise<EngagementTotals> {
    const store = new DynamoEngagementStore(this.db, this.tableName);
    const from = new Date(now.getTime() - SEND_RECORD_DAYS * DAY_MS).toISOString().slice(0, 10);
    const to = now.toISOString().slice(0, 10);
    const ids = [...new Set(s.sends.map((x) => x.campaignId))];
    const totals: EngagementTotals = new Map();
    await Promise.all(
      ids.map(async (id) => {
        const sum: { delivered?: number; opened?: number; clicked?: number } = {};
        for (const d of await store.campaignDays(id, from, to)) for (const k of ['delivered', 'opened', 'clicked'] as const) if (d.counts[k]) sum[k] = (sum[k] ?? 0) + d.counts[k];
        totals.set(id, sum);
      }),
    );
    return totals;
  }

  async snapshot(): Promise<KpiSnapshot> {
    const s: KpiSnapshot = { currency: this.opts.currency, timeZone: this.opts.timeZone, customers: [], purchaseDays: new Map(), orders: [], loyalty: [], sends: [], surveys: [], oneTimeAtRiskDays: DEFAULT_RISK_CONFIG.defaultGapDays * DEFAULT_RISK_CONFIG.atRiskMultiple, atRiskMultiple: DEFAULT_RISK_CONFIG.atRiskMultiple, ...(this.opts.baseTier ? { baseTier: this.opts.baseTier } : {}) };
    await Promise.all(Array.from({ length: SEGMENTS }, (_, segment) => this.scanSegment(segment, (item) => this.collect(s, item))));
    for (const days of s.purchaseDays.values()) days.sort();
    return s;
  }

  private collect(s: KpiSnapshot, item: Item): void {
    const pk = item.pk as string;
    const sk = item.sk as string;
    if (pk === keys.storeStats().pk && sk === keys.storeStats().sk) {
      const p75 = gapPercentileFn(item.stats as BaseStats | undefined)(DEFAULT_RISK_CONFIG.atRiskPercentile);
      if (Number.isFinite(p75)) s.oneTimeAtRiskDays = p75;
      return;
    }
    if (!pk.startsWith('CUST#')) return;
    const customerId = customerIdOfPk(pk);
    if (sk === keys.customer(customerId).sk) {
      s.customers.push(toCustomer(item));
      const days = daysOf(item) ?? {};
      const active = Object.keys(days).filter((d) => days[d]!.count > 0);
      if (active.length) s.purchaseDays.set(customerId, active);
      // The orders kept on the customer item (orders/open-orders.ts), as the ORDER# items below.
      for (const o of Object.values(decodeOpenOrders(item[OPEN_ORDERS_ATTR]))) this.pushOrder(s, customerId, o.state);
    } else if (sk.startsWith(keys.orderPrefix)) {
      if (item.state) this.pushOrder(s, customerId, item.state as OrderState);
    } else if (sk === keys.loyalty(customerId).sk) {
      const l = item.state as LoyaltyState;
      s.loyalty.push({ customerId, tier: l.tier, tierSince: l.tierSince });
    } else if (sk.startsWith(keys.sendPrefix)) s.sends.push({ ...(item as unknown as SendRecord), customerId });
    else if (sk.startsWith(keys.surveyPrefix)) s.surveys.push(item.survey as SurveyState);
  }

  private pushOrder(s: KpiSnapshot, customerId: string, o: OrderState): void {
    const c = orderContribution({ placed: !!o.placedAt, cancelled: !!o.cancelledAt, ...(o.total !== undefined ? { total: o.total } : {}), refunded: o.refunded });
    if (o.placedAt && c.orders) s.orders.push({ customerId, placedAt: o.placedAt, day: o.day ?? o.placedAt.slice(0, 10), net: c.spend });
  }

  private async scanSegment(segment: number, onItem: (i: Item) => void): Promise<void> {
    for await (const page of paginateScan({ client: this.db }, { TableName: this.tableName, Segment: segment, TotalSegments: SEGMENTS })) for (const i of page.Items ?? []) onItem(i);
  }
}
