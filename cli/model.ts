// `engage model fit|score|summarize|select|evaluate|show` — customer-base model commands, one
// naming scheme: bgnbd, mbgnbd, pareto-nbd, gamma-gamma (old spellings read with a deprecation note).
// Errors are thrown as Error(message) (row numbers included); the main CLI prints them and exits 1.
// A customer that cannot be scored is reported on stderr and left blank; the file is still written.
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { registerModelShow } from './model-show.js';
import {
  fitModel, parseSummaryCsv, parseTransactionsCsv, summarizeTransactions, formatSummaryCsv, toColumns, createScorer, csvField,
  purchaseDaysByCustomer, parseDay, planRefit, evaluateChurn, formatSelection, formatEvaluation, DEFAULT_ORIGINS,
  type ModelName, type CountModel, type CountModelName, type GammaGammaParams, type TimeUnit, type LevelThresholds, type RefitPlanOptions,
} from '../shared/scoring/index.js';

export interface ModelCommandIo {
  stdout?: { write(s: string): unknown };
  stderr?: { write(s: string): unknown };
  /** For `model show`: injected by tests; otherwise built from the environment. */
  dynamodb?: DynamoDBClient;
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
const PARAM_NAMES: Record<ModelName, string[]> = {
  bgnbd: ['r', 'alpha', 'a', 'b'],
  mbgnbd: ['r', 'alpha', 'a', 'b'],
  'pareto-nbd': ['r', 'alpha', 's', 'beta'],
  'gamma-gamma': ['p', 'q', 'v'],
};
/** Spellings used before one naming scheme (issue 11): still read, with a deprecation note. */
const OLD_SPELLINGS: Record<string, ModelName> = {
  'bg-nbd': 'bgnbd', bg_nbd: 'bgnbd', bgNbd: 'bgnbd', 'mbg-nbd': 'mbgnbd', mbg_nbd: 'mbgnbd', mbgNbd: 'mbgnbd',
  paretoNbd: 'pareto-nbd', paretonbd: 'pareto-nbd', pareto_nbd: 'pareto-nbd', pareto: 'pareto-nbd',
  gammaGamma: 'gamma-gamma', gammagamma: 'gamma-gamma', gamma_gamma: 'gamma-gamma',
};

type Warn = (s: string) => void;

/** The one naming scheme; an old spelling is accepted with a note on stderr. */
function modelName(raw: string, where: string, allowed: readonly ModelName[], warn: Warn): ModelName | undefined {
  if ((allowed as readonly string[]).includes(raw)) return raw as ModelName;
  const renamed = OLD_SPELLINGS[raw];
  if (renamed && allowed.includes(renamed)) {
    warn(`engage: deprecated: ${where} ${JSON.stringify(raw)} is now ${JSON.stringify(renamed)}\n`);
    return renamed;
  }
  return undefined;
}

function requireModel(raw: string, allowed: readonly ModelName[], warn: Warn): ModelName {
  const m = modelName(raw, '--model', allowed, warn);
  if (!m) throw new Error(`--model must be one of ${allowed.join(', ')}, got ${JSON.stringify(raw)}`);
  return m;
}

function checkParams(raw: unknown, model: ModelName, file: string): Record<string, number> {
  const obj = (raw && typeof raw === 'object' && 'params' in raw ? (raw as { params: unknown }).params : raw) as Record<string, unknown>;
  if (!obj || typeof obj !== 'object') throw new Error(`${file}: ${model} must be an object of parameters`);
  const out: Record<string, number> = {};
  for (const k of PARAM_NAMES[model]) {
    const v = obj[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new Error(`${file}: ${model}.${k} must be a positive number`);
    out[k] = v;
  }
  return out;
}

interface ParamsFile {
  /** Count-model parameters by model name. */
  models: Partial<Record<CountModelName, Record<string, number>>>;
  gammaGamma?: GammaGammaParams;
  thresholds?: LevelThresholds;
  /** The model a single-model file (fit/select/show output) is for. */
  single?: CountModelName;
}

/**
 * Reads parameter files, merged in order. Each is the output of `model fit --output`,
 * `model select --output` or `model show --output` (`{ model, params[, thresholds, gammaGamma] }`),
 * or an object keyed by model name (`{ "pareto-nbd": params, "gamma-gamma": params }`; the old
 * keys `paretoNbd`, `gammaGamma` are read with a deprecation note).
 */
function readParams(files: readonly string[], warn: Warn): ParamsFile {
  const out: ParamsFile = { models: {} };
  for (const file of files) {
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(readText(file)) as Record<string, unknown>;
    } catch (e) {
      throw new Error(`${file}: invalid JSON (${(e as Error).message})`);
    }
    if (!json || typeof json !== 'object' || Array.isArray(json)) throw new Error(`${file}: expected a JSON object`);
    const put = (m: ModelName, raw: unknown): void => {
      if (m === 'gamma-gamma') out.gammaGamma = checkParams(raw, m, file) as unknown as GammaGammaParams;
      else out.models[m] = checkParams(raw, m, file);
    };
    if (typeof json['model'] === 'string') {
      const m = modelName(json['model'], `${file}: model`, FIT_MODELS, warn);
      if (!m) throw new Error(`${file}: unknown model ${JSON.stringify(json['model'])} (one of ${FIT_MODELS.join(', ')})`);
      put(m, json);
      if (m !== 'gamma-gamma') out.single = m;
      const th = json['thresholds'] as LevelThresholds | null | undefined;
      if (th) out.thresholds = th;
      if (json['gammaGamma'] !== undefined || json['gamma-gamma'] !== undefined) put('gamma-gamma', json['gamma-gamma'] ?? json['gammaGamma']);
      continue;
    }
    for (const [key, raw] of Object.entries(json)) {
      const m = modelName(key, `${file}: key`, FIT_MODELS, warn);
      if (!m) throw new Error(`${file}: unknown key ${JSON.stringify(key)} (expected ${FIT_MODELS.join(', ')})`);
      put(m, raw);
    }
  }
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

interface PlanFlags { horizonDays?: string; holdoutFraction?: string; bound?: string; origins?: string }

function planOptions(o: PlanFlags): RefitPlanOptions {
  const fraction = positiveNumber('--holdout-fraction', o.holdoutFraction, 0.25);
  if (!(fraction < 1)) throw new Error('--holdout-fraction must be below 1');
  const origins = positiveNumber('--origins', o.origins, DEFAULT_ORIGINS);
  if (!Number.isInteger(origins)) throw new Error(`--origins must be a whole number, got ${JSON.stringify(o.origins)}`);
  return { horizonDays: positiveNumber('--horizon-days', o.horizonDays, 90), holdoutFraction: fraction, bound: positiveNumber('--bound', o.bound, 0.2), origins };
}

function addPlanFlags(c: Command): Command {
  return c
    .option('--horizon-days <n>', 'risk ranking horizon H in days', '90')
    .option('--holdout-fraction <f>', 'share of the observed period held back', '0.25')
    .option('--bound <e>', 'refuse a fit missing the hold-out by more than this (relative)', '0.2')
    .option('--origins <n>', 'consecutive hold-outs of the same length a model must forecast within the bound', String(DEFAULT_ORIGINS))
    .option('--json', 'print JSON instead of tables');
}

export function registerModelCommands(program: Command, io: ModelCommandIo = {}): Command {
  const model = program.command('model').description('Customer-base models: bgnbd (BG/NBD), mbgnbd (MBG/NBD), pareto-nbd (Pareto/NBD), gamma-gamma (Gamma-Gamma)');
  const stderr = io.stderr ?? process.stderr;
  const warn: Warn = (text) => void stderr.write(text);

  model
    .command('fit')
    .description('Fit a model by maximum likelihood to a customer summary CSV (customer_id,x,t_x,T[,zbar]); the output is a params file for `model score --params`')
    .requiredOption('--model <model>', FIT_MODELS.join(' | '))
    .requiredOption('--input <file>', 'summary CSV')
    .option('--penalizer <x>', 'L2 penalty on parameters (lifetimes convention)')
    .option('--output <file>', 'write the fit (JSON) here instead of stdout')
    .action((o: { model: string; input: string; penalizer?: string; output?: string }) => {
      const name = requireModel(o.model, FIT_MODELS, warn);
      const rows = parseSummaryCsv(readText(o.input));
      if (name === 'gamma-gamma' && !rows.some((r) => r.zbar !== undefined)) throw new Error(`${o.input}: gamma-gamma needs a zbar column`);
      const fit = fitModel(name, rows, { penalizer: positiveNumber('--penalizer', o.penalizer, 0, true) });
      emit(JSON.stringify(fit, null, 2) + '\n', o.output, io);
      // Written all the same (the parameters show where the optimiser stopped), but not a success.
      if (!fit.converged) {
        throw new Error(`${name} did not converge (gradient norm ${fit.gradNorm.toExponential(2)} after ${fit.iterations} iterations; ` +
          'the optimum may lie on a boundary, e.g. too few repeat buyers): do not score with these parameters');
      }
    });

  model
    .command('score')
    .description('Score customers: P(alive), expected purchases over the horizon, expected order value and CLV (and P(no purchase) and level with a `model select` or `model show` file)')
    .requiredOption('--input <file>', 'summary CSV')
    .requiredOption('--params <files...>', 'JSON files, merged: `model fit --output` (a count model and/or gamma-gamma), `model select --output`, `model show --output`, or { "pareto-nbd": …, "gamma-gamma": … }')
    .option('--model <model>', `${SCORE_MODELS.join(' | ')} (default: the model of the params file)`)
    .requiredOption('--horizon <t>', 'forecast horizon in the data time unit')
    .option('--clv-periods <n>', 'CLV periods', '12')
    .option('--period-length <w>', 'CLV period length in the data time unit', '4.345')
    .option('--discount <d>', 'per-period discount rate', '0.01')
    .option('--output <file>', 'write CSV here instead of stdout')
    .action((o: { input: string; params: string[]; model?: string; horizon: string; clvPeriods: string; periodLength: string; discount: string; output?: string }) => {
      const horizon = positiveNumber('--horizon', o.horizon, 0, true);
      const periods = positiveNumber('--clv-periods', o.clvPeriods, 12);
      if (!Number.isInteger(periods)) throw new Error('--clv-periods must be a whole number');
      const clv = { periods, periodLength: positiveNumber('--period-length', o.periodLength, 4.345), discount: positiveNumber('--discount', o.discount, 0.01, true) };
      const params = readParams(o.params, warn);
      const given = Object.keys(params.models) as CountModelName[];
      const name = o.model ? (requireModel(o.model, SCORE_MODELS, warn) as CountModelName) : (params.single ?? (given.length === 1 ? given[0] : undefined));
      if (!name) throw new Error(given.length ? `--model is needed: ${o.params.join(', ')} hold ${given.join(', ')}` : `${o.params.join(', ')}: no count-model parameters (${SCORE_MODELS.join(', ')})`);
      const countParams = params.models[name];
      if (!countParams) throw new Error(`${o.params.join(', ')}: no ${name} params for --model ${name}`);
      const rows = parseSummaryCsv(readText(o.input));
      const cols = toColumns(rows);
      // Cut points belong to the model they were fitted with.
      const thresholds = params.single === name ? params.thresholds : undefined;
      const scorer = createScorer({ model: name, params: countParams } as unknown as CountModel, {
        horizon, clv, ...(params.gammaGamma ? { gammaGamma: params.gammaGamma } : {}), ...(thresholds ? { thresholds } : {}),
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

  registerModelShow(model, { ...(io.stdout ? { stdout: io.stdout } : {}), ...(io.dynamodb ? { dynamodb: io.dynamodb } : {}) });
  return program;
}
