// What a refit decides, as one pure function: hold back the end of the observed period (and the
// period before it, a second forecast origin), choose the model on them, fit the risk-level cut points on it, refit the winner on all data, and say
// whether the result may replace the current model. The app stores `choice` with the version.
import { fitModel, type CountModelName } from './fit.js';
import { buildOrigins, summarizeDays, type HoldoutOptions, type PurchaseDays } from './holdout.js';
import { selectModel, SELECTION_DEFAULTS, type ClassForecast, type ModelSelection, type SelectionOptions } from './select.js';
import { fitLevelThresholds, rankValue, type LevelCounts, type LevelFitOptions, type LevelThresholds, type RankBy } from './levels.js';
import type { CountModel } from './count-model.js';
import type { SummaryRow } from './columns.js';

export interface RefitPlanOptions extends HoldoutOptions, SelectionOptions {
  /** Horizon H of the risk ranking in days. Default 90. */
  horizonDays?: number;
  /** Default 'expected' (E[X(h)]): it ranked best on the CDNOW hold-out (scripts/validate-cdnow.ts). */
  rankBy?: RankBy;
  levels?: LevelFitOptions;
  /** Refuse a hold-out shorter than this many days: it would not span a buying cycle. Default 28. */
  minHoldoutDays?: number;
}

export interface CandidateSummary {
  model: CountModelName;
  converged: boolean;
  /** Hold-out (predicted − actual)/actual. */
  error: number;
  classError: number;
  byClass: ClassForecast[];
  /** The earlier origins' hold-outs, latest first, up to the first one missed (absent in versions stored before them). */
  earlier?: OriginError[];
}

export interface OriginError {
  /** Last day of that hold-out. */
  endDay: number;
  error: number;
  errorSe: number;
  classError: number;
}

/** Everything worth storing with a model version (JSON-safe). */
export interface ModelChoice {
  model: CountModelName;
  params: CountModel['params'];
  converged: boolean;
  logLikelihood: number;
  customers: number;
  repeatBuyers: number;
  selection: {
    cutDay: number;
    endDay: number;
    holdoutLength: number;
    /** Last day of each origin's hold-out, latest first (absent in versions stored before them). */
    originEnds?: number[];
    bound: number;
    candidates: CandidateSummary[];
  };
  /** Null when no cut pair made the levels monotone on the hold-out (use the P(alive) bands). */
  thresholds: LevelThresholds | null;
  thresholdFit: { counts: LevelCounts; returnRates: [number, number, number]; auc: number } | null;
}

export interface RefitPlan {
  /** True when `choice` may become the current model. */
  accepted: boolean;
  reasons: string[];
  /** Present whenever a candidate could be chosen, accepted or not (for reporting). */
  choice: ModelChoice | null;
  selection: ModelSelection;
}

/**
 * `histories` are distinct ascending purchase days per customer; only days ≤ endDay are used.
 * Time in the models is days / unitDays (default weeks).
 */
export function planRefit(histories: readonly PurchaseDays[], endDay: number, opts: RefitPlanOptions = {}): RefitPlan {
  const unitDays = opts.unitDays ?? 7;
  const origins = buildOrigins(histories, endDay, opts);
  const split = origins[0]!;
  const minDays = opts.minHoldoutDays ?? 28;
  const shortHoldout = endDay - split.cutDay < minDays;
  const selection = selectModel(origins, { ...opts, latestOnly: shortHoldout });
  const chosen = selection.candidates.find((c) => c.model === selection.chosen);
  if (!chosen) return { accepted: false, reasons: selection.reasons, choice: null, selection };

  // Cut points on the hold-out, for the horizon it can observe (≤ H).
  const horizon = Math.min((opts.horizonDays ?? 90) / unitDays, split.length);
  const rankBy = opts.rankBy ?? 'expected';
  const calModel = { model: chosen.model, params: chosen.params } as CountModel;
  const values = split.rows.map((r) => rankValue(calModel, rankBy, horizon, r.x, r.tx, r.T));
  const returned = split.rows.map((r) => r.firstReturn <= horizon + 1e-9);
  const levelFit = fitLevelThresholds(values, returned, opts.levels);

  const all: SummaryRow[] = [];
  histories.forEach((d, i) => {
    const s = summarizeDays(d, endDay, unitDays);
    if (s) all.push({ customerId: String(i), ...s });
  });
  const fit = fitModel(chosen.model, all, opts.fit);
  const reasons = [...selection.reasons];
  if (shortHoldout) reasons.push(`hold-out of ${endDay - split.cutDay} days is shorter than ${minDays}`);
  if (!Number.isFinite(fit.logLikelihood)) reasons.push(`${chosen.model} refit on all data has no finite likelihood`);
  const choice: ModelChoice = {
    model: chosen.model,
    params: fit.params,
    converged: fit.converged,
    logLikelihood: fit.logLikelihood,
    customers: all.length,
    repeatBuyers: all.filter((r) => r.x > 0).length,
    selection: {
      cutDay: split.cutDay,
      endDay,
      holdoutLength: split.length,
      originEnds: origins.map((o) => o.endDay),
      bound: opts.bound ?? SELECTION_DEFAULTS.bound,
      candidates: selection.candidates.map((c) => ({
        model: c.model, converged: c.converged, error: c.forecast.error, classError: c.forecast.classError, byClass: c.forecast.byClass,
        earlier: c.forecasts.slice(1).map((f, k) => ({ endDay: origins[k + 1]!.endDay, error: f.error, errorSe: f.errorSe, classError: f.classError })),
      })),
    },
    thresholds: levelFit ? { rankBy, horizon, active: levelFit.active, atRisk: levelFit.atRisk } : null,
    thresholdFit: levelFit ? { counts: levelFit.counts, returnRates: levelFit.returnRates, auc: levelFit.auc } : null,
  };
  return { accepted: reasons.length === 0, reasons, choice, selection };
}
