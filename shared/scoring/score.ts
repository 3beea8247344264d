// Column scoring for many customers: P(alive), expected purchases, expected order value, CLV.
import type { Columns } from './columns.js';
import { bgnbdScore, type BgNbdParams } from './bgnbd.js';
import { paretoScore, type ParetoNbdParams } from './pareto-nbd.js';
import { gammaGammaConditionalExpectedValue, type GammaGammaParams } from './gamma-gamma.js';
import { resolveClvOptions, type ClvOptions } from './clv.js';

export type ScoringModel =
  | { model: 'bgnbd'; params: BgNbdParams }
  | { model: 'pareto-nbd'; params: ParetoNbdParams };

export interface ScoreOptions {
  /** Forecast horizon t for expected purchases, in the model's time unit. */
  horizon: number;
  /** With Gamma-Gamma params and cols.zbar present, expected order value and CLV are added. */
  gammaGamma?: GammaGammaParams;
  clv?: ClvOptions;
}

export interface Scores {
  pAlive: Float64Array;
  expectedPurchases: Float64Array;
  expectedAvgValue?: Float64Array;
  clv?: Float64Array;
}

export function scoreColumns(m: ScoringModel, cols: Columns, opts: ScoreOptions): Scores {
  const withValue = opts.gammaGamma !== undefined && cols.zbar !== undefined;
  const clv = withValue ? resolveClvOptions(opts.clv) : undefined;
  const s = m.model === 'bgnbd'
    ? bgnbdScore(m.params, cols, { horizon: opts.horizon, ...(clv ? { clv } : {}) })
    : paretoScore(m.params, cols, { horizon: opts.horizon, ...(clv ? { clv } : {}) });
  const out: Scores = { pAlive: s.pAlive, expectedPurchases: s.expected };
  if (withValue && opts.gammaGamma && cols.zbar && s.discountedPurchases) {
    const n = cols.n;
    const ev = new Float64Array(n);
    const value = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      ev[i] = gammaGammaConditionalExpectedValue(opts.gammaGamma, cols.x[i]!, cols.zbar[i]!);
      value[i] = ev[i]! * s.discountedPurchases[i]!;
    }
    out.expectedAvgValue = ev;
    out.clv = value;
  }
  return out;
}
