/**
 * Erasure (GDPR/PIPL) through the real customer-erase, customer-upsert, order and loyalty
 * handlers, the local bus and DynamoDB Local: everything of the customer goes, twice is harmless,
 * only a hash of the address stays, and that hash keeps a re-registered address suppressed.
 */
import { Command } from 'commander';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DetailType, SHOP_SOURCE } from '../../shared/platform/contracts/events.js';
import { couponHash } from '../../shared/coupons/code.js';
import { emailHash } from '../../shared/privacy/suppression.js';
import { documentClient } from '../../shared/platform/table/dynamodb.js';
import { keys } from '../../shared/platform/table/keys.js';
import { registerCustomerCommands } from '../../cli/customer.js';
import { putRaw, systemForTest } from '../support/system.js';
import type { LocalSystem } from '../../local/system.js';

let sys: Awaited<ReturnType<typeof systemForTest>>;
let stores: LocalSystem['stores'];
const db = () => documentClient(sys.dynamodb);
const table = () => sys.tableName;

beforeAll(async () => {
  // INFO, so the test can read what the erase handler logs.
  sys = await systemForTest({ POWERTOOLS_LOG_LEVEL: 'INFO' });
  stores = sys.stores;
});
afterAll(() => sys?.close());

// Loyalty judges orders at processing time, so they are placed "now".
const recent = new Date(Date.now() - 3_600_000).toISOString();
const later = new Date(Date.now() - 60_000).toISOString();
const upserted = (customerId: string, email: string, occurredAt = recent) => ({
  source: SHOP_SOURCE,
  detailType: DetailType.CustomerUpserted,
  detail: { customerId, email, name: 'Erin', locale: 'en', timeZone: 'UTC', marketingConsent: true, occurredAt },
});
const placed = (customerId: string, orderId: string, total: number) => ({
  source: SHOP_SOURCE,
  detailType: DetailType.OrderPlaced,
  detail: { orderId, customerId, lines: [{ sku: 'tea-1', quantity: 1, unitPrice: total }], total, currency: 'CNY', occurredAt: recent },
});
const eraseRequested = (customerId: string, requestId: string) => ({
  source: SHOP_SOURCE,
  detailType: DetailType.CustomerEraseRequested,
  detail: { customerId, requestId, occurredAt: new Date().toISOString() },
});

const partition = async (customerId: string) =>
  (await db().send(new QueryCommand({ TableName: table(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.customer(customerId).pk }, ConsistentRead: true }))).Items ?? [];
const allItems = async () => {
  const items: Array<Record<string, unknown>> = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await db().send(new ScanCommand({ TableName: table(), ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}) }));
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
};
const hashItem = async (email: string) => (await db().send(new GetCommand({ TableName: table(), Key: keys.suppressedAddress(emailHash(email)), ConsistentRead: true }))).Item;
const coupon = (code: string, customerId: string) => ({
  codeHash: couponHash(code), campaignId: 'win-back', customerId, kind: 'percent' as const, value: 15, currency: 'CNY', issuedAt: recent, expiresAt: '2099-01-01T00:00:00Z',
});

/** A customer with a profile, orders (which loyalty also books), points redeemed for a coupon
 * (a ledger item of its own: the orders' entries ride on the loyalty state item), a sent mail and a coupon. */
async function seedCustomer(customerId: string, email: string, code: string) {
  await putRaw(sys, [upserted(customerId, email)]);
  await putRaw(sys, [placed(customerId, `o-${customerId}-1`, 1500), placed(customerId, `o-${customerId}-2`, 300)]);
  await putRaw(sys, [{ source: SHOP_SOURCE, detailType: DetailType.PointsRedeemRequested, detail: { customerId, key: `k-${customerId}`, points: 1000, occurredAt: recent } }]);
  expect(await stores.sends.claimSend(customerId, 'win-back', 'at-risk#2026-01-01', recent)).toBe('claimed');
  await stores.sends.completeSend(customerId, { campaignId: 'win-back', occurrence: 'at-risk#2026-01-01', status: 'sent', at: recent, kind: 'marketing', messageId: 'm-1' });
  expect(await stores.coupons.putCoupon(coupon(code, customerId))).toBe(true);
  // An order on an item of its own, as a heavy buyer's overflow or an order written before orders moved onto the customer item.
  await db().send(new PutCommand({ TableName: table(), Item: { ...keys.order(customerId, `o-${customerId}-old`), state: { placedAt: '2026-01-05T10:00:00Z', day: '2026-01-05', total: 90, currency: 'CNY', refunded: 0, refundIds: [] }, v: 1 } }));
}

describe('customer erasure', () => {
  it('erases every item and coupon on customer.erase-requested, twice harmlessly, keeping only the address hash', async () => {
    const email = 'Erin.Erase@Example.COM'; // the shop's spelling; listed lower-cased
    await seedCustomer('er-1', email, 'ERASE-ONE');
    await seedCustomer('keep-1', 'keep@example.com', 'KEEP-ONE');
    // A loyalty coupon issued before the loyalty commit wrote pointers: erasure must find it through its ledger entry.
    const loyaltyRef = (await partition('er-1')).find((i) => String(i.sk).startsWith('COUPONREF#') && !String(i.sk).endsWith(couponHash('ERASE-ONE')))!;
    await db().send(new DeleteCommand({ TableName: table(), Key: { pk: loyaltyRef.pk, sk: loyaltyRef.sk } }));
    const sks = (await partition('er-1')).map((i) => i.sk as string);
    const kept = await partition('keep-1');
    // The seed really covers every kind of item erasure has to find.
    for (const prefix of ['CUSTOMER', 'ORDER#', 'SEND#', 'LOYALTY', 'LEDGER#']) {
      expect(sks.some((sk) => sk.startsWith(prefix)), prefix).toBe(true);
    }
    expect(Object.keys((await partition('er-1')).find((i) => i.sk === 'CUSTOMER')!.openOrders as object)).toHaveLength(2);

    const logged: string[] = [];
    const capture = (...args: unknown[]) => void logged.push(args.map(String).join(' '));
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) => vi.spyOn(console, m).mockImplementation(capture));
    try {
      await putRaw(sys, [eraseRequested('er-1', 'req-1')]);
      await putRaw(sys, [eraseRequested('er-1', 'req-1')]); // redelivery
    } finally {
      for (const s of spies) s.mockRestore();
    }

    // The partition is empty, the coupon gone; the other customer is untouched.
    expect(await partition('er-1')).toEqual([]);
    expect(await stores.coupons.getCoupon(couponHash('ERASE-ONE'))).toBeNull();
    expect(await stores.coupons.getCoupon(couponHash('KEEP-ONE'))).not.toBeNull();
    expect(JSON.stringify(await allItems())).toContain('keep-1');
    expect(await partition('keep-1')).toEqual(kept);
    // Only the hash of the normalized address stays, with why and when.
    expect(await hashItem('erin.erase@example.com')).toMatchObject({ pk: `SUPPRESS#${emailHash(email)}`, reason: 'erasure', at: expect.any(String) });
    const everything = JSON.stringify(await allItems()).toLowerCase();
    expect(everything).not.toContain('erin.erase');
    expect(everything).not.toMatch(/"er-1"|#er-1|o-er-1/);
    // The logs say what happened in counts and ids, never the address; the redelivery deleted nothing.
    const erased = logged.filter((l) => l.includes('customer erased')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(erased).toEqual([
      // The campaign coupon and the one the points bought.
      expect.objectContaining({ customerId: 'er-1', itemsDeleted: sks.length, couponsDeleted: 2, suppressed: true }),
      expect.objectContaining({ customerId: 'er-1', itemsDeleted: 0, couponsDeleted: 0, suppressed: false }),
    ]);
    expect(logged.join('\n').toLowerCase()).not.toContain('erin.erase');
    expect(sys.bus.deadLetters).toEqual([]);
  });

  it('stores a later profile with an erased address as suppressed under a new id, and nothing under the erased one', async () => {
    // Given er-1 erased above; when the shop sends the address again (other case), with consent
    await putRaw(sys, [upserted('er-1', 'ERIN.ERASE@example.com', later), upserted('er-1-again', 'erin.erase@example.com', later)]);
    // Then the erased id stays erased (its tombstone refuses the profile)
    expect(await stores.customers.getCustomer('er-1')).toBeNull();
    // and the new id exists but can never get marketing mail
    const c = await stores.customers.getCustomer('er-1-again');
    expect(c?.profile?.marketingConsent).toBe(true);
    expect(c?.suppressed).toBe(true);
    // while an address never listed is stored as usual
    await putRaw(sys, [upserted('fresh-1', 'fresh@example.com')]);
    expect((await stores.customers.getCustomer('fresh-1'))?.suppressed).toBeUndefined();
  });

  it('keeps a bounced address suppressed after its customer is erased and re-registered', async () => {
    await putRaw(sys, [upserted('bnc-1', 'bounce.me@example.com')]);
    await putRaw(sys, [
      {
        source: 'aws.ses',
        detailType: 'Email Bounced',
        detail: { eventType: 'Bounce', bounce: { bounceType: 'Permanent' }, mail: { messageId: 'm-bnc', tags: { campaign: ['win-back'], customer: ['bnc-1'] } } },
      },
    ]);
    expect(await hashItem('bounce.me@example.com')).toMatchObject({ reason: 'bounce' });
    await putRaw(sys, [eraseRequested('bnc-1', 'req-bnc')]);
    // The first listing (bounce) stays: erasure does not overwrite why the address is suppressed.
    expect(await hashItem('bounce.me@example.com')).toMatchObject({ reason: 'bounce' });
    await putRaw(sys, [upserted('bnc-2', 'Bounce.Me@example.com', later)]);
    expect((await stores.customers.getCustomer('bnc-2'))?.suppressed).toBe(true);
  });

  it('erases on `engage customer forget`, and a repeat reports nothing left', async () => {
    await seedCustomer('cli-1', 'cli.forget@example.com', 'CLI-ONE');
    const before = (await partition('cli-1')).length;
    // The CLI reads the table name as a user's shell provides it (export TABLE_NAME=…).
    process.env.TABLE_NAME = sys.tableName;
    const run = async () => {
      let out = '';
      const program = new Command().exitOverride();
      registerCustomerCommands(program, { stdout: { write: (s: string) => (out += s) }, dynamodb: sys.dynamodb });
      await program.parseAsync(['customer', 'forget', 'cli-1'], { from: 'user' });
      return out;
    };
    expect(await run()).toBe(`Customer cli-1 erased: ${before} items, 2 coupons deleted; address suppressed (hash kept)\n`);
    expect(await partition('cli-1')).toEqual([]);
    expect(await stores.coupons.getCoupon(couponHash('CLI-ONE'))).toBeNull();
    expect(await hashItem('cli.forget@example.com')).toMatchObject({ reason: 'erasure' });
    expect(await run()).toContain('0 items, 0 coupons deleted; address not on file');
  });
});
