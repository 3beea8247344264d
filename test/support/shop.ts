/**
 * Seeds the table with a simulated shop as order ingest would have left it: per customer the
 * customer item with its running summary and its purchase days (fixture, not the
 * path under test: orders.int proves ingest writes exactly these).
 */
import { DAYS_ATTR } from '../../shared/orders/stored-days.js';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../shared/platform/table/dynamodb.js';
import { keys, TableAttr } from '../../shared/platform/table/keys.js';
import type { LocalSystem } from '../../local/system.js';
import { makeRng } from '../../shared/scoring/simulate.js';

const DAY_MS = 86_400_000;
const iso = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/**
 * `histories[i]` are customer i's distinct purchase days on the simulation's clock, whose day
 * `endDay` is the UTC day of `today`. Every purchase is one order; order values vary around a
 * mean that varies across customers (what Gamma-Gamma models), reproducibly.
 */
export async function seedShop(sys: LocalSystem, prefix: string, histories: readonly (readonly number[])[], endDay: number, today: Date): Promise<string[]> {
  const shift = Math.floor(today.getTime() / DAY_MS) - endDay;
  const rng = makeRng(99);
  const round2 = (v: number) => Math.round(v * 100) / 100;
  const items: Record<string, unknown>[] = [];
  const ids: string[] = [];
  histories.forEach((sim, i) => {
    if (!sim.length) return;
    const days = sim.map((d) => d + shift);
    const id = `${prefix}${i}`;
    ids.push(id);
    const mean = 20 + 80 * rng();
    const values = days.map(() => round2(mean * (0.5 + rng())));
    items.push({
      ...keys.customer(id), [TableAttr.gsi1pk]: id, customerId: id, [TableAttr.version]: days.length,
      summary: { orders: days.length, purchaseDays: days.length, firstDay: iso(days[0]!), lastDay: iso(days[days.length - 1]!), spend: round2(values.reduce((a, b) => a + b, 0)), firstDaySpend: values[0]! },
      [DAYS_ATTR]: Object.fromEntries(days.map((d, k) => [iso(d), [1, values[k]!]])),
    });
  });
  const db = documentClient(sys.dynamodb);
  for (let i = 0; i < items.length; i += 25) {
    await db.send(new BatchWriteCommand({ RequestItems: { [sys.tableName]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }));
  }
  return ids;
}
