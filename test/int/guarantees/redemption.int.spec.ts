/**
 * Guarantee: a points redemption has one outcome per idempotency key. A rejected redemption is
 * remembered, so the same key retried later (after the customer earned more) is rejected again
 * rather than redeemed; through the real loyalty handler and DynamoDB Local.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DetailType, SHOP_SOURCE } from '../../../shared/platform/contracts/events.js';
import { DynamoLoyaltyStore } from '../../../shared/loyalty/dynamodb.js';
import { documentClient } from '../../../shared/platform/table/dynamodb.js';
import { putRaw, systemForTest } from '../../support/system.js';
import { couponsOf, placed } from '../../support/guarantees.js';

let sys: Awaited<ReturnType<typeof systemForTest>>;
let store: DynamoLoyaltyStore;

beforeAll(async () => {
  sys = await systemForTest();
  store = new DynamoLoyaltyStore(documentClient(sys.dynamodb), sys.tableName);
});
afterAll(() => sys?.close());

const recent = () => new Date(Date.now() - 60_000).toISOString();
const redeem = (customerId: string, key: string, points: number) => ({
  source: SHOP_SOURCE,
  detailType: DetailType.PointsRedeemRequested,
  detail: { customerId, key, points, occurredAt: recent() },
});

describe('points redemption idempotency', () => {
  it('rejects a key again that was rejected before, even once the balance would cover it', async () => {
    const id = `rd-${sys.tag}`;
    await putRaw(sys, [placed(id, 'o-1', recent(), 300)]);
    expect((await store.load(id)).loyalty?.value.state.balance).toBe(300);
    // Given a redemption refused for want of points
    await putRaw(sys, [redeem(id, 'k-1', 500)]);
    // When the customer earns enough and the shop retries the same request
    await putRaw(sys, [placed(id, 'o-2', recent(), 700)]);
    await putRaw(sys, [redeem(id, 'k-1', 500)]);
    // Then it is refused again: no points taken, no coupon
    expect((await store.load(id)).loyalty?.value.state.balance).toBe(1000);
    expect((await store.listLedger(id)).filter((e) => e.kind === 'redeem')).toEqual([]);
    expect(await couponsOf(sys, id)).toEqual([]);
    // while a new key redeems
    await putRaw(sys, [redeem(id, 'k-2', 500)]);
    expect((await store.load(id)).loyalty?.value.state.balance).toBe(500);
    expect(await couponsOf(sys, id)).toHaveLength(1);
  });
});
