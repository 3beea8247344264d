/**
 * Scoring one customer for the sweep: risk level, RFM segment and predictions; then the decision
 * whether anything worth writing changed.
 * - With a model version: the chosen model's scorer (built once per version per container, see
 *   `scorerCache`) gives P(alive), E[X(H)], P(lapse), CLV and priority = CLV × P(lapse); the level
 *   comes from the version's ranked cut points (monotone in return rate on the refit's hold-out),
 *   or from the P(alive) bands when the version has none (a version 1 record, or no monotone cut).
 * - Without one: the rule, against the store's Kaplan–Meier gap percentiles (base statistics).
 * A customer that cannot be scored (e.g. a purchase dated after the sweep's time) is a returned
 * failure, never an exception that would fail the page.
 */
import type { CustomerRiskChanged, RiskLevel, RiskMethod } from '../platform/contracts/events.js';
import { expectedGapDays } from '../scoring/clv.js';
import { createScorer, type Scorer } from '../scoring/scorer.js';
import { rfmSegment } from '../scoring/rfm.js';
import { riskFromPAlive, riskFromRule, type ModelBands } from '../scoring/risk.js';
import type { CustomerRecord, Prediction, RiskState } from '../customers/record.js';
import { gapPercentileFn, scoreAgainst, scoringModelOf, type ModelParams, type ScoringModel, type StoreModel } from './model.js';
import type { OrderSummary } from '../orders/decide.js';
import { DAY_MS } from '../platform/time.js';
import { ChurnConfig, riskConfigFrom } from '../platform/config.js';

export interface RiskConfig {
  atRiskMultiple: number;
  churnedMultiple: number;
  /** One-time buyers' reference gap until the first refit has measured the store's gaps. */
  defaultGapDays: number;
  atRiskPercentile: number;
  churnedPercentile: number;
  modelBands: ModelBands;
}

/** The configuration defaults (platform/config.ts), as the scoring domain wants them. */
export const DEFAULT_RISK_CONFIG: RiskConfig = riskConfigFrom(ChurnConfig.parse({}));

export interface Scored {
  level: RiskLevel;
  method: RiskMethod;
  segment?: string;
  prediction?: Prediction;
  daysSinceLastOrder: number;
  lastOrderDay: string;
}

export interface ScoreFailure {
  failed: string;
}

const WEEK_DAYS = 7;

// The sweep's hot path meets the same few hundred day strings in every customer: parsing and
// formatting them once per container halves its CPU (bench/scoring.ts, sweepPerCustomer).
const CACHE_LIMIT = 50_000;
const parsedDays = new Map<string, number>();
const formattedDays = new Map<number, string>();
function dayMs(day: string): number {
  let ms = parsedDays.get(day);
  if (ms === undefined) {
    ms = Date.parse(day);
    if (parsedDays.size < CACHE_LIMIT) parsedDays.set(day, ms);
  }
  return ms;
}
function isoDay(dayNumber: number): string {
  let iso = formattedDays.get(dayNumber);
  if (iso === undefined) {
    iso = new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
    if (formattedDays.size < CACHE_LIMIT) formattedDays.set(dayNumber, iso);
  }
  return iso;
}

/** purchaseStats (orders/decide.ts) with cached day parsing; a unit test keeps the two equal. */
export function historyOf(s: OrderSummary, nowMs: number) {
  if (!s.firstDay || !s.lastDay) return null;
  const first = dayMs(s.firstDay);
  const last = dayMs(s.lastDay);
  const x = s.purchaseDays - 1;
  return {
    x,
    recencyDays: (last - first) / DAY_MS,
    ageDays: Math.max(0, (nowMs - first) / DAY_MS),
    daysSinceLastOrder: Math.max(0, (nowMs - last) / DAY_MS),
    repeatValue: x > 0 ? (s.spend - s.firstDaySpend) / x : 0,
  };
}

/** A model version ready to score with: its scorer is the expensive part (per-x tables). */
export interface ModelScoring {
  model: ScoringModel;
  scorer: Scorer;
}

export function modelScoring(params: ModelParams): ModelScoring | null {
  const model = scoringModelOf(params);
  if (!model) return null;
  const scorer = createScorer(model.model, {
    horizon: model.horizonDays / WEEK_DAYS,
    ...(model.gammaGamma ? { gammaGamma: model.gammaGamma } : {}),
    thresholds: model.thresholds,
  });
  return { model, scorer };
}

/** One scorer per model version for the life of a container: a new version replaces it. */
export function scorerCache(): (params: ModelParams | undefined) => ModelScoring | null {
  let cached: { version: number; scoring: ModelScoring | null } | undefined;
  return (params) => {
    if (!params) return null;
    if (cached?.version !== params.version) cached = { version: params.version, scoring: modelScoring(params) };
    return cached.scoring;
  };
}

export function scoreCustomer(
  customer: CustomerRecord,
  model: StoreModel,
  cfg: RiskConfig,
  now: Date,
  scoring: ModelScoring | null = model.params ? modelScoring(model.params) : null,
): Scored | ScoreFailure | null {
  const nowMs = now.getTime();
  const p = historyOf(customer.summary, nowMs);
  const lastOrderDay = customer.summary.lastDay;
  if (!p || !lastOrderDay) return null;
  const x = p.x;
  const tx = p.recencyDays / WEEK_DAYS;
  const T = p.ageDays / WEEK_DAYS;

  let level: RiskLevel;
  let method: RiskMethod;
  let prediction: Prediction | undefined;
  if (scoring) {
    const { model: m, scorer } = scoring;
    const s = scorer.score({ x, tx, T, zbar: p.repeatValue });
    if (s.error) return { failed: s.error };
    ({ level, method } = s.level ? { level: s.level, method: 'model' as const } : riskFromPAlive(s.pAlive, cfg.modelBands));
    // Every model here has the Gamma(r, α) purchase-rate mixing behind the next-order estimate.
    const gap = expectedGapDays(m.model.params.r, m.model.params.alpha, x, T, WEEK_DAYS);
    prediction = {
      pAlive: round(s.pAlive, 4),
      expectedPurchases: round(s.expected, 4),
      pLapse: round(s.pLapse, 4),
      horizonDays: m.horizonDays,
      avgDaysBetweenOrders: round(gap, 1),
      // The day of now + the gap in whole days, as nextOrderEstimate (clv.ts) gives it.
      expectedNextOrderDay: isoDay(Math.floor(nowMs / DAY_MS) + Math.round(gap)),
      model: m.model.model,
      modelVersion: m.version,
      ...(s.clv !== undefined ? { clv12m: round(s.clv, 2) } : {}),
      ...(s.priority !== undefined ? { priority: round(s.priority, 2) } : {}),
    };
  } else {
    const percentile = gapPercentileFn(model.stats);
    const fallback = (q: number) => (Number.isFinite(percentile(q)) ? percentile(q) : cfg.defaultGapDays * (q >= cfg.churnedPercentile ? cfg.churnedMultiple : cfg.atRiskMultiple));
    ({ level, method } = riskFromRule(
      { daysSinceLastOrder: p.daysSinceLastOrder, orders: customer.summary.purchaseDays, spanDays: p.recencyDays },
      fallback,
      { atRiskMultiple: cfg.atRiskMultiple, churnedMultiple: cfg.churnedMultiple, atRiskPercentile: cfg.atRiskPercentile, churnedPercentile: cfg.churnedPercentile },
    ));
  }

  const cuts = model.stats?.rfmCuts;
  const segment = cuts?.recencyDays.length
    ? rfmSegment(scoreAgainst(p.daysSinceLastOrder, cuts.recencyDays, false), scoreAgainst(customer.summary.purchaseDays, cuts.frequency, true))
    : undefined;
  return {
    level,
    method,
    ...(segment ? { segment } : {}),
    ...(prediction ? { prediction } : {}),
    daysSinceLastOrder: Math.floor(p.daysSinceLastOrder),
    lastOrderDay,
  };
}

export type ScoreDecision =
  | { kind: 'unchanged' }
  | { kind: 'update'; risk: RiskState; segment?: string; prediction?: Prediction; event?: CustomerRiskChanged };

export function decideScores(customer: CustomerRecord, s: Scored, runKey: string, now: Date): ScoreDecision {
  const current = customer.risk;
  // A purchase since the stored level starts a new episode: drifting back into the same
  // non-active level is a new entry (and a new campaign occurrence), not "unchanged".
  const newEpisode = current !== undefined && current.lastOrderDay !== s.lastOrderDay && s.level !== 'active';
  const levelChanged = current?.level !== s.level || newEpisode;
  const methodChanged = current?.method !== s.method;
  const segmentChanged = (customer.segment ?? undefined) !== s.segment;
  // Predictions are rewritten once per model version (at most once per accepted weekly refit),
  // not daily: between versions a stored prediction is as of its last write (see README "Scoring").
  const predictionStale = s.prediction !== undefined && customer.prediction?.modelVersion !== s.prediction.modelVersion;
  if (!levelChanged && !methodChanged && !segmentChanged && !predictionStale) return { kind: 'unchanged' };
  const at = now.toISOString();
  const risk: RiskState =
    current && !levelChanged && !methodChanged
      ? current
      : { level: s.level, method: s.method, since: at, lastOrderDay: s.lastOrderDay };
  return {
    kind: 'update',
    risk,
    ...(s.segment ? { segment: s.segment } : {}),
    ...(s.prediction ? { prediction: s.prediction } : {}),
    ...(levelChanged
      ? {
          event: {
            customerId: customer.customerId,
            from: current?.level ?? null,
            to: s.level,
            method: s.method,
            daysSinceLastOrder: s.daysSinceLastOrder,
            lastOrderDay: s.lastOrderDay,
            runKey,
            occurredAt: at,
          },
        }
      : {}),
  };
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;
