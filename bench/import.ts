// engage import into DynamoDB Local: a generated shop history (JSON Lines file, as a shop would
// hand it over) read, folded per customer and written with BatchWriteItem. Orders/s end to end,
// the projection to 1M orders, items and write units per order (by the pricing rules, from item
// sizes), and where the CPU goes (node vs DynamoDB Local's JVM, on a two-core machine).
// BENCH_IMPORT_ORDERS sets the size (default 200,000 orders; 1,000,000 runs the full target).
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Bench } from './bench.js';
import { cpuSecondsOfPort } from './cpu.js';
import { plainItemBytes, writeUnits } from './write-units.js';
import { startEmulators } from '../local/emulators.js';
import { createTable } from '../local/table.js';
import { generateDemoShop } from '../local/demo-shop.js';
import { fileLines } from '../cli/import.js';
import { importHistory } from '../shared/import/run.js';
import { IMPORTABLE } from '../shared/import/rows.js';
import { DynamoImportStore, customerItems } from '../shared/import/dynamodb.js';
import type { ImportStore } from '../shared/import/port.js';
import { loadLoyaltyConfig } from '../shared/loyalty/config.js';
import { documentClient } from '../shared/platform/table/dynamodb.js';
import { repoRoot } from '../local/system.js';

async function writeHistory(file: string, orders: number, now: Date): Promise<number> {
  // The demo shop buys ~1.95 orders per customer in 18 months; generated in slices to bound memory.
  const out = createWriteStream(file);
  const slice = 50_000;
  let customers = Math.round(orders / 1.95);
  let placed = 0;
  for (let seed = 1; customers > 0; seed++, customers -= slice) {
    const shop = generateDemoShop({ customers: Math.min(slice, customers), seed, now });
    for (const e of shop.events) {
      // A shop's export holds customers and orders; the demo's checkouts are live-only events.
      if (!IMPORTABLE.has(e.detailType)) continue;
      // Each slice numbers from 1: keep ids apart.
      const detail = { ...e.detail, customerId: `s${seed}-${e.detail.customerId}`, ...('orderId' in e.detail ? { orderId: `s${seed}-${e.detail.orderId}` } : {}) };
      if (e.detailType === 'order.placed') placed++;
      if (!out.write(`${JSON.stringify({ detailType: e.detailType, detail })}\n`)) await new Promise<void>((ok) => out.once('drain', () => ok()));
    }
  }
  await new Promise<void>((ok) => out.end(() => ok()));
  return placed;
}

export const importBench: Bench = {
  name: 'import',
  async run() {
    const target = Number(process.env.BENCH_IMPORT_ORDERS ?? 200_000);
    const now = new Date('2026-12-01T02:00:00Z');
    const dir = mkdtempSync(join(tmpdir(), 'engage-import-bench-'));
    const file = join(dir, 'history.jsonl');
    const placed = await writeHistory(file, target, now);
    // A long run: the JVM's full tiered compilation pays off (QUICK_START_JVM is for short runs).
    const emulators = await startEmulators({ javaOptions: [] });
    const client = new DynamoDBClient({ endpoint: emulators.dynamodbEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    try {
      await createTable(client, 'engage-bench-import');
      const real = new DynamoImportStore(documentClient(client), 'engage-bench-import');
      let units = 0;
      let items = 0;
      const byType = new Map<string, number>();
      // The same store, counting what each write costs by the pricing rules (BatchWrite: per item).
      const store: ImportStore = {
        lookup: (ids, hashes) => real.lookup(ids, hashes),
        getCheckpoint: (h) => real.getCheckpoint(h),
        putCheckpoint: (h, c) => real.putCheckpoint(h, c),
        write: async (customers, ctx, source) => {
          for (const c of customers) {
            const built = customerItems(c.folded, ctx, source, c.suppression);
            for (const item of [...built.rest, built.customer]) {
              units += writeUnits(plainItemBytes(item));
              const type = String(item.sk).split('#')[0]!;
              byType.set(type, (byType.get(type) ?? 0) + 1);
            }
            items += built.rest.length + 1;
          }
          return real.write(customers, ctx, source);
        },
      };
      const port = new URL(emulators.dynamodbEndpoint).port;
      const [java0, cpu0, t0] = [cpuSecondsOfPort(port), process.cpuUsage(), performance.now()];
      const report = await importHistory({ store, clock: () => now }, [{ name: 'history.jsonl', lines: fileLines(file) }], {
        loyalty: loadLoyaltyConfig(join(repoRoot, 'loyalty.yaml')),
        refundWindowDays: 90,
        defaults: { currency: 'CNY', locale: 'zh-CN', timeZone: 'Asia/Shanghai' },
      });
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const javaSeconds = cpuSecondsOfPort(port) - java0;
      // Every generated customer must land: a rejected one would flatter the rate.
      if (report.customers.rejected > 0) throw new Error(`import bench: ${report.customers.rejected} customers rejected (${report.rejections[0]?.reason})`);
      const rate = placed / seconds;
      console.error(`import: items by sort-key type: ${[...byType].map(([t, n]) => `${t} ${(n / placed).toFixed(2)}/order`).join(', ')}`);
      console.error(`import: ${report.customers.imported} customers, ${placed} orders, ${report.itemsWritten} items, ${(statSync(file).size / 1e6).toFixed(0)} MB in ${seconds.toFixed(1)} s`);
      return [
        { figure: `import ${placed.toLocaleString('en-US')} orders (JSON Lines → DynamoDB Local)`, value: rate, unit: 'orders/s', target: 10_000 },
        { figure: '1M orders at that rate', value: 1e6 / rate / 60, unit: 'min', target: 15 },
        { figure: 'items written per order', value: items / placed, unit: 'items' },
        { figure: 'write units per order (BatchWrite, from item sizes)', value: units / placed, unit: 'WCU' },
        { figure: 'node CPU per 1,000 orders', value: ((cpu.user + cpu.system) / 1e6 / placed) * 1000, unit: 's' },
        { figure: 'DynamoDB Local CPU per 1,000 orders', value: (javaSeconds / placed) * 1000, unit: 's' },
      ];
    } finally {
      client.destroy();
      await emulators.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
