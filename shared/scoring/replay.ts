// Replays the refit over a shop's history: at each refit day D run planRefit on data ≤ D, then
// check the model it produced against the period that followed — the test of whether the
// hold-out bound keeps bad forecasts out.
import type { CountModelName } from './fit.js';
import { splitAt, type PurchaseDays } from './holdout.js';
import { holdoutForecast } from './select.js';
import { planRefit, type RefitPlanOptions } from './refit-plan.js';
import type { CountModel } from './count-model.js';

export interface ReplayStep {
  day: number;
  accepted: boolean;
  chosen: CountModelName | null;
  /** Hold-out (predicted − actual)/actual of the chosen model; null when nothing was chosen. */
  holdoutError: number | null;
  holdoutErrorSe: number | null;
  /** The refit model's forecast of the next period, as long as the hold-out, for the base at D. */
  next: { days: number; actual: number; predicted: number; error: number } | null;
  reasons: string[];
}

export interface ReplayOptions extends RefitPlanOptions {
  fromDay: number;
  toDay: number;
  everyDays: number;
  /** Last day with data; next periods ending later are not scored. Default toDay. */
  dataEndDay?: number;
}

export function replayRefits(histories: readonly PurchaseDays[], opts: ReplayOptions): ReplayStep[] {
  const unitDays = opts.unitDays ?? 7;
  const dataEnd = opts.dataEndDay ?? opts.toDay;
  const steps: ReplayStep[] = [];
  for (let day = opts.fromDay; day <= opts.toDay; day += opts.everyDays) {
    const plan = planRefit(histories, day, opts);
    const choice = plan.choice;
    const chosen = plan.selection.candidates.find((c) => c.model === choice?.model);
    const days = Math.round(plan.selection.holdoutLength * unitDays);
    let next: ReplayStep['next'] = null;
    if (choice && day + days <= dataEnd) {
      const rows = histories.flatMap((d) => splitAt(d, day, day + days, unitDays) ?? []);
      const f = holdoutForecast({ model: choice.model, params: choice.params } as CountModel, rows, days / unitDays);
      next = { days, actual: f.actual, predicted: f.predicted, error: f.error };
    }
    steps.push({ day, accepted: plan.accepted, chosen: choice?.model ?? null, holdoutError: chosen?.forecast.error ?? null, holdoutErrorSe: chosen?.forecast.errorSe ?? null, next, reasons: plan.reasons });
  }
  return steps;
}
