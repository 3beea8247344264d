import { describe, it, expect } from 'vitest';
import { quintileScores, rfmScores, rfmSegment, DEFAULT_SEGMENT_MAP } from '../../../shared/scoring/rfm.js';
import { riskFromPAlive, riskFromRule, gapPercentiles, isFitReliable } from '../../../shared/scoring/risk.js';
import type { FitResult } from '../../../shared/scoring/fit.js';

describe('rfm', () => {
  it('scores quintiles 1–5, ties equal and independent of input order', () => {
    const v = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(Array.from(quintileScores(v))).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    const tied = quintileScores([5, 1, 5, 5, 2]);
    expect(tied[0]).toBe(tied[2]);
    expect(Array.from(quintileScores([5, 5, 5, 2, 1]))).toEqual([3, 3, 3, 2, 1]);
  });

  it('gives the most recent customers recency 5', () => {
    const s = rfmScores([400, 1, 200, 100, 300].map((d, i) => ({ recencyDays: d, frequency: i, monetary: 10 * i })));
    expect(s.map((x) => x.r)).toEqual([1, 5, 3, 4, 2]);
    expect(s.map((x) => x.f)).toEqual([1, 2, 3, 4, 5]);
  });

  it('maps the R/F grid to conventional segments, covering all 25 cells', () => {
    expect(rfmSegment(5, 5)).toBe('Champions');
    expect(rfmSegment(1, 1)).toBe('Lost');
    expect(rfmSegment(2, 1)).toBe('Hibernating');
    expect(rfmSegment(1, 5)).toBe("Can't Lose");
    expect(rfmSegment(5, 1)).toBe('New');
    expect(rfmSegment(3, 3)).toBe('Need Attention');
    for (let r = 1; r <= 5; r++) for (let f = 1; f <= 5; f++) expect(rfmSegment(r, f)).not.toBe('Unclassified');
    // the default map's precomputed grid says what the rules say (a copy of the map is read rule by rule)
    const rules = [...DEFAULT_SEGMENT_MAP];
    for (let r = 1; r <= 5; r++) for (let f = 1; f <= 5; f++) expect(rfmSegment(r, f)).toBe(rfmSegment(r, f, rules));
    expect(rfmSegment(2.5, 3)).toBe('Unclassified');
    expect(rfmSegment(5, 5, [{ segment: 'VIP', r: [5, 5], f: [5, 5] }, ...DEFAULT_SEGMENT_MAP])).toBe('VIP');
  });
});

describe('risk', () => {
  it('bands P(alive) into active / at-risk / churned and labels the method', () => {
    expect(riskFromPAlive(0.6)).toMatchObject({ level: 'active', method: 'model' });
    expect(riskFromPAlive(0.45).level).toBe('at-risk');
    expect(riskFromPAlive(0.1).level).toBe('churned');
    expect(riskFromPAlive(0.5, { active: 0.4, atRisk: 0.2 }).level).toBe('active');
  });

  it('compares days since last order with the own buying cycle for repeat buyers', () => {
    const store = gapPercentiles([10, 20, 30, 40, 50]);
    // 4 orders over 90 days → 30-day cycle
    expect(riskFromRule({ daysSinceLastOrder: 50, orders: 4, spanDays: 90 }, store)).toMatchObject({ level: 'active', method: 'rule' });
    expect(riskFromRule({ daysSinceLastOrder: 70, orders: 4, spanDays: 90 }, store).level).toBe('at-risk');
    expect(riskFromRule({ daysSinceLastOrder: 130, orders: 4, spanDays: 90 }, store).level).toBe('churned');
  });

  it('uses store gap percentiles for one-time buyers', () => {
    const store = gapPercentiles([10, 20, 30, 40, 50]);
    expect(store(0.75)).toBe(40);
    expect(store(0.95)).toBeCloseTo(48, 12);
    expect(riskFromRule({ daysSinceLastOrder: 35, orders: 1, spanDays: 0 }, store).level).toBe('active');
    expect(riskFromRule({ daysSinceLastOrder: 45, orders: 1, spanDays: 0 }, store).level).toBe('at-risk');
    expect(riskFromRule({ daysSinceLastOrder: 49, orders: 1, spanDays: 0 }, store).level).toBe('churned');
  });

  it('states why a fit is not reliable', () => {
    const fit: FitResult = { model: 'pareto-nbd', params: { r: 0.5, alpha: 10, s: 0.6, beta: 11 }, logLikelihood: -1, n: 2000, gradNorm: 1e-8, iterations: 20, converged: true };
    expect(isFitReliable(fit, { customers: 2000, repeatBuyers: 600 }).reliable).toBe(true);
    expect(isFitReliable(fit, { customers: 300, repeatBuyers: 50 }).reasons).toHaveLength(2);
    expect(isFitReliable(fit, 2000, { predicted: 1500, actual: 1882 }).reliable).toBe(false);
    expect(isFitReliable({ ...fit, converged: false }, 2000).reliable).toBe(false);
  });
});
