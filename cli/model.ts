// `engage model fit|score|summarize` — customer-base model commands.
// Errors are thrown as Error(message) (row numbers included); the main CLI prints them and exits 1.
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  fitModel, parseSummaryCsv, parseTransactionsCsv, summarizeTransactions, formatSummaryCsv, toColumns, scoreColumns, csvField,
  type ModelName, type BgNbdParams, type ParetoNbdParams, type GammaGammaParams, type TimeUnit,
} from '../shared/scoring/index.js';

export interface ModelCommandIo {
  stdout?: { write(s: string): unknown };
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

const FIT_MODELS: ModelName[] = ['bgnbd', 'pareto-nbd', 'gamma-gamma'];
const PARAM_KEYS: Record<'bgnbd' | 'paretoNbd' | 'gammaGamma', string[]> = {
  bgnbd: ['r', 'alpha', 'a', 'b'],
  paretoNbd: ['r', 'alpha', 's', 'beta'],
  gammaGamma: ['p', 'q', 'v'],
};

/** Accepts `{ bgnbd: {params} }` or `{ bgnbd: <whole fit output> }` per model key. */
function extractParams(json: Record<string, unknown>, key: keyof typeof PARAM_KEYS, file: string): Record<string, number> | undefined {
  const raw = json[key];
  if (raw === undefined) return undefined;
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

function emit(text: string, output: string | undefined, io: ModelCommandIo): void {
  if (output) writeFileSync(output, text);
  else (io.stdout ?? process.stdout).write(text);
}

export function registerModelCommands(program: Command, io: ModelCommandIo = {}): Command {
  const model = program.command('model').description('Customer-base models: BG/NBD, Pareto/NBD, Gamma-Gamma');

  model
    .command('fit')
    .description('Fit a model by maximum likelihood to a customer summary CSV (customer_id,x,t_x,T[,zbar])')
    .requiredOption('--model <model>', 'bgnbd | pareto-nbd | gamma-gamma')
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
    .description('Score customers: P(alive), expected purchases over the horizon, expected order value and CLV')
    .requiredOption('--input <file>', 'summary CSV')
    .requiredOption('--params <file>', 'JSON with bgnbd / paretoNbd / gammaGamma params')
    .requiredOption('--model <model>', 'bgnbd | pareto-nbd')
    .requiredOption('--horizon <t>', 'forecast horizon in the data time unit')
    .option('--clv-periods <n>', 'CLV periods', '12')
    .option('--period-length <w>', 'CLV period length in the data time unit', '4.345')
    .option('--discount <d>', 'per-period discount rate', '0.01')
    .option('--output <file>', 'write CSV here instead of stdout')
    .action((o: { input: string; params: string; model: string; horizon: string; clvPeriods: string; periodLength: string; discount: string; output?: string }) => {
      if (o.model !== 'bgnbd' && o.model !== 'pareto-nbd') throw new Error(`--model must be bgnbd or pareto-nbd, got ${JSON.stringify(o.model)}`);
      const horizon = positiveNumber('--horizon', o.horizon, 0, true);
      const periods = positiveNumber('--clv-periods', o.clvPeriods, 12);
      if (!Number.isInteger(periods)) throw new Error('--clv-periods must be a whole number');
      const periodLength = positiveNumber('--period-length', o.periodLength, 4.345);
      const discount = positiveNumber('--discount', o.discount, 0.01, true);
      let json: Record<string, unknown>;
      try {
        json = JSON.parse(readText(o.params)) as Record<string, unknown>;
      } catch (e) {
        throw new Error(`${o.params}: invalid JSON (${(e as Error).message})`);
      }
      if (!json || typeof json !== 'object') throw new Error(`${o.params}: expected a JSON object`);
      const key = o.model === 'bgnbd' ? 'bgnbd' : 'paretoNbd';
      const mp = extractParams(json, key, o.params);
      if (!mp) throw new Error(`${o.params}: no ${key} params for --model ${o.model}`);
      const gg = extractParams(json, 'gammaGamma', o.params) as GammaGammaParams | undefined;
      const rows = parseSummaryCsv(readText(o.input));
      const cols = toColumns(rows);
      const scoring = o.model === 'bgnbd'
        ? ({ model: 'bgnbd', params: mp as unknown as BgNbdParams } as const)
        : ({ model: 'pareto-nbd', params: mp as unknown as ParetoNbdParams } as const);
      const s = scoreColumns(scoring, cols, { horizon, ...(gg ? { gammaGamma: gg } : {}), clv: { periods, periodLength, discount } });
      const withValue = s.clv !== undefined && s.expectedAvgValue !== undefined;
      const lines = [withValue ? 'customer_id,p_alive,expected_purchases,expected_avg_value,clv' : 'customer_id,p_alive,expected_purchases'];
      for (let i = 0; i < rows.length; i++) {
        const base = `${csvField(rows[i]!.customerId)},${s.pAlive[i]},${s.expectedPurchases[i]}`;
        lines.push(withValue ? `${base},${s.expectedAvgValue![i]},${s.clv![i]}` : base);
      }
      emit(lines.join('\n') + '\n', o.output, io);
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
      if (!/^\d{4}-\d{2}-\d{2}$/.test(o.calibrationEnd)) throw new Error(`--calibration-end must be YYYY-MM-DD, got ${JSON.stringify(o.calibrationEnd)}`);
      const rows = summarizeTransactions(parseTransactionsCsv(readText(o.transactions)), o.calibrationEnd, o.timeUnit as TimeUnit);
      emit(formatSummaryCsv(rows), o.output, io);
    });

  return program;
}
