import { describe, it, expect } from 'vitest';
import {
  mbgnbdLogLikelihoodOne, mbgnbdLogLikelihoodDerivs, mbgnbdPAlive, mbgnbdExpectedIfAlive, mbgnbdConditionalExpected, mbgnbdExpected,
} from '../../../shared/scoring/mbgnbd.js';
import { lgamma } from '../../../shared/scoring/special.js';
import { compressTriples } from '../../../shared/scoring/columns.js';
import { makeRng, simulateMbgNbd, roundToDayWeeks } from '../../../shared/scoring/simulate.js';
import { expectRecovered } from './recovery.js';

// MBG/NBD estimates on the CDNOW calibration summary as published by BTYDplus and asserted by the
// lifetimes test suite (test_params_out_is_close_to_BTYDplus); used here as plausible values. The
// reproduction of the estimates themselves is checked on the real data in scripts/validate-cdnow.ts.
const P = { r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 };

function richardson(f: (v: number) => number, v: number, h = 1e-3): number {
  const s = h * Math.max(Math.abs(v), 1e-3);
  const d1 = (f(v + s) - f(v - s)) / (2 * s);
  const d2 = (f(v + s / 2) - f(v - s / 2)) / s;
  return (4 * d2 - d1) / 3;
}

/** E[X(t) | alive] by quadrature over p ~ Beta(a, b+x+1): E[(1 − ((α+T)/(α+T+pt))^(r+x)) / p]. */
function expectedIfAliveByQuadrature(p: typeof P, t: number, x: number, T: number): number {
  const { r, alpha, a, b } = p;
  const bb = b + x + 1;
  const logB = lgamma(a) + lgamma(bb) - lgamma(a + bb);
  // Substitute p = u^(1/a) to remove the p^(a−1) endpoint singularity; Simpson on u ∈ (0, 1).
  const f = (u: number): number => {
    if (u <= 0) return (r + x) * t / (alpha + T) / a * Math.exp(-logB);
    const q = Math.pow(u, 1 / a);
    const g = (1 - Math.pow((alpha + T) / (alpha + T + q * t), r + x)) / q;
    return (g * Math.pow(1 - q, bb - 1) * Math.exp(-logB)) / a;
  };
  const m = 200_000;
  const h = 1 / m;
  let acc = f(0) + f(1);
  for (let i = 1; i < m; i++) acc += (i % 2 ? 4 : 2) * f(i * h);
  return (acc * h) / 3;
}

describe('mbgnbd', () => {
  it('gives one-time buyers P(alive) < 1, falling with the time since their purchase', () => {
    expect(mbgnbdPAlive(P, 0, 0, 1)).toBeLessThan(1);
    expect(mbgnbdPAlive(P, 0, 0, 30)).toBeLessThan(mbgnbdPAlive(P, 0, 0, 5));
    // just after the first purchase: 1/(1 + a/b), the Beta mean survival of that purchase
    expect(mbgnbdPAlive(P, 0, 0, 0)).toBeCloseTo(1 / (1 + P.a / P.b), 14);
  });

  it('sums per-customer log-likelihoods and has a gradient and Hessian that match differences', () => {
    const cols = compressTriples(simulateMbgNbd(P, 2000, makeRng(5), { minT: 27, maxT: 39, round: roundToDayWeeks }));
    const g = new Float64Array(4), H = new Float64Array(16);
    const ll = mbgnbdLogLikelihoodDerivs(P, cols, g, H);
    let direct = 0;
    for (let i = 0; i < cols.n; i++) direct += cols.w[i]! * mbgnbdLogLikelihoodOne(P, cols.x[i]!, cols.tx[i]!, cols.T[i]!);
    expect(Math.abs(ll - direct)).toBeLessThan(1e-10 * Math.abs(direct));
    const keys = ['r', 'alpha', 'a', 'b'] as const;
    keys.forEach((k, j) => {
      const fd = richardson((v) => mbgnbdLogLikelihoodDerivs({ ...P, [k]: v }, cols, null, null), P[k]);
      expect(Math.abs(g[j]! - fd)).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
      for (let i = 0; i < 4; i++) {
        const gi = (v: number): number => {
          const gg = new Float64Array(4);
          mbgnbdLogLikelihoodDerivs({ ...P, [k]: v }, cols, gg, null);
          return gg[i]!;
        };
        expect(Math.abs(H[j * 4 + i]! - richardson(gi, P[k]))).toBeLessThan(1e-6 * Math.max(1, Math.abs(H[j * 4 + i]!)));
      }
    });
  });

  it('computes E[X(t) | alive] like an independent quadrature over the dropout probability', () => {
    for (const [t, x, T] of [[39, 0, 30], [39, 2, 38.86], [10, 7, 20], [52, 1, 0.5]] as const) {
      const v = mbgnbdExpectedIfAlive(P, t, x, T);
      expect(Math.abs(v / expectedIfAliveByQuadrature(P, t, x, T) - 1)).toBeLessThan(1e-7);
    }
    expect(mbgnbdConditionalExpected(P, 39, 2, 30.43, 38.86)).toBeCloseTo(mbgnbdPAlive(P, 2, 30.43, 38.86) * mbgnbdExpectedIfAlive(P, 39, 2, 38.86), 14);
  });

  it('matches the mean of simulated customers (unconditional E[X(t)])', () => {
    const cols = simulateMbgNbd(P, 40_000, makeRng(8), { minT: 26, maxT: 26 });
    const mean = cols.x.reduce((s, v) => s + v, 0) / cols.n;
    expect(Math.abs(mean / mbgnbdExpected(P, 26) - 1)).toBeLessThan(0.03);
  });

  it('recovers simulated parameters within 15% from 50k customers', () => {
    // (a, b) are the weakly identified pair: at 20k their sampling error alone is ~10%.
    const truth = { r: 0.6, alpha: 5, a: 0.8, b: 2 };
    const cols = simulateMbgNbd(truth, 50_000, makeRng(31), { minT: 30, maxT: 78, round: roundToDayWeeks });
    expectRecovered('mbgnbd', cols, truth, 0.15);
  });
});
