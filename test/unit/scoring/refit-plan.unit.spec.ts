import { describe, it, expect } from 'vitest';
import { planRefit } from '../../../shared/scoring/refit-plan.js';
import { evaluateChurn } from '../../../shared/scoring/evaluate.js';
import { replayRefits } from '../../../shared/scoring/replay.js';
import { createScorer } from '../../../shared/scoring/scorer.js';
import { simulateShop } from '../../../shared/scoring/simulate-shop.js';
import { makeRng } from '../../../shared/scoring/simulate.js';
import type { CountModel } from '../../../shared/scoring/count-model.js';

// MBG/NBD estimates on CDNOW (BTYDplus via lifetimes' tests) as the simulated shop's truth.
const MBG: CountModel = { model: 'mbgnbd', params: { r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 } };

describe('planRefit', () => {
  const histories = simulateShop(MBG, { customers: 8000, acquisitionDays: 200, endDay: 300 }, makeRng(17));
  const plan = planRefit(histories, 300);

  it('chooses a model, fits level cut points on the hold-out and refits on all data', () => {
    expect(plan.accepted).toBe(true);
    const choice = plan.choice!;
    expect(choice.customers).toBe(8000);
    expect(choice.selection.cutDay).toBe(225);
    expect(choice.selection.candidates.map((c) => c.model)).toEqual(['bgnbd', 'mbgnbd', 'pareto-nbd']);
    const chosen = choice.selection.candidates.find((c) => c.model === choice.model)!;
    expect(Math.min(...choice.selection.candidates.map((c) => c.classError))).toBe(chosen.classError);
    // each candidate also forecast the 75 days before the hold-out, fitted on the data before them
    expect(choice.selection.originEnds).toEqual([300, 225]);
    expect(chosen.earlier!.map((o) => o.endDay)).toEqual([225]);
    expect(Math.abs(chosen.earlier![0]!.error) + chosen.earlier![0]!.errorSe).toBeLessThanOrEqual(0.2);
    // the hold-out (75 days) is shorter than H = 90 days, so the levels are cut for 75 days
    expect(choice.thresholds).toMatchObject({ rankBy: 'expected', horizon: 75 / 7 });
    expect(choice.thresholds!.active).toBeGreaterThan(choice.thresholds!.atRisk);
    const [a, r, c] = choice.thresholdFit!.returnRates;
    expect(a).toBeGreaterThan(r);
    expect(r).toBeGreaterThan(c);
    // stored as JSON, the choice drives the sweep's scorer unchanged
    const stored = JSON.parse(JSON.stringify(choice)) as typeof choice;
    const scorer = createScorer({ model: stored.model, params: stored.params } as CountModel, { horizon: 90 / 7, thresholds: stored.thresholds });
    expect(scorer.score({ x: 3, tx: 20, T: 30 }).level).toBeDefined();
  });

  it('refuses a hold-out shorter than a buying cycle and a base too small to check', () => {
    const young = planRefit(histories.map((d) => d.filter((day) => day <= 60)), 60);
    expect(young.accepted).toBe(false);
    expect(young.reasons.join()).toMatch(/hold-out of 15 days is shorter than 28/);
    const small = planRefit(histories.slice(0, 300), 300);
    expect(small.accepted).toBe(false);
    expect(small.reasons.join()).toMatch(/only 300 customers/);
  });
});

describe('evaluateChurn', () => {
  it('scores the refit made at D against what customers did after D, beside the recency baseline', () => {
    const histories = simulateShop(MBG, { customers: 8000, acquisitionDays: 200, endDay: 500 }, makeRng(17));
    const r = evaluateChurn(histories, 300);
    expect(r.outcomeEndDay).toBe(Math.max(...histories.map((d) => d[d.length - 1]!)));
    expect(r.customers).toBe(8000);
    const ranking = Object.fromEntries(r.rankings.map((x) => [x.id, x.auc]));
    // the model's ranking beats days since the last purchase, which ignores how often people buy
    expect(ranking['model-rank']).toBeGreaterThan(ranking['recency']!);
    const levels = Object.fromEntries(r.levels.map((l) => [l.id, l.report]));
    expect(levels['model']!.monotone).toBe(true);
    expect(levels['model']!.auc).toBeGreaterThan(levels['recency-fitted']!.auc);
    expect(r.forecasts.filter((f) => f.chosen)).toHaveLength(1);
    expect(r.forecasts.every((f) => f.forecast.byClass.length === 8)).toBe(true);
    expect(() => evaluateChurn(histories, 600)).toThrow(/outcome window/);
  });
});

describe('replayRefits', () => {
  it("never accepts a fit that misses the next period by more than the bound over a shop's first year", () => {
    // given a shop acquiring 10,000 customers over its first year, refitted every 8 weeks from
    // day 196 (before it, fits on the earlier hold-out's few weeks of data run off to the edge of
    // their parameter space and take most of this test's time; the CDNOW replay covers them)
    const histories = simulateShop(MBG, { customers: 10_000, acquisitionDays: 365, endDay: 485 }, makeRng(23));
    const steps = replayRefits(histories, { fromDay: 196, toDay: 364, everyDays: 56, dataEndDay: 485 });
    const accepted = steps.filter((s) => s.accepted);
    expect(accepted.length).toBeGreaterThanOrEqual(3);
    // then every accepted model forecasts its next period within ±20% (the default bound)
    for (const s of accepted) expect(Math.abs(s.next!.error)).toBeLessThanOrEqual(0.2);
  });
});
