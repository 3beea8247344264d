import { describe, it, expect } from 'vitest';
import { fitLevelThresholds, levelAuc, levelOf, rankValue, riskFromRank, riskPriority } from '../../../shared/scoring/levels.js';
import { auc, levelReport, levelsAtShares } from '../../../shared/scoring/metrics.js';
import { conditionalExpected, pAlive, probNoPurchase, purchaseProbIfAlive, type CountModel } from '../../../shared/scoring/count-model.js';
import { simulateShop } from '../../../shared/scoring/simulate-shop.js';
import { makeRng } from '../../../shared/scoring/simulate.js';
import { splitAt } from '../../../shared/scoring/holdout.js';

const BG: CountModel = { model: 'bgnbd', params: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 } };

describe('auc', () => {
  it('counts ties as one half (Mann–Whitney with mid-ranks)', () => {
    expect(auc([1, 2, 3, 4], [false, false, true, true])).toBe(1);
    expect(auc([4, 3, 2, 1], [false, false, true, true])).toBe(0);
    // positives {2, 2}, negatives {1, 2}: pairs (2>1, 2=2, 2>1, 2=2) → (1 + ½ + 1 + ½)/4
    expect(auc([2, 2, 1, 2], [true, true, false, false])).toBe(0.75);
    expect(auc([1, 1, 1], [true, false, true])).toBe(0.5);
    expect(auc([1, 2], [true, true])).toBeNaN();
  });

  it('agrees with the level AUC from counts', () => {
    const levels = ['active', 'active', 'at-risk', 'churned', 'churned', 'at-risk'] as const;
    const returned = [true, false, true, false, false, false];
    const report = levelReport([...levels], returned);
    const counts = { customers: [2, 2, 2] as [number, number, number], returned: [1, 1, 0] as [number, number, number] };
    expect(report.auc).toBeCloseTo(levelAuc(counts), 14);
  });
});

describe('levelReport', () => {
  it('gives return rate, precision and recall per level and for everyone flagged', () => {
    const r = levelReport(['active', 'active', 'at-risk', 'churned'], [true, false, false, false]);
    const [active, atRisk, churned, flagged] = r.levels;
    expect(active).toMatchObject({ customers: 2, share: 0.5, returnRate: 0.5, precision: 0.5, recall: 1 });
    expect(atRisk).toMatchObject({ customers: 1, precision: 1, recall: 1 / 3 });
    expect(churned).toMatchObject({ customers: 1, returnRate: 0 });
    expect(flagged).toMatchObject({ level: 'flagged', customers: 2, precision: 1, recall: 2 / 3 });
    expect(r.monotone).toBe(false);
  });

  it('builds baseline levels at given shares without splitting ties', () => {
    // the second 3 would fall past the at-risk share; it stays with its tie
    expect(levelsAtShares([5, 1, 3, 3, 9], [0.2, 0.2])).toEqual(['churned', 'active', 'at-risk', 'at-risk', 'churned']);
    expect(levelsAtShares([5, 1, 3, 4, 9], [0.4, 0.2])).toEqual(['churned', 'active', 'active', 'at-risk', 'churned']);
  });
});

describe('ranking and level cut points', () => {
  it('computes P(no purchase) = 1 − P(alive)·P(purchase | alive) and ranks by E[X(h)] or P(purchase)', () => {
    const q = purchaseProbIfAlive(BG, 13, 2, 30);
    expect(q).toBeCloseTo(1 - Math.pow((BG.params.alpha + 30) / (BG.params.alpha + 43), BG.params.r + 2), 14);
    expect(probNoPurchase(BG, 13, 2, 10, 30)).toBeCloseTo(1 - pAlive(BG, 2, 10, 30) * q, 14);
    expect(rankValue(BG, 'expected', 13, 2, 10, 30)).toBe(conditionalExpected(BG, 13, 2, 10, 30));
    expect(rankValue(BG, 'p-purchase', 13, 2, 10, 30)).toBeCloseTo(1 - probNoPurchase(BG, 13, 2, 10, 30), 14);
  });

  it('forecasts the share of simulated customers who buy again within h (calibration of P(purchase))', () => {
    // given BG/NBD customers observed to day 250, then 91 more days
    const histories = simulateShop(BG, { customers: 30_000, acquisitionDays: 200, endDay: 341 }, makeRng(21));
    let predicted = 0, actual = 0;
    for (const d of histories) {
      const r = splitAt(d, 250, 341)!;
      predicted += 1 - probNoPurchase(BG, 13, r.x, r.tx, r.T);
      if (r.holdout > 0) actual++;
    }
    // then the expected number of returners matches the simulated one within Monte-Carlo error
    expect(Math.abs(predicted / actual - 1)).toBeLessThan(0.04);
  });

  it('fits cut points whose levels have falling return rates and the best AUC among such cuts', () => {
    const rng = makeRng(4);
    const values = Array.from({ length: 4000 }, () => rng());
    // the chance to return grows with the value, with noise
    const returned = values.map((v) => rng() < 0.1 + 0.6 * v * v);
    const fit = fitLevelThresholds(values, returned)!;
    expect(fit.returnRates[0]).toBeGreaterThan(fit.returnRates[1]);
    expect(fit.returnRates[1]).toBeGreaterThan(fit.returnRates[2]);
    expect(Math.min(...fit.counts.customers)).toBeGreaterThanOrEqual(200);
    const levels = values.map((v) => levelOf(v, fit));
    const report = levelReport(levels, returned);
    expect(report.monotone).toBe(true);
    expect(report.auc).toBeCloseTo(fit.auc, 12);
    // no other cut pair on a coarse grid does better
    for (let a = 0.1; a < 0.95; a += 0.05) {
      for (let b = a + 0.05; b < 1; b += 0.05) {
        const other = levelReport(values.map((v) => levelOf(v, { active: b, atRisk: a })), returned);
        const shares = other.levels.slice(0, 3).map((s) => s.share);
        if (other.monotone && Math.min(...shares) >= 0.05) expect(other.auc).toBeLessThanOrEqual(fit.auc + 1e-12);
      }
    }
  });

  it('returns null when no cut pair can make the levels monotone, and caps the flagged share', () => {
    expect(fitLevelThresholds([1, 2, 3, 4, 5, 6], [true, true, true, true, true, true])).toBeNull();
    const rng = makeRng(9);
    const values = Array.from({ length: 2000 }, () => rng());
    const returned = values.map((v) => rng() < v);
    const capped = fitLevelThresholds(values, returned, { maxFlaggedShare: 0.4 })!;
    expect(capped.counts.customers[1] + capped.counts.customers[2]).toBeLessThanOrEqual(800);
  });

  it('labels levels from the rank value and weights priority by value', () => {
    const th = { rankBy: 'expected' as const, horizon: 13, active: 0.5, atRisk: 0.1 };
    expect(riskFromRank(0.7, th)).toEqual({ level: 'active', method: 'model', score: 0.7 });
    expect(riskFromRank(0.2, th).level).toBe('at-risk');
    expect(riskFromRank(0.05, th).level).toBe('churned');
    expect(riskPriority(200, 0.25)).toBe(50);
    expect(riskPriority(-5, 2)).toBe(0);
  });
});
