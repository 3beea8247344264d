import { describe, it, expect } from 'vitest';
import { buildHoldout, buildOrigins, splitAt, summarizeDays, distinctDays } from '../../../shared/scoring/holdout.js';
import { holdoutForecast, selectModel, tryHoldoutForecast } from '../../../shared/scoring/select.js';
import { conditionalExpected, type CountModel } from '../../../shared/scoring/count-model.js';
import { simulateShop } from '../../../shared/scoring/simulate-shop.js';
import { makeRng } from '../../../shared/scoring/simulate.js';

// MBG/NBD estimates on CDNOW (BTYDplus, as asserted by lifetimes' test suite): a shop in which
// many customers never come back after the first purchase.
const MBG: CountModel = { model: 'mbgnbd', params: { r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 } };

describe('hold-out split', () => {
  it('summarises purchase days at a cut and counts what follows', () => {
    // given purchases on days 0, 7, 21 and 30, cut at day 14, observed to day 28 (weeks)
    const days = [0, 7, 21, 30];
    expect(summarizeDays(days, 14)).toEqual({ x: 1, tx: 1, T: 2 });
    // then one repeat purchase falls in (14, 28], the first one week after the cut
    expect(splitAt(days, 14, 28)).toEqual({ x: 1, tx: 1, T: 2, holdout: 1, firstReturn: 1 });
    expect(splitAt([20], 14, 28)).toBeNull();
    expect(splitAt([0], 14, 28)).toMatchObject({ x: 0, holdout: 0, firstReturn: Infinity });
    expect(distinctDays([5, 1, 5, 3])).toEqual([1, 3, 5]);
  });

  it('holds back the last quarter of the observed period and leaves later customers out', () => {
    const split = buildHoldout([[0, 50], [10], [90]], 100);
    expect(split.cutDay).toBe(75);
    expect(split.length).toBeCloseTo(25 / 7, 12);
    expect(split.index).toEqual([0, 1]);
    expect(split.rows[0]).toMatchObject({ x: 1, holdout: 0 });
    expect(() => buildHoldout([[0]], 10, { holdoutFraction: 1 })).toThrow(RangeError);
  });

  it('adds the earlier origin: the hold-out of the same length that ends where the latest begins', () => {
    // given purchases over days 0..100: the latest hold-out is (75, 100]
    const [latest, earlier, ...more] = buildOrigins([[0, 50, 80], [10, 60], [90]], 100);
    expect(more).toEqual([]);
    expect(latest).toMatchObject({ cutDay: 75, endDay: 100 });
    // then the earlier one is (50, 75], calibrated on days ≤ 50
    expect(earlier).toMatchObject({ cutDay: 50, endDay: 75, index: [0, 1] });
    expect(earlier!.length).toBeCloseTo(latest!.length, 12);
    expect(earlier!.rows).toEqual([
      { x: 1, tx: 50 / 7, T: 50 / 7, holdout: 0, firstReturn: Infinity },
      { x: 0, tx: 0, T: 40 / 7, holdout: 1, firstReturn: 10 / 7 },
    ]);
    expect(buildOrigins([[0]], 100, { origins: 3 }).map((o) => o.endDay)).toEqual([100, 75, 50]);
    expect(() => buildOrigins([[0]], 100, { origins: 0 })).toThrow(RangeError);
  });
});

describe('hold-out forecast', () => {
  it('sums the conditional expectations by calibration frequency class, 7 and more together', () => {
    const rows = [
      { x: 0, tx: 0, T: 10, holdout: 1, firstReturn: 2 },
      { x: 2, tx: 5, T: 10, holdout: 0, firstReturn: Infinity },
      { x: 9, tx: 9, T: 10, holdout: 4, firstReturn: 0.5 },
      { x: 7, tx: 8, T: 10, holdout: 2, firstReturn: 1 },
    ];
    const f = holdoutForecast(MBG, rows, 5);
    const e = rows.map((r) => conditionalExpected(MBG, 5, r.x, r.tx, r.T));
    expect(f.byClass.map((c) => c.cls)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7+']);
    expect(f.byClass[7]).toMatchObject({ customers: 2, actual: 6 });
    expect(f.byClass[7]!.predicted).toBeCloseTo(e[2]! + e[3]!, 12);
    expect(f.actual).toBe(7);
    expect(f.error).toBeCloseTo((e.reduce((a, b) => a + b) - 7) / 7, 12);
    // the class error counts misses that cancel in the total
    const miss = [e[0]! - 1, e[1]!, e[2]! + e[3]! - 6].reduce((s, v) => s + Math.abs(v), 0) / 7;
    expect(f.classError).toBeCloseTo(miss, 12);
    expect(f.classError).toBeGreaterThanOrEqual(Math.abs(f.error));
    expect(f.errorSe).toBeCloseTo(Math.sqrt(rows.reduce((s, r, i) => s + (r.holdout - e[i]!) ** 2, 0)) / 7, 12);
  });
});

describe('a forecast that cannot be evaluated', () => {
  it('is NaN with its reason instead of an exception', () => {
    // given BG/NBD parameters run off to where the 2F1 series does not converge for a young customer
    const runOff: CountModel = { model: 'bgnbd', params: { r: 0.315, alpha: 5.4, a: 2e5, b: 3.3e6 } };
    const rows = [{ x: 0, tx: 0, T: 2, holdout: 1, firstReturn: 1 }, { x: 2, tx: 5, T: 10, holdout: 2, firstReturn: 0.5 }];
    expect(() => holdoutForecast(runOff, rows, 20)).toThrow(/did not converge/);
    const f = tryHoldoutForecast(runOff, rows, 20);
    // then the actual purchases are still counted and nothing else is a number
    expect(f).toMatchObject({ actual: 3, failure: expect.stringMatching(/^bgnbd forecast failed: hyp2f1 series did not converge/) });
    expect([f.predicted, f.error, f.classError, f.errorSe].every(Number.isNaN)).toBe(true);
  });

  it('leaves the candidate out instead of failing the refit (a young shop\'s earlier hold-out)', () => {
    // given a 6,000-customer shop whose BG/NBD fit before the earlier hold-out (day 98) runs off
    const young = simulateShop(MBG, { customers: 6000, acquisitionDays: 365, endDay: 485 }, makeRng(23));
    const s = selectModel(buildOrigins(young, 252), { candidates: ['bgnbd'] });
    const [c] = s.candidates;
    expect(c!.forecasts[1]!.failure).toMatch(/hyp2f1 series did not converge/);
    expect(c!.eligible).toBe(false);
    expect(s.accepted).toBe(false);
    expect(s.reasons.join()).toMatch(/the hold-out one period earlier: bgnbd forecast failed/);
  });
});

describe('selectModel', () => {
  // given a shop whose customers may be lost at their first purchase (~60% one-time buyers)
  const histories = simulateShop(MBG, { customers: 10_000, acquisitionDays: 180, endDay: 365 }, makeRng(5));
  const origins = buildOrigins(histories, 365);
  const [split] = origins;
  const selection = selectModel(origins);

  it('chooses the model that forecasts every frequency class, not just the total', () => {
    const by = Object.fromEntries(selection.candidates.map((c) => [c.model, c.forecast]));
    const classZero = (m: string): number => {
      const c = by[m]!.byClass[0]!;
      return (c.predicted - c.actual) / c.actual;
    };
    // then Pareto/NBD's total looks fine while it under-forecasts the one-time buyers …
    expect(Math.abs(by['pareto-nbd']!.error)).toBeLessThan(0.03);
    expect(classZero('pareto-nbd')).toBeLessThan(-0.1);
    // … BG/NBD (which cannot lose them) over-forecasts them, and MBG/NBD gets them right
    expect(classZero('bgnbd')).toBeGreaterThan(0.1);
    expect(Math.abs(classZero('mbgnbd'))).toBeLessThan(0.05);
    expect(selection.chosen).toBe('mbgnbd');
    expect(selection.accepted).toBe(true);
    expect(selection.originEnds).toEqual([365, split!.cutDay]);
    // the chosen model was also fitted before the earlier hold-out and forecast it
    const chosen = selection.candidates.find((c) => c.model === 'mbgnbd')!;
    expect(chosen.forecasts).toHaveLength(2);
    expect(chosen.forecasts[0]).toBe(chosen.forecast);
    expect(chosen.eligible).toBe(true);
  });

  it('refuses a model that forecast the latest hold-out but missed the one before it', () => {
    // given the period before the latest hold-out had twice the purchases the shop's rhythm
    // explains (a promotion): one hold-out cannot tell whether the next period will be like it
    const [latest, earlier] = origins;
    const spiked = { ...earlier!, rows: earlier!.rows.map((r) => ({ ...r, holdout: 2 * r.holdout })) };
    expect(selectModel([latest!]).accepted).toBe(true);
    const s = selectModel([latest!, spiked]);
    // then no candidate is eligible and the refit is refused, saying which hold-out it missed
    expect(s.candidates.map((c) => c.eligible)).toEqual([false, false, false]);
    // (a model already outside the bound on the latest hold-out is not fitted on the earlier one)
    for (const c of s.candidates) expect(c.forecasts).toHaveLength(Math.abs(c.forecast.error) + c.forecast.errorSe <= 0.2 ? 2 : 1);
    expect(s.accepted).toBe(false);
    expect(s.reasons.join()).toMatch(/mbgnbd misses the hold-out one period earlier by -\d+\.\d% ± \d+\.\d% \(bound ±20\.0%\)/);
    expect(s.reasons.join()).not.toMatch(/misses the hold-out by/);
  });

  it('chooses among the candidates within the bound at every origin, by class error on the latest', () => {
    // given a bound that only some candidates meet at both origins
    const errs = selection.candidates.map((c) => Math.max(...c.forecasts.map((f) => Math.abs(f.error) + f.errorSe)));
    const bound = [...errs].sort((a, b) => a - b)[0]! + 1e-9;
    const s = selectModel(origins, { bound });
    const eligible = s.candidates.filter((c) => c.eligible);
    expect(eligible.length).toBeGreaterThanOrEqual(1);
    expect(eligible.length).toBeLessThan(3);
    // then the choice is the eligible one that misses the latest classes least, and it is accepted
    const best = [...eligible].sort((a, b) => a.forecast.classError - b.forecast.classError)[0]!;
    expect(s.chosen).toBe(best.model);
    expect(s.accepted).toBe(true);
  });

  it('refuses a fit outside the bound or on too little data, and says why', () => {
    const tight = selectModel([split!], { bound: 0.01, candidates: ['mbgnbd'] });
    expect(tight.accepted).toBe(false);
    expect(tight.reasons.join()).toMatch(/mbgnbd misses the hold-out by .*% ± .*% \(bound ±1\.0%\)/);
    const few = selectModel([{ rows: split!.rows.slice(0, 200), length: split!.length }], { candidates: ['bgnbd'] });
    expect(few.accepted).toBe(false);
    expect(few.reasons.join()).toMatch(/only 200 customers/);
    expect(few.reasons.join()).toMatch(/repeat buyers/);
  });
});
