/**
 * `engage import` against DynamoDB Local: imported customers read back through the normal stores
 * and the read model, live events carry on from the imported state, re-runs change nothing, a
 * crashed run resumes to the same table, bad rows reject their customer, and what Engage already
 * knows (live customers, suppressed addresses) wins.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { DeleteCommand, paginateScan, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerImportCommands } from '../../cli/import.js';
import { importHistory, type ImportOptions, type ImportSource } from '../../shared/import/run.js';
import type { ImportStore } from '../../shared/import/port.js';
import { defaultLoyaltyConfig, verifyLedger } from '../../shared/loyalty/index.js';
import { MAX_OPEN_ORDERS } from '../../shared/loyalty/open-orders.js';
import { emailHash } from '../../shared/privacy/suppression.js';
import { documentClient } from '../../shared/platform/table/dynamodb.js';
import { keys } from '../../shared/platform/table/keys.js';
import { DetailType, SHOP_SOURCE } from '../../shared/platform/contracts/events.js';
import { profileEvent } from '../support/events.js';
import { putRaw, systemForTest } from '../support/system.js';

let sys: Awaited<ReturnType<typeof systemForTest>>;
const NOW = new Date(Date.now() - 60_000);
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000).toISOString();
const opts: ImportOptions = { loyalty: defaultLoyaltyConfig, refundWindowDays: 90, defaults: { currency: 'CNY', locale: 'zh-CN', timeZone: 'Asia/Shanghai' } };

const customersCsv = (p: string) => [
  'customer_id,email,name,locale,time_zone,marketing_consent,updated_at',
  `${p}-a,${p}-a@example.cn,林静,zh-CN,Asia/Shanghai,yes,${daysAgo(400)}`,
  `${p}-b,${p}-b@example.com,Ada Byron,en,Europe/London,no,${daysAgo(300)}`,
];
const ordersCsv = (p: string) => [
  'order_id,customer_id,placed_at,total,currency,fulfilled_at,refunded_amount,refunded_at',
  `${p}-a1,${p}-a,${daysAgo(500)},300,CNY,${daysAgo(498)},,`,
  `${p}-a2,${p}-a,${daysAgo(200)},5000,CNY,${daysAgo(198)},,`,
  `${p}-a3,${p}-a,${daysAgo(20)},3500,CNY,${daysAgo(18)},500,${daysAgo(10)}`,
  `${p}-b1,${p}-b,${daysAgo(30)},80,CNY,,,`,
];
const sources = (p: string): ImportSource[] => [
  { name: 'customers.csv', lines: customersCsv(p) },
  { name: 'orders.csv', lines: ordersCsv(p) },
];
const run = (p: string, store: ImportStore = sys.stores.imports) => importHistory({ store, clock: () => NOW }, sources(p), opts);

async function partitionItems(customerIds: string[]) {
  const items: Record<string, unknown>[] = [];
  for await (const page of paginateScan({ client: documentClient(sys.dynamodb) }, { TableName: sys.tableName, ConsistentRead: true })) {
    items.push(...(page.Items ?? []).filter((i) => customerIds.some((id) => i.pk === keys.customer(id).pk)));
  }
  return items.sort((a, b) => `${a.pk}${a.sk}`.localeCompare(`${b.pk}${b.sk}`));
}

beforeAll(async () => {
  sys = await systemForTest();
});
afterAll(() => sys?.close());

describe('engage import', () => {
  it('writes customers the normal stores and the read model read back, history judged by its own dates', async () => {
    const report = await run('im');
    expect(report).toMatchObject({ rows: 6, customers: { total: 2, imported: 2, rejected: 0 }, rejections: [] });
    const a = await sys.stores.customers.readCustomer('im-a');
    expect(a?.profile).toMatchObject({ name: '林静', locale: 'zh-CN', marketingConsent: true });
    expect(a?.summary).toMatchObject({ orders: 3, purchaseDays: 3, spend: 8300, firstDay: daysAgo(500).slice(0, 10) });
    // Qualified on the last 13 months (5000 + 3000 net): gold, dated by the order that crossed the line
    expect(a).toMatchObject({ tier: 'gold', tierSince: new Date(daysAgo(20)).toISOString() });
    const ledger = await sys.stores.loyalty.listLedger('im-a');
    // Entries from before the refund window are folded into one line of the statement
    expect(ledger.map((e) => e.key)).toEqual(['history', 'earn#im-a3', 'refund#im-a3#imported']);
    expect(ledger[0]).toMatchObject({ kind: 'history', folded: 1, since: daysAgo(200), at: daysAgo(200) });
    expect(ledger[0]!.points).toBeGreaterThan(0);
    const { loyalty } = await sys.stores.loyalty.load('im-a');
    expect(verifyLedger(loyalty!.value.state, ledger)).toEqual([]);
    expect(a?.points).toBe(loyalty!.value.state.balance);
    expect(loyalty!.value.outbox).toEqual({}); // nothing to publish: the import sends no mail
    // Only the order inside the refund window keeps its state
    expect((await sys.stores.orders.listOrders('im-a')).map((o) => o.net)).toEqual([3000]);
    const page = await sys.stores.customers.scanCustomers({ segment: 0, totalSegments: 1, limit: 100 });
    expect(page.customers.find((c) => c.customerId === 'im-b')).toMatchObject({ tier: 'member', profile: { marketingConsent: false } });
  });

  it('lets live events carry on from the imported state; a refund of an order older than the window changes nothing', async () => {
    const refund = (orderId: string, refundId: string, amount: number) => ({
      source: 'engage.shop', detailType: 'order.refunded', detail: { orderId, customerId: 'im-a', refundId, amount, currency: 'CNY', occurredAt: new Date().toISOString() },
    });
    const before = await sys.stores.customers.readCustomer('im-a');
    await putRaw(sys, [refund('im-a3', 'late-1', 1000), refund('im-a2', 'late-2', 1000)]);
    const after = await sys.stores.customers.readCustomer('im-a');
    expect(after?.summary.spend).toBe(before!.summary.spend - 1000);
    // im-a3 earned at silver ×1.2 (4,200 gross): net 3,000 → 2,000 owes 3,600 → 2,400 points
    expect(before!.points! - after!.points!).toBe(1200);
    // The live write of the state kept the imported history: the statement still adds up
    const ledger = await sys.stores.loyalty.listLedger('im-a');
    expect(ledger.map((e) => e.key)).toEqual(['history', 'earn#im-a3', 'refund#im-a3#imported', 'refund#im-a3#late-1']);
    expect(verifyLedger((await sys.stores.loyalty.load('im-a')).loyalty!.value.state, ledger)).toEqual([]);
  });

  it('gives a heavy buyer the order views the state item has no room for on items of their own, which live refunds still reach', async () => {
    const orders = Array.from({ length: MAX_OPEN_ORDERS + 1 }, (_, i) => `hv-${i},hv-a,${daysAgo(40 - i)},100,CNY`);
    const rep = await importHistory({ store: sys.stores.imports, clock: () => NOW }, [
      { name: 'c.csv', lines: ['customer_id,email,marketing_consent', 'hv-a,hv-a@example.com,yes'] },
      { name: 'o.csv', lines: ['order_id,customer_id,placed_at,total,currency', ...orders] },
    ], opts);
    expect(rep.customers).toMatchObject({ imported: 1, rejected: 0 });
    const { loyalty } = await sys.stores.loyalty.load('hv-a');
    expect(Object.keys(loyalty!.value.open!)).toHaveLength(MAX_OPEN_ORDERS);
    const last = `hv-${MAX_OPEN_ORDERS}`;
    const own = (await sys.stores.loyalty.load('hv-a', last)).order?.value;
    expect(own).toMatchObject({ orderId: last, total: 100 });
    expect(own!.points).toBeGreaterThan(0);
    const before = loyalty!.value.state.balance;
    await putRaw(sys, [{ source: SHOP_SOURCE, detailType: DetailType.OrderRefunded, detail: { orderId: last, customerId: 'hv-a', refundId: 'r1', amount: 100, currency: 'CNY', occurredAt: new Date().toISOString() } }]);
    const after = (await sys.stores.loyalty.load('hv-a')).loyalty!.value.state;
    expect(after.balance).toBe(before - own!.points);
    expect(verifyLedger(after, await sys.stores.loyalty.listLedger('hv-a'))).toEqual([]);
  });

  it('puts imported members and birthdays in the loyalty due index, so the daily sweep finds them', async () => {
    // Given a member with points and a birthday in two days, imported
    const birthday = new Date(NOW.getTime() + 2 * 86_400_000).toISOString().slice(5, 10);
    const rep = await importHistory({ store: sys.stores.imports, clock: () => NOW }, [
      { name: 'c.csv', lines: ['customer_id,email,birthday,updated_at', `due-a,due-a@example.com,--${birthday},${daysAgo(100)}`] },
      { name: 'o.csv', lines: ['order_id,customer_id,placed_at,total,currency', `due-a1,due-a,${daysAgo(40)},300,CNY`] },
    ], opts);
    expect(rep.customers).toMatchObject({ imported: 1, rejected: 0 });
    const shard = keys.loyaltyShardOf('due-a');
    const ids = async (q: Parameters<typeof sys.stores.loyalty.queryDue>[0]) => (await sys.stores.loyalty.queryDue(q)).customerIds;
    // Then the sweep's queries name them: the member by its next due date (the expiry notice), the birthday by MM-DD
    const { loyalty } = await sys.stores.loyalty.load('due-a');
    expect(loyalty?.value.dueOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(await ids({ partition: keys.loyaltyDueShardKey(shard), to: loyalty!.value.dueOn! })).toContain('due-a');
    expect(await ids({ partition: keys.birthdayShardKey(shard), from: birthday, to: birthday })).toContain('due-a');
  });

  it('changes nothing when run again, with or without its checkpoint', async () => {
    const before = await partitionItems(['im-a', 'im-b']);
    expect(await run('im')).toMatchObject({ alreadyDone: true });
    const hash = (await run('im')).inputHash;
    await documentClient(sys.dynamodb).send(new DeleteCommand({ TableName: sys.tableName, Key: keys.importCheckpoint(hash) }));
    expect(await run('im')).toMatchObject({ alreadyDone: false, customers: { imported: 0, unchanged: 2 }, itemsWritten: 0 });
    expect(await partitionItems(['im-a', 'im-b'])).toEqual(before);
  });

  it('resumes after a crash and ends with the table a clean run writes', async () => {
    const many = (p: string): ImportSource[] => [{ name: 'events.jsonl', lines: Array.from({ length: 30 }, (_, i) => JSON.stringify(profileEvent(`${p}-${i}`, { occurredAt: daysAgo(i) }))) }];
    let writes = 0;
    const crashing: ImportStore = { ...sys.stores.imports, lookup: (...a) => sys.stores.imports.lookup(...a), getCheckpoint: (h) => sys.stores.imports.getCheckpoint(h), putCheckpoint: (h, c) => sys.stores.imports.putCheckpoint(h, c),
      write: async (...a) => { if (++writes === 2) throw new Error('power cut'); return sys.stores.imports.write(...a); } };
    const small = { ...opts, batchCustomers: 10, parallelBatches: 1 };
    await expect(importHistory({ store: crashing, clock: () => NOW }, many('rs'), small)).rejects.toThrow('power cut');
    expect((await sys.stores.customers.getCustomer('rs-15'))).toBeNull();
    const resumed = await importHistory({ store: sys.stores.imports, clock: () => new Date() }, many('rs'), small);
    expect(resumed.customers.imported + resumed.customers.unchanged).toBe(30 - resumed.resumedFrom);
    expect(resumed.now).toBe(NOW.toISOString()); // the resumed run keeps the crashed run's clock
    const one = await sys.stores.customers.getCustomer('rs-15');
    expect(one?.profile?.email).toBe('rs-15@example.com');
  });

  it('rejects a customer with a bad row whole, writes nothing for them, and reports every held-back row', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'import-'));
    writeFileSync(join(dir, 'customers.csv'), customersCsv('bad').join('\n'));
    const orders = ordersCsv('bad');
    orders[2] = `bad-a2,bad-a,${daysAgo(200)},12.5.0,CNY,,,`;
    writeFileSync(join(dir, 'orders.csv'), orders.join('\n'));
    const out: string[] = [];
    const program = registerImportCommands(new Command().exitOverride(), { stdout: { write: (s: string) => out.push(s) }, dynamodb: sys.dynamodb });
    process.env.TABLE_NAME = sys.tableName;
    await program.parseAsync(['import', join(dir, 'customers.csv'), join(dir, 'orders.csv'), '--no-progress', '--rejected', join(dir, 'rejected.csv'), '--now', NOW.toISOString()], { from: 'user' });
    expect(out.join('')).toMatch(/Imported 1 customers .* rejected 1 customers, 4 rows/s);
    expect(await sys.stores.customers.getCustomer('bad-a')).toBeNull();
    expect(await partitionItems(['bad-a'])).toEqual([]);
    const rejected = readFileSync(join(dir, 'rejected.csv'), 'utf8').trim().split('\n');
    expect(rejected[0]).toBe('file,row,customer_id,reason');
    expect(rejected).toContainEqual(expect.stringMatching(/orders\.csv,3,bad-a,"total ""12\.5\.0"" is not a decimal number/));
    expect(rejected.filter((l) => l.includes('customer rejected: ') && l.includes('orders.csv row 3'))).toHaveLength(3);
  });

  it('stores a suppressed address suppressed, and never overwrites a customer Engage already knows', async () => {
    const db = documentClient(sys.dynamodb);
    await db.send(new PutCommand({ TableName: sys.tableName, Item: { ...keys.suppressedAddress(emailHash('SUP-A@example.cn')), reason: 'erasure', at: daysAgo(5) } }));
    await putRaw(sys, [{ ...profileEvent('sup-b', { name: 'Live Ada' }) }]);
    const report = await run('sup');
    expect(report.customers).toMatchObject({ imported: 1, rejected: 1 });
    expect(report.rejections.filter((r) => r.customerId === 'sup-b').map((r) => r.reason)).toContain('customer already in Engage (live events): not overwritten');
    expect(await sys.stores.customers.getCustomer('sup-a')).toMatchObject({ suppressed: true, suppression: { reason: 'erasure' } });
    expect((await sys.stores.customers.getCustomer('sup-b'))?.profile?.name).toBe('Live Ada');
  });

  it('stores an address the hashed list holds (written by an unsubscribe, any spelling) suppressed, and no campaign mails it', async () => {
    await sys.stores.suppression.suppressAddress(emailHash('  Uns-A@Example.CN '), 'unsubscribe', daysAgo(3));
    const report = await run('uns');
    expect(report.customers).toMatchObject({ imported: 2, rejected: 0 });
    const a = await sys.stores.customers.getCustomer('uns-a');
    expect(a).toMatchObject({ suppressed: true, suppression: { reason: 'unsubscribe' } });
    expect((await sys.stores.customers.getCustomer('uns-b'))?.suppressed).toBeFalsy();
  });

  it('never recreates an erased customer: the id is skipped, and an erasure racing the batch takes back what it wrote', async () => {
    // Given era-a was a live customer and has been erased (the tombstone stays)
    await putRaw(sys, [profileEvent('era-a')]);
    await putRaw(sys, [erase('era-a')]);
    const report = await run('era');
    expect(report.customers).toMatchObject({ imported: 1, erased: 1, rejected: 0 });
    expect(await partitionItems(['era-a'])).toEqual([]);
    expect(await sys.stores.customers.getCustomer('era-b')).not.toBeNull();

    // Given race-a is erased after the import looked it up and before its batch is written
    const real = sys.stores.imports;
    const racing: ImportStore = {
      lookup: (ids, hashes) => real.lookup(ids, hashes),
      getCheckpoint: (h) => real.getCheckpoint(h),
      putCheckpoint: (h, c) => real.putCheckpoint(h, c),
      write: async (...a) => {
        await putRaw(sys, [erase('race-a')]);
        return real.write(...a);
      },
    };
    const raced = await run('race', racing);
    // Then nothing of race-a is left, and race-b is imported whole
    expect(raced.customers).toMatchObject({ imported: 1, erased: 1 });
    expect(await partitionItems(['race-a'])).toEqual([]);
    expect((await partitionItems(['race-b'])).length).toBeGreaterThan(1);
  });
});

describe('engage import, then live orders', () => {
  it('keeps the last purchase day before the window, so a live order cancelled later gives the last day back', async () => {
    const lines = [
      'order_id,customer_id,placed_at,total,currency',
      `old-a1,old-a,${daysAgo(500)},300,CNY`,
      `old-a2,old-a,${daysAgo(300)},200,CNY`,
    ];
    await importHistory({ store: sys.stores.imports, clock: () => NOW }, [{ name: 'old.csv', lines }], opts);
    const lastDay = daysAgo(300).slice(0, 10);
    const order = { source: SHOP_SOURCE, detailType: DetailType.OrderPlaced, detail: { orderId: 'old-a3', customerId: 'old-a', lines: [{ sku: 'tea', quantity: 1, unitPrice: 80 }], total: 80, currency: 'CNY', occurredAt: daysAgo(2) } };
    await putRaw(sys, [order]);
    expect((await sys.stores.customers.readCustomer('old-a'))?.summary.lastDay).toBe(daysAgo(2).slice(0, 10));
    await putRaw(sys, [{ source: SHOP_SOURCE, detailType: DetailType.OrderCancelled, detail: { orderId: 'old-a3', customerId: 'old-a', occurredAt: daysAgo(1) } }]);
    expect((await sys.stores.customers.readCustomer('old-a'))?.summary).toMatchObject({ lastDay, orders: 2, purchaseDays: 2 });
  });
});

function erase(customerId: string) {
  return { source: SHOP_SOURCE, detailType: DetailType.CustomerEraseRequested, detail: { customerId, requestId: `req-${customerId}`, occurredAt: new Date().toISOString() } };
}
