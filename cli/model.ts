// `engage model fit|score|summarize|select|evaluate` — customer-base model commands.
// Errors are thrown as Error(message) (row numbers included); the main CLI prints them and exits 1.
// A customer that cannot be scored is reported on stderr and left blank; the file is still written.
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  fitModel, parseSummaryCsv, parseTransactionsCsv, summarizeTransactions, formatSummaryCsv, toColumns, createScorer, csvField,
  purchaseDaysByCustomer, parseDay, planRefit, evaluateChurn, formatSelection, formatEvaluation,
  type ModelName, type CountModel, type CountModelName, type GammaGammaParams, type TimeUnit, type LevelThresholds, type RefitPlanOptions,
} from '../shared/scoring/index.js';

export interface ModelCommandIo {
  stdout?: { write(s: string): unknown };
  stderr?: { write(s: string): unknown };
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${path}: ${(e as Error).message}`);
  }
}

function positiveNumber(name: string, raw: string | undefined, fallback: number, allowZero = false): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || v < 0 || (!allowZero && v === 0)) throw new Error(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} number, got ${JSON.stringify(raw)}`);
  return v;
}

function day(name: string, raw: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(raw) || Number.isNaN(parseDay(raw))) throw new Error(`${name} must be YYYY-MM-DD, got ${JSON.stringify(raw)}`);
  return parseDay(raw);
}

const FIT_MODELS: ModelName[] = ['bgnbd', 'mbgnbd', 'pareto-nbd', 'gamma-gamma'];
const SCORE_MODELS: CountModelName[] = ['bgnbd', 'mbgnbd', 'pareto-nbd'];
type ParamKey = 'bgnbd' | 'mbgnbd' | 'paretoNbd' | 'gammaGamma';
const PARAM_KEYS: Record<ParamKey, string[]> = {
  bgnbd: ['r', 'alpha', 'a', 'b'],
  mbgnbd: ['r', 'alpha', 'a', 'b'],
  paretoNbd: ['r', 'alpha', 's', 'beta'],
  gammaGamma: ['p', 'q', 'v'],
};
const KEY_OF: Record<CountModelName, ParamKey> = { bgnbd: 'bgnbd', mbgnbd: 'mbgnbd', 'pareto-nbd': 'paretoNbd' };

function checkParams(raw: unknown, key: ParamKey, file: string): Record<string, number> {
  const obj = (raw && typeof raw === 'object' && 'params' in raw ? (raw as { params: unknown }).params : raw) as Record<string, unknown>;
  if (!obj || typeof obj !== 'object') throw new Error(`${file}: ${key} must be an object of parameters`);
  const out: Record<string, number> = {};
  for (const k of PARAM_KEYS[key]) {
    const v = obj[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new Error(`${file}: ${key}.${k} must be a positive number`);
    out[k] = v;
  }
  return out;
}

interface ParamsFile {
  model?: Record<string, number>;
  gammaGamma?: GammaGammaParams;
  thresholds?: LevelThresholds;
}

/**
 * Accepts `{ bgnbd|mbgnbd|paretoNbd|gammaGamma: params or fit output }`, or the output of
 * `model fit` / `model select --output` itself (`{ model, params[, thresholds] }`).
 */
function readParams(file: string, model: CountModelName): ParamsFile {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(readText(file)) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${file}: invalid JSON (${(e as Error).message})`);
  }
  if (!json || typeof json !== 'object') throw new Error(`${file}: expected a JSON object`);
  const key = KEY_OF[model];
  const single = json['model'] === model ? json : undefined;
  const raw = single ?? json[key];
  const out: ParamsFile = raw === undefined ? {} : { model: checkParams(raw, key, file) };
  if (json['gammaGamma'] !== undefined) out.gammaGamma = checkParams(json['gammaGamma'], 'gammaGamma', file) as unknown as GammaGammaParams;
  const th = single?.['thresholds'] as LevelThresholds | null | undefined;
  if (th) out.thresholds = th;
  return out;
}

function emit(text: string, output: string | undefined, io: ModelCommandIo): void {
  if (output) writeFileSync(output, text);
  else (io.stdout ?? process.stdout).write(text);
}

function histories(file: string): number[][] {
  const days = [...purchaseDaysByCustomer(parseTransactionsCsv(readText(file))).values()];
  if (days.length === 0) throw new Error(`${file}: no transactions`);
  return days;
}

const lastDayOf = (h: readonly number[][]): number => h.reduce((m, d) => Math.max(m, d[d.length - 1]!), -Infinity);

interface PlanFlags { horizonDays?: string; holdoutFraction?: string; bound?: string }

function planOptions(o: PlanFlags): RefitPlanOptions {
  const fraction = positiveNumber('--holdout-fraction', o.holdoutFraction, 0.25);
  if (!(fraction < 1)) throw new Error('--holdout-fraction must be below 1');
  return { horizonDays: positiveNumber('--horizon-days', o.horizonDays, 90), holdoutFraction: fraction, bound: positiveNumber('--bound', o.bound, 0.2) };
}

function addPlanFlags(c: Command): Command {
  return c
    .option('--horizon-days <n>', 'risk ranking horizon H in days', '90')
    .option('--holdout-fraction <f>', 'share of the observed period held back', '0.25')
    .option('--bound <e>', 'refuse a fit missing the hold-out by more than this (relative)', '0.2')
    .option('--json', 'print JSON instead of tables');
}

export function registerModelCommands(program: Command, io: ModelCommandIo = {}): Command {
  const model = program.command('model').description('Customer-base models: BG/NBD, MBG/NBD, Pareto/NBD, Gamma-Gamma');
  const stderr = io.stderr ?? process.stderr;

  model
    .command('fit')
    .description('Fit a model by maximum likelihood to a customer summary CSV (customer_id,x,t_x,T[,zbar])')
    .requiredOption('--model <model>', FIT_MODELS.join(' | '))
    .requiredOption('--input <file>', 'summary CSV')
    .option('--penalizer <x>', 'L2 penalty on parameters (lifetimes convention)')
    .action((o: { model: string; input: string; penalizer?: string }) => {
      if (!FIT_MODELS.includes(o.model as ModelName)) throw new Error(`--model must be one of ${FIT_MODELS.join(', ')}, got ${JSON.stringify(o.model)}`);
      const rows = parseSummaryCsv(readText(o.input));
      if (o.model === 'gamma-gamma' && !rows.some((r) => r.zbar !== undefined)) throw new Error(`${o.input}: gamma-gamma needs a zbar column`);
      const fit = fitModel(o.model as ModelName, rows, { penalizer: positiveNumber('--penalizer', o.penalizer, 0, true) });
      emit(JSON.stringify(fit, null, 2) + '\n', undefined, io);
    });

  model
    .command('score')
    .description('Score customers: P(alive), expected purchases over the horizon, expected order value and CLV (and P(no purchase) and level with a `model select` file)')
    .requiredOption('--input <file>', 'summary CSV')
    .requiredOption('--params <file>', 'JSON: `model fit` or `model select --output` output, or { bgnbd | mbgnbd | paretoNbd, gammaGamma }')
    .requiredOption('--model <model>', SCORE_MODELS.join(' | '))
    .requiredOption('--horizon <t>', 'forecast horizon in the data time unit')
    .option('--clv-periods <n>', 'CLV periods', '12')
    .option('--period-length <w>', 'CLV period length in the data time unit', '4.345')
    .option('--discount <d>', 'per-period discount rate', '0.01')
    .option('--output <file>', 'write CSV here instead of stdout')
    .action((o: { input: string; params: string; model: string; horizon: string; clvPeriods: string; periodLength: string; discount: string; output?: string }) => {
      if (!SCORE_MODELS.includes(o.model as CountModelName)) throw new Error(`--model must be one of ${SCORE_MODELS.join(', ')}, got ${JSON.stringify(o.model)}`);
      const name = o.model as CountModelName;
      const horizon = positiveNumber('--horizon', o.horizon, 0, true);
      const periods = positiveNumber('--clv-periods', o.clvPeriods, 12);
      if (!Number.isInteger(periods)) throw new Error('--clv-periods must be a whole number');
      const clv = { periods, periodLength: positiveNumber('--period-length', o.periodLength, 4.345), discount: positiveNumber('--discount', o.discount, 0.01, true) };
      const params = readParams(o.params, name);
      if (!params.model) throw new Error(`${o.params}: no ${KEY_OF[name]} params for --model ${name}`);
      const rows = parseSummaryCsv(readText(o.input));
      const cols = toColumns(rows);
      const scorer = createScorer({ model: name, params: params.model } as unknown as CountModel, {
        horizon, clv, ...(params.gammaGamma ? { gammaGamma: params.gammaGamma } : {}), ...(params.thresholds ? { thresholds: params.thresholds } : {}),
      });
      const s = scorer.scoreColumns(cols);
      const withValue = s.clv !== undefined;
      const withLevel = s.level !== undefined;
      const head = ['customer_id', 'p_alive', 'expected_purchases', ...(withValue ? ['expected_avg_value', 'clv'] : []), ...(withLevel ? ['p_lapse', 'level'] : [])];
      const failed = new Set(s.failures.map((f) => f.index));
      const cell = (v: number | undefined, i: number): string => (failed.has(i) || v === undefined ? '' : String(v));
      const lines = [head.join(',')];
      for (let i = 0; i < rows.length; i++) {
        const cells = [csvField(rows[i]!.customerId), cell(s.pAlive[i], i), cell(s.expected[i], i)];
        if (withValue) cells.push(cell(s.expectedValue![i], i), cell(s.clv![i], i));
        if (withLevel) cells.push(cell(s.pLapse[i], i), failed.has(i) ? '' : (['active', 'at-risk', 'churned'][s.level![i]!] ?? ''));
        lines.push(cells.join(','));
      }
      emit(lines.join('\n') + '\n', o.output, io);
      if (s.failures.length) {
        const first = s.failures.slice(0, 5).map((f) => `${rows[f.index]!.customerId}: ${f.error}`);
        stderr.write(`${s.failures.length} of ${rows.length} customers could not be scored (left blank): ${first.join('; ')}\n`);
      }
    });

  model
    .command('summarize')
    .description('Summarise a transaction log (customer_id,date,amount) into customer_id,x,t_x,T,zbar')
    .requiredOption('--transactions <file>', 'transactions CSV')
    .requiredOption('--calibration-end <date>', 'YYYY-MM-DD, inclusive')
    .option('--time-unit <unit>', 'weeks | days', 'weeks')
    .option('--output <file>', 'write CSV here instead of stdout')
    .action((o: { transactions: string; calibrationEnd: string; timeUnit: string; output?: string }) => {
      if (o.timeUnit !== 'weeks' && o.timeUnit !== 'days') throw new Error(`--time-unit must be weeks or days, got ${JSON.stringify(o.timeUnit)}`);
      day('--calibration-end', o.calibrationEnd);
      const rows = summarizeTransactions(parseTransactionsCsv(readText(o.transactions)), o.calibrationEnd, o.timeUnit as TimeUnit);
      emit(formatSummaryCsv(rows), o.output, io);
    });

  addPlanFlags(
    model
      .command('select')
      .description('What a refit decides: candidates fitted on a hold-out, their errors by frequency class, the choice and its level cut points')
      .requiredOption('--transactions <file>', 'transactions CSV (customer_id,date,amount)')
      .option('--end <date>', 'refit day, YYYY-MM-DD (default: the last transaction day)')
      .option('--output <file>', 'write the choice (model, params, thresholds) as JSON for `model score --params`'),
  ).action((o: PlanFlags & { transactions: string; end?: string; output?: string; json?: boolean }) => {
    const h = histories(o.transactions);
    const end = o.end ? day('--end', o.end) : lastDayOf(h);
    const plan = planRefit(h, end, planOptions(o));
    if (o.output && plan.choice) writeFileSync(o.output, JSON.stringify(plan.choice, null, 2) + '\n');
    emit(o.json ? JSON.stringify(plan, null, 2) + '\n' : formatSelection(plan) + '\n', undefined, io);
  });

  addPlanFlags(
    model
      .command('evaluate')
      .description('Accuracy of the churn levels: refit as at the calibration end, then compare with what customers did afterwards (baseline: days since last purchase)')
      .requiredOption('--transactions <file>', 'transactions CSV (customer_id,date,amount)')
      .requiredOption('--calibration-end <date>', 'YYYY-MM-DD, inclusive')
      .option('--end <date>', 'last day of the outcome window (default: the last transaction day)'),
  ).action((o: PlanFlags & { transactions: string; calibrationEnd: string; end?: string; json?: boolean }) => {
    const h = histories(o.transactions);
    const report = evaluateChurn(h, day('--calibration-end', o.calibrationEnd), { ...planOptions(o), ...(o.end ? { outcomeEndDay: day('--end', o.end) } : {}) });
    emit(o.json ? JSON.stringify(report, null, 2) + '\n' : formatEvaluation(report) + '\n', undefined, io);
  });

  return program;
}
