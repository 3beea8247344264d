// How many levels does a ranking need? The best k ordered levels of a score for "no return":
// cut points on a quantile grid maximising the levels' AUC, with every level ≥ minShare and the
// return rate strictly falling level by level — fitLevelThresholds (levels.ts) for any k, by
// dynamic programming over the grid. Used to check (scripts/validate-cdnow.ts) whether more
// levels, or levels cut otherwise, would rank better than the three the app uses.
import type { LevelFitOptions } from './levels.js';

export interface OrdinalLevels {
  /** k − 1 descending cut points: value ≥ cuts[0] → level 0 (safest), …, below the last → level k − 1. */
  cuts: number[];
  auc: number;
  customers: number[];
  returnRates: number[];
}

/** Level of a value under descending cut points (0 = safest). */
export function ordinalLevel(value: number, cuts: readonly number[]): number {
  let level = 0;
  while (level < cuts.length && value < cuts[level]!) level++;
  return level;
}

/** Null when no k levels satisfy the constraints. `values`: higher is safer. */
export function fitOrdinalLevels(values: ArrayLike<number>, returned: ArrayLike<boolean>, k: number, opts: LevelFitOptions = {}): OrdinalLevels | null {
  const n = values.length;
  const minShare = opts.minShare ?? 0.05;
  const grid = opts.grid ?? 100;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[b]! - values[a]!);
  const cum = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) cum[i + 1] = cum[i]! + (returned[order[i]!] ? 1 : 0);
  const at = new Set<number>([0, n]);
  for (let g = 1; g < grid; g++) {
    let p = Math.round((g * n) / grid);
    while (p > 0 && p < n && values[order[p]!] === values[order[p - 1]!]) p++;
    if (p > 0 && p < n) at.add(p);
  }
  const P = [...at].sort((a, b) => a - b);
  const totalReturned = cum[n]!;
  const pairs = totalReturned * (n - totalReturned);
  if (!(pairs > 0)) return null;
  // best[j][b]: levels 0..j−1 covering the first P[b] customers; the score counts lapsed × safer
  // returners (concordant) plus ½ lapsed × returners within a level (ties).
  type Cell = { score: number; rate: number; from: number } | null;
  const best: Cell[][] = Array.from({ length: k + 1 }, () => new Array<Cell>(P.length).fill(null));
  best[0]![0] = { score: 0, rate: Infinity, from: -1 };
  for (let j = 1; j <= k; j++) {
    for (let b = 1; b < P.length; b++) {
      for (let a = 0; a < b; a++) {
        const prev = best[j - 1]![a];
        const size = P[b]! - P[a]!;
        if (!prev || size < minShare * n) continue;
        const back = cum[P[b]!]! - cum[P[a]!]!;
        const rate = back / size;
        if (!(rate < prev.rate)) continue;
        const score = prev.score + (size - back) * (cum[P[a]!]! + 0.5 * back);
        if (!best[j]![b] || score > best[j]![b]!.score) best[j]![b] = { score, rate, from: a };
      }
    }
  }
  const last = best[k]![P.length - 1];
  if (!last) return null;
  const bounds: number[] = [];
  for (let j = k, b = P.length - 1; j > 0; b = best[j]![b]!.from, j--) bounds.unshift(b);
  const starts = [0, ...bounds.slice(0, -1)];
  const customers = bounds.map((b, l) => P[b]! - P[starts[l]!]!);
  const returnRates = bounds.map((b, l) => (cum[P[b]!]! - cum[P[starts[l]!]!]!) / customers[l]!);
  const cuts = starts.slice(1).map((s) => 0.5 * (values[order[P[s]! - 1]!]! + values[order[P[s]!]!]!));
  return { cuts, auc: last.score / pairs, customers, returnRates };
}
