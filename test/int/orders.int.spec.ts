/**
 * Order ingest under real delivery, through the real handlers, DynamoDB Local and the routing the
 * CDK rules use: duplicates, reordering, re-publishing with new envelope ids, bad input.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DetailType, SHOP_SOURCE } from '../../shared/platform/contracts/events.js';
import { routesFor } from '../../shared/platform/contracts/functions.js';
import { putRaw, systemForTest } from '../support/system.js';
import type { LocalSystem } from '../../local/system.js';
import { BatchWriteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../shared/platform/table/dynamodb.js';
import { TableAttr, keys } from '../../shared/platform/table/keys.js';
import { DAY_MS } from '../../shared/platform/time.js';
import { MAX_OPEN_ORDERS } from '../../shared/orders/open-orders.js';
import { REDELIVERY_DAYS } from '../../shared/platform/open-window.js';

let sys: Awaited<ReturnType<typeof systemForTest>>;
let stores: LocalSystem['stores'];

beforeAll(async () => {
  sys = await systemForTest();
  stores = sys.stores;
});
afterAll(() => sys?.close());

const partition = async (customerId: string) =>
  (await documentClient(sys.dynamodb).send(new QueryCommand({ TableName: sys.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.customer(customerId).pk } }))).Items ?? [];
const put = (items: Record<string, unknown>[]) => documentClient(sys.dynamodb).send(new BatchWriteCommand({ RequestItems: { [sys.tableName]: items.map((Item) => ({ PutRequest: { Item } })) } }));

const placed = (customerId: string, orderId: string, occurredAt: string, total = 100) => ({
  source: SHOP_SOURCE,
  detailType: DetailType.OrderPlaced,
  detail: { orderId, customerId, lines: [{ sku: 'tea-1', quantity: 1, unitPrice: total }], total, currency: 'CNY', occurredAt },
});
const refunded = (customerId: string, orderId: string, amount: number, refundId = `r-${orderId}`) => ({
  source: SHOP_SOURCE,
  detailType: DetailType.OrderRefunded,
  detail: { orderId, customerId, refundId, amount, currency: 'CNY', occurredAt: '2026-05-03T10:00:00Z' },
});

describe('order events through the local bus', () => {
  it('counts an order once when it is delivered five times, each with a new envelope id', async () => {
    // Given one order.placed published five times (a producer retrying after timeouts)
    const e = placed('dup-1', 'o-dup-1', '2026-05-01T09:00:00Z', 120);
    // When all five are delivered
    await putRaw(sys, [e, e, e, e, e]);
    // Then the summary counts one order and its spend once
    const c = await stores.customers.getCustomer('dup-1');
    expect(c?.summary).toMatchObject({ orders: 1, purchaseDays: 1, spend: 120, firstDay: '2026-05-01', lastDay: '2026-05-01' });
    expect(sys.bus.deadLetters).toHaveLength(0);
  });

  it('keeps a refund that arrives before its order', async () => {
    // Given a partial refund delivered before the order it refunds
    await putRaw(sys, [refunded('early-1', 'o-early-1', 30)]);
    expect((await stores.customers.getCustomer('early-1'))?.summary.spend ?? 0).toBe(0);
    // When the order arrives (twice)
    await putRaw(sys, [placed('early-1', 'o-early-1', '2026-05-01T09:00:00Z', 100)]);
    await putRaw(sys, [placed('early-1', 'o-early-1', '2026-05-01T09:00:00Z', 100)]);
    // Then the refund is applied exactly once
    expect((await stores.customers.getCustomer('early-1'))?.summary).toMatchObject({ orders: 1, spend: 70 });
  });

  it('removes a fully refunded last purchase and falls back to the previous purchase day', async () => {
    await putRaw(sys, [placed('edge-1', 'o-e1', '2026-01-10T09:00:00Z', 50), placed('edge-1', 'o-e2', '2026-03-10T09:00:00Z', 80)]);
    await putRaw(sys, [refunded('edge-1', 'o-e2', 80)]);
    expect((await stores.customers.getCustomer('edge-1'))?.summary).toMatchObject({ orders: 1, purchaseDays: 1, spend: 50, firstDay: '2026-01-10', lastDay: '2026-01-10' });
  });

  it('keeps the purchase days on the customer item, none as items of their own', async () => {
    await putRaw(sys, [placed('days-1', 'o-d1', '2026-02-01T09:00:00Z', 40), placed('days-1', 'o-d2', '2026-02-01T18:00:00Z', 2), placed('days-1', 'o-d3', '2026-04-01T09:00:00Z', 60)]);
    const items = await partition('days-1');
    expect(items.find((i) => i.sk === 'CUSTOMER')?.days).toEqual({ '2026-02-01': [2, 42], '2026-04-01': [1, 60] });
    expect(items.filter((i) => String(i.sk).startsWith('DAY#'))).toEqual([]);
    expect((await stores.scores.readPurchaseDays(['days-1'])).days.get('days-1')).toEqual([Date.parse('2026-02-01') / DAY_MS, Date.parse('2026-04-01') / DAY_MS]);
  });

  it('reads the purchase days of a customer written before they moved onto the customer item (legacy DAY# items) once', async () => {
    // Given a customer as the previous version left it: a summary, DAY# items, no `days`
    const id = 'legacy-1';
    const state = { placedAt: '2026-03-10T09:00:00Z', day: '2026-03-10', total: 80, currency: 'CNY', refunded: 0, refundIds: [] };
    await put([
      { ...keys.customer(id), customerId: id, [TableAttr.gsi1pk]: id, [TableAttr.version]: 2, summary: { orders: 2, purchaseDays: 2, firstDay: '2026-01-10', lastDay: '2026-03-10', spend: 130, firstDaySpend: 50 } },
      { ...keys.day(id, '2026-01-10'), count: 1, spend: 50, [TableAttr.version]: 1 },
      { ...keys.day(id, '2026-03-10'), count: 1, spend: 80, [TableAttr.version]: 1 },
      { ...keys.order(id, 'o-l2'), state, [TableAttr.version]: 1 },
    ]);
    // Then the refit reads them from those items
    const read = await stores.scores.readPurchaseDays([id]);
    expect(read.days.get(id)).toEqual([Date.parse('2026-01-10') / DAY_MS, Date.parse('2026-03-10') / DAY_MS]);
    expect(read.queries).toBe(2);
    // When the last purchase is refunded in full
    await putRaw(sys, [refunded(id, 'o-l2', 80)]);
    // Then the summary falls back to the day only a DAY# item knew, and the days now live on the customer item
    const customer = (await partition(id)).find((i) => i.sk === 'CUSTOMER');
    expect(customer?.summary).toMatchObject({ orders: 1, purchaseDays: 1, spend: 50, firstDay: '2026-01-10', lastDay: '2026-01-10' });
    expect(customer?.days).toEqual({ '2026-01-10': [1, 50] });
    expect((await stores.scores.readPurchaseDays([id])).queries).toBe(1);
  });

  it('keeps each order on the customer item until no refund or copy can reach it, then lets it go at the next order', async () => {
    const id = 'open-1';
    const start = Date.now();
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    try {
      // Given an order from 200 days ago delivered now (a backfill through the bus)
      const old = placed(id, 'o-old', new Date(start - 200 * DAY_MS).toISOString(), 100);
      await putRaw(sys, [old]);
      expect(Object.keys((await partition(id)).find((i) => i.sk === 'CUSTOMER')!.openOrders as object)).toEqual(['o-old']);
      // When a copy of it comes 10 days later (a redrive): still recognised, counted once
      vi.setSystemTime(start + 10 * DAY_MS);
      await putRaw(sys, [old]);
      expect((await stores.customers.getCustomer(id))?.summary).toMatchObject({ orders: 1, spend: 100 });
      // When the next order comes once no copy can arrive any more
      vi.setSystemTime(start + (REDELIVERY_DAYS + 1) * DAY_MS);
      await putRaw(sys, [placed(id, 'o-new', new Date(Date.now() - 60_000).toISOString(), 40)]);
      // Then the old order left the item (no item per order either), its effect on the summary stays
      const items = await partition(id);
      expect(Object.keys(items.find((i) => i.sk === 'CUSTOMER')!.openOrders as object)).toEqual(['o-new']);
      expect(items.filter((i) => String(i.sk).startsWith(keys.orderPrefix))).toEqual([]);
      expect((await stores.customers.getCustomer(id))?.summary).toMatchObject({ orders: 2, spend: 140 });
      // and a refund of it now is one for an order Engage does not hold: nothing changes
      await putRaw(sys, [refunded(id, 'o-old', 100)]);
      expect((await stores.customers.getCustomer(id))?.summary).toMatchObject({ orders: 2, spend: 140 });
      expect(await stores.orders.listOrders(id)).toEqual([expect.objectContaining({ net: 40 })]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('gives a buyer with more open orders than the item holds the further ones on items of their own, which refunds still reach', async () => {
    const id = 'many-1';
    const at = (i: number) => new Date(Date.now() - (30 - i) * DAY_MS).toISOString();
    for (let i = 0; i <= MAX_OPEN_ORDERS; i++) await putRaw(sys, [placed(id, `o-${i}`, at(i), 10)]);
    const items = await partition(id);
    expect(Object.keys(items.find((i) => i.sk === 'CUSTOMER')!.openOrders as object)).toHaveLength(MAX_OPEN_ORDERS);
    expect(items.filter((i) => String(i.sk).startsWith(keys.orderPrefix)).map((i) => i.sk)).toEqual([`${keys.orderPrefix}o-${MAX_OPEN_ORDERS}`]);
    // When one on the item and the one on its own item are refunded (each delivered twice)
    const refunds = [refunded(id, 'o-0', 10), refunded(id, `o-${MAX_OPEN_ORDERS}`, 4)];
    await putRaw(sys, [...refunds, ...refunds]);
    // Then both count once
    expect((await stores.customers.getCustomer(id))?.summary).toMatchObject({ orders: MAX_OPEN_ORDERS, spend: MAX_OPEN_ORDERS * 10 + 6 - 10 });
  });

  it('dead-letters a malformed event with an error naming the field, without writes or blocking its batch', async () => {
    // Given one PutEvents call whose middle entry has a non-numeric total
    const bad = placed('bad-1', 'o-bad-1', '2026-05-01T09:00:00Z');
    (bad.detail as Record<string, unknown>).total = 'abc';
    const before = sys.bus.deadLetters.length;
    await putRaw(sys, [placed('ok-1', 'o-ok-1', '2026-05-01T09:00:00Z'), bad, placed('ok-2', 'o-ok-2', '2026-05-01T09:00:00Z')]);
    // Then it ends on the dead-letter path after the route's receive limit
    // (on every route that consumes order events: each consumer rejects it on its own)
    const dead = sys.bus.deadLetters.slice(before);
    const consumers = routesFor({ source: SHOP_SOURCE, 'detail-type': 'order.placed' }).map((r) => r.id);
    expect(dead.map((d) => d.route).sort()).toEqual([...consumers].sort());
    expect(dead.find((d) => d.route === 'OrderEvents')).toMatchObject({ receiveCount: 5 });
    expect(dead.every((d) => JSON.parse(d.body).detail.orderId === 'o-bad-1')).toBe(true);
    // and nothing was written for it, while its batch neighbours were processed
    expect(await stores.customers.getCustomer('bad-1')).toBeNull();
    expect((await stores.customers.getCustomer('ok-1'))?.summary.orders).toBe(1);
    expect((await stores.customers.getCustomer('ok-2'))?.summary.orders).toBe(1);
  });
});
