/**
 * What the weekly refit learns about the whole base, as stored: the chosen buy-till-you-die model
 * with what its selection saw (replaced only by an accepted refit), Gamma-Gamma for spend, and the
 * base statistics the rule and RFM need (refreshed by every refit). Pure; no I/O.
 */
import type { BgNbdParams } from '../scoring/bgnbd.js';
import type { GammaGammaParams } from '../scoring/gamma-gamma.js';
import type { ParetoNbdParams } from '../scoring/pareto-nbd.js';
import type { CountModel } from '../scoring/count-model.js';
import type { LevelThresholds } from '../scoring/levels.js';
import type { ModelChoice } from '../scoring/refit-plan.js';

/**
 * One model version. Version 2 records carry `choice` (planRefit's ModelChoice: model, params,
 * selection errors by frequency class, level cut points) and `horizonDays`; version 1 records
 * (before model selection) carry `paretoNbd` and are still read: Pareto/NBD with P(alive) bands.
 * Non-finite numbers in `choice` (a candidate without a forecast) are stored as null.
 */
export interface ModelParams {
  version: number;
  fittedAt: string;
  choice?: ModelChoice;
  /** Horizon H in days of E[X(H)] and P(lapse) (v2). */
  horizonDays?: number;
  /** v1 only. */
  paretoNbd?: ParetoNbdParams;
  gammaGamma?: GammaGammaParams;
  /** v1 only: fitted for comparison. */
  bgnbd?: BgNbdParams;
  /** Fit diagnostics, for operators and the demo (gradNorm: v1 only). */
  fit: { customers: number; repeatBuyers: number; logLikelihood: number; gradNorm?: number };
}

/** What the sweep scores with, whichever record version is stored. */
export interface ScoringModel {
  version: number;
  model: CountModel;
  /** Ranked-level cut points; null: the P(alive) bands apply (v1, or no monotone cut found). */
  thresholds: LevelThresholds | null;
  horizonDays: number;
  gammaGamma?: GammaGammaParams;
}

export const DEFAULT_HORIZON_DAYS = 90;

export function scoringModelOf(p: ModelParams): ScoringModel | null {
  const model: CountModel | null = p.choice
    ? ({ model: p.choice.model, params: p.choice.params } as CountModel)
    : p.paretoNbd
      ? { model: 'pareto-nbd', params: p.paretoNbd }
      : null;
  if (!model) return null;
  return {
    version: p.version,
    model,
    thresholds: p.choice?.thresholds ?? null,
    horizonDays: p.horizonDays ?? DEFAULT_HORIZON_DAYS,
    ...(p.gammaGamma ? { gammaGamma: p.gammaGamma } : {}),
  };
}

/** Infinity and NaN cannot be stored in DynamoDB (nor in JSON): they become null. */
/** DynamoDB numbers hold magnitudes from 1e-130 to below 1e126: a fit's gradient norm or a
 * forecast's p-value can be smaller (a young shop's refit failed on "Number underflow"). */
const DYNAMODB_MIN_MAGNITUDE = 1e-130;
const DYNAMODB_MAX_MAGNITUDE = 9.9e125;

/** A JSON copy DynamoDB can store: undefined dropped, non-finite numbers null, magnitudes below
 * DynamoDB's range 0 and above it clamped. */
export const storable = <T>(value: T): T =>
  JSON.parse(
    JSON.stringify(value, (_k, v: unknown) =>
      typeof v === 'number' && Number.isFinite(v) ? (Math.abs(v) < DYNAMODB_MIN_MAGNITUDE ? 0 : Math.max(-DYNAMODB_MAX_MAGNITUDE, Math.min(DYNAMODB_MAX_MAGNITUDE, v))) : v,
    ),
  ) as T;

export interface BaseStats {
  computedAt: string;
  /** Customers in the base when computed: sizes the bulk runs' segment count. */
  customers?: number;
  /** Of them with a purchase: sizes the next refit's sampling threshold (churn/sample.ts). */
  buyers?: number;
  /**
   * Quantiles at 0, 0.05, …, 1 of the gap between purchase days (days). 'kaplan-meier': over
   * every gap of the sampled customers, the open gap since the last purchase counted as censored
   * (km.ts); absent (older records): repeat buyers' mean gaps.
   */
  gapQuantiles: number[];
  gapMethod?: 'kaplan-meier';
  /** Customers whose purchase days the Kaplan–Meier estimate saw (the refit's sample). */
  gapSample?: number;
  /** Ascending 20/40/60/80 % cut points over buyers. */
  rfmCuts: { recencyDays: number[]; frequency: number[]; monetary: number[] };
}

/** What the last refit decided, accepted or not (JSON-safe). */
export interface RefitReport {
  at: string;
  outcome: 'updated' | 'kept';
  /** Why it was refused; for an accepted refit, what the version lacks (e.g. no Gamma-Gamma). */
  reasons: string[];
  /** The version current after this refit (absent: still none). */
  currentVersion?: number;
  customers: number;
  sampled: number;
  /** The best candidate and its hold-out errors, also when refused (null: none could be chosen). */
  choice: ModelChoice | null;
}

export interface StoreModel {
  params?: ModelParams;
  stats?: BaseStats;
  lastRefit?: RefitReport;
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

/** 1–5 score against stored ascending cut points; a value equal to a cut counts as below it. */
export function scoreAgainst(value: number, cuts: number[], higherIsBetter: boolean): number {
  // A loop, not filter(): the sweep calls this twice per customer.
  let above = 0;
  for (const c of cuts) if (value > c) above++;
  return higherIsBetter ? 1 + above : 5 - above;
}

const r3 = (v: number | null | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? Math.round(v * 1000) / 1000 : null);

/** One line's worth of what scores the customers now, for the demo and logs. */
export function describeModel(m: StoreModel): Record<string, unknown> {
  const p = m.params;
  const why = m.lastRefit?.outcome === 'kept' ? m.lastRefit.reasons : [];
  if (!p) return { kind: 'rule', why: why.length ? `no model yet: ${why.join('; ')}` : 'no refit yet' };
  const c = p.choice;
  if (!c) return { kind: 'pareto-nbd', version: p.version, note: 'stored before model selection: P(alive) bands' };
  return {
    kind: c.model,
    version: p.version,
    params: Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, r3(v as number)])),
    holdoutError: Object.fromEntries(c.selection.candidates.map((k) => [k.model, r3(k.error)])),
    levels: c.thresholds ? { rankBy: c.thresholds.rankBy, active: r3(c.thresholds.active), atRisk: r3(c.thresholds.atRisk), returnRates: c.thresholdFit?.returnRates.map(r3) } : 'P(alive) bands',
    clv: p.gammaGamma ? 'gamma-gamma' : 'none',
    ...(why.length ? { lastRefitRefused: why } : {}),
  };
}
