import { describe, it, expect } from 'vitest';
import {
  paretoLogLikelihoodOne, paretoPAlive, paretoConditionalExpected, paretoExpected,
} from '../../../shared/scoring/pareto-nbd.js';
import { lgamma } from '../../../shared/scoring/special.js';
import { scoreColumns } from '../../../shared/scoring/score.js';
import { makeRng, simulateParetoNbd, roundToDayWeeks } from '../../../shared/scoring/simulate.js';
import { expectRecovered } from './recovery.js';

const P = { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 };

/**
 * Independent likelihood: the "died in (t_x, T]" term integrated numerically,
 * Γ(r+x)α^r/Γ(r) · [β^s (α+T)^−(r+x) (β+T)^−s + sβ^s ∫_{t_x}^{T} (α+u)^−(r+x) (β+u)^−(s+1) du].
 */
function llByQuadrature(p: typeof P, x: number, tx: number, T: number): number {
  const { r, alpha, s, beta } = p;
  const f = (u: number): number => Math.pow(alpha + u, -(r + x)) * Math.pow(beta + u, -(s + 1));
  const m = 20000; // composite Simpson, error ~h⁴
  const h = (T - tx) / m;
  let acc = f(tx) + f(T);
  for (let i = 1; i < m; i++) acc += (i % 2 ? 4 : 2) * f(tx + i * h);
  const integral = (acc * h) / 3;
  const alive = Math.pow(alpha + T, -(r + x)) * Math.pow(beta + T, -s);
  return lgamma(r + x) - lgamma(r) + r * Math.log(alpha) + s * Math.log(beta) + Math.log(alive + s * integral);
}

describe('pareto-nbd', () => {
  it('matches the likelihood computed by numerical integration for α < β, α > β and α = β', () => {
    // given three parameter regimes (2F1 expanded around the larger rate, or z = 0)
    for (const p of [P, { ...P, alpha: 15, beta: 4 }, { ...P, alpha: 8, beta: 8 }]) {
      for (const [x, tx, T] of [[0, 0, 30], [3, 12.5, 38], [10, 35.2, 36]] as const) {
        // when evaluated both ways, then they agree to ~1e-9
        expect(Math.abs(paretoLogLikelihoodOne(p, x, tx, T) - llByQuadrature(p, x, tx, T))).toBeLessThan(1e-9);
      }
    }
  });

  it('is continuous across α = β', () => {
    const below = paretoLogLikelihoodOne({ ...P, alpha: 8 - 1e-9, beta: 8 }, 2, 10, 30);
    const above = paretoLogLikelihoodOne({ ...P, alpha: 8 + 1e-9, beta: 8 }, 2, 10, 30);
    expect(Math.abs(below - above)).toBeLessThan(1e-8);
  });

  it('gives P(alive) < 1 for one-time buyers and decreasing with time since last purchase', () => {
    const fresh = paretoPAlive(P, 0, 0, 2);
    const old = paretoPAlive(P, 0, 0, 70);
    expect(fresh).toBeLessThan(1);
    expect(old).toBeLessThan(fresh);
    expect(paretoPAlive(P, 5, 38, 38)).toBe(1);
  });

  it('expects no purchases over a zero horizon and matches the unconditional mean of simulated data', () => {
    expect(paretoConditionalExpected(P, 0, 2, 10, 30)).toBe(0);
    const cols = simulateParetoNbd(P, 40000, makeRng(5), { minT: 40, maxT: 40 });
    const mean = cols.x.reduce((a, b) => a + b, 0) / cols.n;
    expect(Math.abs(mean / paretoExpected(P, 40) - 1)).toBeLessThan(0.03);
  });

  it('scores columns identically to the per-customer functions, including the s = 1 limit', () => {
    const cols = simulateParetoNbd(P, 200, makeRng(9), { round: roundToDayWeeks });
    for (const p of [P, { ...P, s: 1 }]) {
      const sc = scoreColumns({ model: 'pareto-nbd', params: p }, cols, { horizon: 39 });
      for (let i = 0; i < cols.n; i += 13) {
        expect(Math.abs(sc.expectedPurchases[i]! - paretoConditionalExpected(p, 39, cols.x[i]!, cols.tx[i]!, cols.T[i]!))).toBeLessThan(1e-10);
      }
    }
    const nearOne = paretoConditionalExpected({ ...P, s: 1 + 1e-9 }, 39, 2, 10, 30);
    expect(Math.abs(nearOne - paretoConditionalExpected({ ...P, s: 1 }, 39, 2, 10, 30))).toBeLessThan(1e-7);
  });

  it('recovers simulated parameters within 10% from 20k customers', () => {
    const truth = { r: 0.6, alpha: 8, s: 0.8, beta: 12 };
    const cols = simulateParetoNbd(truth, 20000, makeRng(78), { minT: 30, maxT: 78, round: roundToDayWeeks });
    expectRecovered('pareto-nbd', cols, truth, 0.1);
  });
});
