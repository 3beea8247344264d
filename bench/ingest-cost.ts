// What one live order.placed costs in DynamoDB write units across its consumers (order-events,
// loyalty, and what they set off), counted from every write request the real handlers send, by
// the pricing rules and the items' sizes: an HTTP recorder between the handlers and DynamoDB Local
// sizes each Put from its request and each Update/Delete from the item it touched (the larger of
// before and after), and doubles transactional writes; cancelled transactions and failed
// conditions are billed too.
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { Bench } from './bench.js';
import { itemBytes, writeUnits } from './write-units.js';
import { startEmulators } from '../local/emulators.js';
import { startLocalSystem } from '../local/system.js';
import { generateDemoShop } from '../local/demo-shop.js';
import { importDemoHistory } from '../local/demo.js';
import { runClockFrom } from '../shared/platform/ports.js';
import { CounterKpiSource } from '../shared/reports/counters-source.js';
import { documentClient } from '../shared/platform/table/dynamodb.js';

type Av = Record<string, Record<string, unknown>>;
interface Write { kind: 'Put' | 'Update' | 'Delete' | 'ConditionCheck'; table: string; item?: Av; key?: Av }

function forward(target: string, url: URL, body: string, headers: Record<string, string | string[] | undefined>): Promise<{ status: number; body: string }> {
  return new Promise((ok, fail) => {
    const { 'content-length': _length, ...rest } = headers;
    const req = httpRequest({ host: url.hostname, port: url.port, path: '/', method: 'POST', headers: { ...rest, host: url.host, 'x-amz-target': target, 'content-length': Buffer.byteLength(body) } }, (res) => {
      let out = '';
      res.on('data', (c) => (out += c));
      res.on('end', () => ok({ status: res.statusCode ?? 0, body: out }));
    });
    req.on('error', fail);
    req.end(body);
  });
}

/** Size of the stored item under `key`, read straight from DynamoDB Local (0 when absent). */
async function storedBytes(url: URL, headers: Record<string, string | string[] | undefined>, table: string, key: Av): Promise<number> {
  const r = await forward('DynamoDB_20120810.GetItem', url, JSON.stringify({ TableName: table, Key: key, ConsistentRead: true }), headers);
  const item = (JSON.parse(r.body) as { Item?: Av }).Item;
  return item ? itemBytes(item) : 0;
}

class Recorder {
  units: Record<string, number> = {};
  /** The part of `units` spent on KPI counter items (pk KPI#…), by consumer. */
  kpiUnits: Record<string, number> = {};
  /** The same units by consumer, operation, action and item type (printed: where they go). */
  byWrite: Record<string, number> = {};
  recording = false;
  private server?: Server;
  constructor(private readonly upstream: URL) {}

  private bill(consumer: string, n: number) {
    this.units[consumer] = (this.units[consumer] ?? 0) + n;
  }

  async listen(): Promise<string> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', async () => {
        const target = String(req.headers['x-amz-target'] ?? '');
        const op = target.split('.')[1] ?? '';
        const input = JSON.parse(body || '{}') as Record<string, unknown>;
        const writes: Write[] =
          op === 'TransactWriteItems'
            ? (input.TransactItems as Array<Record<string, { TableName: string; Item?: Av; Key?: Av }>>).map((a) => {
                const [kind, x] = Object.entries(a)[0]!;
                return { kind: kind as Write['kind'], table: x.TableName, ...(x.Item ? { item: x.Item } : {}), ...(x.Key ? { key: x.Key } : {}) };
              })
            : op === 'PutItem' || op === 'UpdateItem' || op === 'DeleteItem'
              ? [{ kind: op.replace('Item', '') as Write['kind'], table: input.TableName as string, ...(input.Item ? { item: input.Item as Av } : {}), ...(input.Key ? { key: input.Key as Av } : {}) }]
              : op === 'BatchWriteItem'
                ? Object.entries(input.RequestItems as Record<string, Array<{ PutRequest?: { Item: Av }; DeleteRequest?: { Key: Av } }>>).flatMap(([table, rs]) =>
                    rs.map((r): Write => (r.PutRequest ? { kind: 'Put', table, item: r.PutRequest.Item } : { kind: 'Delete', table, key: r.DeleteRequest!.Key })))
                : [];
        const record = this.recording && writes.length > 0;
        const keyOf = (w: Write) => w.key ?? { pk: w.item!.pk!, sk: w.item!.sk! };
        const before = record ? await Promise.all(writes.map((w) => (w.kind === 'Put' ? 0 : storedBytes(this.upstream, req.headers, w.table, keyOf(w))))) : [];
        const out = await forward(target, this.upstream, body, req.headers);
        if (record) {
          const after = await Promise.all(writes.map((w) => (w.kind === 'Update' ? storedBytes(this.upstream, req.headers, w.table, keyOf(w)) : 0)));
          const transactional = op === 'TransactWriteItems';
          // Whose write it is, from the items it touches.
          const sks = writes.map((w) => String(keyOf(w).sk?.S ?? ''));
          const consumer = sks.some((s) => s.startsWith('ORDER#')) ? 'order-events' : sks.some((s) => s.startsWith('LOYALTY')) ? 'loyalty' : sks.some((s) => s.startsWith('SEND#')) ? 'campaigns' : 'other';
          writes.forEach((w, i) => {
            const units = writeUnits(Math.max(w.item ? itemBytes(w.item) : 0, before[i]!, after[i]!), transactional);
            this.bill(consumer, units);
            if (String(keyOf(w).pk?.S ?? '').startsWith('KPI#')) this.kpiUnits[consumer] = (this.kpiUnits[consumer] ?? 0) + units;
            const what = `${consumer}: ${op} ${w.kind} ${sks[i]!.split('#')[0]}`;
            this.byWrite[what] = (this.byWrite[what] ?? 0) + units;
          });
        }
        res.writeHead(out.status, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(out.body);
      });
    });
    await new Promise<void>((ok) => this.server!.listen(0, '127.0.0.1', ok));
    const addr = this.server.address() as { port: number };
    return `http://127.0.0.1:${addr.port}`;
  }

  close = () => new Promise<void>((ok) => (this.server ? this.server.close(() => ok()) : ok()));
}

export const ingestCostBench: Bench = {
  name: 'ingest-cost',
  async run() {
    const now = new Date('2026-12-01T02:00:00Z');
    const emulators = await startEmulators();
    const recorder = new Recorder(new URL(emulators.dynamodbEndpoint));
    try {
      const sys = await startLocalSystem({ dynamodbEndpoint: await recorder.listen(), sesEndpoint: emulators.sesEndpoint }, { tableName: 'engage-bench-cost' });
      runClockFrom(now);
      const shop = generateDemoShop({ customers: 400, seed: 5, now: new Date(now.getTime() - 86_400_000) });
      await importDemoHistory(sys, shop.events, now);
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
      const per = (k: string) => (recorder.units[k] ?? 0) / orders.length;
      for (const [what, units] of Object.entries(recorder.byWrite).sort(([a], [b]) => a.localeCompare(b))) console.error(`ingest-cost: ${what}: ${(units / orders.length).toFixed(3)} WCU per order`);
      const total = Object.values(recorder.units).reduce((a, b) => a + b, 0) / orders.length;
      return [
        { figure: 'order.placed: order-events (summary, order, day)', value: per('order-events'), unit: 'WCU' },
        { figure: 'order.placed: loyalty (state, order view, ledger, tier copy)', value: per('loyalty'), unit: 'WCU' },
        { figure: 'order.placed: what it sets off (campaign sends, other)', value: per('campaigns') + per('other'), unit: 'WCU' },
        { figure: 'order.placed: write units across all consumers', value: total, unit: 'WCU', target: 8 },
        // Included above: the KPI counter items ADDed inside those transactions.
        { figure: 'order.placed: of which KPI counters (order-events day item)', value: (recorder.kpiUnits['order-events'] ?? 0) / orders.length, unit: 'WCU' },
        { figure: 'report (30 days, 26 weeks, 12 cohorts): Query calls', value: report.queries, unit: 'queries' },
        { figure: 'order.placed: of which KPI counters (loyalty tier changes)', value: (recorder.kpiUnits.loyalty ?? 0) / orders.length, unit: 'WCU' },
      ];
    } finally {
      await recorder.close();
      await emulators.stop();
    }
  },
};
