/**
 * The weekly refit as a bulk run, through the real handlers on DynamoDB Local and the local Step
 * Functions (the deployed definition): a Map over segments (refit-sample), then refit-fit. On a
 * seeded base of 2,400 customers it stores the model the single-function refit chose on the same
 * data (every summary and every purchase day in one place, then the same plan), with statistics
 * of the whole base; fired twice at once and once more for the same time it is one run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forEachCustomerPage } from '../../shared/customers/scan.js';
import { gapObservationsFromDays, planRefit } from '../../shared/scoring/index.js';
import { makeRng } from '../../shared/scoring/simulate.js';
import { simulateShop } from '../../shared/scoring/simulate-shop.js';
import { runName } from '../../shared/platform/bulk.js';
import { DAY_MS } from '../../shared/platform/time.js';
import { seedShop } from '../support/shop.js';
import { refitRun } from '../support/refit.js';
import { systemForTest, type TestSystem } from '../support/system.js';
import type { OrderSummary } from '../../shared/orders/decide.js';
import { baseStats } from '../../shared/churn/base-partial.js';

const NOW = new Date('2026-11-22T02:00:00Z');
const SHOP_DAYS = 400;
const shop = () => simulateShop({ model: 'mbgnbd', params: { r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 } }, { customers: 2_400, acquisitionDays: 250, endDay: SHOP_DAYS }, makeRng(5));

let sys: TestSystem;
beforeAll(async () => {
  sys = await systemForTest({ POWERTOOLS_METRICS_DISABLED: 'true' });
  await seedShop(sys, 'r', shop(), SHOP_DAYS, NOW);
}, 120_000);
afterAll(() => sys?.close());

/** The refit as one function did it: every summary and every buyer's purchase days held at once. */
async function singleFunctionRefit() {
  const all: { id: string; s: OrderSummary }[] = [];
  await forEachCustomerPage(sys.stores.customers, (page) => void all.push(...page.map((c) => ({ id: c.customerId, s: c.summary }))), 1000);
  const buyers = all.filter((c) => c.s.firstDay);
  const read = await sys.stores.scores.readPurchaseDays(buyers.map((c) => c.id));
  const today = Math.floor(NOW.getTime() / DAY_MS);
  const histories = buyers.map((c) => read.days.get(c.id) ?? []).filter((d) => d.length > 0);
  const gaps = histories.flatMap((d) => gapObservationsFromDays(d, today));
  return { plan: planRefit(histories, today, { horizonDays: 90, bound: 0.2 }), stats: baseStats(all.map((c) => c.s), NOW, gaps), customers: all.length };
}

describe('the refit through the segment fan-out', () => {
  it('stores the model choice the single-function refit made on the same data, with statistics of the whole base', async () => {
    const expected = await singleFunctionRefit();
    expect(expected.plan.accepted).toBe(true);
    const out = await refitRun(sys, NOW);
    expect(out).toMatchObject({ kind: 'updated', version: 1, customers: expected.customers, sampled: expected.customers, segmentsMissing: 0 });
    const { params, stats } = await sys.stores.scores.getStoreModel();
    const choice = params!.choice!;
    expect(choice.model).toBe(expected.plan.choice!.model);
    for (const [k, v] of Object.entries(expected.plan.choice!.params)) expect((choice.params as unknown as Record<string, number>)[k]).toBeCloseTo(v as number, 6);
    expect(choice.thresholds?.rankBy).toBe(expected.plan.choice!.thresholds?.rankBy);
    // Counts and day-count cuts exactly; spend within DDSketch's 1 %; gaps from all 2,400 sampled.
    expect(stats).toMatchObject({ customers: expected.customers, buyers: expected.customers, gapMethod: 'kaplan-meier', gapSample: expected.customers, gapQuantiles: expected.stats.gapQuantiles });
    expect(stats!.rfmCuts.frequency).toEqual(expected.stats.rfmCuts.frequency);
    expect(stats!.rfmCuts.recencyDays).toEqual(expected.stats.rfmCuts.recencyDays);
    stats!.rfmCuts.monetary.forEach((v, i) => expect(Math.abs(v / expected.stats.rfmCuts.monetary[i]! - 1)).toBeLessThan(0.011));
  }, 240_000);

  it('fired twice at once and once more for the same scheduled time, is one run: each segment sampled once, one fit, one version', async () => {
    const at = new Date(NOW.getTime() + 7 * DAY_MS);
    const starts = await Promise.all([sys.runScheduled('model-refit', at), sys.runScheduled('model-refit', at)]);
    const again = await sys.runScheduled('model-refit', at);
    const name = runName('model-refit', at.toISOString());
    expect([...starts, again].map((s) => (s as { run: string }).run)).toEqual([name, name, name]);
    expect((again as { outcome: string }).outcome).toBe('already');
    const mine = sys.stepFunctions.invocations.filter((i) => i.execution === name);
    const segments = (again as { segments: number }).segments;
    expect(mine.filter((i) => i.fn === 'refit-sample' && !i.resumed).map((i) => i.segment).sort()).toEqual(Array.from({ length: segments }, (_, n) => n));
    expect(mine.filter((i) => i.fn === 'refit-fit')).toHaveLength(1);
    expect((await sys.stores.scores.getStoreModel()).params?.version).toBe(2);
  }, 240_000);
});
