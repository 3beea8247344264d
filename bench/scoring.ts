// Scoring-core speed figures. Run: npx tsx bench/scoring.ts [sweep] (or all benches: npx tsx bench/run.ts)
import { existsSync, readFileSync } from 'node:fs';
import { resolve, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  fitModel, scoreColumns, createScorer, simulateBgNbd, addGammaGammaSpend, makeRng, roundToDayWeeks, summarizeTransactions, toColumns,
  conditionalExpected, pAlive, probNoPurchase, customerLifetimeValue, gammaGammaConditionalExpectedValue,
  type Columns, type CountModel,
} from '../shared/scoring/index.js';
import { bestOf, passes, type Bench, type BenchFigure } from './bench.js';
import { DEFAULT_RISK_CONFIG, decideScores, modelScoring, scoreCustomer } from '../shared/churn/scores.js';
import { type BaseStats, type ModelParams } from '../shared/churn/model.js';
import type { ModelChoice } from '../shared/scoring/refit-plan.js';
import type { CustomerRecord } from '../shared/customers/record.js';
import { baseStats } from '../shared/churn/base-partial.js';

const BG = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const PN = { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 };
const GG = { p: 6.25, q: 3.74, v: 15.44 };
/** Published CDNOW estimates for each count model (see scripts/validate-cdnow.ts for sources). */
const MODELS: CountModel[] = [
  { model: 'bgnbd', params: BG },
  { model: 'mbgnbd', params: { r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 } },
  { model: 'pareto-nbd', params: PN },
];
const H = 90 / 7;
/** Level cut points of the size planRefit fits on CDNOW (E[X(h)], h = 68 days). */
const THRESHOLDS = { rankBy: 'expected' as const, horizon: 68 / 7, active: 0.21, atRisk: 0.079 };

/** Seconds per figure (µs for per-customer figures); targets in TARGETS. */
const TARGETS: Record<string, number> = {
  fitBgnbd1M: 1.5,
  fitBgnbd1MDistinct: 1.5,
  scoreBgnbdClv1M: 0.6,
  scoreParetoNbd1M: 0.4,
  fitBgnbdCdnowSize: 0.05,
  fitParetoNbdCdnowSize: 0.1,
  ...Object.fromEntries(MODELS.flatMap((m) => [[`columns1MDistinct ${m.model}`, 2], [`perCustomerDistinct ${m.model}`, 3]])),
  ...Object.fromEntries(MODELS.map((m) => [`sweepPerCustomer ${m.model}`, 3])),
};

const DAY_MS = 86_400_000;

/** A stored version 2 model as the refit writes it (the selection details do not affect speed). */
function storedModel(m: CountModel): ModelParams {
  const choice = { model: m.model, params: m.params, converged: true, logLikelihood: 0, customers: 0, repeatBuyers: 0, thresholds: THRESHOLDS, thresholdFit: null,
    selection: { cutDay: 0, endDay: 0, holdoutLength: 0, bound: 0.2, candidates: [] } } as ModelChoice;
  return { version: 1, fittedAt: '', choice, horizonDays: 90, gammaGamma: GG, fit: { customers: 0, repeatBuyers: 0, logLikelihood: 0 } };
}

/** Customer records of the shop's histories, as the sweep reads them (day-resolution summaries). */
function shopRecords(cols: Columns, n: number, now: Date): CustomerRecord[] {
  const day = (weeksAgo: number) => new Date(now.getTime() - Math.round(weeksAgo * 7) * DAY_MS).toISOString().slice(0, 10);
  return Array.from({ length: n }, (_, i) => {
    const x = cols.x[i]!, T = cols.T[i]!, spend = 40 + cols.zbar![i]! * x;
    return { customerId: `c${i}`, summary: { orders: x + 1, purchaseDays: x + 1, firstDay: day(T), lastDay: day(T - cols.tx[i]!), spend, firstDaySpend: 40 } };
  });
}

/** The sweep's page size (functions/churn-sweep/handler.ts). */
const SWEEP_PAGE = 500;

/**
 * The sweep's CPU per customer: summary → (x, t_x, T), the version's scorer, level, predictions,
 * RFM segment (the base statistics' cut points) and the write decision, with the scorer built
 * once (one container, one version). As the sweep runs: page by page, each page of 500 records
 * freshly built (the SDK unmarshalls each scan page; here JSON.parse, outside the timing), so the
 * page is in cache as it is in the Lambda. `firstPass`: every customer is new (each decision an
 * update with its event); otherwise the daily case, customers already carrying this version's
 * scores (the decision is "unchanged"). `wholeBase`: instead one pass over all records held in
 * one array (memory-bound: every record a cache miss), for comparison.
 */
function sweepMicros(m: CountModel, records: readonly CustomerRecord[], stats: BaseStats, now: Date, how: { firstPass: boolean; wholeBase?: boolean }): number {
  const params = storedModel(m);
  const scoring = modelScoring(params);
  const model = { params, stats };
  const decide = (c: CustomerRecord) => {
    const scored = scoreCustomer(c, model, DEFAULT_RISK_CONFIG, now, scoring);
    return scored && !('failed' in scored) ? decideScores(c, scored, 'bench', now) : null;
  };
  const input = how.firstPass ? records : records.map((c) => {
    const d = decide(c);
    return d?.kind === 'update' ? { ...c, risk: d.risk, ...(d.prediction ? { prediction: d.prediction } : {}), ...(d.segment ? { segment: d.segment } : {}) } : c;
  });
  const expected = how.firstPass ? records.length : 0;
  const check = (updates: number): void => {
    if (updates !== expected) throw new Error(`unexpected decisions: ${updates} updates of ${records.length}`);
  };
  if (how.wholeBase) {
    // Best of 5: on a shared machine single runs of a few hundred ms vary by tens of per cent.
    const s = bestCpuOf(5, () => {
      let updates = 0;
      for (const c of input) if (decide(c)?.kind === 'update') updates++;
      check(updates);
    });
    return (1e6 * s) / records.length;
  }
  const pages: string[] = [];
  for (let i = 0; i < input.length; i += SWEEP_PAGE) pages.push(JSON.stringify(input.slice(i, i + SWEEP_PAGE)));
  let best = Infinity;
  for (let run = 0; run < 3; run++) {
    let cpuMicros = 0, updates = 0;
    for (const text of pages) {
      const page = JSON.parse(text) as CustomerRecord[];
      const c0 = process.cpuUsage();
      for (const c of page) if (decide(c)?.kind === 'update') updates++;
      const c = process.cpuUsage(c0);
      cpuMicros += c.user + c.system;
    }
    check(updates);
    best = Math.min(best, cpuMicros);
  }
  return best / records.length;
}

function time<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const v = fn();
  return [v, (performance.now() - t0) / 1000];
}

/**
 * Best of `runs` in CPU seconds of this (single-threaded) process: the targets are "on one core",
 * and on a shared machine wall-clock time also counts other processes' turns.
 */
function bestCpuOf(runs: number, fn: () => unknown): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    fn();
    const c = process.cpuUsage(c0);
    best = Math.min(best, (c.user + c.system) / 1e6);
  }
  return best;
}

/** The CDNOW calibration summary when the data are present, else a simulated set of its size. */
function cdnowSize(): Columns {
  const dir = resolve(process.cwd(), '../shared/data/cdnow');
  const log = join(dir, 'CDNOW_sample.txt');
  if (existsSync(log)) {
    const tx = readFileSync(log, 'utf8').split(/\r?\n/).filter((l) => l.trim()).map((l) => {
      const f = l.trim().split(/\s+/);
      return { customerId: f[0]!, date: f[2]!, amount: Number(f[4]) };
    });
    return toColumns(summarizeTransactions(tx, '1997-09-30'));
  }
  return simulateBgNbd(BG, 2357, makeRng(42), { minT: 27, maxT: 39, round: roundToDayWeeks });
}

const scorerFor = (m: CountModel) => createScorer(m, { horizon: H, gammaGamma: GG, thresholds: THRESHOLDS });

/**
 * The production path: one customer at a time, a fresh scorer (its tables are built during the
 * run, as in a new Lambda container), each result an object. µs per customer.
 */
function perCustomerMicros(m: CountModel, cols: Columns): number {
  let sink = 0;
  const s = bestCpuOf(2, () => {
    const scorer = scorerFor(m);
    for (let i = 0; i < cols.n; i++) sink += scorer.score({ x: cols.x[i]!, tx: cols.tx[i]!, T: cols.T[i]!, zbar: cols.zbar![i]! }).pAlive;
  });
  if (!(sink > 0)) throw new Error('scores were not computed');
  return (1e6 * s) / cols.n;
}

/** The same quantities straight from the model formulas, without tables: the reference cost. */
function directMicros(m: CountModel, cols: Columns, n: number): number {
  const s = bestCpuOf(1, () => {
    for (let i = 0; i < n; i++) {
      const x = cols.x[i]!, tx = cols.tx[i]!, T = cols.T[i]!;
      pAlive(m, x, tx, T);
      conditionalExpected(m, H, x, tx, T);
      probNoPurchase(m, H, x, tx, T);
      customerLifetimeValue(gammaGammaConditionalExpectedValue(GG, x, cols.zbar![i]!), (t) => conditionalExpected(m, t, x, tx, T));
    }
  });
  return (1e6 * s) / n;
}

/** The sweep figures alone (npx tsx bench/scoring.ts sweep). */
export function runSweepBench(): Record<string, number> {
  const out: Record<string, number> = {};
  // 200k records of a two-year-old shop, distinct histories at day resolution.
  const now = new Date('2026-11-22T03:00:00Z');
  const records = shopRecords(addGammaGammaSpend(GG, simulateBgNbd(BG, 200_000, makeRng(7), { minT: 0, maxT: 104 }), makeRng(8)), 200_000, now);
  const stats = baseStats(records.map((c) => c.summary), now);
  for (const m of MODELS) {
    out[`sweepPerCustomer ${m.model}`] = sweepMicros(m, records, stats, now, { firstPass: false });
    out[`sweepFirstPass ${m.model}`] = sweepMicros(m, records, stats, now, { firstPass: true });
    out[`sweepWholeBase ${m.model}`] = sweepMicros(m, records, stats, now, { firstPass: false, wholeBase: true });
  }
  return out;
}

export async function runScoringBench(): Promise<Record<string, number>> {
  // First, while the heap is small (a sweep invocation holds one page of 500 at a time).
  const out: Record<string, number> = runSweepBench();
  // 1M customers, CDNOW-like parameters, 12-week acquisition window and day-resolution times
  // (2-decimal weeks), as real summaries are stored.
  const [big, genSec] = time(() => addGammaGammaSpend(GG, simulateBgNbd(BG, 1_000_000, makeRng(1), { minT: 27, maxT: 39, round: roundToDayWeeks }), makeRng(2)));
  // Continuous times: every (x, t_x, T) triple distinct, so merging identical rows saves nothing.
  const distinct = simulateBgNbd(BG, 1_000_000, makeRng(3), { minT: 27, maxT: 39 });
  // A shop two years old, every (t_x, T) distinct: nothing can be reused between customers.
  const shop = addGammaGammaSpend(GG, simulateBgNbd(BG, 1_000_000, makeRng(5), { minT: 0, maxT: 104 }), makeRng(6));
  const small = cdnowSize();
  out['generate1M'] = genSec;
  out['fitBgnbd1M'] = bestOf(3, () => fitModel('bgnbd', big));
  out['fitBgnbd1MDistinct'] = bestOf(3, () => fitModel('bgnbd', distinct));
  out['scoreBgnbdClv1M'] = bestOf(3, () => scoreColumns({ model: 'bgnbd', params: BG }, big, { horizon: 39, gammaGamma: GG }));
  out['scoreParetoNbd1M'] = bestOf(3, () => scoreColumns({ model: 'pareto-nbd', params: PN }, big, { horizon: 39 }));
  for (const m of MODELS) {
    // P(alive), E[X(H)], P(no purchase in H), level and 12-month CLV; fresh tables every run.
    out[`columns1MDistinct ${m.model}`] = bestCpuOf(3, () => scorerFor(m).scoreColumns(shop));
    out[`perCustomerDistinct ${m.model}`] = perCustomerMicros(m, shop);
    out[`directNoTables ${m.model}`] = directMicros(m, shop, 50_000);
  }
  out['fitBgnbdCdnowSize'] = bestOf(5, () => fitModel('bgnbd', small));
  out['fitParetoNbdCdnowSize'] = bestOf(5, () => fitModel('pareto-nbd', small));
  return out;
}

const unitOf = (figure: string): string =>
  figure.startsWith('perCustomer') || figure.startsWith('direct') || figure.startsWith('sweep') ? 'µs/customer (CPU)' : figure.startsWith('columns') ? 's (CPU)' : 's';

function toFigures(r: Record<string, number>): BenchFigure[] {
  return Object.entries(r).map(([figure, value]) => {
    const target = TARGETS[figure];
    return { figure, value, unit: unitOf(figure), ...(target !== undefined ? { target } : {}) };
  });
}

export const scoringBench: Bench = {
  name: 'scoring',
  async run(): Promise<BenchFigure[]> {
    return toFigures(await runScoringBench());
  },
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const figures = process.argv[2] === 'sweep' ? toFigures(runSweepBench()) : await scoringBench.run();
  for (const f of figures) {
    const ok = passes(f);
    console.log(`${f.figure.padEnd(32)} ${f.value.toFixed(3).padStart(8)} ${f.unit}${f.target !== undefined ? `   target ≤ ${f.target} ${f.unit} ${ok ? 'ok' : 'SLOW'}` : ''}`);
  }
}
