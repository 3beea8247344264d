/**
 * The current state of the base as KPIs (risk levels, P(alive), CLV by value tier, the R×F grid,
 * totals), aggregated by the daily sweep per invocation of a segment (it visits every customer
 * anyway) and summed by the report: no report reads customers. Pure.
 *
 * CLV value tiers rank customers (top 20 % high, next 30 % medium, the rest low); a sum of
 * segments cannot rank, so each aggregate keeps a histogram of CLV in buckets 12 % wide (count,
 * sum, minimum) and the tiers are cut from the merged histogram, a bucket split proportionally.
 */
import type { CustomerRecord } from '../customers/record.js';
import { scoreAgainst, type BaseStats } from '../churn/model.js';
import { DAY_MS } from '../platform/time.js';
import type { ValueTier } from './kpis.js';

export interface BaseAggregate {
  customers: number;
  buyers: number;
  repeatBuyers: number;
  orders: number;
  revenue: number;
  byLevel: { active: number; 'at-risk': number; churned: number };
  pAlive: number[];
  /** bucket → [customers, sum of CLV, smallest CLV]. */
  clv: Record<string, [number, number, number]>;
  /** 25 cells, (r - 1) × 5 + (f - 1), against the last refit's cut points; all 0 before one. */
  rfm: number[];
}

export const emptyAggregate = (): BaseAggregate => ({ customers: 0, buyers: 0, repeatBuyers: 0, orders: 0, revenue: 0, byLevel: { active: 0, 'at-risk': 0, churned: 0 }, pAlive: new Array<number>(10).fill(0), clv: {}, rfm: new Array<number>(25).fill(0) });

const BUCKETS_PER_DECADE = 20;
const clvBucket = (clv: number) => Math.floor(Math.log10(1 + Math.max(0, clv)) * BUCKETS_PER_DECADE);

/** Adds customers as they stand after the sweep's decisions. */
export function addToAggregate(a: BaseAggregate, customers: readonly CustomerRecord[], now: Date, rfmCuts?: BaseStats['rfmCuts']): BaseAggregate {
  for (const c of customers) {
    a.customers++;
    const s = c.summary;
    a.orders += finite(s.orders);
    a.revenue = round2(a.revenue + finite(s.spend));
    if (s.purchaseDays > 0) {
      a.buyers++;
      if (s.purchaseDays >= 2) a.repeatBuyers++;
      if (rfmCuts && rfmCuts.recencyDays.length === 4 && rfmCuts.frequency.length === 4 && s.lastDay) {
        const r = scoreAgainst((now.getTime() - Date.parse(`${s.lastDay}T00:00:00Z`)) / DAY_MS, rfmCuts.recencyDays, false);
        const f = scoreAgainst(s.purchaseDays, rfmCuts.frequency, true);
        a.rfm[(r - 1) * 5 + (f - 1)]!++;
      }
    }
    if (c.risk) a.byLevel[c.risk.level]++;
    if (c.prediction && Number.isFinite(c.prediction.pAlive)) {
      a.pAlive[Math.min(9, Math.floor(c.prediction.pAlive * 10))]!++;
      const v = c.prediction.clv12m;
      if (v !== undefined && Number.isFinite(v)) {
        const b = String(clvBucket(v));
        const e = a.clv[b] ?? [0, 0, v];
        a.clv[b] = [e[0] + 1, round2(e[1] + v), Math.min(e[2], v)];
      }
    }
  }
  return a;
}

export function mergeAggregates(list: readonly BaseAggregate[]): BaseAggregate {
  const m = emptyAggregate();
  for (const a of list) {
    for (const k of ['customers', 'buyers', 'repeatBuyers', 'orders'] as const) m[k] += a[k];
    m.revenue = round2(m.revenue + a.revenue);
    for (const l of ['active', 'at-risk', 'churned'] as const) m.byLevel[l] += a.byLevel[l];
    a.pAlive.forEach((n, i) => (m.pAlive[i]! += n));
    a.rfm.forEach((n, i) => (m.rfm[i]! += n));
    for (const [b, [n, sum, min]] of Object.entries(a.clv)) {
      const e = m.clv[b] ?? [0, 0, min];
      m.clv[b] = [e[0] + n, round2(e[1] + sum), Math.min(e[2], min)];
    }
  }
  return m;
}

/** High (top 20 %), medium (next 30 %), low (the rest) from the merged histogram. */
export function clvTiersOf(a: BaseAggregate): Array<{ tier: ValueTier; customers: number; averageClv: number; minClv: number }> {
  const buckets = Object.entries(a.clv).map(([b, [n, sum, min]]) => ({ b: Number(b), n, sum, min })).sort((x, y) => y.b - x.b);
  const total = buckets.reduce((s, x) => s + x.n, 0);
  const cut = (share: number) => Math.round(total * share);
  const sizes: Array<[ValueTier, number]> = [['high', cut(0.2)], ['medium', cut(0.5) - cut(0.2)], ['low', total - cut(0.5)]];
  let i = 0;
  let left = buckets[0]?.n ?? 0;
  return sizes.map(([tier, size]) => {
    let taken = 0;
    let sum = 0;
    let min = 0;
    while (taken < size && i < buckets.length) {
      const x = buckets[i]!;
      const take = Math.min(left, size - taken);
      sum += (x.sum * take) / x.n;
      taken += take;
      left -= take;
      // The whole bucket's minimum is known; a split bucket's lower part is cut at its lower edge.
      min = left === 0 ? x.min : Math.max(x.min, 10 ** (x.b / BUCKETS_PER_DECADE) - 1);
      if (left === 0) left = buckets[++i]?.n ?? 0;
    }
    return { tier, customers: taken, averageClv: taken ? round2(sum / taken) : 0, minClv: taken ? round2(min) : 0 };
  });
}

/** The R×F grid as the report shows it: counts[r - 1][f - 1]. */
export const rfmGridOf = (a: BaseAggregate): number[][] => Array.from({ length: 5 }, (_, r) => a.rfm.slice(r * 5, r * 5 + 5));

const round2 = (n: number) => Math.round(n * 100) / 100;
/** One customer's odd summary must not make the run's aggregate unstorable (DynamoDB refuses NaN). */
const finite = (n: number | undefined) => (typeof n === 'number' && Number.isFinite(n) ? n : 0);
