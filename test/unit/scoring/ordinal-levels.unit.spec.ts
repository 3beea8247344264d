import { describe, expect, it } from 'vitest';
import { fitOrdinalLevels, ordinalLevel } from '../../../shared/scoring/ordinal-levels.js';
import { fitLevelThresholds } from '../../../shared/scoring/levels.js';
import { auc } from '../../../shared/scoring/metrics.js';
import { makeRng } from '../../../shared/scoring/simulate.js';

// Customers whose return probability rises with their value, plus noise.
const rng = makeRng(4);
const values = Array.from({ length: 3000 }, () => rng());
const returned = values.map((v) => rng() < 0.1 + 0.7 * v * v);
const lapsed = returned.map((r) => !r);

describe('best k ordered levels', () => {
  it('for k = 3 finds the same cut points and AUC as fitLevelThresholds', () => {
    const three = fitOrdinalLevels(values, returned, 3)!;
    const lib = fitLevelThresholds(values, returned)!;
    expect(three.cuts).toEqual([lib.active, lib.atRisk]);
    expect(three.auc).toBeCloseTo(lib.auc, 12);
  });

  it("reports an AUC equal to the levels' own, monotone return rates, and gains with k towards the continuous AUC", () => {
    let previous = 0;
    for (const k of [2, 3, 4, 6]) {
      const fit = fitOrdinalLevels(values, returned, k)!;
      const levels = values.map((v) => ordinalLevel(v, fit.cuts));
      expect(fit.auc).toBeCloseTo(auc(levels, lapsed), 12);
      expect(fit.customers.reduce((a, b) => a + b, 0)).toBe(values.length);
      fit.returnRates.forEach((r, l) => l > 0 && expect(r).toBeLessThan(fit.returnRates[l - 1]!));
      expect(fit.auc).toBeGreaterThanOrEqual(previous);
      previous = fit.auc;
    }
    // (Not bounded by it: ties within a level can beat a noisy order, in sample.)
    expect(Math.abs(previous - auc(values.map((v) => -v), lapsed))).toBeLessThan(0.01);
  });

  it('is null when the constraints cannot be met', () => {
    expect(fitOrdinalLevels(values, returned, 30)).toBeNull(); // 30 levels of ≥ 5 % each
    expect(fitOrdinalLevels([1, 2, 3], [true, true, true], 2)).toBeNull();
  });
});
