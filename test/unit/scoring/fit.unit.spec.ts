import { describe, it, expect } from 'vitest';
import { fitModel } from '../../../shared/scoring/fit.js';
import type { SummaryRow } from '../../../shared/scoring/columns.js';
import { makeRng, simulateBgNbd } from '../../../shared/scoring/simulate.js';

const allFinite = (p: object): boolean => Object.values(p).every((v) => Number.isFinite(v));

describe('fit', () => {
  it('returns finite parameters and converged=false when nobody repeats (optimum on the boundary)', () => {
    // given only one-time buyers
    const rows: SummaryRow[] = Array.from({ length: 200 }, (_, i) => ({ customerId: String(i), x: 0, tx: 0, T: 10 + (i % 30) }));
    for (const model of ['bgnbd', 'pareto-nbd'] as const) {
      // when fitted, then nothing throws, params are finite and the result is flagged
      const fit = fitModel(model, rows);
      expect(allFinite(fit.params)).toBe(true);
      expect(Number.isFinite(fit.logLikelihood)).toBe(true);
      expect(fit.converged).toBe(false);
    }
  });

  it('handles a handful of customers without throwing or producing NaN', () => {
    const rows: SummaryRow[] = [
      { customerId: 'a', x: 1, tx: 3, T: 10, zbar: 12 },
      { customerId: 'b', x: 0, tx: 0, T: 8 },
      { customerId: 'c', x: 4, tx: 9, T: 9.5, zbar: 30 },
    ];
    for (const model of ['bgnbd', 'pareto-nbd', 'gamma-gamma'] as const) {
      const fit = fitModel(model, rows);
      expect(allFinite(fit.params)).toBe(true);
      expect(Number.isNaN(fit.gradNorm)).toBe(false);
      expect(typeof fit.converged).toBe('boolean');
    }
  });

  it('returns n = 0 and converged=false for Gamma-Gamma without repeat buyers', () => {
    const fit = fitModel('gamma-gamma', [{ customerId: 'a', x: 0, tx: 0, T: 5, zbar: 0 }]);
    expect(fit.n).toBe(0);
    expect(fit.converged).toBe(false);
  });

  it('applies the lifetimes L2 penalty: larger penalizer → smaller Σ params² and lower unpenalised LL', () => {
    const cols = simulateBgNbd({ r: 0.5, alpha: 6, a: 0.7, b: 2.5 }, 3000, makeRng(4));
    const free = fitModel('bgnbd', cols);
    const pen = fitModel('bgnbd', cols, { penalizer: 0.01 });
    const sq = (p: Record<string, number>): number => Object.values(p).reduce((s, v) => s + v * v, 0);
    expect(sq(pen.params as never)).toBeLessThan(sq(free.params as never));
    expect(pen.logLikelihood).toBeLessThan(free.logLikelihood);
    // and the penalised optimum is a stationary point of the penalised objective
    expect(pen.converged).toBe(true);
  });

  it('reaches gradNorm ≤ 1e-6 on the summed LL and reports iterations', () => {
    const cols = simulateBgNbd({ r: 0.3, alpha: 4, a: 0.8, b: 2.4 }, 5000, makeRng(8));
    const fit = fitModel('bgnbd', cols);
    expect(fit.gradNorm).toBeLessThanOrEqual(1e-6);
    expect(fit.iterations).toBeGreaterThan(0);
    expect(fit.n).toBe(5000);
  });
});
