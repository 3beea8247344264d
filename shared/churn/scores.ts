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
import { createScorer, type CustomerScore, type Scorer } from '../scoring/scorer.js';
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
  /** With a model: what the prediction is made of (predictionOf builds it). */
  modelScore?: ModelScore;
  daysSinceLastOrder: number;
  lastOrderDay: string;
}

export interface ModelScore {
  scoredBy: ScoringModel;
  score: CustomerScore;
  /** 1/E[purchase rate | history] in days. */
  gapDays: number;
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
  let modelScore: ModelScore | undefined;
  if (scoring) {
    const { model: m, scorer } = scoring;
    const score = scorer.score({ x, tx, T, zbar: p.repeatValue });
    if (score.error) return { failed: score.error };
    if (score.level) {
      level = score.level;
      method = 'model';
    } else ({ level, method } = riskFromPAlive(score.pAlive, cfg.modelBands));
    // Every model here has the Gamma(r, α) purchase-rate mixing behind the next-order estimate.
    modelScore = { scoredBy: m, score, gapDays: expectedGapDays(m.model.params.r, m.model.params.alpha, x, T, WEEK_DAYS) };
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
  // Clamped: a last order up to the contract's clock skew ahead of "now" falls on tomorrow's
  // date near midnight, which is "today", not minus one day.
  const scored: Scored = { level, method, daysSinceLastOrder: Math.max(0, Math.floor(p.daysSinceLastOrder)), lastOrderDay };
  if (segment) scored.segment = segment;
  if (modelScore) scored.modelScore = modelScore;
  return scored;
}

/**
 * The prediction stored on the customer, from a model score. Built only for a customer who will
 * be written (decideScores): on most days most customers are unchanged, and building it for
 * everyone was a third of the sweep's CPU (bench/scoring.ts, sweepPerCustomer).
 */
export function predictionOf(s: Scored, now: Date): Prediction | undefined {
  const ms = s.modelScore;
  if (!ms) return undefined;
  const { scoredBy: m, score, gapDays } = ms;
  const prediction: Prediction = {
    pAlive: round4(score.pAlive),
    expectedPurchases: round4(score.expected),
    pLapse: round4(score.pLapse),
    horizonDays: m.horizonDays,
    avgDaysBetweenOrders: round1(gapDays),
    // The day of now + the gap in whole days, as nextOrderEstimate (clv.ts) gives it.
    expectedNextOrderDay: isoDay(Math.floor(now.getTime() / DAY_MS) + Math.round(gapDays)),
    model: m.model.model,
    modelVersion: m.version,
  };
  // Assigned, not spread: object spreads in the sweep's loop cost more than the scoring itself.
  if (score.clv !== undefined) prediction.clv12m = round2(score.clv);
  if (score.priority !== undefined) prediction.priority = round2(score.priority);
  return prediction;
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
  const predictionStale = s.modelScore !== undefined && customer.prediction?.modelVersion !== s.modelScore.scoredBy.version;
  if (!levelChanged && !methodChanged && !segmentChanged && !predictionStale) return UNCHANGED;
  const at = isoInstant(now);
  const risk: RiskState =
    current && !levelChanged && !methodChanged
      ? current
      : { level: s.level, method: s.method, since: at, lastOrderDay: s.lastOrderDay };
  const update: Extract<ScoreDecision, { kind: 'update' }> = { kind: 'update', risk };
  if (s.segment) update.segment = s.segment;
  const prediction = predictionOf(s, now);
  if (prediction) update.prediction = prediction;
  if (levelChanged) {
    update.event = {
      customerId: customer.customerId,
      from: current?.level ?? null,
      to: s.level,
      method: s.method,
      daysSinceLastOrder: s.daysSinceLastOrder,
      lastOrderDay: s.lastOrderDay,
      runKey,
      occurredAt: at,
    };
  }
  return update;
}

// One sweep judges every customer at the same instant: format it once, not per written customer.
let lastInstant = { ms: Number.NaN, iso: '' };
function isoInstant(now: Date): string {
  const ms = now.getTime();
  if (ms !== lastInstant.ms) lastInstant = { ms, iso: now.toISOString() };
  return lastInstant.iso;
}

/** Shared: most customers on most days are unchanged, and the sweep only reads the kind. */
const UNCHANGED: ScoreDecision = Object.freeze({ kind: 'unchanged' });

const round1 = (v: number) => Math.round(v * 10) / 10;
const round2 = (v: number) => Math.round(v * 100) / 100;
const round4 = (v: number) => Math.round(v * 1e4) / 1e4;
