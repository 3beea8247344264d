/**
 * The weekly refit against DynamoDB Local: fits on the stored summaries, versions the
 * parameters, keeps the previous version when a fit is unreliable, and the sweep then scores
 * with the model.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { refitModel } from '../../shared/churn/refit.js';
import { keys, TableAttr } from '../../shared/platform/table/keys.js';
import { makeRng, roundToDayWeeks, simulateParetoNbd } from '../../shared/scoring/simulate.js';
import { lambdaContext } from '../../local/bus.js';
import { systemForTest } from '../support/system.js';
import { documentClient } from '../../shared/platform/table/dynamodb.js';
import type { LocalSystem } from '../../local/system.js';

let sys: Awaited<ReturnType<typeof systemForTest>>;
let stores: LocalSystem['stores'];
const NOW = new Date('2026-11-22T02:00:00Z');
const truth = { r: 0.55, alpha: 10.5, s: 0.6, beta: 11.7 };

/** Writes customer summaries as the order handler would have left them (fixture, not the path under test). */
async function seed(prefix: string, n: number, seedValue: number, oneTime = false) {
  const cols = simulateParetoNbd(truth, n, makeRng(seedValue), { minT: 20, maxT: 78, round: roundToDayWeeks });
  const db = documentClient(sys.dynamodb);
  const day = (weeksAgo: number) => new Date(NOW.getTime() - Math.round(weeksAgo * 7) * 86_400_000).toISOString().slice(0, 10);
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

beforeAll(async () => {
  sys = await systemForTest({ POWERTOOLS_METRICS_DISABLED: 'true' });
  stores = sys.stores;
});
afterAll(() => sys?.close());

describe('model refit', () => {
  it('keeps the model absent while all customers are one-time buyers, and says why', async () => {
    // Given 600 one-time buyers: the dropout process is unidentified
    await seed('once-', 300, 1, true);
    const outcome = await refitModel({ ...stores, random: makeRng(1) }, NOW, { sampleLimit: 10_000 });
    expect(outcome).toMatchObject({ kind: 'kept', customers: 300, reasons: expect.arrayContaining([expect.stringMatching(/repeat buyers/)]) });
    expect((await stores.scores.getStoreModel()).params).toBeUndefined();
    // but the base statistics are refreshed all the same
    expect((await stores.scores.getStoreModel()).stats?.rfmCuts.frequency).toEqual([1, 1, 1, 1]);
  });

  it('fits, stores version 1 through the scheduled handler, and the sweep then scores with the model', async () => {
    await seed('c', 800, 7);
    expect(await sys.runScheduled('model-refit', NOW)).toMatchObject({ kind: 'updated' });

    const model = await stores.scores.getStoreModel();
    expect(model.params?.version).toBe(1);
    // Parameter recovery is a unit test; here: fitted on every stored buyer, converged.
    expect(model.params!.fit).toMatchObject({ customers: 1100 });
    expect(model.params!.fit.gradNorm).toBeLessThan(1e-3);
    expect(model.stats?.gapQuantiles).toHaveLength(21);

    await sys.sweep(NOW);
    const c = await stores.customers.getCustomer('c0');
    expect(c?.risk?.method).toBe('model');
    expect(c?.prediction?.modelVersion).toBe(1);
    expect(c?.segment).toBeTruthy();
    // 1,100 customers through the whole local loop (sweep, risk events, dispatch decisions).
  }, 120_000);

  it('versions the next reliable fit and keeps it when a later fit is rejected', async () => {
    expect(await refitModel({ ...stores, random: makeRng(2) }, NOW, { sampleLimit: 10_000 })).toMatchObject({ kind: 'updated', version: 2 });
    // A sample too small to be reliable must not replace version 2.
    expect(await refitModel({ ...stores, random: makeRng(3) }, NOW, { sampleLimit: 400 })).toMatchObject({ kind: 'kept', currentVersion: 2 });
    expect((await stores.scores.getStoreModel()).params?.version).toBe(2);
  });

  it('writes nothing on a second sweep of an unchanged base', async () => {
    await sys.sweep(new Date(NOW.getTime() + 1000));
    const before = sys.bus.published;
    await sys.sweep(new Date(NOW.getTime() + 2000));
    // Only the segment fan-out events (churn and loyalty); no risk transitions.
    expect(sys.bus.published - before).toBe(2 * Number(sys.envOf('sweep-start').SWEEP_SEGMENTS));
  });
});
