/**
 * The counters against the recomputation they replace, as a property: any customers' order
 * events, delivered in any order and any number of times, leave the summed counter deltas equal to
 * the KPIs computeKpis derives from the final stored state (new and returning customers, orders,
 * revenue, cohorts). And the CLV tiers cut from the sweep's histograms are close to the exact ones.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decideOrder, emptyOrder, orderContribution, withDay, type PurchaseDays, type OrderState, type OrderSummary, emptySummary } from '../../../shared/orders/decide.js';
import { emptyMarks, orderKpi, type KpiMarks } from '../../../shared/orders/kpi.js';
import { mergeDeltas, type KpiCounts, type KpiDelta } from '../../../shared/platform/table/counters.js';
import { DetailType, type OrderEvent } from '../../../shared/platform/contracts/events.js';
import { computeKpis, type KpiSnapshot } from '../../../shared/reports/snapshot.js';
import { kpisFromCounters } from '../../../shared/reports/from-counters.js';
import { addToAggregate, clvTiersOf, emptyAggregate } from '../../../shared/reports/base.js';
import type { CustomerRecord } from '../../../shared/customers/record.js';

const NOW = new Date('2026-11-20T04:00:00Z');
const Q = { now: NOW, days: 120, weeks: 20, cohortMonths: 6 };

/** One customer's items, events applied in arrival order as the order-events handler does. */
class Customer {
  orders = new Map<string, OrderState>();
  days: PurchaseDays = {};
  summary: OrderSummary = emptySummary();
  marks: KpiMarks = emptyMarks();
  deltas: KpiDelta[] = [];
  constructor(readonly id: string) {}

  apply(event: OrderEvent): void {
    const given = { order: this.orders.get(event.detail.orderId) ?? emptyOrder(), days: this.days, summary: this.summary };
    const d = decideOrder(given, event);
    if (d.kind !== 'apply') return;
    const kpi = orderKpi(this.id, given, d, { marks: this.marks });
    this.deltas.push(...kpi.deltas);
    if (kpi.marks) this.marks = kpi.marks;
    this.orders.set(event.detail.orderId, d.order);
    if (d.day) this.days = withDay(this.days, d.day);
    this.summary = d.summary;
  }
}

const DAYS = Array.from({ length: 200 }, (_, i) => new Date(NOW.getTime() - i * 86_400_000).toISOString().slice(0, 10));
const orderArb = fc.record({
  day: fc.constantFrom(...DAYS.filter((_, i) => i % 9 === 0)),
  total: fc.integer({ min: 0, max: 300 }),
  cancel: fc.boolean(),
  refund: fc.constantFrom(0, 0, 10, 'all' as const),
});
const customerArb = fc.array(orderArb, { minLength: 1, maxLength: 6 });
const shopArb = fc.array(customerArb, { minLength: 1, maxLength: 6 }).chain((cs) => {
  const events = cs.flatMap((orders, c) =>
    orders.flatMap((o, i): OrderEvent[] => {
      const base = { customerId: `c${c}`, orderId: `c${c}-o${i}` };
      const at = `${o.day}T02:00:00.000Z`;
      return [
        { type: DetailType.OrderPlaced, detail: { ...base, lines: [{ sku: 'x', quantity: 1, unitPrice: o.total }], total: o.total, currency: 'CNY', occurredAt: at } },
        ...(o.cancel ? [{ type: DetailType.OrderCancelled, detail: { ...base, occurredAt: at } } as OrderEvent] : []),
        ...(o.refund ? [{ type: DetailType.OrderRefunded, detail: { ...base, refundId: 'r', amount: o.refund === 'all' ? o.total : Math.min(o.refund, o.total), currency: 'CNY', occurredAt: at } } as OrderEvent] : []),
      ] as OrderEvent[];
    }),
  );
  // Any arrival order, some events twice
  return fc.tuple(fc.constant(events), fc.shuffledSubarray([...events, ...events], { minLength: events.length * 2 }), fc.array(fc.integer({ min: 0, max: events.length - 1 }), { maxLength: 5 }));
});

function snapshotOf(customers: Customer[]): KpiSnapshot {
  return {
    currency: 'CNY',
    timeZone: 'UTC',
    customers: customers.map((c): CustomerRecord => ({ customerId: c.id, summary: c.summary })),
    purchaseDays: new Map(customers.map((c) => [c.id, Object.keys(c.days).sort()])),
    orders: customers.flatMap((c) =>
      [...c.orders.values()].flatMap((o) => {
        const k = orderContribution({ placed: !!o.placedAt, cancelled: !!o.cancelledAt, ...(o.total !== undefined ? { total: o.total } : {}), refunded: o.refunded });
        return o.placedAt && k.orders ? [{ customerId: c.id, placedAt: o.placedAt, day: o.day!, net: k.spend }] : [];
      }),
    ),
    loyalty: [],
    sends: [],
    surveys: [],
    oneTimeAtRiskDays: 120,
    atRiskMultiple: 2,
  };
}

const daysOf = (deltas: KpiDelta[]) => {
  const m = new Map<string, KpiCounts>();
  for (const d of mergeDeltas(deltas)) {
    const c = m.get(d.day) ?? m.set(d.day, {}).get(d.day)!;
    for (const [k, v] of Object.entries(d.counts)) c[k] = (c[k] ?? 0) + v;
  }
  return m;
};
const pick = (k: ReturnType<typeof computeKpis>) => ({
  days: k.days.map((p) => ({ period: p.period, newCustomers: p.newCustomers, returningCustomers: p.returningCustomers, orders: p.orders, revenue: p.revenue, aov: p.aov, repeatPurchaseRate: p.repeatPurchaseRate })),
  weeks: k.weeks.map((p) => ({ period: p.period, newCustomers: p.newCustomers, returningCustomers: p.returningCustomers, orders: p.orders, revenue: p.revenue })),
  cohorts: k.cohorts,
});

describe('KPI counters (pure)', () => {
  it('summed over any arrival order with duplicates, equal the KPIs recomputed from the final state', () => {
    fc.assert(
      fc.property(shopArb, ([events, arrival, again]) => {
        const byId = new Map<string, Customer>();
        const of = (id: string) => byId.get(id) ?? byId.set(id, new Customer(id)).get(id)!;
        for (const e of [...arrival, ...again.map((i) => events[i]!)]) of(e.detail.customerId).apply(e);
        const customers = [...byId.values()];
        const counted = kpisFromCounters({ currency: 'CNY', timeZone: 'UTC', days: daysOf(customers.flatMap((c) => c.deltas)), engagement: new Map(), lowComments: [] }, Q);
        expect(pick(counted)).toEqual(pick(computeKpis(snapshotOf(customers), Q)));
      }),
      { numRuns: 300 },
    );
  });

  it('a duplicate changes nothing: the decision is "duplicate", so there is no delta to commit', () => {
    const c = new Customer('x');
    const placed: OrderEvent = { type: DetailType.OrderPlaced, detail: { customerId: 'x', orderId: 'o', lines: [{ sku: 's', quantity: 1, unitPrice: 9 }], total: 9, currency: 'CNY', occurredAt: '2026-11-01T02:00:00.000Z' } };
    c.apply(placed);
    const once = c.deltas.length;
    c.apply(placed);
    expect(once).toBeGreaterThan(0);
    expect(c.deltas.length).toBe(once);
  });

  it('cuts CLV value tiers from the merged histograms close to the exact ranking', () => {
    const clvs = Array.from({ length: 1000 }, (_, i) => Math.round(((i * 7919) % 1000) * 1.7 + 5));
    const customers = clvs.map((clv, i): CustomerRecord => ({ customerId: `c${i}`, summary: emptySummary(), prediction: { pAlive: 0.5, avgDaysBetweenOrders: 30, expectedNextOrderDay: '2026-12-01', clv12m: clv, modelVersion: 1 } }));
    // Two segments' aggregates, as two sweep invocations write them
    const agg = addToAggregate(addToAggregate(emptyAggregate(), customers.slice(0, 400), NOW), customers.slice(400), NOW);
    const exact = computeKpis({ ...snapshotOf([]), customers }, Q).clvByTier;
    const cut = clvTiersOf(agg);
    expect(cut.map((t) => t.customers)).toEqual(exact.map((t) => t.customers));
    cut.forEach((t, i) => expect(Math.abs(t.averageClv - exact[i]!.averageClv) / exact[i]!.averageClv).toBeLessThan(0.03));
  });
});
