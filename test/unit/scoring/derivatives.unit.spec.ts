import { describe, it, expect } from 'vitest';
import { trigamma, digamma } from '../../../shared/scoring/special.js';
import { hyp2f1, logHyp2f1Derivs } from '../../../shared/scoring/hyp2f1.js';
import { bgnbdLogLikelihoodDerivs } from '../../../shared/scoring/bgnbd-likelihood.js';
import { bgnbdLogLikelihoodOne } from '../../../shared/scoring/bgnbd.js';
import { paretoLogLikelihood } from '../../../shared/scoring/pareto-nbd.js';
import { paretoLogLikelihoodGrad, paretoKeyIndex } from '../../../shared/scoring/pareto-nbd-grad.js';
import { compressTriples } from '../../../shared/scoring/columns.js';
import { makeRng, simulateBgNbd, simulateParetoNbd, roundToDayWeeks } from '../../../shared/scoring/simulate.js';

/** Richardson-extrapolated central difference of f at v (relative step h). */
function richardson(f: (v: number) => number, v: number, h = 1e-3): number {
  const s = h * Math.max(Math.abs(v), 1e-3);
  const d1 = (f(v + s) - f(v - s)) / (2 * s);
  const d2 = (f(v + s / 2) - f(v - s / 2)) / s;
  return (4 * d2 - d1) / 3;
}

describe('trigamma', () => {
  it('matches ψ′(1) = π²/6, ψ′(1/2) = π²/2 and the derivative of digamma', () => {
    expect(Math.abs(trigamma(1) - Math.PI ** 2 / 6)).toBeLessThan(1e-14);
    expect(Math.abs(trigamma(0.5) - Math.PI ** 2 / 2)).toBeLessThan(1e-13);
    for (const x of [0.02, 0.243, 3.7, 12, 400]) expect(Math.abs(trigamma(x) / richardson(digamma, x) - 1)).toBeLessThan(1e-9);
  });
});

describe('logHyp2f1Derivs', () => {
  it('returns ln 2F1 and its a, b, c, z derivatives, matching hyp2f1 and numerical differentiation', () => {
    const out = new Float64Array(5);
    for (const [a, b, c, z] of [[1.2, 1.6, 2.2, 0.05], [30.5, 1.6, 31.5, 0.4], [1, 1.6, 4.1, 0.9], [0.7, 2, 1.7, 0]]) {
      // given parameters in the ranges the Pareto/NBD likelihood uses
      expect(logHyp2f1Derivs(a!, b!, c!, z!, out)).toBe(true);
      const lf = (aa: number, bb: number, cc: number, zz: number): number => Math.log(hyp2f1(aa, bb, cc, zz));
      // then value and derivatives agree with the independent evaluation
      expect(Math.abs(out[0]! - lf(a!, b!, c!, z!))).toBeLessThan(1e-13);
      const want = [
        richardson((v) => lf(v, b!, c!, z!), a!),
        richardson((v) => lf(a!, v, c!, z!), b!),
        richardson((v) => lf(a!, b!, v, z!), c!),
        z! > 0 ? richardson((v) => lf(a!, b!, c!, v), z!, 1e-4) : (a! * b!) / c!,
      ];
      want.forEach((w, i) => expect(Math.abs(out[i + 1]! - w)).toBeLessThan(1e-8 * Math.max(1, Math.abs(w))));
    }
  });

  it('declines (returns false) when z is so close to 1 that the series would be too long', () => {
    expect(logHyp2f1Derivs(1, 1.5, 3, 0.99999, new Float64Array(5))).toBe(false);
  });
});

describe('BG/NBD analytic derivatives', () => {
  const P = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
  const keys = ['r', 'alpha', 'a', 'b'] as const;

  it('sums per-customer LLs with weights and has a Hessian that matches differences of the gradient', () => {
    // given weighted rows
    const cols = simulateBgNbd(P, 2000, makeRng(11), { minT: 27, maxT: 39 });
    for (let i = 0; i < cols.n; i++) cols.w[i] = 1 + (i % 3);
    const g = new Float64Array(4), H = new Float64Array(16);
    const ll = bgnbdLogLikelihoodDerivs(P, cols, g, H);
    let direct = 0;
    for (let i = 0; i < cols.n; i++) direct += cols.w[i]! * bgnbdLogLikelihoodOne(P, cols.x[i]!, cols.tx[i]!, cols.T[i]!);
    expect(Math.abs(ll - direct)).toBeLessThan(1e-9 * Math.abs(direct));
    keys.forEach((k, j) => {
      const gAt = (v: number, i: number): number => {
        const gg = new Float64Array(4);
        bgnbdLogLikelihoodDerivs({ ...P, [k]: v }, cols, gg, null);
        return gg[i]!;
      };
      expect(Math.abs(g[j]! - richardson((v) => bgnbdLogLikelihoodDerivs({ ...P, [k]: v }, cols, null, null), P[k]))).toBeLessThan(1e-6 * Math.max(1, Math.abs(g[j]!)));
      for (let i = 0; i < 4; i++) {
        expect(H[j * 4 + i]).toBe(H[i * 4 + j]);
        expect(Math.abs(H[j * 4 + i]! - richardson((v) => gAt(v, i), P[k]))).toBeLessThan(1e-6 * Math.max(1, Math.abs(H[j * 4 + i]!)));
      }
    });
  });
});

describe('Pareto/NBD analytic gradient', () => {
  it('matches numerical differentiation of the likelihood for α > β, α < β and α = β', () => {
    const base = { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 };
    const cols = compressTriples(simulateParetoNbd(base, 1500, makeRng(11), { minT: 27, maxT: 39, round: roundToDayWeeks }));
    const index = paretoKeyIndex(cols);
    const keys = ['r', 'alpha', 's', 'beta'] as const;
    for (const p of [base, { ...base, alpha: 15, beta: 4 }, { ...base, alpha: 3, beta: 40 }, { ...base, alpha: 8, beta: 8 }, { r: 2, alpha: 1, s: 3, beta: 9 }]) {
      const g = new Float64Array(4);
      const ll = paretoLogLikelihoodGrad(p, cols, g, index);
      // the value is the same likelihood as paretoLogLikelihood
      expect(Math.abs(ll - paretoLogLikelihood(p, cols))).toBeLessThan(1e-11 * Math.abs(ll));
      keys.forEach((k, j) => {
        const fd = richardson((v) => paretoLogLikelihood({ ...p, [k]: v }, cols), p[k]);
        expect(Math.abs(g[j]! - fd)).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
      });
    }
  });

  it('returns NaN (so callers fall back to differences) when a series would be too slow', () => {
    const cols = simulateParetoNbd({ r: 0.5, alpha: 10, s: 0.6, beta: 12 }, 50, makeRng(3), { minT: 30, maxT: 40 });
    expect(paretoLogLikelihoodGrad({ r: 0.5, alpha: 1e-4, s: 0.6, beta: 1e5 }, cols, new Float64Array(4))).toBeNaN();
  });
});
