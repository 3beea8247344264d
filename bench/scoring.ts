// Scoring-core speed figures. Run: npx tsx bench/scoring.ts
import { existsSync, readFileSync } from 'node:fs';
import { resolve, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  fitModel, scoreColumns, simulateBgNbd, addGammaGammaSpend, makeRng, roundToDayWeeks, summarizeTransactions, toColumns,
  type Columns,
} from '../shared/scoring/index.js';

const BG = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const PN = { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 };
const GG = { p: 6.25, q: 3.74, v: 15.44 };

function time<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const v = fn();
  return [v, (performance.now() - t0) / 1000];
}

/** Best of a few runs: the figures are about steady-state speed, not JIT warm-up. */
function best(runs: number, fn: () => unknown): number {
  let b = Infinity;
  for (let i = 0; i < runs; i++) b = Math.min(b, time(fn)[1]);
  return b;
}

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
  const distinct = simulateBgNbd(BG, 1_000_000, makeRng(3), { minT: 27, maxT: 39 });
  const small = cdnowSize();
  const out: Record<string, number> = { generate1M: genSec };
  out['fitBgnbd1M'] = best(2, () => fitModel('bgnbd', big));
  out['fitBgnbd1MDistinct'] = best(1, () => fitModel('bgnbd', distinct));
  out['scoreBgnbdClv1M'] = best(3, () => scoreColumns({ model: 'bgnbd', params: BG }, big, { horizon: 39, gammaGamma: GG }));
  out['scoreParetoNbd1M'] = best(3, () => scoreColumns({ model: 'pareto-nbd', params: PN }, big, { horizon: 39 }));
  out['fitBgnbdCdnowSize'] = best(5, () => fitModel('bgnbd', small));
  return out;
}

const TARGETS: Record<string, number> = {
  fitBgnbd1M: 1.5, fitBgnbd1MDistinct: 1.5, scoreBgnbdClv1M: 0.6, scoreParetoNbd1M: 0.4, fitBgnbdCdnowSize: 0.05,
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await runScoringBench();
  for (const [k, v] of Object.entries(r)) {
    const target = TARGETS[k];
    console.log(`${k.padEnd(22)} ${v.toFixed(3).padStart(8)} s${target !== undefined ? `   target ≤ ${target} s ${v <= target ? 'ok' : 'SLOW'}` : ''}`);
  }
}
