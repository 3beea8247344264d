// Churn risk levels. Two methods, and every result says which one produced it:
// - 'model': P(alive) from Pareto/NBD against bands. Pareto/NBD, not BG/NBD, because BG/NBD
//   lets customers drop out only right after a repeat purchase, so it returns P(alive) = 1 for
//   every one-time buyer (x = 0) no matter how long ago they bought — useless for churn.
// - 'rule': days since last order against the customer's own buying cycle, or against the store's
//   inter-purchase-gap percentiles for one-time buyers. Used when no reliable fit exists; pass
//   kmGapPercentiles (km.ts) as the percentile function to correct the gaps for censoring.
// Levels ranked by what the chosen model expects, with cut points fitted on a hold-out, are in
// levels.ts (riskFromRank); they replace the P(alive) bands where a refit supplies cut points.
import type { FitResult } from './fit.js';

export type RiskLevel = 'active' | 'at-risk' | 'churned';

export interface RiskResult {
  level: RiskLevel;
  method: 'model' | 'rule';
  /** P(alive) (model) or days since last order divided by the reference gap (rule). */
  score: number;
}

export interface ModelBands {
  /** P(alive) ≥ active → active. Default 0.6. */
  active: number;
  /** P(alive) ≥ atRisk → at-risk, below → churned. Default 0.3. */
  atRisk: number;
}
export const DEFAULT_MODEL_BANDS: ModelBands = { active: 0.6, atRisk: 0.3 };

export function riskFromPAlive(pAlive: number, bands: ModelBands = DEFAULT_MODEL_BANDS): RiskResult {
  const level: RiskLevel = pAlive >= bands.active ? 'active' : pAlive >= bands.atRisk ? 'at-risk' : 'churned';
  return { level, method: 'model', score: pAlive };
}

export interface RuleBands {
  /** Repeat buyers: days since last order > atRiskMultiple × own mean gap → at-risk. Default 2. */
  atRiskMultiple: number;
  /** … > churnedMultiple × own mean gap → churned. Default 4. */
  churnedMultiple: number;
  /** One-time buyers: beyond this store gap percentile → at-risk. Default 0.75. */
  atRiskPercentile: number;
  /** … beyond this percentile → churned. Default 0.95. */
  churnedPercentile: number;
}
export const DEFAULT_RULE_BANDS: RuleBands = { atRiskMultiple: 2, churnedMultiple: 4, atRiskPercentile: 0.75, churnedPercentile: 0.95 };

/**
 * Percentile function over the store's inter-purchase gaps (days), linear interpolation between
 * order statistics (the "type 7" definition of R/NumPy). Returns NaN for p when there are no gaps.
 */
export function gapPercentiles(gapsDays: readonly number[]): (p: number) => number {
  const sorted = gapsDays.filter(Number.isFinite).slice().sort((a, b) => a - b);
  return (p: number) => {
    if (sorted.length === 0) return Number.NaN;
    const h = (sorted.length - 1) * Math.min(Math.max(p, 0), 1);
    const lo = Math.floor(h);
    const hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
  };
}

export interface RuleInput {
  daysSinceLastOrder: number;
  /** Total orders (first included). */
  orders: number;
  /** Days between first and last order. */
  spanDays: number;
}

export function riskFromRule(c: RuleInput, storeGap: (p: number) => number, bands: RuleBands = DEFAULT_RULE_BANDS): RiskResult {
  if (c.orders >= 2 && c.spanDays > 0) {
    const cycle = c.spanDays / (c.orders - 1);
    const ratio = c.daysSinceLastOrder / cycle;
    const level: RiskLevel = ratio > bands.churnedMultiple ? 'churned' : ratio > bands.atRiskMultiple ? 'at-risk' : 'active';
    return { level, method: 'rule', score: ratio };
  }
  const atRisk = storeGap(bands.atRiskPercentile);
  const churned = storeGap(bands.churnedPercentile);
  if (!Number.isFinite(atRisk) || !Number.isFinite(churned)) return { level: 'active', method: 'rule', score: 0 };
  const level: RiskLevel = c.daysSinceLastOrder > churned ? 'churned' : c.daysSinceLastOrder > atRisk ? 'at-risk' : 'active';
  return { level, method: 'rule', score: atRisk > 0 ? c.daysSinceLastOrder / atRisk : Infinity };
}

export interface FitReliability {
  reliable: boolean;
  reasons: string[];
}

export interface SampleCounts {
  customers: number;
  repeatBuyers: number;
}

/**
 * Criterion: a fit is trusted for model-based risk when (1) the sample has ≥ 500 customers, of
 * which ≥ 100 repeat buyers (fewer leaves the dropout process unidentified), (2) the optimizer
 * converged with gradNorm ≤ 1e-3 on the summed-LL scale and finite, non-boundary parameters
 * (all within [1e-6, 1e6]), and (3) if a holdout check is given, predicted/actual repeat purchases
 * lie within ±20%. A plain number for `sample` is the customer count (repeat-buyer check skipped).
 */
export function isFitReliable(fit: FitResult, sample: number | SampleCounts, holdout?: { predicted: number; actual: number }): FitReliability {
  const reasons: string[] = [];
  const counts = typeof sample === 'number' ? { customers: sample, repeatBuyers: Infinity } : sample;
  if (counts.customers < 500) reasons.push(`only ${counts.customers} customers (need ≥ 500)`);
  if (counts.repeatBuyers < 100) reasons.push(`only ${counts.repeatBuyers} repeat buyers (need ≥ 100)`);
  if (!fit.converged) reasons.push('optimizer did not converge');
  if (!(fit.gradNorm <= 1e-3)) reasons.push(`gradient norm ${fit.gradNorm} > 1e-3`);
  const values = Object.values(fit.params as unknown as Record<string, number>);
  if (!values.every((v) => Number.isFinite(v) && v >= 1e-6 && v <= 1e6)) reasons.push('parameters at a boundary');
  if (holdout) {
    const ratio = holdout.actual > 0 ? holdout.predicted / holdout.actual : Infinity;
    if (!(ratio >= 0.8 && ratio <= 1.2)) reasons.push(`holdout predicted/actual ${ratio.toFixed(3)} outside 0.8–1.2`);
  }
  return { reliable: reasons.length === 0, reasons };
}
