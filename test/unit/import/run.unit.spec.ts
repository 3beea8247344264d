/** importHistory's bookkeeping over a stand-in store (the DynamoDB adapter is covered by
 * test/int/import.int.spec.ts): batches in parallel, counts, checkpoints. */
import { describe, expect, it } from 'vitest';
import { importHistory } from '../../../shared/import/run.js';
import type { Checkpoint, ImportStore } from '../../../shared/import/port.js';
import { defaultLoyaltyConfig } from '../../../shared/loyalty/index.js';

const NOW = new Date('2026-11-20T04:00:00Z');
const line = (i: number) =>
  JSON.stringify({ detailType: 'order.placed', detail: { orderId: `o-${i}`, customerId: `c-${i % 37}`, lines: [{ sku: 's', quantity: 1, unitPrice: 10 }], total: 10, currency: 'CNY', occurredAt: '2026-11-01T00:00:00Z' } });

function store() {
  const checkpoints: Checkpoint[] = [];
  let items = 0;
  const s: ImportStore = {
    lookup: async (ids) => ({ existing: new Map(ids.map((id) => [id, { kind: 'absent' as const }])), suppressed: new Map() }),
    write: async (customers) => {
      await new Promise((ok) => setTimeout(ok, Math.random() * 5));
      const n = customers.length * 3;
      items += n;
      return { written: n, erased: 0 };
    },
    getCheckpoint: async () => checkpoints.at(-1) ?? null,
    putCheckpoint: async (_h, c) => void checkpoints.push(c),
  };
  return { s, checkpoints, items: () => items };
}

describe('Function: importHistory', () => {
  it('counts every batch once when batches finish in any order, and ends with a done checkpoint', async () => {
    const st = store();
    const report = await importHistory({ store: st.s, clock: () => NOW }, [{ name: 'e.jsonl', lines: Array.from({ length: 200 }, (_, i) => line(i)) }], {
      loyalty: defaultLoyaltyConfig, refundWindowDays: 90, defaults: { currency: 'CNY', locale: 'zh-CN', timeZone: 'Asia/Shanghai' }, batchCustomers: 3, parallelBatches: 4,
    });
    expect(report.customers).toEqual({ total: 37, imported: 37, unchanged: 0, rejected: 0, erased: 0 });
    expect(report.orders).toBe(200);
    expect(report.itemsWritten).toBe(st.items());
    expect(st.checkpoints[0]).toMatchObject({ position: 0, status: 'running', now: NOW.toISOString() });
    expect(st.checkpoints.at(-1)).toMatchObject({ position: 37, customers: 37, status: 'done' });
  });
});
