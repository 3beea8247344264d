// Column scoring for many customers: P(alive), expected purchases, expected order value, CLV.
// A thin shape over createScorer (scorer.ts), kept for callers of the original column API.
import type { Columns } from './columns.js';
import type { CountModel } from './count-model.js';
import type { GammaGammaParams } from './gamma-gamma.js';
import type { ClvOptions } from './clv.js';
import { createScorer, type ColumnScores } from './scorer.js';

export type ScoringModel = CountModel;

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
  /** Rows that could not be scored (their values are NaN); the others are unaffected. */
  failures: ColumnScores['failures'];
}

export function scoreColumns(m: ScoringModel, cols: Columns, opts: ScoreOptions): Scores {
  const s = createScorer(m, { horizon: opts.horizon, ...(opts.gammaGamma ? { gammaGamma: opts.gammaGamma } : {}), ...(opts.clv ? { clv: opts.clv } : {}) }).scoreColumns(cols);
  return {
    pAlive: s.pAlive,
    expectedPurchases: s.expected,
    ...(s.clv && s.expectedValue ? { expectedAvgValue: s.expectedValue, clv: s.clv } : {}),
    failures: s.failures,
  };
}
