// Out-of-sample accuracy of the churn levels: run the refit exactly as production would at a
// calibration end D (data ≤ D only), then compare its levels and forecasts with what customers did
// after D, next to the baseline "days since the last purchase".
import { fitModel, COUNT_MODELS, type CountModelName } from './fit.js';
import { buildHoldout, splitAt, type HoldoutRow, type PurchaseDays } from './holdout.js';
import { tryHoldoutForecast, type HoldoutForecast } from './select.js';
import { planRefit, type RefitPlan, type RefitPlanOptions } from './refit-plan.js';
import { fitLevelThresholds, levelOf, rankValue } from './levels.js';
import { auc, levelReport, levelsAtShares, type LevelReport } from './metrics.js';
import { gapObservationsFromDays, kmGapPercentiles } from './km.js';
import { gapPercentiles, riskFromRule, riskFromPAlive, type RiskLevel } from './risk.js';
import { pAlive, type CountModel } from './count-model.js';

export interface EvaluationOptions extends RefitPlanOptions {
  /** Last day of the outcome window (inclusive). Default: the last purchase day in the data. */
  outcomeEndDay?: number;
}

export type RankingId = 'model-rank' | 'p-alive' | 'recency';
export type LevelsId = 'model' | 'recency-fitted' | 'recency-shares' | 'p-alive-bands' | 'rule-km' | 'rule-completed';

export interface EvaluationReport {
  calibrationEndDay: number;
  outcomeEndDay: number;
  /** Outcome window length in model units. */
  outcomeLength: number;
  customers: number;
  /** Customers with a purchase in the outcome window. */
  returned: number;
  plan: RefitPlan;
  /** Each candidate refit on all data ≤ D, forecasting the outcome window. */
  forecasts: { model: CountModelName; chosen: boolean; forecast: HoldoutForecast }[];
  /** Continuous rankings: AUC for "no purchase in the outcome window". */
  rankings: { id: RankingId; name: string; auc: number }[];
  levels: { id: LevelsId; name: string; report: LevelReport }[];
  /** In-sample ceilings: the best AUC any three levels of that score reach on this very outcome. */
  ceilings: { id: RankingId; name: string; auc: number }[];
}

function lastDay(histories: readonly PurchaseDays[]): number {
  let m = -Infinity;
  for (const d of histories) if (d.length && d[d.length - 1]! > m) m = d[d.length - 1]!;
  return m;
}

function ruleLevels(rows: readonly HoldoutRow[], storeGap: (p: number) => number, unitDays: number): RiskLevel[] {
  return rows.map((r) => riskFromRule({ daysSinceLastOrder: (r.T - r.tx) * unitDays, orders: r.x + 1, spanDays: r.tx * unitDays }, storeGap).level);
}

export function evaluateChurn(histories: readonly PurchaseDays[], calibrationEndDay: number, opts: EvaluationOptions = {}): EvaluationReport {
  const unitDays = opts.unitDays ?? 7;
  const end = opts.outcomeEndDay ?? lastDay(histories);
  if (!(end > calibrationEndDay)) throw new RangeError('the outcome window after the calibration end is empty');
  const plan = planRefit(histories, calibrationEndDay, opts);
  const base: { row: HoldoutRow; days: PurchaseDays }[] = [];
  for (const d of histories) {
    const row = splitAt(d, calibrationEndDay, end, unitDays);
    if (row) base.push({ row, days: d });
  }
  const rows = base.map((b) => b.row);
  const length = (end - calibrationEndDay) / unitDays;
  const returned = rows.map((r) => r.holdout > 0);
  const lapsed = returned.map((v) => !v);
  const summary = rows.map((r, i) => ({ customerId: String(i), x: r.x, tx: r.tx, T: r.T }));
  const forecasts = COUNT_MODELS.map((model) => {
    const fit = fitModel(model, summary, opts.fit);
    return { model, chosen: model === plan.choice?.model, forecast: tryHoldoutForecast({ model, params: fit.params } as CountModel, rows, length) };
  });

  const recency = rows.map((r) => r.T - r.tx);
  const rankings: EvaluationReport['rankings'] = [{ id: 'recency', name: 'days since last purchase', auc: auc(recency, lapsed) }];
  // In-sample best any three levels of a score could do on this outcome: context, not a result.
  const ceilings: EvaluationReport['ceilings'] = [{ id: 'recency', name: 'days-since-last-purchase levels', auc: fitLevelThresholds(recency.map((v) => -v), returned, opts.levels)?.auc ?? Number.NaN }];
  const levels: EvaluationReport['levels'] = [];
  const choice = plan.choice;
  if (choice) {
    const m = { model: choice.model, params: choice.params } as CountModel;
    rankings.unshift({ id: 'p-alive', name: `P(alive), ${choice.model}`, auc: auc(rows.map((r) => -pAlive(m, r.x, r.tx, r.T)), lapsed) });
    const th = choice.thresholds;
    if (th) {
      const values = rows.map((r) => rankValue(m, th.rankBy, th.horizon, r.x, r.tx, r.T));
      const what = `${th.rankBy === 'expected' ? 'E[X(h)]' : 'P(purchase within h)'}, ${choice.model}`;
      rankings.unshift({ id: 'model-rank', name: what, auc: auc(values.map((v) => -v), lapsed) });
      const modelLevels = values.map((v) => levelOf(v, th));
      const report = levelReport(modelLevels, returned);
      levels.push({ id: 'model', name: `model levels (${what})`, report });
      const shares: [number, number] = [report.levels[0]!.share, report.levels[1]!.share];
      levels.push({ id: 'recency-fitted', name: 'days since last purchase, cut alike', report: levelReport(recencyLevels(histories, calibrationEndDay, th.horizon, opts, recency), returned) });
      levels.push({ id: 'recency-shares', name: 'days since last purchase, equal shares', report: levelReport(levelsAtShares(recency, shares), returned) });
      ceilings.push({ id: 'model-rank', name: `${what} levels`, auc: fitLevelThresholds(values, returned, opts.levels)?.auc ?? Number.NaN });
    }
    levels.push({ id: 'p-alive-bands', name: `P(alive) bands 0.6/0.3, ${choice.model}`, report: levelReport(rows.map((r) => riskFromPAlive(pAlive(m, r.x, r.tx, r.T)).level), returned) });
  }
  const gaps = base.flatMap((b) => gapObservationsFromDays(b.days.filter((d) => d <= calibrationEndDay), calibrationEndDay));
  levels.push({ id: 'rule-km', name: 'rule, Kaplan–Meier gap percentiles', report: levelReport(ruleLevels(rows, kmGapPercentiles(gaps), unitDays), returned) });
  levels.push({ id: 'rule-completed', name: 'rule, completed gaps only', report: levelReport(ruleLevels(rows, gapPercentiles(gaps.filter((g) => g.event).map((g) => g.days)), unitDays), returned) });
  return {
    calibrationEndDay,
    outcomeEndDay: end,
    outcomeLength: length,
    customers: rows.length,
    returned: returned.filter(Boolean).length,
    plan,
    forecasts,
    rankings,
    levels,
    ceilings,
  };
}

/** The baseline with cut points fitted exactly like the model's: on the refit's own hold-out. */
function recencyLevels(histories: readonly PurchaseDays[], endDay: number, horizon: number, opts: EvaluationOptions, recency: readonly number[]): RiskLevel[] {
  const split = buildHoldout(histories, endDay, opts);
  const fit = fitLevelThresholds(split.rows.map((r) => r.tx - r.T), split.rows.map((r) => r.firstReturn <= horizon + 1e-9), opts.levels);
  return recency.map((v) => (fit ? levelOf(-v, fit) : 'active'));
}
