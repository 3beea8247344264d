/**
 * Churn through the real handlers against DynamoDB Local. The daily sweep: risk levels by the rule
 * (no model yet), a re-run of the same scheduled time changes nothing, continuations cover a whole
 * segment. The weekly refit: chooses a model on the stored purchase days, versions it, keeps the
 * previous version when a fit is refused, and the sweep then scores with the model.
 * (Model selection, ranked levels and `engage model show`: churn-selection.int.spec.ts.)
 * Each block starts its own system (its own table).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DetailType } from '../../shared/platform/contracts/events.js';
import { sweepSegment } from '../../shared/churn/sweep.js';
import { DEFAULT_RISK_CONFIG } from '../../shared/churn/scores.js';
import { refitRun, refitSteps } from '../support/refit.js';
import { makeRng } from '../../shared/scoring/simulate.js';
import { simulateShop } from '../../shared/scoring/simulate-shop.js';
import { seedShop } from '../support/shop.js';
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
const REFIT = { bound: 0.2, horizonDays: 90 };
const SHOP_DAYS = 400;
/** A shop whose refit plan is accepted (checked in test/unit/churn/ranked.unit.spec.ts's style). */
const shopHistories = () => simulateShop({ model: 'mbgnbd', params: { r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 } }, { customers: 1200, acquisitionDays: 250, endDay: SHOP_DAYS }, makeRng(2));

const refitEnv = { POWERTOOLS_METRICS_DISABLED: 'true' };

/** A system of its own for the enclosing block, seeded with the 1,200-customer shop the refit fits on. */
function seededBase(): () => TestSystem {
  let sys: TestSystem | undefined;
  beforeAll(async () => {
    sys = await systemForTest(refitEnv);
    await seedShop(sys, 'c', shopHistories(), SHOP_DAYS, REFIT_NOW);
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
      await seedShop(sys, 'once-', shopHistories().slice(0, 300).map((d) => d.slice(0, 1)), SHOP_DAYS, REFIT_NOW);
      const outcome = await refitRun(sys, REFIT_NOW);
      expect(outcome).toMatchObject({ kind: 'kept', customers: 300, reasons: expect.arrayContaining([expect.stringMatching(/repeat buyers/)]) });
      expect((await stores.scores.getStoreModel()).params).toBeUndefined();
      // but the base statistics are refreshed all the same, and the refusal is on record
      const stored = await stores.scores.getStoreModel();
      expect(stored.stats?.rfmCuts.frequency).toEqual([1, 1, 1, 1]);
      expect(stored.lastRefit).toMatchObject({ outcome: 'kept', reasons: outcome.reasons });
    });
  });

  describe('on a base with repeat buyers', () => {
    const base = seededBase();

    it('fits, stores version 1 through the scheduled handler, and the sweep then scores with the model', async () => {
      const sys = base();
      const { stores } = sys;
      expect(await refitRun(sys, REFIT_NOW)).toMatchObject({ kind: 'updated', version: 1, customers: 1200, sampled: 1200 });

      const model = await stores.scores.getStoreModel();
      expect(model.params?.version).toBe(1);
      expect(model.params!.fit).toMatchObject({ customers: 1200 });
      expect(model.stats).toMatchObject({ gapMethod: 'kaplan-meier' });
      expect(model.stats?.gapQuantiles).toHaveLength(21);

      await sys.sweep(REFIT_NOW);
      const c = await stores.customers.getCustomer('c0');
      expect(c?.risk?.method).toBe('model');
      expect(c?.prediction?.modelVersion).toBe(1);
      expect(c?.segment).toBeTruthy();
      // 1,200 customers through the whole local loop (sweep, risk events, dispatch decisions).
    }, 120_000);

    it('writes nothing on a second sweep of an unchanged base', async () => {
      const sys = base();
      // The first sweep scores the base (all 1,200 customers when it runs on a fresh table: hence the time allowed)
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

    it('versions the next accepted fit and keeps it when a later fit is refused', async () => {
      const sys = base();
      const { stores } = sys;
      // Given version 1
      expect(await refitRun(sys, REFIT_NOW)).toMatchObject({ kind: 'updated', version: 1 });
      expect(await refitRun(sys, new Date(REFIT_NOW.getTime() + 1000))).toMatchObject({ kind: 'updated', version: 2 });
      // A sample too small to be reliable must not replace version 2.
      const small = await refitSteps(stores, new Date(REFIT_NOW.getTime() + 2000), { sampleLimit: 400, ...REFIT });
      expect(small).toMatchObject({ kind: 'kept', currentVersion: 2, sampled: 400, reasons: expect.arrayContaining([expect.stringMatching(/only \d+ customers/)]) });
      expect((await stores.scores.getStoreModel()).params?.version).toBe(2);
    }, 120_000);
  });
});
