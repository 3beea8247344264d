/**
 * Guarantee: erasure cannot be undone. After `customer.erase-requested`, replaying the customer's
 * old events (an archive replay, a late retry, an event racing the erasure) through every ingest
 * path — profiles, orders, loyalty, campaign dispatch — writes nothing back and mails nobody.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DetailType, SHOP_SOURCE } from '../../../shared/platform/contracts/events.js';
import { putRaw } from '../../support/system.js';
import { mailTo } from '../../support/mail.js';
import { containing, invoke, sqsBatch, systemWithFaults, type FaultySystem } from '../../support/faults.js';
import { fulfilled, mailable, partition, placed, profile, riskChanged, tierChanged } from '../../support/guarantees.js';

let sys: FaultySystem;
const T0 = new Date('2026-11-20T10:00:00Z');

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
  vi.setSystemTime(T0);
  sys = await systemWithFaults();
});
afterAll(async () => {
  await sys?.close();
  vi.useRealTimers();
});

const erase = (customerId: string) => ({
  source: SHOP_SOURCE,
  detailType: DetailType.CustomerEraseRequested,
  detail: { customerId, requestId: `req-${customerId}`, occurredAt: new Date().toISOString() },
});
const redeem = (customerId: string, key: string) => ({
  source: SHOP_SOURCE,
  detailType: DetailType.PointsRedeemRequested,
  detail: { customerId, key, points: 500, occurredAt: new Date().toISOString() },
});

describe('erasure under replay', () => {
  it('writes nothing back when the erased customer’s old events are replayed through every ingest path', async () => {
    const id = mailable('win-back', `er-${sys.tag}-`);
    const history = [
      profile(id, { occurredAt: '2026-10-01T00:00:00Z' }),
      placed(id, `${id}-o1`, '2026-09-01T10:00:00Z', 900),
      placed(id, `${id}-o2`, '2026-11-19T10:00:00Z', 900),
      fulfilled(id, `${id}-o2`, '2026-11-19T12:00:00Z'),
    ];
    await putRaw(sys, history);
    const before = await partition(sys, id);
    expect(before.map((i) => i.sk)).toEqual(expect.arrayContaining(['CUSTOMER', 'LOYALTY']));
    expect(Object.keys(before.find((i) => i.sk === 'CUSTOMER')!.openOrders as object).sort()).toEqual([`${id}-o1`, `${id}-o2`]);
    // When the customer is erased
    await putRaw(sys, [erase(id)]);
    expect(await partition(sys, id)).toEqual([]);
    // and everything is replayed: the shop's history, a redemption, and Engage's own triggers
    await putRaw(sys, [...history, redeem(id, 'k-1'), riskChanged(id, T0), tierChanged(id, T0)]);
    await sys.runScheduled('dispatch-due', new Date(T0.getTime() + 4 * 86_400_000));
    // Then nothing of the customer exists again, and nobody was mailed
    expect(await partition(sys, id)).toEqual([]);
    expect(await sys.stores.customers.getCustomer(id)).toBeNull();
    expect(await mailTo(`${id}@example.com`)).toHaveLength(0);
    expect(sys.bus.deadLetters).toEqual([]);
  });

  it('writes nothing back for an order whose write races the erasure', async () => {
    const id = `race-${sys.tag}`;
    await putRaw(sys, [profile(id), placed(id, `${id}-o1`, '2026-11-01T10:00:00Z')]);
    // Given the erasure completes between the order's read and its write
    sys.dynamo.beforeNext('TransactWriteItems', containing('openOrders', `${id}-o2`), async () => {
      await invoke(sys, 'customer-erase', sqsBatch([erase(id)]));
    });
    await putRaw(sys, [placed(id, `${id}-o2`, '2026-11-02T10:00:00Z')]);
    // Then neither order ingest nor loyalty (whichever the erasure raced) recreated anything
    expect(await partition(sys, id)).toEqual([]);
  });

  it('deletes what a known customer’s order commits between the erasure’s listing and its delete', async () => {
    const id = `late-${sys.tag}`;
    await putRaw(sys, [profile(id), placed(id, `${id}-o1`, '2026-11-01T10:00:00Z')]);
    // Given the order was read before the tombstone, and commits (under the customer item's
    // version, without a tombstone check) after the erasure listed the partition
    let listed!: () => void;
    const isListed = new Promise<void>((ok) => (listed = ok));
    let erasing: Promise<unknown> | undefined;
    sys.dynamo.beforeNext('TransactWriteItems', containing('openOrders', `${id}-o2`), async () => {
      erasing = invoke(sys, 'customer-erase', sqsBatch([erase(id)]));
      await isListed;
    });
    sys.dynamo.beforeNext('BatchWriteItem', containing('DeleteRequest', `CUST#${id}`), async () => {
      listed();
      for (let i = 0; i < 100 && !(await partition(sys, id)).some((item) => item.sk === 'CUSTOMER' && `${id}-o2` in ((item.openOrders ?? {}) as object)); i++) await new Promise((ok) => setTimeout(ok, 50));
    });
    const ingest = await invoke(sys, 'order-events', sqsBatch([placed(id, `${id}-o2`, '2026-11-02T10:00:00Z')]));
    await erasing;
    // Then the order's commit went through, and the erasure still left nothing behind
    expect(ingest.batchItemFailures).toEqual([]);
    expect(await partition(sys, id)).toEqual([]);
  });
});

describe('erasure by Query', () => {
  it('finds the customer’s coupons through the pointers in their partition: no Scan, whatever the table holds', async () => {
    const id = `q-${sys.tag}`;
    await putRaw(sys, [profile(id), placed(id, `${id}-o1`, '2026-11-01T10:00:00Z')]);
    const coupon = { codeHash: `hash-${id}`, campaignId: 'win-back', customerId: id, kind: 'percent' as const, value: 15, currency: 'CNY', issuedAt: T0.toISOString(), expiresAt: '2099-01-01T00:00:00Z' };
    expect(await sys.stores.coupons.putCoupon(coupon)).toBe(true);
    const scansBefore = sys.dynamo.calls.get('Scan') ?? 0;
    // When the customer is erased
    await putRaw(sys, [erase(id)]);
    // Then the coupon and the partition are gone, and the erasure never scanned the table
    expect(await sys.stores.coupons.getCoupon(coupon.codeHash)).toBeNull();
    expect(await partition(sys, id)).toEqual([]);
    expect(sys.dynamo.calls.get('Scan') ?? 0).toBe(scansBefore);
    expect(sys.bus.deadLetters).toEqual([]);
  });
});
