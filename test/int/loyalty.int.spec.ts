/**
 * Loyalty through the real `loyalty` and `loyalty-sweep` handlers, the local bus (same routing as
 * the CDK rules) and DynamoDB Local: redelivery, refunds in any order, immediate upgrades,
 * racing redemptions, idempotent redemption keys and birthdays in the customer's time zone.
 */
import { resolve } from 'node:path';
import { Command } from 'commander';
import { GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../shared/platform/table/keys.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DetailType, ENGAGE_SOURCE, SHOP_SOURCE, type CustomerTierChanged } from '../../shared/platform/contracts/events.js';
import { documentClient } from '../../shared/platform/table/dynamodb.js';
import { DynamoLoyaltyStore } from '../../shared/loyalty/dynamodb.js';
import { redeemPoints, type LoyaltyDeps } from '../../shared/loyalty/service.js';
import { loadLoyaltyConfig, verifyLedger } from '../../shared/loyalty/index.js';
import { systemClock } from '../../shared/platform/ports.js';
import { registerCustomerCommands } from '../../cli/customer.js';
import { repoRoot } from '../../local/system.js';
import { putRaw, systemForTest } from '../support/system.js';
import { testCoupons } from '../support/coupons.js';

let sys: Awaited<ReturnType<typeof systemForTest>>;
let store: DynamoLoyaltyStore;
const published: Array<{ detailType: string; detail: Record<string, unknown> }> = [];
const customers = new Set<string>();

beforeAll(async () => {
  sys = await systemForTest({ LOYALTY_CONFIG: resolve(repoRoot, 'loyalty.yaml') });
  store = new DynamoLoyaltyStore(documentClient(sys.dynamodb), sys.tableName);
  // Record what the handlers publish (tier changes have no route, so nothing else would see them).
  const deliver = sys.bus.deliver.bind(sys.bus);
  sys.bus.deliver = (source, detailType, detail) => {
    published.push({ detailType, detail: detail as Record<string, unknown> });
    return deliver(source, detailType, detail);
  };
});
afterAll(() => sys?.close());

// Orders are judged at processing time (the wall clock), so they are placed "now".
const recent = new Date(Date.now() - 3_600_000).toISOString();
const placed = (customerId: string, orderId: string, total: number) => {
  customers.add(customerId);
  return {
    source: SHOP_SOURCE,
    detailType: DetailType.OrderPlaced,
    detail: { orderId, customerId, lines: [{ sku: 'tea-1', quantity: 1, unitPrice: total }], total, currency: 'CNY', occurredAt: recent },
  };
};
const refunded = (customerId: string, orderId: string, amount: number, refundId = `r-${orderId}`) => ({
  source: SHOP_SOURCE,
  detailType: DetailType.OrderRefunded,
  detail: { orderId, customerId, refundId, amount, currency: 'CNY', occurredAt: recent },
});
const redeem = (customerId: string, key: string, points: number) => ({
  source: SHOP_SOURCE,
  detailType: DetailType.PointsRedeemRequested,
  detail: { customerId, key, points, occurredAt: recent },
});
const upserted = (customerId: string, timeZone: string, birthday: string) => {
  customers.add(customerId);
  return {
    source: SHOP_SOURCE,
    detailType: DetailType.CustomerUpserted,
    detail: { customerId, email: `${customerId}@example.com`, name: customerId, locale: 'en', timeZone, birthday, marketingConsent: true, occurredAt: recent },
  };
};
/** The monthly tier review's bulk run (every member), through its state machine. */
const loyaltySweep = (scheduledTime: Date) => sys.runScheduled('sweep-start', scheduledTime, { job: 'tier-review' });

const balance = async (customerId: string) => (await store.load(customerId)).loyalty?.value.state.balance ?? 0;
const ledger = (customerId: string) => store.listLedger(customerId);
async function couponsOf(customerId: string) {
  const out = await documentClient(sys.dynamodb).send(
    new ScanCommand({ TableName: sys.tableName, FilterExpression: 'coupon.customerId = :c', ExpressionAttributeValues: { ':c': customerId } }),
  );
  return out.Items ?? [];
}

describe('loyalty through the local bus', () => {
  it('earns points once for an order.placed delivered three times with new envelope ids', async () => {
    const e = placed('ly-dup', 'o-ly-dup', 300);
    await putRaw(sys, [e, e, e]);
    expect(await balance('ly-dup')).toBe(300);
    expect((await ledger('ly-dup')).map((x) => x.key)).toEqual(['earn#o-ly-dup']);
  });

  it('reverses a partial refund proportionally', async () => {
    await putRaw(sys, [placed('ly-ref', 'o-ly-ref', 1000)]);
    await putRaw(sys, [refunded('ly-ref', 'o-ly-ref', 250)]);
    await putRaw(sys, [refunded('ly-ref', 'o-ly-ref', 250)]); // the same refund id again
    expect(await balance('ly-ref')).toBe(750);
    const reverse = (await ledger('ly-ref')).find((x) => x.kind === 'reverse');
    expect(reverse).toMatchObject({ key: 'refund#o-ly-ref#r-o-ly-ref', points: -250, refundId: 'r-o-ly-ref' });
  });

  it('keeps the order view on the state item: an order event is one write, not a transaction', async () => {
    await putRaw(sys, [placed('ly-one', 'o-ly-one', 400)]);
    const item = (await documentClient(sys.dynamodb).send(new GetCommand({ TableName: sys.tableName, Key: keys.loyalty('ly-one') }))).Item!;
    expect(Object.keys(item.open)).toEqual(['o-ly-one']);
    expect(item.open['o-ly-one'].entries.map((e: { key: string }) => e.key)).toEqual(['earn#o-ly-one']);
    expect((await documentClient(sys.dynamodb).send(new GetCommand({ TableName: sys.tableName, Key: keys.loyaltyOrder('ly-one', 'o-ly-one') }))).Item).toBeUndefined();
  });

  it('still updates an order view stored on its own item (before views moved onto the state item)', async () => {
    await putRaw(sys, [placed('ly-old', 'o-ly-old', 1000)]);
    // Rewrite the order as it used to be stored: view and earn entry on LEDGER#earn#<order>.
    const db = documentClient(sys.dynamodb);
    const state = (await db.send(new GetCommand({ TableName: sys.tableName, Key: keys.loyalty('ly-old') }))).Item!;
    const slot = state.open['o-ly-old'];
    await db.send(new PutCommand({ TableName: sys.tableName, Item: { ...keys.loyaltyOrder('ly-old', 'o-ly-old'), customerId: 'ly-old', order: slot.order, entry: slot.entries[0], v: 1 } }));
    await db.send(new UpdateCommand({ TableName: sys.tableName, Key: keys.loyalty('ly-old'), UpdateExpression: 'REMOVE #o', ExpressionAttributeNames: { '#o': 'open' } }));
    await putRaw(sys, [refunded('ly-old', 'o-ly-old', 400)]);
    await putRaw(sys, [refunded('ly-old', 'o-ly-old', 400)]); // the same refund again
    expect(await balance('ly-old')).toBe(600);
    expect((await ledger('ly-old')).map((x) => [x.key, x.points])).toEqual([['earn#o-ly-old', 1000], ['refund#o-ly-old#r-o-ly-old', -400]]);
    const own = (await db.send(new GetCommand({ TableName: sys.tableName, Key: keys.loyaltyOrder('ly-old', 'o-ly-old') }))).Item!;
    expect(own).toMatchObject({ v: 2, order: { refunds: { 'r-o-ly-old': 400 }, points: 600 } });
    expect((await db.send(new GetCommand({ TableName: sys.tableName, Key: keys.loyalty('ly-old') }))).Item!.open ?? {}).toEqual({});
  });

  it('applies a refund that arrives before its order when the order arrives', async () => {
    await putRaw(sys, [refunded('ly-early', 'o-ly-early', 200)]);
    expect(await balance('ly-early')).toBe(0);
    await putRaw(sys, [placed('ly-early', 'o-ly-early', 800)]);
    expect(await balance('ly-early')).toBe(600);
    expect((await ledger('ly-early')).map((x) => [x.key, x.points])).toEqual([['earn#o-ly-early', 600]]);
  });

  it('upgrades the tier on the qualifying order and emits customer.tier-changed once', async () => {
    const e = placed('ly-tier', 'o-ly-tier', 2500);
    await putRaw(sys, [e, e, e]);
    const { loyalty } = await store.load('ly-tier');
    expect(loyalty?.value.state.tier).toBe('silver');
    expect(loyalty?.value.outbox).toEqual({}); // published and cleared
    const changes = published.filter((p) => p.detailType === DetailType.CustomerTierChanged && p.detail.customerId === 'ly-tier');
    expect(changes).toHaveLength(1);
    expect(changes[0]!.detail as CustomerTierChanged).toMatchObject({ from: 'member', to: 'silver', direction: 'up', reason: 'qualified', key: 'tier#placed#o-ly-tier' });
    // Points were credited at the tier held before the upgrade (member, ×1).
    expect(loyalty?.value.state.balance).toBe(2500);
  });

  it('lets exactly one of two racing redemptions through when together they exceed the balance', async () => {
    await putRaw(sys, [placed('ly-race', 'o-ly-race', 1000)]);
    // Through the bus: both in one batch of the loyalty queue.
    await putRaw(sys, [redeem('ly-race', 'k-a', 600), redeem('ly-race', 'k-b', 600)]);
    let redeems = (await ledger('ly-race')).filter((x) => x.kind === 'redeem');
    expect(redeems).toHaveLength(1);
    expect(await balance('ly-race')).toBe(400);

    // Directly, five at once against the store: 400 left buys at most... none of 500.
    await putRaw(sys, [placed('ly-race', 'o-ly-race-2', 1000)]); // 1400
    const deps: LoyaltyDeps = { store, publisher: sys.publisher, config: loadLoyaltyConfig(sys.settings.loyaltyConfig), clock: systemClock, coupons: testCoupons };
    const outcomes = await Promise.all(['c1', 'c2', 'c3', 'c4', 'c5'].map((k) => redeemPoints(deps, { customerId: 'ly-race', key: k, points: 700, occurredAt: recent })));
    expect(outcomes.filter((o) => o.outcome === 'redeemed')).toHaveLength(2);
    expect(outcomes.filter((o) => o.outcome === 'rejected')).toHaveLength(3);
    expect(await balance('ly-race')).toBe(0);
    redeems = (await ledger('ly-race')).filter((x) => x.kind === 'redeem');
    expect(redeems).toHaveLength(3);
    expect(await couponsOf('ly-race')).toHaveLength(3);
  });

  it('redeems once and issues one coupon for the same redemption key delivered twice', async () => {
    await putRaw(sys, [placed('ly-key', 'o-ly-key', 1500)]);
    const r = redeem('ly-key', 'redeem-001', 1000);
    await putRaw(sys, [r]);
    await putRaw(sys, [r, r]);
    const redeems = (await ledger('ly-key')).filter((x) => x.kind === 'redeem');
    expect(redeems).toEqual([expect.objectContaining({ key: 'redeem#redeem-001', points: -1000, couponValue: 10 })]);
    const coupons = await couponsOf('ly-key');
    expect(coupons).toHaveLength(1);
    expect(coupons[0]!.coupon).toMatchObject({ codeHash: redeems[0]!.couponHash, kind: 'fixed', value: 10, currency: 'CNY', campaignId: 'loyalty-redemption' });
    // Listed with the customer's coupons, as a campaign's are (its pointer is in the partition).
    expect((await sys.stores.coupons.listCustomerCoupons('ly-key')).map((c) => c.codeHash)).toEqual([redeems[0]!.couponHash]);
    expect(await balance('ly-key')).toBe(500);
  });

  it('grants the birthday reward on the birthday in the customer time zone, once a year', async () => {
    // D: a few days ahead, so it is after every lot and order above.
    const d = new Date(Date.now() + 3 * 86_400_000);
    const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
    const mmdd = new Date(day).toISOString().slice(5, 10);
    await putRaw(sys, [upserted('ly-bd-la', 'America/Los_Angeles', mmdd), placed('ly-bd-la', 'o-ly-bd-la', 100), upserted('ly-bd-sh', 'Asia/Shanghai', mmdd)]);

    // 03:00 UTC on D: already D in Shanghai, still the day before in Los Angeles.
    await loyaltySweep(new Date(day + 3 * 3_600_000));
    expect((await ledger('ly-bd-la')).filter((x) => x.kind === 'birthday')).toHaveLength(0);
    // A shopper who never ordered is a member too: the reward creates their state.
    expect((await ledger('ly-bd-sh')).map((x) => [x.kind, x.points])).toEqual([['birthday', 200]]);

    // 20:00 UTC on D is midday in Los Angeles; the next day's sweep gives nothing more.
    await loyaltySweep(new Date(day + 20 * 3_600_000));
    await loyaltySweep(new Date(day + 44 * 3_600_000));
    const birthdays = (await ledger('ly-bd-la')).filter((x) => x.kind === 'birthday');
    expect(birthdays).toEqual([expect.objectContaining({ key: `birthday#${d.getUTCFullYear()}`, points: 200 })]);
    expect(await balance('ly-bd-la')).toBe(300);
    expect(await balance('ly-bd-sh')).toBe(200);
    const rewards = published.filter((p) => p.detailType === DetailType.BirthdayRewarded);
    expect(rewards.map((p) => p.detail.customerId).sort()).toEqual(['ly-bd-la', 'ly-bd-sh']);
  });

  it('shows a customer with tier, balance and ledger on `engage customer show`', async () => {
    await putRaw(sys, [upserted('ly-cli', 'Asia/Shanghai', '01-15'), placed('ly-cli', 'o-ly-cli', 1500)]);
    await putRaw(sys, [redeem('ly-cli', 'redeem-cli', 1000)]);
    let out = '';
    // The CLI reads the table name as a user's shell provides it (export TABLE_NAME=…).
    process.env.TABLE_NAME = sys.tableName;
    const program = new Command().exitOverride();
    registerCustomerCommands(program, { stdout: { write: (s: string) => (out += s) } });
    await program.parseAsync(['customer', 'show', 'ly-cli'], { from: 'user' });
    expect(out).toContain('ly-cli@example.com');
    expect(out).toMatch(/Tier\s+member/);
    expect(out).toMatch(/Points\s+500/);
    expect(out).toContain('redeem#redeem-cli');
    expect(out).toContain('earn#o-ly-cli');
  });

  it('leaves every ledger consistent with its state, and nothing dead-lettered', async () => {
    for (const id of customers) {
      const { loyalty } = await store.load(id);
      expect(loyalty, id).not.toBeNull();
      expect(verifyLedger(loyalty!.value.state, await ledger(id)), id).toEqual([]);
    }
    expect(sys.bus.deadLetters).toEqual([]);
  });
});
