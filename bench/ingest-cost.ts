// What one live order.placed costs in DynamoDB write units across its consumers (order-events,
// loyalty, and what they set off), counted from every write request the real handlers send, by
// the pricing rules and the items' sizes (bench/dynamodb-recorder.ts: each Put sized from its
// request, each Update/Delete from the item it touched, transactional writes doubled; cancelled
// transactions and failed conditions billed too).
import type { Bench } from './bench.js';
import { DynamoRecorder, pkOf, skOf, type PricedWrite } from './dynamodb-recorder.js';
import { startEmulators } from '../local/emulators.js';
import { startLocalSystem } from '../local/system.js';
import { generateDemoShop } from '../local/demo-shop.js';
import { importDemoHistory } from '../local/demo.js';
import { runClockFrom } from '../shared/platform/ports.js';
import { CounterKpiSource } from '../shared/reports/counters-source.js';
import { documentClient } from '../shared/platform/table/dynamodb.js';

/** Write units by consumer, told from the items a request touches. */
class ConsumerUnits {
  units: Record<string, number> = {};
  /** The part of `units` spent on KPI counter items (pk KPI#…), by consumer. */
  kpiUnits: Record<string, number> = {};
  /** The same units by consumer, operation, action and item type (printed: where they go). */
  byWrite: Record<string, number> = {};

  add = (writes: PricedWrite[]) => {
    const sks = writes.map((w) => skOf(w.key));
    const has = (prefix: string) => sks.some((s) => s.startsWith(prefix));
    // Order ingest's transaction: the customer item (summary, open orders), the KPI day item, an
    // ORDER# item for an order the customer item has no room for, the tombstone check of a new customer.
    const orderIngest = has('ORDER#') || (has('CUSTOMER') && has('DAY#') && sks.every((s) => /^(CUSTOMER$|ORDER#|DAY#|ERASED)/.test(s)));
    const consumer = orderIngest ? 'order-events' : has('LOYALTY') ? 'loyalty' : has('SEND#') ? 'campaigns' : 'other';
    writes.forEach((w, i) => {
      this.units[consumer] = (this.units[consumer] ?? 0) + w.units;
      if (pkOf(w.key).startsWith('KPI#')) this.kpiUnits[consumer] = (this.kpiUnits[consumer] ?? 0) + w.units;
      const what = `${consumer}: ${w.op} ${w.kind} ${sks[i]!.split('#')[0]}`;
      this.byWrite[what] = (this.byWrite[what] ?? 0) + w.units;
    });
  };
}

export const ingestCostBench: Bench = {
  name: 'ingest-cost',
  async run() {
    const now = new Date('2026-12-01T02:00:00Z');
    const emulators = await startEmulators();
    const counted = new ConsumerUnits();
    const recorder = new DynamoRecorder(new URL(emulators.dynamodbEndpoint), { writes: counted.add });
    try {
      const sys = await startLocalSystem({ dynamodbEndpoint: await recorder.listen(), sesEndpoint: emulators.sesEndpoint }, { tableName: 'engage-bench-cost' });
      runClockFrom(now);
      const shop = generateDemoShop({ customers: 400, seed: 5, now: new Date(now.getTime() - 86_400_000) });
      await importDemoHistory(sys, shop.events, now);
      // Scored, as a live customer item is (risk level, P(alive), CLV): its size sets what a write of it costs.
      await sys.sweep(now);
      // One new order for each of 200 customers with a history, as live traffic.
      const buyers = shop.customers.slice(0, 200).map((c) => c.customerId);
      const orders = buyers.map((customerId, i) => ({
        detailType: 'order.placed' as const,
        detail: { orderId: `live-${i}`, customerId, lines: [{ sku: 'TEA-LJ-250', quantity: 1, unitPrice: 168 }], total: 168, currency: 'CNY', occurredAt: new Date(now.getTime() - 60_000).toISOString() },
      }));
      recorder.recording = true;
      for (let i = 0; i < orders.length; i += 10) await sys.publisher.publish(orders.slice(i, i + 10));
      await sys.bus.idle();
      recorder.recording = false;
      // What reading the report costs now: Queries of the counters, whatever the base's size.
      const report = new CounterKpiSource(documentClient(sys.dynamodb), sys.tableName, { currency: 'CNY', timeZone: 'Asia/Shanghai' });
      await report.readKpis({ now });
      await sys.close();
      const per = (k: string) => (counted.units[k] ?? 0) / orders.length;
      for (const [what, units] of Object.entries(counted.byWrite).sort(([a], [b]) => a.localeCompare(b))) console.error(`ingest-cost: ${what}: ${(units / orders.length).toFixed(3)} WCU per order`);
      const total = Object.values(counted.units).reduce((a, b) => a + b, 0) / orders.length;
      return [
        { figure: 'order.placed: order-events (summary with the open orders, day)', value: per('order-events'), unit: 'WCU' },
        { figure: 'order.placed: loyalty (state with the order view and entries, tier copy)', value: per('loyalty'), unit: 'WCU' },
        // The "≤ 8 across its consumers": the consumers that record the order.
        { figure: 'order.placed: ingest (order-events + loyalty)', value: per('order-events') + per('loyalty'), unit: 'WCU', target: 8 },
        { figure: 'order.placed: what it sets off (flow entries, campaign sends)', value: per('campaigns') + per('other'), unit: 'WCU' },
        { figure: 'order.placed: write units across all consumers and what they set off', value: total, unit: 'WCU' },
        // Included above: the KPI counter items ADDed inside those transactions.
        { figure: 'order.placed: of which KPI counters (order-events day item)', value: (counted.kpiUnits['order-events'] ?? 0) / orders.length, unit: 'WCU' },
        { figure: 'report (30 days, 26 weeks, 12 cohorts): Query calls', value: report.queries, unit: 'queries' },
        { figure: 'order.placed: of which KPI counters (loyalty tier changes)', value: (counted.kpiUnits.loyalty ?? 0) / orders.length, unit: 'WCU' },
      ];
    } finally {
      await recorder.close();
      await emulators.stop();
    }
  },
};
