// Risk levels that rank: customers are ordered by what the model expects of them over the next
// horizon (E[X(h)], or P(a purchase within h)), and the two cut points are fitted on a hold-out so
// that the observed return rate falls from active to at-risk to churned.
import { conditionalExpected, pAlive, purchaseProbIfAlive, type CountModel } from './count-model.js';
import type { RiskLevel, RiskResult } from './risk.js';

/** 'expected': E[X(h) | history]; 'p-purchase': P(at least one purchase within h | history). Higher is safer. */
export type RankBy = 'expected' | 'p-purchase';

export interface LevelThresholds {
  rankBy: RankBy;
  /** Horizon h in model time units the cut points were fitted for. */
  horizon: number;
  /** value ≥ active → active. */
  active: number;
  /** value ≥ atRisk → at-risk; below → churned. */
  atRisk: number;
}

export function rankValue(m: CountModel, rankBy: RankBy, horizon: number, x: number, tx: number, T: number): number {
  return rankBy === 'expected'
    ? conditionalExpected(m, horizon, x, tx, T)
    : pAlive(m, x, tx, T) * purchaseProbIfAlive(m, horizon, x, T);
}

export function levelOf(value: number, th: Pick<LevelThresholds, 'active' | 'atRisk'>): RiskLevel {
  return value >= th.active ? 'active' : value >= th.atRisk ? 'at-risk' : 'churned';
}

export function riskFromRank(value: number, th: LevelThresholds): RiskResult {
  return { level: levelOf(value, th), method: 'model', score: value };
}

/** Value-weighted priority: the value expected to be lost, CLV × P(no purchase within the horizon). */
export function riskPriority(clv: number, pLapse: number): number {
  return Math.max(clv, 0) * Math.min(Math.max(pLapse, 0), 1);
}

export interface LevelCounts {
  customers: [number, number, number];
  returned: [number, number, number];
}

/** AUC of the three ordered levels for "no return" (ties count ½): from counts alone. */
export function levelAuc(c: LevelCounts): number {
  const [ka, kr, kc] = c.returned;
  const [la, lr, lc] = c.customers.map((n, i) => n - c.returned[i]!) as [number, number, number];
  const pairs = (la + lr + lc) * (ka + kr + kc);
  if (pairs === 0) return Number.NaN;
  const concordant = lr * ka + lc * (ka + kr);
  const ties = la * ka + lr * kr + lc * kc;
  return (concordant + 0.5 * ties) / pairs;
}

export interface LevelFitOptions {
  /** Smallest share of customers in each level. Default 0.05. */
  minShare?: number;
  /** Largest share at-risk + churned, if the shop wants to cap who is flagged. Default 1. */
  maxFlaggedShare?: number;
  /** Candidate cut points per level boundary (quantiles). Default 100. */
  grid?: number;
}

export interface LevelFit {
  active: number;
  atRisk: number;
  counts: LevelCounts;
  returnRates: [number, number, number];
  auc: number;
}

/**
 * Cut points maximising the levels' AUC for "no return" on a hold-out, among those where every
 * level holds ≥ minShare and the return rate strictly falls active > at-risk > churned.
 * `values` rank customers (higher = safer); `returned[i]` says whether customer i bought within
 * the horizon. Cuts fall between distinct values, halfway. Null when no cut pair qualifies.
 */
export function fitLevelThresholds(values: ArrayLike<number>, returned: ArrayLike<boolean>, opts: LevelFitOptions = {}): LevelFit | null {
  const n = values.length;
  const minShare = opts.minShare ?? 0.05;
  const maxFlagged = opts.maxFlaggedShare ?? 1;
  const grid = opts.grid ?? 100;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[b]! - values[a]!);
  // cumReturned[k] = returners among the k safest customers.
  const cumReturned = new Int32Array(n + 1);
  for (let k = 0; k < n; k++) cumReturned[k + 1] = cumReturned[k]! + (returned[order[k]!] ? 1 : 0);
  // Only cut where the value changes, so customers with equal values share a level.
  const cuts = new Set<number>();
  for (let g = 1; g < grid; g++) {
    let k = Math.round((g * n) / grid);
    while (k < n && k > 0 && values[order[k]!] === values[order[k - 1]!]) k++;
    if (k > 0 && k < n) cuts.add(k);
  }
  const sorted = [...cuts].sort((a, b) => a - b);
  let best: LevelFit | null = null;
  for (const i of sorted) {
    for (const j of sorted) {
      if (j <= i) continue;
      const customers: [number, number, number] = [i, j - i, n - j];
      if (Math.min(...customers) < minShare * n || (n - i) > maxFlagged * n) continue;
      const returnedCounts: [number, number, number] = [cumReturned[i]!, cumReturned[j]! - cumReturned[i]!, cumReturned[n]! - cumReturned[j]!];
      const rates = customers.map((c, l) => returnedCounts[l]! / c) as [number, number, number];
      if (!(rates[0] > rates[1] && rates[1] > rates[2])) continue;
      const counts = { customers, returned: returnedCounts };
      const auc = levelAuc(counts);
      if (best && !(auc > best.auc)) continue;
      const mid = (k: number): number => 0.5 * (values[order[k - 1]!]! + values[order[k]!]!);
      best = { active: mid(i), atRisk: mid(j), counts, returnRates: rates, auc };
    }
  }
  return best;
}
