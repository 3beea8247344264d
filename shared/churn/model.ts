/**
 * What the weekly refit learns about the whole base, as stored: the buy-till-you-die parameters
 * (replaced only by a reliable fit) and the base statistics the rule and RFM need (refreshed by
 * every refit). Pure derivation from customer summaries; no I/O.
 */
import type { BgNbdParams } from '../scoring/bgnbd.js';
import type { GammaGammaParams } from '../scoring/gamma-gamma.js';
import type { ParetoNbdParams } from '../scoring/pareto-nbd.js';
import { purchaseStats, type OrderSummary } from '../orders/decide.js';

export interface ModelParams {
  version: number;
  fittedAt: string;
  paretoNbd: ParetoNbdParams;
  gammaGamma?: GammaGammaParams;
  bgnbd?: BgNbdParams;
  /** Fit diagnostics, for operators and the demo. */
  fit: { customers: number; repeatBuyers: number; logLikelihood: number; gradNorm: number };
}

export interface BaseStats {
  computedAt: string;
  /** Customers in the base when computed: sizes the bulk runs' segment count. */
  customers?: number;
  /** Quantiles at 0, 0.05, …, 1 of repeat buyers' mean gap between purchase days (days). */
  gapQuantiles: number[];
  /** Ascending 20/40/60/80 % cut points over buyers. */
  rfmCuts: { recencyDays: number[]; frequency: number[]; monetary: number[] };
}

export interface StoreModel {
  params?: ModelParams;
  stats?: BaseStats;
}

/** How many customers the bulk runs should plan for: the last refit's count (0 before the first). */
export const baseSizeOf = (m: StoreModel): number => m.stats?.customers ?? m.params?.fit.customers ?? 0;

export const QUANTILE_STEP = 0.05;

export function quantiles(values: number[], probs: number[]): number[] {
  const s = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return [];
  return probs.map((p) => {
    const h = (s.length - 1) * p;
    const lo = Math.floor(h);
    const hi = Math.min(lo + 1, s.length - 1);
    return s[lo]! + (h - lo) * (s[hi]! - s[lo]!);
  });
}

/** Reads the stored gap quantiles back as a percentile function (linear interpolation). */
export function gapPercentileFn(stats: BaseStats | undefined): (p: number) => number {
  const q = stats?.gapQuantiles ?? [];
  return (p) => {
    if (q.length < 2) return Number.NaN;
    const h = Math.min(Math.max(p, 0), 1) / QUANTILE_STEP;
    const lo = Math.min(Math.floor(h), q.length - 2);
    return q[lo]! + (h - lo) * (q[lo + 1]! - q[lo]!);
  };
}

export function baseStats(summaries: OrderSummary[], now: Date): BaseStats {
  const buyers = summaries.flatMap((s) => {
    const p = purchaseStats(s, now);
    return p ? [{ p, s }] : [];
  });
  const probs = Array.from({ length: Math.round(1 / QUANTILE_STEP) + 1 }, (_, i) => i * QUANTILE_STEP);
  const cuts = [0.2, 0.4, 0.6, 0.8];
  return {
    computedAt: now.toISOString(),
    customers: summaries.length,
    gapQuantiles: quantiles(buyers.flatMap(({ p }) => (p.cycleDays !== undefined ? [p.cycleDays] : [])), probs),
    rfmCuts: {
      recencyDays: quantiles(buyers.map(({ p }) => p.daysSinceLastOrder), cuts),
      frequency: quantiles(buyers.map(({ s }) => s.purchaseDays), cuts),
      monetary: quantiles(buyers.map(({ s }) => s.spend), cuts),
    },
  };
}

/** 1–5 score against stored ascending cut points; a value equal to a cut counts as below it. */
export function scoreAgainst(value: number, cuts: number[], higherIsBetter: boolean): number {
  const above = cuts.filter((c) => value > c).length;
  return higherIsBetter ? 1 + above : 5 - above;
}
