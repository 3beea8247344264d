/**
 * Churn against DynamoDB Local. The weekly refit: fits on the stored summaries, versions the
 * parameters, keeps the previous version when a fit is unreliable, and the sweep then scores
 * with the model. Each block starts its own system (its own table).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { refitModel } from '../../shared/churn/refit.js';
import { keys, TableAttr } from '../../shared/platform/table/keys.js';
import { makeRng, roundToDayWeeks, simulateParetoNbd } from '../../shared/scoring/simulate.js';
import { systemForTest, type TestSystem } from '../support/system.js';
import { documentClient } from '../../shared/platform/table/dynamodb.js';
import type { LocalSystem } from '../../local/system.js';

const REFIT_NOW = new Date('2026-11-22T02:00:00Z');
const truth = { r: 0.55, alpha: 10.5, s: 0.6, beta: 11.7 };

/** Writes customer summaries as the order handler would have left them (fixture, not the path under test). */
async function seed(sys: LocalSystem, prefix: string, n: number, seedValue: number, oneTime = false) {
  const cols = simulateParetoNbd(truth, n, makeRng(seedValue), { minT: 20, maxT: 78, round: roundToDayWeeks });
  const db = documentClient(sys.dynamodb);
  const day = (weeksAgo: number) => new Date(REFIT_NOW.getTime() - Math.round(weeksAgo * 7) * 86_400_000).toISOString().slice(0, 10);
  const items = Array.from({ length: n }, (_, i) => {
    const x = oneTime ? 0 : cols.x[i]!;
    const T = cols.T[i]!;
    const id = `${prefix}${i}`;
    const spend = 40 * (x + 1);
    return {
      ...keys.customer(id), [TableAttr.gsi1pk]: id, customerId: id, [TableAttr.version]: 1,
      summary: { orders: x + 1, purchaseDays: x + 1, firstDay: day(T), lastDay: day(oneTime ? T : T - cols.tx[i]!), spend, firstDaySpend: 40 },
    };
  });
  for (let i = 0; i < items.length; i += 25) {
    await db.send(new BatchWriteCommand({ RequestItems: { [sys.tableName]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }));
  }
  return items.map((i) => i.customerId);
}
/** 300 one-time buyers and 800 repeat buyers: the base the refit fits on. */
const seedBuyers = async (sys: LocalSystem) => {
  await seed(sys, 'once-', 300, 1, true);
  await seed(sys, 'c', 800, 7);
};
const refitEnv = { POWERTOOLS_METRICS_DISABLED: 'true' };

describe('model refit', () => {
  describe('on one-time buyers only', () => {
    let sys: TestSystem;
    beforeAll(async () => void (sys = await systemForTest(refitEnv)));
    afterAll(() => sys?.close());

    it('keeps the model absent while all customers are one-time buyers, and says why', async () => {
      const { stores } = sys;
      // Given 300 one-time buyers: the dropout process is unidentified
      await seed(sys, 'once-', 300, 1, true);
      const outcome = await refitModel({ ...stores, random: makeRng(1) }, REFIT_NOW, { sampleLimit: 10_000 });
      expect(outcome).toMatchObject({ kind: 'kept', customers: 300, reasons: expect.arrayContaining([expect.stringMatching(/repeat buyers/)]) });
      expect((await stores.scores.getStoreModel()).params).toBeUndefined();
      // but the base statistics are refreshed all the same
      expect((await stores.scores.getStoreModel()).stats?.rfmCuts.frequency).toEqual([1, 1, 1, 1]);
    });
  });

  describe('on a base with repeat buyers', () => {
    let sys: TestSystem;
    beforeAll(async () => {
      sys = await systemForTest(refitEnv);
      await seedBuyers(sys);
    });
    afterAll(() => sys?.close());

    it('fits, stores version 1 through the scheduled handler, and the sweep then scores with the model', async () => {
      const { stores } = sys;
      expect(await sys.runScheduled('model-refit', REFIT_NOW)).toMatchObject({ kind: 'updated' });

      const model = await stores.scores.getStoreModel();
      expect(model.params?.version).toBe(1);
      // Parameter recovery is a unit test; here: fitted on every stored buyer, converged.
      expect(model.params!.fit).toMatchObject({ customers: 1100 });
      expect(model.params!.fit.gradNorm).toBeLessThan(1e-3);
      expect(model.stats?.gapQuantiles).toHaveLength(21);

      await sys.sweep(REFIT_NOW);
      const c = await stores.customers.getCustomer('c0');
      expect(c?.risk?.method).toBe('model');
      expect(c?.prediction?.modelVersion).toBe(1);
      expect(c?.segment).toBeTruthy();
      // 1,100 customers through the whole local loop (sweep, risk events, dispatch decisions).
    }, 120_000);

    it('writes nothing on a second sweep of an unchanged base', async () => {
      // The first sweep scores the base (all 1,100 customers when it runs on a fresh table: hence the time allowed)
      await sys.sweep(new Date(REFIT_NOW.getTime() + 1000));
      const before = sys.bus.published;
      await sys.sweep(new Date(REFIT_NOW.getTime() + 2000));
      // Only the segment fan-out events (churn and loyalty); no risk transitions.
      expect(sys.bus.published - before).toBe(2 * Number(sys.envOf('sweep-start').SWEEP_SEGMENTS));
    }, 120_000);
  });

  describe('versions', () => {
    let sys: TestSystem;
    beforeAll(async () => {
      sys = await systemForTest(refitEnv);
      await seedBuyers(sys);
    });
    afterAll(() => sys?.close());

    it('versions the next reliable fit and keeps it when a later fit is rejected', async () => {
      const { stores } = sys;
      // Given version 1
      expect(await refitModel({ ...stores, random: makeRng(1) }, REFIT_NOW, { sampleLimit: 10_000 })).toMatchObject({ kind: 'updated', version: 1 });
      expect(await refitModel({ ...stores, random: makeRng(2) }, REFIT_NOW, { sampleLimit: 10_000 })).toMatchObject({ kind: 'updated', version: 2 });
      // A sample too small to be reliable must not replace version 2.
      expect(await refitModel({ ...stores, random: makeRng(3) }, REFIT_NOW, { sampleLimit: 400 })).toMatchObject({ kind: 'kept', currentVersion: 2 });
      expect((await stores.scores.getStoreModel()).params?.version).toBe(2);
    });
  });
});
