// A quiet day's daily sweep over 100,000 customers seeded in bulk (BatchWriteItem, not the bus)
// on DynamoDB Local: the churn segments and the due-only loyalty segments, the real code and the
// real adapters, every request's ConsumedCapacity summed (ReturnConsumedCapacity: TOTAL added
// by middleware). On a quiet day every call is a read, which DynamoDB Local reports as AWS bills
// it (../shared/notes/platform-facts.md: transactions and failed conditions are where it differs).
// Emulator-bound wall time: a floor for the code path, not a prediction of AWS.
import { resolve } from 'node:path';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Bench, BenchFigure } from './bench.js';
import { startEmulators } from '../local/emulators.js';
import { repoRoot, startLocalSystem } from '../local/system.js';
import { decideScores, DEFAULT_RISK_CONFIG, scoreCustomer } from '../shared/churn/scores.js';
import { sweepSegment } from '../shared/churn/sweep.js';
import { loyaltyDueSegment } from '../shared/loyalty/sweep.js';
import { birthdayDueKey, loyaltyDue } from '../shared/loyalty/due.js';
import { loadLoyaltyConfig, newLoyaltyState } from '../shared/loyalty/index.js';
import type { CustomerRecord } from '../shared/customers/record.js';
import { documentClient } from '../shared/platform/table/dynamodb.js';
import { keys, TableAttr } from '../shared/platform/table/keys.js';
import type { SegmentTask } from '../shared/platform/bulk.js';
import { PRICE } from './sweep-scale.js';
import { testCoupons } from '../test/support/coupons.js';

const CUSTOMERS = 100_000;
const SEGMENTS = 4;
const NOW = new Date('2026-11-20T03:00:00Z');

export const sweepLocalBench: Bench = {
  name: 'sweep-local',
  async run(): Promise<BenchFigure[]> {
    const emulators = await startEmulators({ handleSignals: true });
    try {
      const sys = await startLocalSystem(emulators, { tableName: 'engage-bench-sweep' });
      const config = loadLoyaltyConfig(resolve(repoRoot, 'loyalty.yaml'));
      const db = documentClient(sys.dynamodb);

      // Seed: each customer as the sweep of the day before left them (scored), and a LOYALTY item.
      const t0 = performance.now();
      const items: Record<string, unknown>[] = [];
      for (let i = 0; i < CUSTOMERS; i++) {
        const customerId = `b${i}`;
        const birthday = new Date(Date.UTC(1990, 0, 1 + (i % 365))).toISOString().slice(5, 10);
        const record: CustomerRecord = {
          customerId,
          summary: { orders: 4, purchaseDays: 4, firstDay: '2025-06-01', lastDay: new Date(NOW.getTime() - (20 + (i % 200)) * 86_400_000).toISOString().slice(0, 10), spend: 400, firstDaySpend: 100 },
          profile: { email: `${customerId}@example.com`, name: customerId, locale: 'en', timeZone: 'Asia/Shanghai', marketingConsent: true, updatedAt: '2026-01-01T00:00:00Z', birthday },
        };
        const scored = scoreCustomer(record, {}, DEFAULT_RISK_CONFIG, new Date(NOW.getTime() - 86_400_000));
        const d = scored && !('failed' in scored) ? decideScores(record, scored, 'yesterday', NOW) : undefined;
        const scores = d?.kind === 'update' ? { risk: d.risk, ...(d.segment ? { segment: d.segment } : {}), ...(d.prediction ? { prediction: d.prediction } : {}) } : {};
        const shard = keys.loyaltyShardOf(customerId);
        items.push({ ...keys.customer(customerId), [TableAttr.gsi1pk]: customerId, [TableAttr.version]: 1, ...record, ...scores, [TableAttr.loyaltyDueShard]: keys.birthdayShardKey(shard), [TableAttr.loyaltyDueOn]: birthdayDueKey(birthday) });
        const state = { ...newLoyaltyState(customerId, new Date('2025-06-01T00:00:00Z'), config), lastReview: '2026-11', birthdayYear: 2026, balance: 400, lots: { '2026-06': { points: 400 } }, buckets: { '2026-06': { spend: 400, orders: 4 } } };
        const due = loyaltyDue(state, {}, NOW, config);
        items.push({ ...keys.loyalty(customerId), customerId, state, outbox: {}, [TableAttr.version]: 1, [TableAttr.loyaltyDueShard]: keys.loyaltyDueShardKey(shard), [TableAttr.loyaltyDueOn]: due.on, nextOn: due.next });
      }
      const chunks = Array.from({ length: Math.ceil(items.length / 25) }, (_, i) => items.slice(i * 25, i * 25 + 25));
      let next = 0;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (next < chunks.length) {
            let pending: object[] = chunks[next++]!.map((Item) => ({ PutRequest: { Item } }));
            while (pending.length) pending = (await db.send(new BatchWriteCommand({ RequestItems: { [sys.tableName]: pending as never } }))).UnprocessedItems?.[sys.tableName] ?? [];
          }
        }),
      );
      const seedS = (performance.now() - t0) / 1000;

      // Count every request's capacity from here on.
      let rcu = 0;
      let wcu = 0;
      let requests = 0;
      // By operation: DynamoDB Local reports a write's units as CapacityUnits only.
      const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand', 'TransactWriteItemsCommand', 'PutCommand', 'UpdateCommand', 'DeleteCommand', 'BatchWriteCommand', 'TransactWriteCommand']);
      sys.dynamodb.middlewareStack.add(
        (nextMw, context) => async (args) => {
          const input = args.input as Record<string, unknown>;
          input.ReturnConsumedCapacity = 'TOTAL';
          const out = await nextMw(args);
          requests++;
          const cc = (out.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
          const write = WRITES.has(context.commandName ?? '');
          for (const c of (Array.isArray(cc) ? cc : cc ? [cc] : []) as Array<{ CapacityUnits?: number }>) {
            if (write) wcu += c.CapacityUnits ?? 0;
            else rcu += c.CapacityUnits ?? 0;
          }
          return out;
        },
        { step: 'initialize', name: 'countCapacity' },
      );

      const published = { n: 0 };
      const publisher = { publish: async (e: unknown[]) => void (published.n += e.length) };
      const task = (segment: number): SegmentTask => ({ job: 'daily-sweep', runKey: NOW.toISOString(), scheduledTime: NOW.toISOString(), segment, totalSegments: SEGMENTS });
      const untilDone = async (run: (t: SegmentTask) => Promise<{ cursor?: Record<string, string>; scanned: number }>, segment: number) => {
        let t = task(segment);
        let scanned = 0;
        for (;;) {
          const r = await run(t);
          scanned += r.scanned;
          if (!r.cursor) return scanned;
          t = { ...t, cursor: r.cursor };
        }
      };
      const budget = { shouldYield: () => false };
      const t1 = performance.now();
      const churnDeps = { customers: sys.stores.customers, scores: sys.stores.scores, publisher, risk: DEFAULT_RISK_CONFIG };
      const churnScanned = (await Promise.all(Array.from({ length: SEGMENTS }, (_, s) => untilDone((t) => sweepSegment(churnDeps, t, { pageSize: 500, ...budget }), s)))).reduce((a, b) => a + b, 0);
      const churnS = (performance.now() - t1) / 1000;
      const churnRcu = rcu;
      const t2 = performance.now();
      const loyaltyDeps = { store: sys.stores.loyalty, customers: sys.stores.customers, publisher, config, clock: () => NOW, coupons: testCoupons };
      const loyaltyRead = (await Promise.all(Array.from({ length: SEGMENTS }, (_, s) => untilDone((t) => loyaltyDueSegment(loyaltyDeps, t, budget), s)))).reduce((a, b) => a + b, 0);
      const loyaltyS = (performance.now() - t2) / 1000;
      await sys.close();

      const perMillion = (ru: number, wu: number) => ((ru * PRICE.rru + wu * PRICE.wru) / CUSTOMERS) * 1e6;
      return [
        { figure: `seed ${CUSTOMERS.toLocaleString('en-US')} customers (customer + LOYALTY items, BatchWriteItem)`, value: (2 * CUSTOMERS) / seedS, unit: 'items/s' },
        { figure: 'quiet day: customers scanned by the churn segments', value: churnScanned, unit: 'customers' },
        { figure: 'quiet day: customers read by the loyalty segments (due only)', value: loyaltyRead, unit: 'customers' },
        { figure: 'quiet day: read units per customer (churn scan)', value: churnRcu / CUSTOMERS, unit: 'RRU' },
        { figure: 'quiet day: read units per customer (loyalty, due only)', value: (rcu - churnRcu) / CUSTOMERS, unit: 'RRU' },
        { figure: 'quiet day: write units per customer (the day\'s risk transitions)', value: wcu / CUSTOMERS, unit: 'WRU' },
        { figure: 'quiet day: DynamoDB requests', value: requests, unit: 'requests' },
        { figure: 'quiet day: events published', value: published.n, unit: 'events' },
        { figure: 'quiet day: DynamoDB cost per 1M customers (from the counted units)', value: perMillion(rcu, wcu), unit: '$', target: 0.02 },
        { figure: 'quiet day: churn segments wall time on DynamoDB Local', value: churnS, unit: 's' },
        { figure: 'quiet day: loyalty segments wall time on DynamoDB Local', value: loyaltyS, unit: 's' },
      ];
    } finally {
      await emulators.stop();
    }
  },
};
