/**
 * The base statistics as mergeable parts: each refit segment folds its customers into a partial
 * (counts and histograms), partials merge by adding, and the stored BaseStats come from the merged
 * whole, so they describe the whole base, not the sample. Day counts are integers and kept as
 * exact histograms (their quantiles equal those of the full list), and so are mean gaps rounded
 * to 1/100 day; spend is a real number of any size and kept in DDSketch (npm
 * @datadog/sketches-js: 1 % relative error, mergeable).
 *
 * The Kaplan–Meier gap percentiles are not in here: they need every gap between purchase days,
 * which the partials would have to carry for every customer (histograms cannot merge them). They
 * are computed from the sample's purchase days, and the stats say how many customers that was
 * (`gapSample`).
 */
import { DDSketch } from '@datadog/sketches-js';
import { purchaseStats, type OrderSummary } from '../orders/decide.js';
import type { GapObservation } from '../scoring/km.js';
import { kmGapPercentiles } from '../scoring/km.js';
import { QUANTILE_STEP, type BaseStats } from './model.js';

export interface BasePartial {
  customers: number;
  buyers: number;
  /** value → customers, over buyers. */
  recencyDays: Map<number, number>;
  purchaseDays: Map<number, number>;
  spend: DDSketch;
  /** Repeat buyers' mean gap (days, to 1/100): the gap percentiles when no purchase days were read. */
  cycleDays: Map<number, number>;
}

/** As stored between a segment's invocations and handed to the fit (JSON). */
export interface StoredBasePartial {
  customers: number;
  buyers: number;
  recencyDays: [number, number][];
  purchaseDays: [number, number][];
  spend: string;
  cycleDays: [number, number][];
}

const ACCURACY = 0.01;
const sketch = () => new DDSketch({ relativeAccuracy: ACCURACY });

export const emptyBase = (): BasePartial => ({ customers: 0, buyers: 0, recencyDays: new Map(), purchaseDays: new Map(), spend: sketch(), cycleDays: new Map() });

const bump = (h: Map<number, number>, v: number, n = 1) => h.set(v, (h.get(v) ?? 0) + n);

export function addCustomer(p: BasePartial, s: OrderSummary, now: Date): void {
  p.customers++;
  const stats = purchaseStats(s, now);
  if (!stats) return;
  p.buyers++;
  bump(p.recencyDays, stats.daysSinceLastOrder);
  bump(p.purchaseDays, s.purchaseDays);
  p.spend.accept(Math.max(0, s.spend));
  if (stats.cycleDays !== undefined && Number.isFinite(stats.cycleDays)) bump(p.cycleDays, Math.round(stats.cycleDays * 100) / 100);
}

export function mergeBase(into: BasePartial, other: BasePartial): BasePartial {
  into.customers += other.customers;
  into.buyers += other.buyers;
  for (const [v, n] of other.recencyDays) bump(into.recencyDays, v, n);
  for (const [v, n] of other.purchaseDays) bump(into.purchaseDays, v, n);
  into.spend.merge(other.spend);
  for (const [v, n] of other.cycleDays) bump(into.cycleDays, v, n);
  return into;
}

const b64 = (s: DDSketch) => Buffer.from(s.toProto()).toString('base64');
const unb64 = (s: string) => DDSketch.fromProto(new Uint8Array(Buffer.from(s, 'base64')));

export const storeBase = (p: BasePartial): StoredBasePartial => ({
  customers: p.customers,
  buyers: p.buyers,
  recencyDays: [...p.recencyDays],
  purchaseDays: [...p.purchaseDays],
  spend: b64(p.spend),
  cycleDays: [...p.cycleDays],
});

export const loadBase = (s: StoredBasePartial): BasePartial => ({
  customers: s.customers,
  buyers: s.buyers,
  recencyDays: new Map(s.recencyDays),
  purchaseDays: new Map(s.purchaseDays),
  spend: unb64(s.spend),
  cycleDays: new Map(s.cycleDays),
});

/** The quantiles of the list a histogram counts, interpolated between order statistics as
 * model.ts `quantiles` does: equal to them on the full list. */
export function histogramQuantiles(h: Map<number, number>, probs: readonly number[]): number[] {
  const values = [...h.keys()].filter(Number.isFinite).sort((a, b) => a - b);
  const n = values.reduce((t, v) => t + h.get(v)!, 0);
  if (n === 0) return [];
  const at = (rank: number): number => {
    let seen = 0;
    for (const v of values) if ((seen += h.get(v)!) > rank) return v;
    return values.at(-1)!;
  };
  return probs.map((p) => {
    const pos = (n - 1) * p;
    const lo = Math.floor(pos);
    const a = at(lo);
    return a + (pos - lo) * (at(Math.min(lo + 1, n - 1)) - a);
  });
}

const sketchQuantiles = (s: DDSketch, probs: readonly number[]): number[] => (s.count === 0 ? [] : probs.map((p) => s.getValueAtQuantile(p)));

/** BaseStats of the whole base from its merged partial; the gaps (and their customers) from the sample. */
export function baseStatsFrom(p: BasePartial, now: Date, gaps?: { observations: readonly GapObservation[]; customers: number }): BaseStats {
  const probs = Array.from({ length: Math.round(1 / QUANTILE_STEP) + 1 }, (_, i) => i * QUANTILE_STEP);
  const cuts = [0.2, 0.4, 0.6, 0.8];
  const km = gaps?.observations.length ? kmGapPercentiles(gaps.observations) : null;
  const kmQuantiles = km ? probs.map(km) : [];
  return {
    computedAt: now.toISOString(),
    customers: p.customers,
    buyers: p.buyers,
    ...(km
      ? { gapQuantiles: kmQuantiles.every(Number.isFinite) ? kmQuantiles : [], gapMethod: 'kaplan-meier' as const, gapSample: gaps!.customers }
      : { gapQuantiles: histogramQuantiles(p.cycleDays, probs) }),
    rfmCuts: {
      recencyDays: histogramQuantiles(p.recencyDays, cuts),
      frequency: histogramQuantiles(p.purchaseDays, cuts),
      monetary: sketchQuantiles(p.spend, cuts),
    },
  };
}

/** `gaps`: inter-purchase gap observations (km.ts); without them, repeat buyers' mean gaps.
 * The same statistics the refit merges from its segments (base-partial.ts), from one list. */
export function baseStats(summaries: OrderSummary[], now: Date, gaps?: readonly GapObservation[]): BaseStats {
  const p = emptyBase();
  for (const s of summaries) addCustomer(p, s, now);
  return baseStatsFrom(p, now, gaps ? { observations: gaps, customers: summaries.length } : undefined);
}
