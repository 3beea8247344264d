import { describe, expect, it } from 'vitest';
import { liftReport, wilson } from '../../../shared/campaigns/lift.js';

describe('liftReport', () => {
  it('computes rates, revenue per member, lift and incremental revenue', () => {
    const r = liftReport({ members: 1000, converters: 60, revenue: 12000 }, { members: 1000, converters: 40, revenue: 7000 });
    expect(r).toMatchObject({ kind: 'report', recipients: { conversionRate: 0.06, revenuePerMember: 12 }, control: { conversionRate: 0.04, revenuePerMember: 7 }, incrementalRevenue: 5000 });
    if (r.kind !== 'report') throw new Error('no report');
    expect(r.absoluteLift.estimate).toBeCloseTo(0.02, 10);
    expect(r.relativeLift).toBeCloseTo(0.5, 10);
    // Newcombe hybrid score interval for 60/1000 vs 40/1000 (Wald would give [0.0006, 0.0394]).
    expect(r.absoluteLift.low).toBeCloseTo(0.0008, 4);
    expect(r.absoluteLift.high).toBeCloseTo(0.0395, 4);
    expect(r.significant).toBe(true);
  });
  it('matches Newcombe’s worked example 56/70 vs 48/80: [0.0524, 0.3339]', () => {
    const r = liftReport({ members: 70, converters: 56, revenue: 0 }, { members: 80, converters: 48, revenue: 0 });
    if (r.kind !== 'report') throw new Error('no report');
    expect(r.absoluteLift.low).toBeCloseTo(0.0524, 4);
    expect(r.absoluteLift.high).toBeCloseTo(0.3339, 4);
  });
  it('is not significant when the interval spans zero, and handles a zero control rate', () => {
    const r = liftReport({ members: 50, converters: 1, revenue: 10 }, { members: 10, converters: 0, revenue: 0 });
    expect(r).toMatchObject({ kind: 'report', significant: false, relativeLift: null });
  });
  it.each([
    ['no-recipients', { members: 0, converters: 0, revenue: 0 }, { members: 5, converters: 0, revenue: 0 }],
    ['no-control', { members: 5, converters: 0, revenue: 0 }, { members: 0, converters: 0, revenue: 0 }],
    ['invalid-counts', { members: 5, converters: 6, revenue: 0 }, { members: 5, converters: 0, revenue: 0 }],
  ] as const)('reports %s instead of dividing by zero', (reason, a, b) => expect(liftReport(a, b)).toEqual({ kind: 'insufficient-data', reason }));
  it('Wilson interval of 0/10 starts at 0', () => expect(wilson(0, 10).low).toBe(0));
});
