import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { OrderEvent } from '../../../shared/platform/contracts/events.js';
import { lotExpiresAt, tierIndex, verifyLedger, WINDOW_MONTHS } from '../../../shared/loyalty/index.js';
import { MemoryLoyalty } from './memory-loyalty.js';
import { cancelled, config, fulfilled, placed, refunded } from './fixtures.js';

type Step =
  | { op: 'event'; event: OrderEvent }
  | { op: 'redeem'; key: string; points: number }
  | { op: 'expire' }
  | { op: 'review' }
  | { op: 'birthday'; birthday: string };

const START = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;

interface OrderFacts {
  total: number;
  day: number;
  fulfilled: boolean;
  fate: 'kept' | 'cancelled' | 'partial' | 'two-partials' | 'full' | 'cancel-and-refund';
}

const orders = fc.array<OrderFacts>(
  fc.record({
    total: fc.integer({ min: 0, max: 4000 }),
    day: fc.integer({ min: 0, max: 500 }),
    fulfilled: fc.boolean(),
    fate: fc.constantFrom<OrderFacts['fate'][]>('kept', 'cancelled', 'partial', 'two-partials', 'full', 'cancel-and-refund'),
  }),
  { minLength: 1, maxLength: 6 },
);

const eventsOf = (os: OrderFacts[]) =>
  os.flatMap((o, i): OrderEvent[] => {
    const id = `o${i}`;
    const evs = [placed(id, o.total, new Date(START + o.day * DAY).toISOString())];
    if (o.fulfilled) evs.push(fulfilled(id));
    if (o.fate === 'cancelled' || o.fate === 'cancel-and-refund') evs.push(cancelled(id));
    if (o.fate === 'partial' || o.fate === 'two-partials') evs.push(refunded(id, Math.floor(o.total / 3), 'r1'));
    if (o.fate === 'two-partials') evs.push(refunded(id, Math.floor(o.total / 2), 'r2'));
    if (o.fate === 'full' || o.fate === 'cancel-and-refund') evs.push(refunded(id, o.total, 'rf'));
    return evs;
  });

const ops = fc.array(
  fc.oneof(
    fc.record({ op: fc.constant('redeem' as const), key: fc.constantFrom('k1', 'k2', 'k3'), points: fc.integer({ min: 1, max: 30 }).map((n) => n * 100) }),
    fc.constant({ op: 'expire' as const }),
    fc.constant({ op: 'review' as const }),
    fc.record({ op: fc.constant('birthday' as const), birthday: fc.constantFrom('01-15', '02-29', '06-30', '12-31') }),
  ),
  { maxLength: 14 },
);

/** Every order event delivered at least once, some twice, interleaved with commands, in any order,
 * with processing time moving forward by 0–60 days between steps. */
const scenario = fc
  .record({ orders, ops, earnOn: fc.constantFrom('placed', 'fulfilled'), graceDays: fc.constantFrom(0, 30) })
  .chain(({ orders: os, ops: cs, earnOn, graceDays }) => {
    const events = eventsOf(os);
    return fc.record({
      orders: fc.constant(os),
      events: fc.constant(events),
      earnOn: fc.constant(earnOn),
      graceDays: fc.constant(graceDays),
      steps: fc
        .subarray(events)
        .chain((dups) =>
          fc.shuffledSubarray<Step>([...events, ...dups].map((event) => ({ op: 'event', event }) as Step).concat(cs), {
            minLength: events.length + dups.length + cs.length,
          }),
        ),
      gaps: fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 40, maxLength: 40 }),
    });
  });

describe('points ledger and tiers under duplicated, reordered events and concurrent-looking commands (property)', () => {
  it('keeps balance = ledger ≥ 0, applies every effect once and downgrades only at reviews (or undoing a refunded upgrade)', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const cfg = config({ points: { earnOn: s.earnOn }, review: { schedule: 'monthly', graceDays: s.graceDays } });
        const m = new MemoryLoyalty(cfg, new Date(START));
        const redeemed = new Map<string, number>();
        const creditedAt = new Map<string, Date>();
        let now = START;
        s.steps.forEach((step, i) => {
          now += s.gaps[i % s.gaps.length]! * DAY;
          const t = new Date(now);
          const before = { tier: tierIndex(cfg, m.state.tier), reviewed: tierIndex(cfg, m.state.reviewedTier) };
          switch (step.op) {
            case 'event': {
              const hadCredit = !!m.orders.get(step.event.detail.orderId)?.credit;
              m.order(step.event, t); // the model's conditional put throws if an effect repeats
              if (!hadCredit && m.orders.get(step.event.detail.orderId)?.credit) creditedAt.set(step.event.detail.orderId, t);
              break;
            }
            case 'redeem': {
              const d = m.redeem(step.key, step.points, t);
              if (d.kind === 'redeem') redeemed.set(step.key, (redeemed.get(step.key) ?? 0) + 1);
              if (d.kind === 'reject' && d.reason === 'insufficient') expect(step.points).toBeGreaterThan(m.balance);
              break;
            }
            case 'expire':
              m.expire(t);
              break;
            case 'review':
              m.review(t);
              break;
            case 'birthday':
              m.birthday({ birthday: step.birthday, timeZone: 'Asia/Shanghai' }, t);
              break;
          }
          expect(verifyLedger(m.state, m.ledger.values())).toEqual([]);
          expect(Object.keys(m.state.buckets).length).toBeLessThanOrEqual(WINDOW_MONTHS);
          const after = tierIndex(cfg, m.state.tier);
          const undoing = step.op === 'event' && (step.event.type === 'order.refunded' || step.event.type === 'order.cancelled');
          if (step.op === 'review') return;
          if (undoing) expect(after).toBeGreaterThanOrEqual(Math.min(before.tier, before.reviewed));
          else expect(after).toBeGreaterThanOrEqual(before.tier);
        });

        for (const n of redeemed.values()) expect(n).toBe(1);
        expect(new Set(m.coupons.map((c) => c.idempotencyKey)).size).toBe(m.coupons.length);
        expect(new Set(m.tierChanges.map((c) => c.key)).size).toBe(m.tierChanges.length);
        for (const c of m.tierChanges.filter((c) => c.direction === 'down')) expect(['review', 'refund', 'cancellation']).toContain(c.reason);

        // Oracle: what each order is owed, from its facts alone, equals what its entries moved
        // (points actually taken plus points forgiven as unrecoverable).
        s.orders.forEach((o, i) => {
          const id = `o${i}`;
          const entries = [...m.ledger.values()].filter((e) => e.orderId === id);
          const moved = entries.reduce((sum, e) => sum + e.points - (e.unrecoverable ?? 0), 0);
          const credit = m.orders.get(id)?.credit;
          const cancelledOrder = o.fate === 'cancelled' || o.fate === 'cancel-and-refund';
          const earnable = !cancelledOrder && (s.earnOn === 'placed' || o.fulfilled);
          const refundedAmount = s.events
            .filter((e): e is Extract<OrderEvent, { type: 'order.refunded' }> => e.type === 'order.refunded' && e.detail.orderId === id)
            .reduce((sum, e) => sum + e.detail.amount, 0);
          // Points of a lot that had expired when the order was credited are never credited.
          const bornExpired = credit && lotExpiresAt(credit.lot, cfg) <= creditedAt.get(id)!;
          const gross = credit && !bornExpired ? Math.floor(o.total * credit.rate + 1e-9) : 0;
          const owed = earnable && credit && o.total > 0 ? Math.floor((gross * Math.max(0, o.total - refundedAmount)) / o.total + 1e-9) : 0;
          expect(moved).toBe(owed);
          expect(entries.filter((e) => e.kind === 'earn').length).toBeLessThanOrEqual(1);
        });
      }),
      { numRuns: 200 },
    );
  });
});
