import { describe, it, expect } from 'vitest';
import {
  compressTriples, compressTriplesIfRepeated, estimateDistinctTriples, sampleRows, type Columns,
} from '../../../shared/scoring/columns.js';
import { bgnbdLogLikelihoodGrad } from '../../../shared/scoring/bgnbd.js';
import { fitModel } from '../../../shared/scoring/fit.js';
import { newton } from '../../../shared/scoring/newton.js';
import { makeRng, simulateBgNbd, roundToDayWeeks } from '../../../shared/scoring/simulate.js';

const P = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

function twice(c: Columns): Columns {
  const cat = (a: Float64Array): Float64Array => {
    const o = new Float64Array(2 * a.length);
    o.set(a);
    o.set(a, a.length);
    return o;
  };
  return { n: 2 * c.n, x: cat(c.x), tx: cat(c.tx), T: cat(c.T), w: cat(c.w) };
}

describe('merging identical customers', () => {
  it('estimates the number of distinct triples within a few percent', () => {
    const distinct = simulateBgNbd(P, 60000, makeRng(1), { minT: 27, maxT: 39 });
    const rounded = simulateBgNbd(P, 60000, makeRng(2), { minT: 27, maxT: 39, round: roundToDayWeeks });
    for (const c of [distinct, rounded, twice(rounded)]) {
      const exact = compressTriples(c).n;
      expect(Math.abs(estimateDistinctTriples(c) / exact - 1)).toBeLessThan(0.06);
    }
  });

  it('gives the same merge whatever the table-size hint, and merges only when rows repeat', () => {
    const rounded = simulateBgNbd(P, 60000, makeRng(2), { minT: 27, maxT: 39, round: roundToDayWeeks });
    const a = compressTriples(rounded), b = compressTriples(rounded, 10);
    expect(b.n).toBe(a.n);
    expect(Array.from(b.tx)).toEqual(Array.from(a.tx));
    expect(Array.from(b.w)).toEqual(Array.from(a.w));
    expect(compressTriplesIfRepeated(rounded).n).toBe(a.n);
    const distinct = simulateBgNbd(P, 60000, makeRng(1), { minT: 27, maxT: 39 });
    expect(compressTriplesIfRepeated(distinct).n).toBe(60000);
  });

  it('samples rows with their weights, deterministically', () => {
    const c = simulateBgNbd(P, 1000, makeRng(4));
    const s1 = sampleRows(c, 200), s2 = sampleRows(c, 200);
    expect(s1.n).toBe(200);
    expect(Array.from(s1.T)).toEqual(Array.from(s2.T));
    for (let j = 0; j < 200; j++) expect(Array.from(c.T)).toContain(s1.T[j]);
  });
});

describe('large fits (subsample start, then Newton on all rows)', () => {
  it('reaches gradNorm ≤ 1e-6 on all 150k distinct customers, checked independently', () => {
    // given more rows than the subsample threshold, none of them identical
    const cols = simulateBgNbd(P, 150_000, makeRng(9), { minT: 27, maxT: 39 });
    // when fitted
    const fit = fitModel('bgnbd', cols);
    expect(fit.converged).toBe(true);
    expect(fit.n).toBe(150_000);
    // then the summed gradient w.r.t. log-parameters at the reported params is ≤ 1e-6
    const g = new Float64Array(4);
    const ll = bgnbdLogLikelihoodGrad(fit.params, cols, g);
    const p = [fit.params.r, fit.params.alpha, fit.params.a, fit.params.b];
    expect(Math.hypot(...p.map((v, i) => v * g[i]!))).toBeLessThanOrEqual(1e-6);
    expect(Math.abs(ll - fit.logLikelihood)).toBeLessThan(1e-9 * Math.abs(ll));
    for (const k of ['r', 'alpha', 'a', 'b'] as const) expect(Math.abs(fit.params[k] / P[k] - 1)).toBeLessThan(0.1);
  });

  it('gives the same optimum for duplicated data (merged) as for the original rows', () => {
    const once = simulateBgNbd(P, 40_000, makeRng(5), { minT: 27, maxT: 39, round: roundToDayWeeks });
    const a = fitModel('bgnbd', once);
    const b = fitModel('bgnbd', twice(once));
    expect(b.n).toBe(80_000);
    expect(b.converged).toBe(true);
    for (const k of ['r', 'alpha', 'a', 'b'] as const) expect(Math.abs(b.params[k] / a.params[k] - 1)).toBeLessThan(1e-8);
    expect(Math.abs(b.logLikelihood / (2 * a.logLikelihood) - 1)).toBeLessThan(1e-12);
  });

  it('newton minimises a convex quadratic in one step and shifts an indefinite Hessian', () => {
    // f = ½ θᵀAθ − bᵀθ with A positive definite: one Newton step lands on A⁻¹b.
    const quad = (t: Float64Array, g: Float64Array, h: Float64Array): number => {
      const A = [4, 1, 1, 3];
      const b = [1, 2];
      for (let i = 0; i < 4; i++) h[i] = A[i]!;
      g[0] = A[0]! * t[0]! + A[1]! * t[1]! - b[0]!;
      g[1] = A[2]! * t[0]! + A[3]! * t[1]! - b[1]!;
      return 0.5 * (t[0]! * (g[0]! - b[0]!) + t[1]! * (g[1]! - b[1]!));
    };
    const st = newton(quad, new Float64Array([1, -0.5]), 1e-12, 1);
    expect(st.iterations).toBe(1);
    expect(st.theta[0]).toBeCloseTo(1 / 11, 12);
    expect(st.theta[1]).toBeCloseTo(7 / 11, 12);
    // f = cos(θ) near its maximum (Hessian < 0): the shifted step still descends towards π.
    const cosObj = (t: Float64Array, g: Float64Array, h: Float64Array): number => {
      g[0] = -Math.sin(t[0]!);
      h[0] = -Math.cos(t[0]!);
      return Math.cos(t[0]!);
    };
    const c = newton(cosObj, new Float64Array([1.2]), 1e-10, 1, 50);
    expect(Math.abs(c.theta[0]! - Math.PI)).toBeLessThan(1e-8);
  });
});
