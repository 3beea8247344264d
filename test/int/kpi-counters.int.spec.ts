/**
 * The KPI counters through the real handlers on DynamoDB Local: they agree with the KPIs
 * recomputed from a Scan of the whole table on a seeded shop, they count an out-of-order cancel
 * and a redelivered order right, and a report costs a few Queries.
 */
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { countingClient } from '../support/counting.js';
import { putRaw, systemForTest, type TestSystem } from '../support/system.js';
import { driftingShopper, mailable, NOW } from '../support/win-back.js';
import { orderEvent, profileEvent } from '../support/events.js';
import { ScanKpiSource } from '../support/scan-kpis.js';
import { localKpiSource } from '../../local/console/index.js';
import { documentClient } from '../../shared/platform/table/dynamodb.js';
import { DetailType, SHOP_SOURCE } from '../../shared/platform/contracts/events.js';
import { loadLoyaltyConfig } from '../../shared/loyalty/config.js';
import type { KpiData, PeriodKpi } from '../../shared/reports/kpis.js';
import { keys } from '../../shared/platform/table/keys.js';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoScoreStore } from '../../shared/churn/dynamodb.js';

let sys: TestSystem;
beforeAll(async () => {
  vi.setSystemTime(NOW);
  sys = await systemForTest();
});
afterAll(() => sys?.close());

const cancelled = (customerId: string, orderId: string, occurredAt: string) => ({ source: SHOP_SOURCE, detailType: DetailType.OrderCancelled, detail: { orderId, customerId, occurredAt } });
const refunded = (customerId: string, orderId: string, refundId: string, amount: number, occurredAt: string) => ({ source: SHOP_SOURCE, detailType: DetailType.OrderRefunded, detail: { orderId, customerId, refundId, amount, currency: 'CNY', occurredAt } });

const counters = () => localKpiSource(sys).kpis;
const QUERY = { now: NOW, days: 200, weeks: 30 };
const scan = () => {
  const { shop } = localKpiSource(sys);
  const baseTier = loadLoyaltyConfig(sys.settings.loyaltyConfig).tiers[0]!.id;
  return new ScanKpiSource(documentClient(sys.dynamodb), sys.tableName, { currency: shop.currency, timeZone: shop.timeZone, baseTier }).readKpis(QUERY);
};
const day = (k: KpiData, d: string) => k.days.find((p) => p.period === d)!;
/** What both computations define alike: reactivations (gap rule vs level), upgrades (current
 * tier vs each change) and downgrades (not measured by the scan) are compared by their own tests. */
const comparable = ({ reactivated: _r, upgraded: _u, downgraded: _d, ...p }: PeriodKpi) => p;

describe('KPI counters', () => {
  it('agree with the KPIs recomputed from a scan of the table on a seeded shop', async () => {
    const t = sys.tag;
    const ids = Array.from({ length: 6 }, (_, i) => `seed${i}-${t}`);
    const events = [
      ...ids.map((c) => profileEvent(c)),
      // Repeat buyers over months, same-day orders, a first order arriving after a later one
      orderEvent(ids[0]!, `${ids[0]}-a`, '2026-06-03T09:00:00Z', 40),
      orderEvent(ids[0]!, `${ids[0]}-b`, '2026-06-03T11:00:00Z', 25),
      orderEvent(ids[0]!, `${ids[0]}-c`, '2026-08-10T09:00:00Z', 60),
      orderEvent(ids[1]!, `${ids[1]}-b`, '2026-09-15T09:00:00Z', 70),
      orderEvent(ids[1]!, `${ids[1]}-a`, '2026-07-01T09:00:00Z', 30),
      // A cancellation and a full refund undo their purchases; a partial refund only lowers revenue
      orderEvent(ids[2]!, `${ids[2]}-a`, '2026-07-20T09:00:00Z', 90),
      cancelled(ids[2]!, `${ids[2]}-a`, '2026-07-21T09:00:00Z'),
      orderEvent(ids[2]!, `${ids[2]}-b`, '2026-10-02T09:00:00Z', 45),
      orderEvent(ids[3]!, `${ids[3]}-a`, '2026-08-05T09:00:00Z', 50),
      orderEvent(ids[3]!, `${ids[3]}-b`, '2026-10-05T09:00:00Z', 80),
      refunded(ids[3]!, `${ids[3]}-b`, 'r1', 80, '2026-10-07T09:00:00Z'),
      refunded(ids[3]!, `${ids[3]}-a`, 'r2', 20, '2026-08-07T09:00:00Z'),
      // Out of order: the cancel before its order
      cancelled(ids[4]!, `${ids[4]}-a`, '2026-09-02T09:00:00Z'),
      orderEvent(ids[4]!, `${ids[4]}-a`, '2026-09-01T09:00:00Z', 35),
      orderEvent(ids[4]!, `${ids[4]}-b`, '2026-11-01T09:00:00Z', 35),
      ...driftingShopper(ids[5]!),
    ];
    await putRaw(sys, events);
    await sys.sweep(NOW);

    const [c, s] = [await counters().readKpis(QUERY), await scan()];
    expect(c.days.map(comparable)).toEqual(s.days.map(comparable));
    expect(c.weeks.map(comparable)).toEqual(s.weeks.map(comparable));
    expect(c.totals).toEqual(s.totals);
    expect(c.cohorts).toEqual(s.cohorts);
    expect(c.risk.byLevel).toEqual(s.risk.byLevel);
    expect(c.flow).toMatchObject({ new: s.flow.new, active: s.flow.active, atRisk: s.flow.atRisk, churned: s.flow.churned });
    expect(c.campaigns.map(({ campaignId, sent, control }) => ({ campaignId, sent, control }))).toEqual(s.campaigns.map(({ campaignId, sent, control }) => ({ campaignId, sent, control })));
    // The seeded history is not empty: the comparison compares something
    expect(c.totals.orders).toBeGreaterThan(8);
    expect(c.cohorts.length).toBeGreaterThan(3);
    expect(day(c, '2026-06-03')).toMatchObject({ newCustomers: 1, orders: 2, revenue: 65 });
    expect(day(c, '2026-07-20')).toMatchObject({ newCustomers: 0, orders: 0 });
  }, 120_000);

  it('counts an out-of-order cancel, a redelivered order and a full refund right', async () => {
    const id = `ooo-${sys.tag}`;
    const place = orderEvent(id, `${id}-1`, '2026-11-19T09:00:00Z', 120);
    await putRaw(sys, [profileEvent(id), cancelled(id, `${id}-0`, '2026-11-18T10:00:00Z'), orderEvent(id, `${id}-0`, '2026-11-18T09:00:00Z', 60)]);
    const k0 = await counters().readKpis(QUERY);
    await putRaw(sys, [place]);
    const k1 = await counters().readKpis(QUERY);
    await putRaw(sys, [place, place]);
    const k2 = await counters().readKpis(QUERY);
    await putRaw(sys, [refunded(id, `${id}-1`, 'rf', 120, '2026-11-19T12:00:00Z')]);
    const k3 = await counters().readKpis(QUERY);

    // The order cancelled before it arrived never counted
    expect(day(k0, '2026-11-18')).toMatchObject({ newCustomers: 0, orders: 0, revenue: 0 });
    expect(day(k1, '2026-11-19').orders - day(k0, '2026-11-19').orders).toBe(1);
    expect(day(k1, '2026-11-19').revenue - day(k0, '2026-11-19').revenue).toBe(120);
    expect(day(k1, '2026-11-19').newCustomers - day(k0, '2026-11-19').newCustomers).toBe(1);
    // Delivered twice more: nothing moves
    expect(k2).toEqual(k1);
    // Refunded in full: the purchase and the new customer are gone again
    expect(day(k3, '2026-11-19')).toEqual(day(k0, '2026-11-19'));
    expect(k3.cohorts).toEqual(k0.cohorts);
  }, 60_000);

  it('retries a transition whose transaction collides on the shared counter item: counted once, not lost or failed', async () => {
    // Customers of one shard entering "at risk" at one instant meet on one day item; DynamoDB
    // cancels a colliding transaction with TransactionConflict (DynamoDB Local serialises them, so
    // the collision is injected into the real SDK's stack: every other transaction is refused).
    const ids: string[] = [];
    for (let i = 0; ids.length < 12; i++) if (keys.kpiShardOf(`race${i}-${sys.tag}`) === 3) ids.push(`race${i}-${sys.tag}`);
    await putRaw(sys, ids.map((c) => profileEvent(c)));
    const client = new DynamoDBClient({ endpoint: inject('endpoints').dynamodbEndpoint, region: 'us-east-1', credentials: await sys.dynamodb.config.credentials() });
    let transactions = 0;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'TransactWriteItemsCommand' && transactions++ % 2 === 0) {
          throw new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict' }] });
        }
        return next(args);
      },
      { step: 'initialize' },
    );
    const scores = new DynamoScoreStore(documentClient(client), sys.tableName);
    const at = '2026-11-10T03:00:00.000Z';
    const written = await Promise.all(ids.map((c) => scores.putScores(c, undefined, { risk: { level: 'at-risk', method: 'rule', since: at, lastOrderDay: '2026-08-01' } })));
    expect(written.every(Boolean)).toBe(true);
    expect(transactions).toBeGreaterThanOrEqual(2 * ids.length);
    const item = await documentClient(sys.dynamodb).send(new GetCommand({ TableName: sys.tableName, Key: keys.kpiDay('2026-11-10', 3) }));
    expect(item.Item?.atRisk).toBe(ids.length);
    // Written already: the same transition again counts nothing
    expect(await scores.putScores(ids[0]!, undefined, { risk: { level: 'at-risk', method: 'rule', since: at, lastOrderDay: '2026-08-01' } })).toBe(false);
    client.destroy();
  }, 60_000);

  it('writes a chunk\'s level entries in one transaction with one counter ADD; one guard that fails leaves the others written, each counted once', async () => {
    const ids = Array.from({ length: 5 }, (_, i) => `chunk${i}-${sys.tag}`);
    const calm = Array.from({ length: 4 }, (_, i) => `calm${i}-${sys.tag}`);
    await putRaw(sys, [...ids, ...calm].map((c) => profileEvent(c)));
    const { client, sent: transactions } = await countingClient(sys);
    const scores = new DynamoScoreStore(documentClient(client), sys.tableName);
    const at = '2026-11-12T03:00:00.000Z';
    const risk = { level: 'churned' as const, method: 'rule' as const, since: at, lastOrderDay: '2026-05-01' };
    const shards = [...new Set(ids.map((c) => keys.kpiShardOf(c)))];
    const churned = async () => {
      const items = await Promise.all(shards.map((s) => documentClient(sys.dynamodb).send(new GetCommand({ TableName: sys.tableName, Key: keys.kpiDay('2026-11-12', s), ConsistentRead: true }))));
      return items.reduce((n, i) => n + ((i.Item?.churned as number | undefined) ?? 0), 0);
    };
    // A chunk of four entries: one transaction
    expect(await scores.putScoresMany(calm.map((customerId) => ({ customerId, expected: undefined, next: { risk } })))).toEqual([true, true, true, true]);
    expect(transactions()).toBe(1);
    const base = await churned();
    // Given the third customer's level was moved by someone else before the chunk is written
    expect(await scores.putScores(ids[2]!, undefined, { risk: { ...risk, level: 'at-risk' } })).toBe(true);
    // When the chunk is written against what the sweep read (no level yet for anyone)
    const writes = ids.map((customerId) => ({ customerId, expected: undefined, next: { risk } }));
    expect(await scores.putScoresMany(writes)).toEqual([true, true, false, true, true]);
    expect(await churned()).toBe(base + 4);
    // And a retried invocation writes and counts nothing again
    expect(await scores.putScoresMany(writes)).toEqual([false, false, false, false, false]);
    expect(await churned()).toBe(base + 4);
    client.destroy();
  });

  it('counts a reactivation and a win-back conversion once, and a report costs a few Queries', async () => {
    const id = mailable(`react-${sys.tag}-`);
    await putRaw(sys, driftingShopper(id));
    await sys.sweep(new Date(NOW.getTime() + 60_000));
    const before = await counters().readKpis(QUERY);
    const back = orderEvent(id, `${id}-back`, '2026-11-20T10:30:00Z', 75);
    vi.setSystemTime(new Date('2026-11-20T10:31:00Z'));
    await putRaw(sys, [back, back]);
    const source = counters();
    const after = await source.readKpis(QUERY);
    const winBack = (k: KpiData) => k.campaigns.find((c) => c.campaignId === 'win-back');

    expect(day(after, '2026-11-20').reactivated - day(before, '2026-11-20').reactivated).toBe(1);
    expect(after.flow.reactivated - before.flow.reactivated).toBe(1);
    expect(winBack(after)!.converted - (winBack(before)?.converted ?? 0)).toBe(1);
    expect(winBack(after)!.revenue - (winBack(before)?.revenue ?? 0)).toBe(75);
    // One Query per month partition (12 months of cohorts), one for the sweep's runs, one per campaign
    expect(source.queries).toBe(12 + 1 + after.campaigns.length);
  }, 60_000);
});
