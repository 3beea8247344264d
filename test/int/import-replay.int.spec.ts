/**
 * Property: importing a history, then replaying its last events through the bus, leaves the same
 * state as replaying everything through the bus — profile, order summary, tier, loyalty state and
 * ledger (the import's entries from before the refund window folded into one), and every
 * per-order and per-day item the import keeps. The real handlers, the local bus
 * and DynamoDB Local on both sides; the wall clock is pinned so both judge at the same `now`.
 */
import fc from 'fast-check';
import { paginateQuery } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DetailType, SHOP_SOURCE } from '../../shared/platform/contracts/events.js';
import { importHistory } from '../../shared/import/run.js';
import { foldLedger, loadLoyaltyConfig, type LedgerEntry } from '../../shared/loyalty/index.js';
import { documentClient } from '../../shared/platform/table/dynamodb.js';
import { keys } from '../../shared/platform/table/keys.js';
import { OPEN_ORDERS_ATTR, decodeOpenOrders } from '../../shared/orders/open-orders.js';
import { repoRoot } from '../../local/system.js';
import { putRaw, systemForTest } from '../support/system.js';

const NOW = new Date('2026-11-18T06:00:00Z');
const DAY = 86_400_000;
const WINDOW_DAYS = 90;
let sys: Awaited<ReturnType<typeof systemForTest>>;

type Raw = { source: string; detailType: string; detail: Record<string, unknown> & { occurredAt: string } };

const order = fc.record({
  total: fc.integer({ min: 0, max: 6000 }),
  placedDaysAgo: fc.integer({ min: 1, max: 540 }),
  hour: fc.integer({ min: 0, max: 23 }),
  fulfilDays: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
  fate: fc.constantFrom('kept', 'kept', 'cancelled', 'partial', 'full'),
  refundDays: fc.integer({ min: 6, max: 20 }),
  duplicated: fc.boolean(),
});
const history = fc.record({
  consent: fc.array(fc.boolean(), { minLength: 1, maxLength: 2 }),
  orders: fc.array(order, { minLength: 1, maxLength: 5 }),
  // Later events (refunds, fulfilments) come within 25 days of their order, so every order the
  // replayed tail touches was placed inside the refund window, as in a real hand-over.
  splitDaysAgo: fc.integer({ min: 0, max: 60 }),
});

type History = typeof history extends fc.Arbitrary<infer T> ? T : never;

function eventsOf(h: History, customerId: string): Raw[] {
  const at = (ms: number) => new Date(Math.min(ms, NOW.getTime() - 60_000)).toISOString();
  const out: Raw[] = h.consent.map((marketingConsent, i) => ({
    source: SHOP_SOURCE,
    detailType: DetailType.CustomerUpserted,
    detail: { customerId, email: `${customerId}@example.com`, name: 'Lin', locale: 'zh-CN', timeZone: 'Asia/Shanghai', marketingConsent, occurredAt: at(NOW.getTime() - (600 - i * 300) * DAY) },
  }));
  h.orders.forEach((o, i) => {
    const orderId = `o-${i}`;
    const placed = NOW.getTime() - o.placedDaysAgo * DAY + o.hour * 3_600_000;
    const ids = { orderId, customerId };
    const evs: Raw[] = [{ source: SHOP_SOURCE, detailType: DetailType.OrderPlaced, detail: { ...ids, lines: [{ sku: 'tea', quantity: 1, unitPrice: o.total }], total: o.total, currency: 'CNY', occurredAt: at(placed) } }];
    if (o.fate === 'cancelled') evs.push({ source: SHOP_SOURCE, detailType: DetailType.OrderCancelled, detail: { ...ids, occurredAt: at(placed + 2 * 3_600_000) } });
    else if (o.fulfilDays) evs.push({ source: SHOP_SOURCE, detailType: DetailType.OrderFulfilled, detail: { ...ids, occurredAt: at(placed + o.fulfilDays * DAY) } });
    if (o.fate === 'partial' || o.fate === 'full') {
      const amount = o.fate === 'full' ? o.total : Math.floor(o.total / 3);
      evs.push({ source: SHOP_SOURCE, detailType: DetailType.OrderRefunded, detail: { ...ids, refundId: 'r1', amount, currency: 'CNY', occurredAt: at(placed + o.refundDays * DAY) } });
    }
    if (o.duplicated) evs.push(evs[0]!);
    out.push(...evs);
  });
  return out.map((e, i) => ({ e, i })).sort((a, b) => a.e.detail.occurredAt.localeCompare(b.e.detail.occurredAt) || a.i - b.i).map(({ e }) => e);
}

/** Every item of the customer's partition that the comparison covers, with the id made neutral. */
async function stateOf(customerId: string) {
  const items: Record<string, unknown>[] = [];
  const pages = paginateQuery({ client: documentClient(sys.dynamodb) }, { TableName: sys.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.customer(customerId).pk }, ConsistentRead: true });
  for await (const page of pages) items.push(...(page.Items ?? []));
  const neutral = (v: unknown) => JSON.parse(JSON.stringify(v).replaceAll(customerId, 'C'));
  const by = new Map<string, unknown>();
  for (const { pk: _pk, sk, v: _v, imported: _i, risk: _r, ...rest } of items) {
    const s = sk as string;
    // What mail did, and the cap ledger of those sends (times of sending, not of the history).
    if (s.startsWith('SEND#') || s.startsWith('SURVEY#') || s === 'CAP') continue;
    // The customer's latest campaign decisions (touch#<campaign>, for conversion KPIs) carry the sending time too.
    const kept = Object.fromEntries(Object.entries(rest).filter(([k]) => !k.startsWith('touch#')));
    // The orders on the customer item, as the ORDER# items they were, without when a live event last touched them.
    const { [OPEN_ORDERS_ATTR]: open, ...customer } = kept;
    if (s === 'CUSTOMER') for (const [orderId, o] of Object.entries(decodeOpenOrders(open))) by.set(`${keys.orderPrefix}${orderId}`, neutral({ state: o.state }));
    by.set(s, neutral(s === 'LOYALTY' ? { state: rest.state } : s === 'CUSTOMER' ? customer : kept));
    // The orders' loyalty views and entries on the state item, without when a live event last touched them.
    if (s === 'LOYALTY') for (const [orderId, o] of Object.entries((rest.open ?? {}) as Record<string, { order: unknown; entries: unknown }>)) by.set(`open:${orderId}`, neutral({ order: o.order, entries: o.entries }));
  }
  return by;
}

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
  vi.setSystemTime(NOW);
  sys = await systemForTest({ LOYALTY_CONFIG: `${repoRoot}/loyalty.yaml` });
});
afterAll(async () => {
  await sys?.close();
  vi.useRealTimers();
});

describe('import, then the tail through the bus ≡ everything through the bus (property)', () => {
  it('leaves the same profile, summary, tier, points, ledger and kept order items', async () => {
    const loyalty = loadLoyaltyConfig(`${repoRoot}/loyalty.yaml`);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(history, async (h) => {
        run++;
        const [viaImport, viaBus] = [`pi-${sys.tag}-${run}`, `pb-${sys.tag}-${run}`];
        const split = new Date(NOW.getTime() - h.splitDaysAgo * DAY).toISOString();
        const head = eventsOf(h, viaImport).filter((e) => e.detail.occurredAt < split);
        const tail = eventsOf(h, viaImport).filter((e) => e.detail.occurredAt >= split);

        if (head.length) {
          await importHistory({ store: sys.stores.imports, clock: () => new Date() }, [{ name: `${viaImport}.jsonl`, lines: head.map((e) => JSON.stringify(e)) }], {
            loyalty, refundWindowDays: WINDOW_DAYS, defaults: { currency: 'CNY', locale: 'zh-CN', timeZone: 'Asia/Shanghai' },
          });
        }
        // One event at a time: a customer's events in one batch would race, and arrival order
        // (not only content) decides e.g. the multiplier an order earns at.
        for (const e of tail) await putRaw(sys, [e]);
        for (const e of eventsOf(h, viaBus)) await putRaw(sys, [e]);

        const [a, b] = [await stateOf(viaImport), await stateOf(viaBus)];
        for (const sk of ['CUSTOMER', 'LOYALTY']) expect(a.get(sk), sk).toEqual(b.get(sk));
        const cutoff = new Date(NOW.getTime() - WINDOW_DAYS * DAY);
        const folded = (es: LedgerEntry[]) => {
          const { history, kept } = foldLedger(es, cutoff);
          return [...(history ? [history] : []), ...kept].sort((x, y) => Date.parse(x.at) - Date.parse(y.at) || x.key.localeCompare(y.key));
        };
        const statement = async (id: string) => JSON.parse(JSON.stringify(await sys.stores.loyalty.listLedger(id)).replaceAll(id, 'C')) as LedgerEntry[];
        // Folded at the same cut on both sides: the bus keeps an old order's view (and entries) on
        // the state item until no copy of its event can arrive (loyalty/open-orders.ts).
        expect(folded(await statement(viaImport))).toEqual(folded(await statement(viaBus)));
        // What the import kept (and the tail touched) is exactly what the bus wrote for it.
        for (const [sk, item] of a) {
          const { order: _o, ...withoutView } = b.get(sk) as { order?: unknown };
          expect('order' in (item as object) ? b.get(sk) : withoutView, sk).toEqual(item);
        }
        for (const [sk, item] of b) {
          const placedAt = (item as { state?: { placedAt?: string }; order?: { placedAt?: string } }).state?.placedAt ?? (item as { order?: { placedAt?: string } }).order?.placedAt;
          if ((sk.startsWith(keys.orderPrefix) || sk.startsWith('open:')) && placedAt && Date.parse(placedAt) >= cutoff.getTime()) expect(a.has(sk), sk).toBe(true);
        }
      }),
      { numRuns: 8, endOnFailure: true },
    );
  }, 600_000);
});
