import { describe, it, expect } from 'vitest';
import {
  bgnbdLogLikelihoodOne, bgnbdLogLikelihoodGrad, bgnbdPAlive, bgnbdConditionalExpected, bgnbdExpected,
} from '../../../shared/scoring/bgnbd.js';
import { toColumns } from '../../../shared/scoring/columns.js';
import { scoreColumns } from '../../../shared/scoring/score.js';
import { makeRng, simulateBgNbd, roundToDayWeeks } from '../../../shared/scoring/simulate.js';
import { expectRecovered } from './recovery.js';

// Published FHL (2005) estimates, used here only as plausible parameter values.
const P = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

describe('bgnbd', () => {
  it('gives P(alive) = 1 to customers without repeat purchases', () => {
    expect(bgnbdPAlive(P, 0, 0, 38.86)).toBe(1);
    expect(bgnbdPAlive(P, 2, 5, 38.86)).toBeLessThan(1);
  });

  it('expects no purchases over a zero horizon', () => {
    expect(bgnbdConditionalExpected(P, 0, 3, 20, 38)).toBe(0);
    expect(bgnbdExpected(P, 0)).toBe(0);
  });

  it('reproduces the hand-checked 1.226 expected purchases for (x 2, t_x 30.43, T 38.86) over 39 weeks', () => {
    expect(bgnbdConditionalExpected(P, 39, 2, 30.43, 38.86)).toBeCloseTo(1.226, 3);
  });

  it('matches the closed-form likelihood for x = 0: B(a,b+0)/B(a,b)·(α/(α+T))^r', () => {
    // given x = 0, then L = (α/(α+T))^r exactly
    expect(bgnbdLogLikelihoodOne(P, 0, 0, 30)).toBeCloseTo(P.r * Math.log(P.alpha / (P.alpha + 30)), 12);
  });

  it('has a likelihood that sums to 1 over x for a fixed T when integrated over t_x (unconditional E[X(t)] check)', () => {
    // given the unconditional expectation, when compared with the mean of many simulated customers,
    // then they agree within Monte-Carlo error
    const cols = simulateBgNbd(P, 40000, makeRng(7), { minT: 26, maxT: 26 });
    const mean = cols.x.reduce((s, v) => s + v, 0) / cols.n;
    expect(Math.abs(mean - bgnbdExpected(P, 26)) / bgnbdExpected(P, 26)).toBeLessThan(0.03);
  });

  it('computes an analytic gradient that matches central differences', () => {
    const cols = simulateBgNbd(P, 500, makeRng(3));
    const g = new Float64Array(4);
    bgnbdLogLikelihoodGrad(P, cols, g);
    const keys = ['r', 'alpha', 'a', 'b'] as const;
    keys.forEach((k, i) => {
      const h = 1e-6 * P[k];
      const up = bgnbdLogLikelihoodGrad({ ...P, [k]: P[k] + h }, cols, null);
      const dn = bgnbdLogLikelihoodGrad({ ...P, [k]: P[k] - h }, cols, null);
      expect(Math.abs(g[i]! - (up - dn) / (2 * h))).toBeLessThan(1e-5 * Math.max(1, Math.abs(g[i]!)));
    });
  });

  it('scores columns identically to the per-customer functions', () => {
    const cols = simulateBgNbd(P, 300, makeRng(11), { round: roundToDayWeeks });
    const s = scoreColumns({ model: 'bgnbd', params: P }, cols, { horizon: 39 });
    for (let i = 0; i < cols.n; i += 17) {
      expect(s.pAlive[i]).toBeCloseTo(bgnbdPAlive(P, cols.x[i]!, cols.tx[i]!, cols.T[i]!), 14);
      // per-x tables (scorer.ts) are exact to 1e-10 relative
      expect(Math.abs(s.expectedPurchases[i]! - bgnbdConditionalExpected(P, 39, cols.x[i]!, cols.tx[i]!, cols.T[i]!))).toBeLessThan(1e-10);
    }
  });

  it('recovers simulated parameters within 15% from 20k customers', () => {
    // given customers simulated from known parameters (fixed seed)
    const truth = { r: 0.5, alpha: 6, a: 0.7, b: 2.5 };
    const cols = simulateBgNbd(truth, 20000, makeRng(2024), { minT: 30, maxT: 78, round: roundToDayWeeks });
    // when fitted, then the optimum is converged and close to the truth
    expectRecovered('bgnbd', cols, truth, 0.15);
  });

  it('total LL of rows equals the sum of per-customer LLs', () => {
    const rows = [{ customerId: 'a', x: 0, tx: 0, T: 10 }, { customerId: 'b', x: 4, tx: 8.5, T: 12 }];
    const total = bgnbdLogLikelihoodGrad(P, toColumns(rows), null);
    expect(total).toBeCloseTo(bgnbdLogLikelihoodOne(P, 0, 0, 10) + bgnbdLogLikelihoodOne(P, 4, 8.5, 12), 12);
  });
});
