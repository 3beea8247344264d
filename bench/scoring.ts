// Scoring-core speed figures. Run: npx tsx bench/scoring.ts (or all benches: npx tsx bench/run.ts)
import { existsSync, readFileSync } from 'node:fs';
import { resolve, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  fitModel, scoreColumns, simulateBgNbd, addGammaGammaSpend, makeRng, roundToDayWeeks, summarizeTransactions, toColumns,
  type Columns,
} from '../shared/scoring/index.js';
import { bestOf, passes, type Bench, type BenchFigure } from './bench.js';

const BG = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const PN = { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 };
const GG = { p: 6.25, q: 3.74, v: 15.44 };

/** Seconds per figure; targets in TARGETS. */
const TARGETS: Record<string, number> = {
  fitBgnbd1M: 1.5,
  fitBgnbd1MDistinct: 1.5,
  scoreBgnbdClv1M: 0.6,
  scoreParetoNbd1M: 0.4,
  fitBgnbdCdnowSize: 0.05,
  fitParetoNbdCdnowSize: 0.1,
};

function time<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const v = fn();
  return [v, (performance.now() - t0) / 1000];
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

export async function runScoringBench(): Promise<Record<string, number>> {
  // 1M customers, CDNOW-like parameters, 12-week acquisition window and day-resolution times
  // (2-decimal weeks), as real summaries are stored.
  const [big, genSec] = time(() => addGammaGammaSpend(GG, simulateBgNbd(BG, 1_000_000, makeRng(1), { minT: 27, maxT: 39, round: roundToDayWeeks }), makeRng(2)));
  // Continuous times: every (x, t_x, T) triple distinct, so merging identical rows saves nothing.
  const distinct = simulateBgNbd(BG, 1_000_000, makeRng(3), { minT: 27, maxT: 39 });
  const small = cdnowSize();
  const out: Record<string, number> = { generate1M: genSec };
  out['fitBgnbd1M'] = bestOf(3, () => fitModel('bgnbd', big));
  out['fitBgnbd1MDistinct'] = bestOf(3, () => fitModel('bgnbd', distinct));
  out['scoreBgnbdClv1M'] = bestOf(3, () => scoreColumns({ model: 'bgnbd', params: BG }, big, { horizon: 39, gammaGamma: GG }));
  out['scoreParetoNbd1M'] = bestOf(3, () => scoreColumns({ model: 'pareto-nbd', params: PN }, big, { horizon: 39 }));
  out['fitBgnbdCdnowSize'] = bestOf(5, () => fitModel('bgnbd', small));
  out['fitParetoNbdCdnowSize'] = bestOf(5, () => fitModel('pareto-nbd', small));
  return out;
}

export const scoringBench: Bench = {
  name: 'scoring',
  async run(): Promise<BenchFigure[]> {
    const r = await runScoringBench();
    return Object.entries(r).map(([figure, value]) => {
      const target = TARGETS[figure];
      return { figure, value, unit: 's', ...(target !== undefined ? { target } : {}) };
    });
  },
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const f of await scoringBench.run()) {
    const ok = passes(f);
    console.log(`${f.figure.padEnd(22)} ${f.value.toFixed(3).padStart(8)} s${f.target !== undefined ? `   target ≤ ${f.target} s ${ok ? 'ok' : 'SLOW'}` : ''}`);
  }
}
