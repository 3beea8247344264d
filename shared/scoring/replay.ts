// Replays the refit over a shop's history: at each refit day D run planRefit on data ≤ D, then
// check the model it produced against the period that followed — the test of whether the
// hold-out bound keeps bad forecasts out.
import { fitModel, COUNT_MODELS, type CountModelName } from './fit.js';
import { splitAt, type PurchaseDays } from './holdout.js';
import { tryHoldoutForecast } from './select.js';
import { planRefit, type RefitPlanOptions } from './refit-plan.js';
import type { CountModel } from './count-model.js';

export interface ReplayStep {
  day: number;
  accepted: boolean;
  chosen: CountModelName | null;
  /** Hold-out (predicted − actual)/actual of the chosen model; null when nothing was chosen. */
  holdoutError: number | null;
  holdoutErrorSe: number | null;
  /** The chosen model's error on each earlier origin's hold-out (rolling origin), latest first. */
  earlierErrors: number[];
  /** The refit model's forecast of the next period, as long as the hold-out, for the base at D. */
  next: { days: number; actual: number; predicted: number; error: number } | null;
  /** With compareAll: every candidate refit on all data ≤ D, its next-period error. */
  nextByModel?: Partial<Record<CountModelName, number>>;
  reasons: string[];
}

export interface ReplayOptions extends RefitPlanOptions {
  fromDay: number;
  toDay: number;
  everyDays: number;
  /** Last day with data; next periods ending later are not scored. Default toDay. */
  dataEndDay?: number;
  /** Also forecast the next period with every candidate (tells unforeseeable periods apart). */
  compareAll?: boolean;
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
    const step: ReplayStep = { day, accepted: plan.accepted, chosen: choice?.model ?? null, holdoutError: chosen?.forecast.error ?? null, holdoutErrorSe: chosen?.forecast.errorSe ?? null, earlierErrors: chosen?.forecasts.slice(1).map((f) => f.error) ?? [], next: null, reasons: plan.reasons };
    if (choice && day + days <= dataEnd) {
      const rows = histories.flatMap((d) => splitAt(d, day, day + days, unitDays) ?? []);
      const f = tryHoldoutForecast({ model: choice.model, params: choice.params } as CountModel, rows, days / unitDays);
      step.next = { days, actual: f.actual, predicted: f.predicted, error: f.error };
      if (opts.compareAll) {
        const summary = rows.map((r, i) => ({ customerId: String(i), x: r.x, tx: r.tx, T: r.T }));
        step.nextByModel = Object.fromEntries(COUNT_MODELS.map((m) => {
          const fit = fitModel(m, summary, opts.fit);
          return [m, tryHoldoutForecast({ model: m, params: fit.params } as CountModel, rows, days / unitDays).error];
        }));
      }
    }
    steps.push(step);
  }
  return steps;
}
