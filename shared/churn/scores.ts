/**
 * Scoring one customer for the sweep: risk level (model when a reliable fit exists, else the
 * rule), RFM segment, and predictions; then the decision whether anything worth writing changed.
 * Only a change of risk level or segment is written, so a daily sweep does not rewrite the table.
 */
import type { CustomerRiskChanged, RiskLevel, RiskMethod } from '../platform/contracts/events.js';
import { paretoClv, nextOrderEstimate } from '../scoring/clv.js';
import { paretoPAlive } from '../scoring/pareto-nbd.js';
import { rfmSegment } from '../scoring/rfm.js';
import { riskFromPAlive, riskFromRule, type ModelBands } from '../scoring/risk.js';
import type { CustomerRecord, Prediction, RiskState } from '../customers/record.js';
import { gapPercentileFn, scoreAgainst, type StoreModel } from './model.js';
import { purchaseStats } from '../orders/decide.js';
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

const WEEK_DAYS = 7;

export function scoreCustomer(customer: CustomerRecord, model: StoreModel, cfg: RiskConfig, now: Date): Scored | null {
  const p = purchaseStats(customer.summary, now);
  const lastOrderDay = customer.summary.lastDay;
  if (!p || !lastOrderDay) return null;
  const x = p.x;
  const tx = p.recencyDays / WEEK_DAYS;
  const T = p.ageDays / WEEK_DAYS;

  let level: RiskLevel;
  let method: RiskMethod;
  let prediction: Prediction | undefined;
  const params = model.params;
  if (params) {
    const pAlive = paretoPAlive(params.paretoNbd, x, tx, T);
    ({ level, method } = riskFromPAlive(pAlive, cfg.modelBands));
    const next = nextOrderEstimate(params.paretoNbd.r, params.paretoNbd.alpha, { x, tx, T }, now, WEEK_DAYS);
    prediction = {
      pAlive: round(pAlive, 4),
      avgDaysBetweenOrders: round(next.avgDaysBetweenOrders, 1),
      expectedNextOrderDay: next.expectedNextOrderDate,
      modelVersion: params.version,
      ...(params.gammaGamma ? { clv12m: round(paretoClv(params.paretoNbd, params.gammaGamma, { x, tx, T, zbar: p.repeatValue }), 2) } : {}),
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
    // Clamped: a last order up to the contract's clock skew ahead of "now" falls on tomorrow's
    // date near midnight, which is "today", not minus one day.
    daysSinceLastOrder: Math.max(0, Math.floor((now.getTime() - Date.parse(lastOrderDay)) / DAY_MS)),
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
  if (!levelChanged && !methodChanged && !segmentChanged) return { kind: 'unchanged' };
  const risk: RiskState =
    current && !levelChanged && !methodChanged
      ? current
      : { level: s.level, method: s.method, since: now.toISOString(), lastOrderDay: s.lastOrderDay };
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
            occurredAt: now.toISOString(),
          },
        }
      : {}),
  };
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;
