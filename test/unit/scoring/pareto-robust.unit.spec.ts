import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { paretoPAlive, paretoConditionalExpected, paretoLogLikelihoodOne, paretoExpectedIfAlive } from '../../../shared/scoring/pareto-nbd.js';
import {
  paretoLogDeadOdds, paretoPurchaseProbIfAlive, logTailLength, logTailLengthRobust, deadIntegrand,
} from '../../../shared/scoring/pareto-tail.js';
import { integratePowerProduct } from '../../../shared/scoring/quadrature.js';

/** Composite Simpson on [a, b] with m (even) panels. */
function simpson(f: (u: number) => number, a: number, b: number, m = 20_000): number {
  const h = (b - a) / m;
  let acc = f(a) + f(b);
  for (let i = 1; i < m; i++) acc += (i % 2 ? 4 : 2) * f(a + i * h);
  return (acc * h) / 3;
}

const logUniform = (lo: number, hi: number) => fc.double({ min: Math.log(lo), max: Math.log(hi), noNaN: true }).map(Math.exp);
/** Valid parameters over many orders of magnitude, including dropout parameters that ran off. */
const params = fc.record({ r: logUniform(1e-3, 1e3), alpha: logUniform(1e-3, 1e4), s: logUniform(1e-3, 1e12), beta: logUniform(1e-3, 1e13) });
/** Parameters of real bases, where P(alive) is neither 0 nor 1 and a wrong digit would show. */
const typical = fc.record({ r: logUniform(0.05, 5), alpha: logUniform(0.1, 100), s: logUniform(0.05, 5), beta: logUniform(0.1, 100) });
/** Whole days in weeks, as real summaries are: x repeat purchases, the last at t_x ≤ T. */
const historyUpTo = (maxX: number, maxWeeks: number) => fc
  .record({ x: fc.integer({ min: 0, max: maxX }), T: fc.integer({ min: 0, max: 7 * maxWeeks }), f: fc.double({ min: 0, max: 1, noNaN: true }) })
  .map(({ x, T, f }) => ({ x, T: T / 7, tx: x === 0 ? 0 : Math.round(f * T) / 7 }));
const history = historyUpTo(300, 520);

describe('Pareto/NBD tail length K(t)', () => {
  it('equals ln of the tail integral in units of the integrand at t (independent Simpson in ln(c+u))', () => {
    for (const [p1, c1, p2, c2, t] of [[0.6, 10, 1.6, 11, 5], [3, 1, 0.6, 50, 0], [1.5, 0.01, 1.6, 100, 2], [4, 200, 1.2, 0.5, 1]] as const) {
      const c = Math.min(c1, c2);
      const g = (v: number): number => {
        const u = Math.exp(v) - c;
        return Math.exp(-p1 * Math.log((c1 + u) / (c1 + t)) - p2 * Math.log((c2 + u) / (c2 + t)) + v);
      };
      const v0 = Math.log(c + t);
      const want = Math.log(simpson(g, v0, v0 + 45 / (p1 + p2 - 1), 200_000));
      expect(Math.abs(logTailLengthRobust(p1, c1, p2, c2, t) - want)).toBeLessThan(1e-9);
    }
  });

  it('is left to quadrature where the series would be slow (z > 0.9)', () => {
    expect(logTailLength(3, 1, 0.6, 50, 0)).toBeNaN();
    expect(Number.isFinite(logTailLengthRobust(3, 1, 0.6, 50, 0))).toBe(true);
  });
});

describe('Pareto/NBD robust scoring', () => {
  it('gives the dead-in-(t_x, T] odds the closed form and the quadrature agree on', () => {
    const byQuadrature = (p: { r: number; alpha: number; s: number; beta: number }, h: { x: number; tx: number; T: number }): number => {
      const logAt = (p.r + h.x) * Math.log1p((h.T - h.tx) / (p.alpha + h.tx)) + p.s * Math.log1p((h.T - h.tx) / (p.beta + h.tx)) - Math.log(p.beta + h.tx);
      return Math.log(p.s) + logAt + Math.log(integratePowerProduct(deadIntegrand(p, h.x), h.tx, h.T));
    };
    // relative agreement of the odds where they matter (P(alive) between 0.001 and 0.999)
    fc.assert(
      fc.property(typical, historyUpTo(20, 80), (p, h) => {
        const q = byQuadrature(p, h);
        fc.pre(Math.abs(q) < Math.log(1000));
        expect(Math.abs(paretoLogDeadOdds(p, h.x, h.tx, h.T) - q)).toBeLessThan(1e-9);
      }),
      { numRuns: 400, seed: 14 },
    );
    fc.assert(
      fc.property(params, history, (p, h) => {
        expect(Math.abs(paretoPAlive(p, h.x, h.tx, h.T) - 1 / (1 + Math.exp(byQuadrature(p, h))))).toBeLessThan(1e-9);
      }),
      { numRuns: 400, seed: 15 },
    );
  });

  it('never throws and returns probabilities and expectations in range, for extreme parameters', () => {
    fc.assert(
      fc.property(params, history, fc.double({ min: 0, max: 104, noNaN: true }), (p, h, t) => {
        const pa = paretoPAlive(p, h.x, h.tx, h.T);
        expect(pa).toBeGreaterThanOrEqual(0);
        expect(pa).toBeLessThanOrEqual(1);
        const e = paretoConditionalExpected(p, t, h.x, h.tx, h.T);
        expect(Number.isFinite(e) && e >= 0).toBe(true);
        const q = paretoPurchaseProbIfAlive(p, t, h.x, h.T);
        expect(q >= 0 && q <= 1).toBe(true);
        expect(Number.isFinite(paretoLogLikelihoodOne(p, h.x, h.tx, h.T))).toBe(true);
      }),
      { numRuns: 1000, seed: 7 },
    );
  });

  it('lowers P(alive) as the customer stays silent longer', () => {
    fc.assert(
      fc.property(params, history, fc.double({ min: 0.01, max: 100, noNaN: true }), (p, h, more) => {
        expect(paretoPAlive(p, h.x, h.tx, h.T + more)).toBeLessThanOrEqual(paretoPAlive(p, h.x, h.tx, h.T) + 1e-12);
      }),
      { numRuns: 400, seed: 3 },
    );
  });

  it('reaches the homogeneous-dropout limit: s, β → ∞ with s/β = μ is an Exponential(μ) lifetime', () => {
    // given a fixed dropout rate μ, R = μ ∫_{t_x}^T ((α+T)/(α+u))^(r+x) e^(μ(T−u)) du exactly
    const mu = 0.05, r = 0.5, alpha = 5, x = 2, tx = 10, T = 30;
    const R = simpson((u) => mu * Math.pow((alpha + T) / (alpha + u), r + x) * Math.exp(mu * (T - u)), tx, T);
    for (const s of [1e6, 1e9, 1e12]) {
      const p = { r, alpha, s, beta: s / mu };
      expect(Math.abs(paretoPAlive(p, x, tx, T) - 1 / (1 + R))).toBeLessThan(1e-6 * (1e6 / s) + 1e-12);
      // and E[X(t) | alive] → (r+x)/(α+T) · (1 − e^−μt)/μ
      expect(paretoExpectedIfAlive(p, 13, x, T)).toBeCloseTo(((r + x) / (alpha + T)) * (-Math.expm1(-mu * 13) / mu), 5);
    }
  });

  it('computes P(purchase in t | alive) like an independent Simpson rule, and BG-like when μ → 0', () => {
    const p = { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 };
    const x = 2, T = 30, t = 13;
    const k = p.r + x, th = p.alpha + T, bb = p.beta + T;
    const want = simpson((u) => (k / th) * Math.pow(th / (th + u), k + 1) * Math.pow(bb / (bb + u), p.s), 0, t);
    expect(Math.abs(paretoPurchaseProbIfAlive(p, t, x, T) - want)).toBeLessThan(1e-12);
    const noDropout = { ...p, s: 1e-12 };
    expect(paretoPurchaseProbIfAlive(noDropout, t, x, T)).toBeCloseTo(1 - Math.pow(th / (th + t), k), 10);
  });

  it('has no dead-in-(t_x, T] odds for a purchase right at T', () => {
    expect(paretoLogDeadOdds({ r: 1, alpha: 2, s: 1, beta: 3 }, 3, 20, 20)).toBe(-Infinity);
  });
});
