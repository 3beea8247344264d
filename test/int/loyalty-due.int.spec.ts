/**
 * The daily loyalty sweep reads only who is due (the loyaltyDue index), through the real handlers
 * and the local Step Functions: expiry notices, expiries and birthdays still happen on their day,
 * and a customer with nothing due is never read.
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DetailType, SHOP_SOURCE } from '../../shared/platform/contracts/events.js';
import { loadLoyaltyConfig } from '../../shared/loyalty/index.js';
import { loyaltyDueSegment } from '../../shared/loyalty/sweep.js';
import { systemClock } from '../../shared/platform/ports.js';
import { repoRoot } from '../../local/system.js';
import { putRaw, systemForTest, type TestSystem } from '../support/system.js';
import { testCoupons } from '../support/coupons.js';

let sys: TestSystem;
const T0 = new Date('2026-11-20T02:00:00Z');
const id = (name: string) => `${name}-${sys.tag}`;

const profile = (customerId: string, birthday?: string) => ({
  source: SHOP_SOURCE,
  detailType: DetailType.CustomerUpserted,
  detail: { customerId, email: `${customerId}@example.com`, name: customerId, locale: 'en', timeZone: 'Asia/Shanghai', marketingConsent: true, occurredAt: T0.toISOString(), ...(birthday ? { birthday } : {}) },
});
const placed = (customerId: string, total: number) => ({
  source: SHOP_SOURCE,
  detailType: DetailType.OrderPlaced,
  detail: { orderId: `${customerId}-o1`, customerId, lines: [{ sku: 'tea-1', quantity: 1, unitPrice: total }], total, currency: 'CNY', occurredAt: new Date(T0.getTime() - 3_600_000).toISOString() },
});

/** The daily sweep at `at`, as Scheduler would start it, with the wall clock there too. */
async function dailySweep(at: string) {
  vi.setSystemTime(new Date(at));
  return sys.runScheduled('sweep-start', new Date(at));
}

/** Who the loyalty part of a daily sweep at `at` reads (every segment), without changing anything new. */
async function readBy(at: string): Promise<string[]> {
  const read: string[] = [];
  const customers = { ...sys.stores.customers, scanCustomers: sys.stores.customers.scanCustomers.bind(sys.stores.customers), getCustomers: async (ids: string[]) => (read.push(...ids), sys.stores.customers.getCustomers(ids)) };
  const deps = { store: sys.stores.loyalty, customers, publisher: { publish: async () => undefined }, config: loadLoyaltyConfig(resolve(repoRoot, 'loyalty.yaml')), clock: systemClock, coupons: testCoupons };
  for (let segment = 0; segment < 4; segment++) {
    let task = { job: 'daily-sweep' as const, runKey: at, scheduledTime: at, segment, totalSegments: 4 } as Parameters<typeof loyaltyDueSegment>[1];
    for (;;) {
      const r = await loyaltyDueSegment(deps, task, { shouldYield: () => true });
      if (!r.cursor) break;
      task = { ...task, cursor: r.cursor };
    }
  }
  return [...new Set(read)].filter((x) => x.endsWith(sys.tag)).sort();
}

const ledgerKinds = async (customerId: string) => (await sys.stores.loyalty.listLedger(customerId)).map((e) => e.key);
const state = async (customerId: string) => (await sys.stores.loyalty.load(customerId)).loyalty?.value.state;

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
  vi.setSystemTime(T0);
  sys = await systemForTest();
  // A member with points (credited 2026-11: noticed from 2027-11-01, expired when November 2027 ends in Shanghai),
  // a registered shopper with a birthday on 27 November, and one with neither.
  await putRaw(sys, [profile(id('pts')), placed(id('pts'), 300), profile(id('bd'), '1990-11-27'), profile(id('idle'))]);
});
afterAll(async () => {
  await sys?.close();
  vi.useRealTimers();
});

describe('the daily loyalty sweep, due-only', () => {
  it('reads nobody on a quiet day', async () => {
    await dailySweep('2026-11-21T03:00:00Z');
    expect(await readBy('2026-11-21T03:00:00Z')).toEqual([]);
    expect(await ledgerKinds(id('bd'))).toEqual([]);
  });

  it('announces the birthday three days ahead (birthday.noticeDays), reading the customer from then on', async () => {
    await dailySweep('2026-11-24T03:00:00Z');
    expect((await state(id('bd')))?.birthdayNoticeYear).toBe(2026);
    expect(await ledgerKinds(id('bd'))).toEqual([]);
    expect(await readBy('2026-11-24T03:00:00Z')).toEqual([id('bd')]);
  });

  it('gives the birthday reward on the day (reading the customer only around it)', async () => {
    await dailySweep('2026-11-27T03:00:00Z');
    expect(await ledgerKinds(id('bd'))).toEqual(['birthday#2026']);
    expect(await readBy('2026-11-27T03:00:00Z')).toEqual([id('bd')]);
  });

  it('decides the expiry notice on its day, not before', async () => {
    await dailySweep('2027-10-30T03:00:00Z');
    expect((await state(id('pts')))?.lots['2026-11']?.noticed).toBeUndefined();
    await dailySweep('2027-11-01T03:00:00Z');
    expect((await state(id('pts')))?.lots['2026-11']).toEqual({ points: 300, noticed: true });
    expect((await state(id('bd')))?.lots['2026-11']).toEqual({ points: 200, noticed: true });
    // Once noticed, both members' next date is the expiry: the same day read again reads nobody
    expect(await readBy('2027-11-01T03:00:00Z')).toEqual([]);
  });

  it('expires the points when their month ends, once', async () => {
    await dailySweep('2027-11-30T03:00:00Z'); // still November in Shanghai (11:00)
    expect((await state(id('pts')))?.balance).toBe(300);
    await dailySweep('2027-12-01T03:00:00Z');
    await dailySweep('2027-12-02T03:00:00Z');
    expect(await ledgerKinds(id('pts'))).toEqual(['earn#' + id('pts') + '-o1', 'expire#2026-11']);
    expect((await state(id('pts')))?.balance).toBe(0);
    expect(await readBy('2027-12-02T03:00:00Z')).toEqual([]);
    expect(sys.bus.deadLetters).toEqual([]);
  });
});
