/**
 * Churn through the real handlers against DynamoDB Local. The daily sweep: risk levels by the rule
 * (no model yet), a re-run of the same scheduled time changes nothing, continuations cover a whole
 * segment. The weekly refit: fits on the stored summaries, versions the parameters, keeps the
 * previous version when a fit is unreliable, and the sweep then scores with the model.
 * Each block starts its own system (its own table).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { DetailType } from '../../shared/platform/contracts/events.js';
import { documentClient } from '../../shared/platform/table/dynamodb.js';
import { keys, TableAttr } from '../../shared/platform/table/keys.js';
import { sweepSegment } from '../../shared/churn/sweep.js';
import { DEFAULT_RISK_CONFIG } from '../../shared/churn/scores.js';
import { refitModel } from '../../shared/churn/refit.js';
import { makeRng, roundToDayWeeks, simulateParetoNbd } from '../../shared/scoring/simulate.js';
import type { LocalSystem } from '../../local/system.js';
import { putRaw, systemForTest, type TestSystem } from '../support/system.js';
import { mailTo } from '../support/mail.js';
import { orderEvent } from '../support/events.js';
import { driftingShopper, mailable, NOW, shopper } from '../support/win-back.js';

describe('churn sweep (rule)', () => {
  let sys: TestSystem;
  let ids: Record<'en' | 'zh' | 'recent', string>;

  beforeAll(async () => {
    // Dispatch judges quiet hours and caps at the real send moment: pin the wall clock (Date only).
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    vi.setSystemTime(NOW);
    sys = await systemForTest();
    const t = sys.tag;
    ids = { en: mailable(`en-${t}-`), zh: mailable(`zh-${t}-`), recent: mailable(`rc-${t}-`) };
    // Three more recent buyers, so that the segment has more than five customers to page through.
    const steady = [1, 2, 3].map((i) => `st${i}-${t}`);
    await putRaw(sys, [
      ...driftingShopper(ids.en),
      ...driftingShopper(ids.zh, 'zh-CN'),
      shopper(ids.recent, 'en', true),
      orderEvent(ids.recent, `${ids.recent}-o1`, '2026-11-10T10:00:00Z'),
      ...steady.flatMap((id) => [shopper(id, 'en', true), orderEvent(id, `${id}-o1`, '2026-11-10T10:00:00Z')]),
    ]);
    await sys.sweep(NOW);
  });
  afterAll(async () => {
    await sys?.close();
    vi.useRealTimers();
  });

  it('marks drifting customers at risk by the rule, and a recent buyer active', async () => {
    expect((await sys.stores.customers.getCustomer(ids.en))?.risk).toMatchObject({ level: 'at-risk', method: 'rule', lastOrderDay: '2026-09-01' });
    expect((await sys.stores.customers.getCustomer(ids.recent))?.risk?.level).toBe('active');
  });

  it('sends nothing twice when the sweep runs again for the same scheduled time', async () => {
    // Given the first sweep's win-back mails (beforeAll), when the scheduler delivers the same time again
    await sys.sweep(NOW);
    await sys.sweep(NOW);
    expect(await mailTo(`${ids.en}@example.com`)).toHaveLength(1);
    expect(await mailTo(`${ids.zh}@example.com`)).toHaveLength(1);
  });

  it('covers a whole segment through its cursors when every page must yield', async () => {
    const { stores } = sys;
    // Given a page size of one and an invocation that always runs out of time
    const deps = { ...stores, publisher: { publish: async () => undefined }, risk: DEFAULT_RISK_CONFIG };
    let req: Parameters<typeof sweepSegment>[1] = { job: 'daily-sweep', runKey: 'r', scheduledTime: NOW.toISOString(), segment: 0, totalSegments: 1 };
    let scanned = 0;
    let hops = 0;
    for (; hops < 100; hops++) {
      const r = await sweepSegment(deps, req, { pageSize: 1, shouldYield: () => true });
      scanned += r.scanned;
      if (!r.cursor) break;
      req = { ...req, cursor: r.cursor };
    }
    // Then every customer was scanned exactly once across the hops, one page per hop
    const all = await stores.customers.scanCustomers({ segment: 0, totalSegments: 1, limit: 1000 });
    expect(all.cursor).toBeUndefined();
    expect(scanned).toBe(all.customers.length);
    expect(scanned).toBeGreaterThan(5);
    expect(hops).toBeGreaterThanOrEqual(scanned - 1);
  });
});

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

const refitEnv = { POWERTOOLS_METRICS_DISABLED: 'true' };

/** A system of its own for the enclosing block, seeded with the base the refit fits on: 300 one-time and 800 repeat buyers. */
function seededBase(): () => TestSystem {
  let sys: TestSystem | undefined;
  beforeAll(async () => {
    sys = await systemForTest(refitEnv);
    await seed(sys, 'once-', 300, 1, true);
    await seed(sys, 'c', 800, 7);
  });
  afterAll(() => sys?.close());
  return () => sys!;
}

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
    const base = seededBase();

    it('fits, stores version 1 through the scheduled handler, and the sweep then scores with the model', async () => {
      const sys = base();
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
      const sys = base();
      // The first sweep scores the base (all 1,100 customers when it runs on a fresh table: hence the time allowed)
      await sys.sweep(new Date(REFIT_NOW.getTime() + 1000));
      const before = sys.bus.published;
      const run = await sys.runScheduled('sweep-start', new Date(REFIT_NOW.getTime() + 2000));
      // A run of its own (a new scheduled time), over every segment, that published no risk transition.
      expect(run).toMatchObject({ outcome: 'started', segments: Number(sys.envOf('sweep-start').SWEEP_SEGMENTS) });
      expect(sys.bus.published - before).toBe(0);
    }, 120_000);
  });

  describe('versions', () => {
    const base = seededBase();

    it('versions the next reliable fit and keeps it when a later fit is rejected', async () => {
      const sys = base();
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
