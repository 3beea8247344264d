// `engage model show`: the model version in force as the refit stored it — the chosen model, its
// parameters, the hold-out errors of every candidate by frequency class, the level cut points —
// plus the base statistics and what the last refit decided (also when it refused).
// Reads the table named by TABLE_NAME (cli/table.ts).
import { writeFileSync } from 'node:fs';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Command } from 'commander';
import { formatDay, textTable, type ModelChoice } from '../shared/scoring/index.js';
import type { ModelParams, RefitReport, StoreModel } from '../shared/churn/model.js';
import { openTable } from './table.js';

export interface ModelShowIo {
  stdout?: { write(s: string): unknown };
  /** Injected by tests; otherwise built from the environment. */
  dynamodb?: DynamoDBClient;
}

// Stored choices carry null where a number was not finite (a candidate without a forecast).
const finite = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);
const pct = (v: number | null | undefined): string => (finite(v) ? `${(100 * v).toFixed(1)}%` : '—');
const num = (v: number | null | undefined, digits = 3): string => (finite(v) ? v.toFixed(digits) : '—');
const paramText = (p: object): string => Object.entries(p).map(([k, v]) => `${k} ${num(v as number, 4)}`).join(', ');

/** The hold-out table and the cut points of a stored choice. */
export function formatChoice(c: ModelChoice, unitDays = 7): string[] {
  const sel = c.selection;
  const lines = [`Selection on the hold-out ${formatDay(sel.cutDay + 1)}..${formatDay(sel.endDay)} (${num(sel.holdoutLength * unitDays, 0)} days), bound ±${pct(sel.bound)}:`];
  const classes = sel.candidates[0]?.byClass ?? [];
  // Versions stored before rolling-origin selection have no earlier hold-outs.
  const earlier = (sel.originEnds ?? []).slice(1).map((end) => `to ${formatDay(end)}`);
  lines.push(textTable([
    ['model', 'converged', 'error', 'class error', ...earlier, ...classes.map((b) => `x=${b.cls}`)],
    ['actual', '', '', '', ...earlier.map(() => ''), ...classes.map((b) => String(b.actual))],
    ...sel.candidates.map((k) => [`${k.model}${k.model === c.model ? ' *' : ''}`, k.converged ? 'yes' : 'no', pct(k.error), pct(k.classError),
      ...earlier.map((_, i) => { const o = k.earlier?.[i]; return o ? `${pct(o.error)} ± ${pct(o.errorSe)}` : '—'; }), ...k.byClass.map((b) => num(b.predicted, 1))]),
  ]));
  if (earlier.length) lines.push('  (to …: error ± s.e. on an earlier hold-out of the same length, fitted on the data before it; the bound applies to every hold-out; — : not fitted, already out)');
  const th = c.thresholds;
  if (th && c.thresholdFit) {
    const [a, r, k] = c.thresholdFit.returnRates;
    const what = th.rankBy === 'expected' ? 'E[X(h)]' : 'P(purchase within h)';
    lines.push(`Levels: ${what}, h = ${num(th.horizon * unitDays, 0)} days: active ≥ ${num(th.active, 4)}, at-risk ≥ ${num(th.atRisk, 4)}; ` +
      `hold-out return rates ${pct(a)} / ${pct(r)} / ${pct(k)} (monotone), AUC ${num(c.thresholdFit.auc)}`);
  } else lines.push('Levels: no cut points with falling return rates on the hold-out: P(alive) bands apply');
  return lines;
}

function formatParams(p: ModelParams): string[] {
  const c = p.choice;
  if (!c) {
    // A version stored before model selection: Pareto/NBD with the P(alive) bands.
    return [
      `Model version ${p.version} (fitted ${p.fittedAt}): pareto-nbd, stored before model selection (no hold-out errors; P(alive) bands)`,
      `  pareto-nbd: ${p.paretoNbd ? paramText(p.paretoNbd) : '—'}`,
      ...(p.gammaGamma ? [`  gamma-gamma: ${paramText(p.gammaGamma)}`] : []),
    ];
  }
  return [
    `Model version ${p.version} (fitted ${p.fittedAt}): ${c.model}${c.converged ? '' : ' (not converged: on the limit of the model)'}, ` +
      `${c.customers} customers, ${c.repeatBuyers} repeat buyers, LL ${num(c.logLikelihood, 1)}`,
    `  ${c.model}: ${paramText(c.params)}`,
    p.gammaGamma ? `  gamma-gamma: ${paramText(p.gammaGamma)} (CLV = expected order value × ${c.model} purchases)` : '  gamma-gamma: none (no CLV or priority)',
    `  P(lapse), E[X(H)], CLV priority over H = ${p.horizonDays ?? 90} days`,
    ...formatChoice(c),
  ];
}

function formatRefit(r: RefitReport): string[] {
  const head = `Last refit ${r.at}: ${r.outcome === 'updated' ? `accepted, version ${r.currentVersion}` : `refused, ${r.currentVersion ? `version ${r.currentVersion} stays` : 'no model yet'}`}` +
    ` (${r.customers} customers, ${r.sampled} sampled)`;
  if (r.outcome === 'updated') return [head, ...r.reasons.map((x) => `  note: ${x}`)];
  return [head, ...r.reasons.map((x) => `  - ${x}`), ...(r.choice ? formatChoice(r.choice).map((l) => `  ${l}`) : [])];
}

export function formatStoreModel(m: StoreModel): string {
  const lines: string[] = [];
  if (m.params) lines.push(...formatParams(m.params));
  else lines.push('No model version yet: risk levels come from the rule (own buying cycle; store gap percentiles for one-time buyers).');
  const st = m.stats;
  if (st) {
    const q = (p: number): string => num(st.gapQuantiles[Math.round(p / 0.05)], 0);
    const how = st.gapMethod === 'kaplan-meier' ? 'Kaplan–Meier, open gaps censored' : 'repeat buyers\' mean gaps';
    lines.push(`Base statistics (${st.computedAt}): gap between purchases p50 ${q(0.5)} / p75 ${q(0.75)} / p95 ${q(0.95)} days (${how})`);
  }
  if (m.lastRefit) lines.push(...formatRefit(m.lastRefit));
  return lines.join('\n');
}

export function registerModelShow(model: Command, io: ModelShowIo = {}): void {
  model
    .command('show')
    .description('The stored model: chosen model and parameters, hold-out errors by frequency class, level cut points, last refit decision')
    .option('--json', 'print the stored records as JSON')
    .option('--output <file>', 'write the current version as a params file for `model score --params`')
    .action(async (o: { json?: boolean; output?: string }) => {
      const table = openTable(io.dynamodb);
      try {
        const m = await table.stores.scores.getStoreModel();
        const out = io.stdout ?? process.stdout;
        out.write((o.json ? JSON.stringify(m, null, 2) : formatStoreModel(m)) + '\n');
        if (o.output) {
          const p = m.params;
          if (!p) throw new Error('no model version stored yet: nothing to write');
          const choice = p.choice;
          const file = choice
            ? { model: choice.model, params: choice.params, thresholds: choice.thresholds, ...(p.gammaGamma ? { 'gamma-gamma': p.gammaGamma } : {}) }
            : { model: 'pareto-nbd', params: p.paretoNbd, ...(p.gammaGamma ? { 'gamma-gamma': p.gammaGamma } : {}) };
          writeFileSync(o.output, JSON.stringify(file, null, 2) + '\n');
        }
      } finally {
        table.close();
      }
    });
}
