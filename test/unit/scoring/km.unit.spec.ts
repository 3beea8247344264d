import { describe, it, expect } from 'vitest';
import { kaplanMeier, kmGapPercentiles, gapObservationsFromDays, gapObservationsFromSummary } from '../../../shared/scoring/km.js';
import { gapPercentiles } from '../../../shared/scoring/risk.js';
import { makeRng } from '../../../shared/scoring/simulate.js';

describe('Kaplan–Meier gaps', () => {
  it('matches a hand-computed curve with censoring and ties', () => {
    // events at 2, 4, 4, 7; censored at 3 and 4 (after the events at 4) and 9
    const km = kaplanMeier([
      { days: 2, event: true }, { days: 3, event: false }, { days: 4, event: true }, { days: 4, event: true },
      { days: 4, event: false }, { days: 7, event: true }, { days: 9, event: false },
    ]);
    expect(km.times).toEqual([2, 4, 7]);
    // S(2) = 6/7, S(4) = 6/7 · (1 − 2/5), S(7) = S(4) · (1 − 1/2)
    expect(km.survival[0]).toBeCloseTo(6 / 7, 14);
    expect(km.survival[1]).toBeCloseTo((6 / 7) * (3 / 5), 14);
    expect(km.survival[2]).toBeCloseTo((6 / 7) * (3 / 5) * 0.5, 14);
  });

  it('equals the plain percentiles when nothing is censored, and weights count as repeats', () => {
    const gaps = [10, 20, 30, 40, 50];
    const km = kmGapPercentiles(gaps.map((days) => ({ days, event: true })));
    expect(km(0.4)).toBe(20);
    expect(km(1)).toBe(50);
    expect(km(0.4)).toBeLessThanOrEqual(gapPercentiles(gaps)(0.4));
    const weighted = kaplanMeier([{ days: 5, event: true, weight: 3 }, { days: 8, event: false }]);
    expect(weighted.survival[0]).toBeCloseTo(1 / 4, 14);
  });

  it('corrects the downward bias of completed gaps in a young shop', () => {
    // given exponential gaps (mean 60 days), observed only up to each customer's 0–120 day window
    const rng = makeRng(12);
    const obs = [];
    const completed: number[] = [];
    const all: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const gap = -60 * Math.log(rng());
      const window = 120 * rng();
      all.push(gap);
      if (gap <= window) {
        obs.push({ days: gap, event: true });
        completed.push(gap);
      } else obs.push({ days: window, event: false });
    }
    // then the KM median is the true median of gaps up to the longest completed one, and the
    // completed-only median is far too short
    const longest = Math.max(...completed);
    const truncated = all.filter((g) => g <= longest).sort((a, b) => a - b);
    const trueMedian = truncated[Math.floor(truncated.length / 2)]!;
    expect(Math.abs(kmGapPercentiles(obs)(0.5) / trueMedian - 1)).toBeLessThan(0.05);
    expect(gapPercentiles(completed)(0.5)).toBeLessThan(0.8 * trueMedian);
  });

  it('derives observations from purchase days or from a running summary', () => {
    expect(gapObservationsFromDays([0, 10, 30], 45)).toEqual([
      { days: 10, event: true }, { days: 20, event: true }, { days: 15, event: false },
    ]);
    expect(gapObservationsFromSummary({ firstDay: 0, lastDay: 30, purchaseDays: 3 }, 45)).toEqual([
      { days: 15, event: true, weight: 2 }, { days: 15, event: false },
    ]);
    expect(gapObservationsFromSummary({ firstDay: 5, lastDay: 5, purchaseDays: 1 }, 45)).toEqual([{ days: 40, event: false }]);
    expect(kmGapPercentiles([{ days: 4, event: false }])(0.5)).toBeNaN();
  });
});
