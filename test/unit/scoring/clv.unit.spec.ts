import { describe, it, expect } from 'vitest';
import { customerLifetimeValue, bgnbdClv, paretoClv, nextOrderEstimate } from '../../../shared/scoring/clv.js';
import { bgnbdConditionalExpected } from '../../../shared/scoring/bgnbd.js';
import { paretoConditionalExpected } from '../../../shared/scoring/pareto-nbd.js';
import { gammaGammaConditionalExpectedValue } from '../../../shared/scoring/gamma-gamma.js';
import { scoreColumns } from '../../../shared/scoring/score.js';
import { toColumns } from '../../../shared/scoring/columns.js';

const BG = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const PN = { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 };
const GG = { p: 6.25, q: 3.74, v: 15.44 };
const C = { x: 3, tx: 20, T: 38, zbar: 40 };

describe('clv', () => {
  it('with d = 0 and one period equals E[Z]·E[X(w)]', () => {
    const clv = bgnbdClv(BG, GG, C, { periods: 1, periodLength: 4.345, discount: 0 });
    const expected = gammaGammaConditionalExpectedValue(GG, 3, 40) * bgnbdConditionalExpected(BG, 4.345, 3, 20, 38);
    expect(clv).toBeCloseTo(expected, 10);
  });

  it('with d = 0 telescopes to E[Z]·E[X(M·w)], and discounting lowers it', () => {
    const undiscounted = paretoClv(PN, GG, C, { periods: 12, discount: 0 });
    const ez = gammaGammaConditionalExpectedValue(GG, 3, 40);
    expect(undiscounted).toBeCloseTo(ez * paretoConditionalExpected(PN, 12 * 4.345, 3, 20, 38), 10);
    expect(paretoClv(PN, GG, C)).toBeLessThan(undiscounted);
  });

  it('discounts each period by (1+d)^k', () => {
    // given a linear purchase curve (1 purchase per period), CLV = Σ 1/(1.1)^k for k = 1..3
    const v = customerLifetimeValue(2, (t) => t, { periods: 3, periodLength: 1, discount: 0.1 });
    expect(v).toBeCloseTo(2 * (1 / 1.1 + 1 / 1.21 + 1 / 1.331), 12);
  });

  it('column scoring reproduces per-customer CLV for both models', () => {
    const rows = [{ customerId: 'a', ...C }, { customerId: 'b', x: 0, tx: 0, T: 30, zbar: 0 }];
    const cols = toColumns(rows);
    const bg = scoreColumns({ model: 'bgnbd', params: BG }, cols, { horizon: 39, gammaGamma: GG });
    const pn = scoreColumns({ model: 'pareto-nbd', params: PN }, cols, { horizon: 39, gammaGamma: GG });
    rows.forEach((r, i) => {
      expect(Math.abs(bg.clv![i]! - bgnbdClv(BG, GG, r))).toBeLessThan(1e-9);
      expect(Math.abs(pn.clv![i]! - paretoClv(PN, GG, r))).toBeLessThan(1e-9);
    });
    expect(scoreColumns({ model: 'bgnbd', params: BG }, cols, { horizon: 39 }).clv).toBeUndefined();
  });

  it('estimates the next order from the posterior purchase rate (α+T)/(r+x)', () => {
    const e = nextOrderEstimate(BG.r, BG.alpha, C, '1997-09-30');
    expect(e.avgDaysBetweenOrders).toBeCloseTo(((BG.alpha + 38) / (BG.r + 3)) * 7, 10);
    expect(e.observedAvgDaysBetweenOrders).toBeCloseTo((20 / 3) * 7, 10);
    // 91.55 days after 1997-09-30, rounded to whole days
    expect(e.expectedNextOrderDate).toBe('1997-12-31');
  });
});
