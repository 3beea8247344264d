// Plain-text tables of model selection and churn evaluation, for `engage model` and the CDNOW
// validation script (pure: returns strings).
import { formatDay } from './csv.js';
import type { EvaluationReport } from './evaluate.js';
import type { RefitPlan } from './refit-plan.js';
import type { LevelReport } from './metrics.js';

/** Left-aligns the first column, right-aligns the others. */
export function textTable(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd()).join('\n');
}

const pct = (v: number, digits = 1): string => (Number.isFinite(v) ? `${(100 * v).toFixed(digits)}%` : '—');
const num = (v: number, digits = 3): string => (Number.isFinite(v) ? v.toFixed(digits) : '—');

export function formatSelection(plan: RefitPlan, unitDays = 7): string {
  const sel = plan.selection;
  const choice = plan.choice;
  const lines: string[] = [];
  const window = choice ? `${formatDay(choice.selection.cutDay + 1)}..${formatDay(choice.selection.endDay)}, ` : '';
  lines.push(`Model selection on the hold-out (${window}${(sel.holdoutLength * unitDays).toFixed(0)} days; ${sel.customers} customers, ${sel.repeatBuyers} repeat buyers)`);
  const classes = sel.candidates[0]?.forecast.byClass.map((c) => c.cls) ?? [];
  // Earlier origins: the same model fitted on the data before each earlier hold-out (rolling origin).
  const earlier = sel.originEnds.slice(1).map((end) => `to ${formatDay(end)}`);
  const head = ['model', 'converged', 'error', '± s.e.', 'class error', ...earlier, ...classes.map((c) => `x=${c}`)];
  const actual = ['actual', '', '', '', '', ...earlier.map(() => ''), ...(sel.candidates[0]?.forecast.byClass.map((c) => String(c.actual)) ?? [])];
  const rows = sel.candidates.map((c) => [
    `${c.model}${c.model === sel.chosen ? ' *' : ''}`,
    c.converged ? 'yes' : 'no',
    pct(c.forecast.error),
    pct(c.forecast.errorSe),
    pct(c.forecast.classError),
    // '—': not fitted there, the model had already missed a later hold-out.
    ...earlier.map((_, i) => { const f = c.forecasts[i + 1]; return f ? `${pct(f.error)} ± ${pct(f.errorSe)}` : '—'; }),
    ...c.forecast.byClass.map((b) => num(b.predicted, 1)),
  ]);
  lines.push(textTable([head, actual, ...rows]));
  if (earlier.length) lines.push('(to …: error ± s.e. on an earlier hold-out of the same length, fitted on the data before it; the bound applies to every hold-out; — : not fitted, already out)');
  lines.push(plan.accepted ? `chosen: ${sel.chosen} (accepted)` : `refused${sel.chosen ? ` (best: ${sel.chosen})` : ''}: ${plan.reasons.join('; ')}`);
  const th = choice?.thresholds;
  if (th && choice?.thresholdFit) {
    const [a, r, c] = choice.thresholdFit.returnRates;
    const what = th.rankBy === 'expected' ? 'E[X(h)]' : 'P(purchase within h)';
    lines.push(`levels: ${what}, h = ${(th.horizon * unitDays).toFixed(0)} days: active ≥ ${num(th.active, 4)}, at-risk ≥ ${num(th.atRisk, 4)}; hold-out return rates ${pct(a)} / ${pct(r)} / ${pct(c)}`);
  } else if (choice) lines.push('levels: no cut points with falling return rates on the hold-out (P(alive) bands apply)');
  return lines.join('\n');
}

function levelRow(name: string, r: LevelReport): string[] {
  return [name, num(r.auc), r.monotone ? 'yes' : 'NO', ...r.levels.flatMap((s) => [pct(s.share, 0), pct(s.returnRate), pct(s.precision, 0), pct(s.recall, 0)])];
}

export function formatEvaluation(r: EvaluationReport, unitDays = 7): string {
  const out: string[] = [];
  out.push(`Calibration end ${formatDay(r.calibrationEndDay)}; outcome window to ${formatDay(r.outcomeEndDay)} (${(r.outcomeLength * unitDays).toFixed(0)} days): ${r.customers} customers, ${r.returned} bought again (${pct(r.returned / r.customers)}).`);
  out.push('', formatSelection(r.plan, unitDays));

  out.push('', 'Forecast of the outcome window by calibration frequency (each model refit on all data up to the calibration end)');
  const classes = r.forecasts[0]!.forecast.byClass;
  const fHead = ['x', 'customers', 'actual', ...r.forecasts.map((f) => `${f.model}${f.chosen ? ' *' : ''}`)];
  const fRows = classes.map((c, k) => [c.cls, String(c.customers), String(c.actual), ...r.forecasts.map((f) => num(f.forecast.byClass[k]!.predicted, 1))]);
  const total = ['total', String(r.customers), String(r.forecasts[0]!.forecast.actual), ...r.forecasts.map((f) => num(f.forecast.predicted, 1))];
  const err = ['error', '', '', ...r.forecasts.map((f) => pct(f.forecast.error))];
  const classErr = ['class error', '', '', ...r.forecasts.map((f) => pct(f.forecast.classError))];
  out.push(textTable([fHead, ...fRows, total, err, classErr]));

  out.push('', 'AUC for "no purchase in the outcome window" (ties count ½)');
  out.push(textTable([['ranking', 'AUC'], ...r.rankings.map((x) => [x.name, num(x.auc)])]));
  out.push('', 'Risk levels: AUC; per level share / return rate / precision / recall (active: of returning; others and flagged = at-risk + churned: of not returning)');
  const lHead = ['levels', 'AUC', 'monotone', ...['active', 'at-risk', 'churned', 'flagged'].flatMap((l) => [l, 'return', 'prec', 'recall'])];
  out.push(textTable([lHead, ...r.levels.map((l) => levelRow(l.name, l.report))]));
  out.push('', `In-sample ceilings (best three levels of a score on this very outcome): ${r.ceilings.map((c) => `${c.name} ${num(c.auc)}`).join('; ')}`);
  return out.join('\n');
}
