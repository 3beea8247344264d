// Model selection on a hold-out: fit each candidate on the calibration period, forecast the
// hold-out, keep the one whose forecast by calibration-frequency class misses least, and refuse
// a fit that misses the hold-out total by more than a bound.
import { fitModel, COUNT_MODELS, type CountModelName, type FitOptions, type FitResult } from './fit.js';
import { conditionalExpected, type CountModel } from './count-model.js';
import type { HoldoutRow } from './holdout.js';
import type { SummaryRow } from './columns.js';

/** Calibration frequency classes 0, 1, …, 6, 7+ (the published hold-out tables use these). */
export const FREQUENCY_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7+'] as const;
const TOP_CLASS = FREQUENCY_CLASSES.length - 1;

export interface ClassForecast {
  cls: string;
  customers: number;
  actual: number;
  predicted: number;
}

export interface HoldoutForecast {
  actual: number;
  predicted: number;
  /** (predicted − actual)/actual over everyone. */
  error: number;
  /** Σ_class |predicted − actual| / Σ actual: ≥ |error| (triangle inequality), 0 only if every class is right. */
  classError: number;
  /** Standard error of `error` from the customers' own residuals, √Σ(actual − predicted)² / Σ actual. */
  errorSe: number;
  byClass: ClassForecast[];
}

/** Hold-out forecast of a model fitted on the calibration period, total and by frequency class. */
export function holdoutForecast(m: CountModel, rows: readonly HoldoutRow[], length: number): HoldoutForecast {
  const byClass: ClassForecast[] = FREQUENCY_CLASSES.map((cls) => ({ cls, customers: 0, actual: 0, predicted: 0 }));
  let squares = 0;
  for (const r of rows) {
    const c = byClass[Math.min(r.x, TOP_CLASS)]!;
    const e = conditionalExpected(m, length, r.x, r.tx, r.T);
    c.customers++;
    c.actual += r.holdout;
    c.predicted += e;
    squares += (r.holdout - e) ** 2;
  }
  const actual = byClass.reduce((s, c) => s + c.actual, 0);
  const predicted = byClass.reduce((s, c) => s + c.predicted, 0);
  const miss = byClass.reduce((s, c) => s + Math.abs(c.predicted - c.actual), 0);
  return {
    actual,
    predicted,
    error: actual > 0 ? (predicted - actual) / actual : predicted > 0 ? Infinity : 0,
    classError: actual > 0 ? miss / actual : miss > 0 ? Infinity : 0,
    errorSe: actual > 0 ? Math.sqrt(squares) / actual : Infinity,
    byClass,
  };
}

export interface SelectionOptions {
  candidates?: readonly CountModelName[];
  /**
   * Refuse the chosen fit unless |hold-out total error| + noiseZ · its standard error ≤ bound, i.e.
   * unless the hold-out shows the error within the bound beyond its own sampling noise. Defaults
   * 0.2 and 1: on simulated shops and the CDNOW first-year replay (scripts/validate-cdnow.ts) this
   * kept out every fit that missed its next period by more than 20%, except in periods no model
   * could foresee (promotion spikes), while accepting most refits from the fourth month on.
   */
  bound?: number;
  noiseZ?: number;
  /** Refuse unless the calibration base has this many customers … Default 500. */
  minCustomers?: number;
  /** … of whom this many repeat buyers. Default 100. */
  minRepeatBuyers?: number;
  /** … and the hold-out has this many purchases (fewer make its error mostly noise). Default 100. */
  minHoldoutPurchases?: number;
  fit?: FitOptions;
}

export const SELECTION_DEFAULTS = { bound: 0.2, noiseZ: 1, minCustomers: 500, minRepeatBuyers: 100, minHoldoutPurchases: 100 } as const;

export interface CandidateReport {
  model: CountModelName;
  params: CountModel['params'];
  converged: boolean;
  logLikelihood: number;
  forecast: HoldoutForecast;
}

export interface ModelSelection {
  candidates: CandidateReport[];
  /** Lowest class error among candidates with a finite forecast; null when none has one. */
  chosen: CountModelName | null;
  accepted: boolean;
  reasons: string[];
  holdoutLength: number;
  customers: number;
  repeatBuyers: number;
}

const asCountModel = (f: FitResult<CountModelName>): CountModel => ({ model: f.model, params: f.params } as CountModel);

function toSummaryRows(rows: readonly HoldoutRow[]): SummaryRow[] {
  return rows.map((r, i) => ({ customerId: String(i), x: r.x, tx: r.tx, T: r.T }));
}

/** Fits every candidate on the calibration rows and compares their hold-out forecasts. */
export function selectModel(rows: readonly HoldoutRow[], holdoutLength: number, opts: SelectionOptions = {}): ModelSelection {
  const o = { ...SELECTION_DEFAULTS, ...opts };
  const summary = toSummaryRows(rows);
  const candidates: CandidateReport[] = (opts.candidates ?? COUNT_MODELS).map((model) => {
    const fit = fitModel(model, summary, opts.fit);
    return { model, params: fit.params, converged: fit.converged, logLikelihood: fit.logLikelihood, forecast: holdoutForecast(asCountModel(fit), rows, holdoutLength) };
  });
  const usable = candidates.filter((c) => Number.isFinite(c.forecast.classError) && Number.isFinite(c.forecast.predicted));
  usable.sort((a, b) => a.forecast.classError - b.forecast.classError || Math.abs(a.forecast.error) - Math.abs(b.forecast.error));
  const best = usable[0];
  const repeatBuyers = rows.filter((r) => r.x > 0).length;
  const reasons: string[] = [];
  if (rows.length < o.minCustomers) reasons.push(`only ${rows.length} customers in the calibration period (need ≥ ${o.minCustomers})`);
  if (repeatBuyers < o.minRepeatBuyers) reasons.push(`only ${repeatBuyers} repeat buyers in the calibration period (need ≥ ${o.minRepeatBuyers})`);
  if (!best) reasons.push('no candidate produced a finite hold-out forecast');
  else {
    if (best.forecast.actual < o.minHoldoutPurchases) reasons.push(`only ${best.forecast.actual} hold-out purchases (need ≥ ${o.minHoldoutPurchases})`);
    const { error, errorSe } = best.forecast;
    if (!(Math.abs(error) + o.noiseZ * errorSe <= o.bound)) {
      const pct = (v: number): string => (100 * v).toFixed(1);
      reasons.push(`${best.model} misses the hold-out by ${pct(error)}% ± ${pct(errorSe)}% (bound ±${pct(o.bound)}%)`);
    }
  }
  return { candidates, chosen: best?.model ?? null, accepted: reasons.length === 0, reasons, holdoutLength, customers: rows.length, repeatBuyers };
}
