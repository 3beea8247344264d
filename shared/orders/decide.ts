/**
 * Order events → order state and the customer's running summary, as pure decisions.
 *
 * Events arrive at least once and in any order (a refund may precede its order). Each order
 * keeps its own small state, and the summary changes only by the difference between the
 * order's contribution before and after the event, so duplicates are no-ops and arrival order
 * does not matter. Same-day orders form one purchase (the unit BTYD models count), tracked by a
 * per-day counter kept beside the summary, so a first or last purchase day that disappears is
 * replaced by its neighbour from the same map.
 */
import { DetailType, type OrderEvent } from '../platform/contracts/events.js';
import { DAY_MS, utcDay } from '../platform/time.js';

export interface OrderState {
  placedAt?: string;
  day?: string;
  total?: number;
  currency?: string;
  couponCode?: string;
  fulfilledAt?: string;
  cancelledAt?: string;
  refunded: number;
  refundIds: string[];
}

export interface DayState {
  /** Active orders placed that day. */
  count: number;
  /** Net spend of those orders. */
  spend: number;
}

export interface OrderSummary {
  orders: number;
  purchaseDays: number;
  firstDay?: string;
  lastDay?: string;
  spend: number;
  firstDaySpend: number;
}

/** The customer's purchase days (UTC yyyy-mm-dd) with an active order. */
export type PurchaseDays = Readonly<Record<string, DayState>>;

/** The days after a decision's change to one of them. */
export function withDay(days: PurchaseDays, change: { day: string; state: DayState | null }): Record<string, DayState> {
  const next = { ...days };
  if (change.state) next[change.day] = change.state;
  else delete next[change.day];
  return next;
}

export const emptyOrder = (): OrderState => ({ refunded: 0, refundIds: [] });
export const emptySummary = (): OrderSummary => ({ orders: 0, purchaseDays: 0, spend: 0, firstDaySpend: 0 });

export type OrderDecision =
  | { kind: 'duplicate' }
  | {
      kind: 'apply';
      order: OrderState;
      /** The one purchase day that changed (state null: no active order left that day), or null. */
      day: { day: string; state: DayState | null } | null;
      summary: OrderSummary;
    };

export function evolveOrder(state: OrderState, event: OrderEvent): OrderState | null {
  switch (event.type) {
    case DetailType.OrderPlaced: {
      if (state.placedAt) return null;
      const d = event.detail;
      return {
        ...state,
        placedAt: d.occurredAt,
        day: utcDay(d.occurredAt),
        total: d.total,
        currency: d.currency,
        ...(d.couponCode ? { couponCode: d.couponCode } : {}),
      };
    }
    case DetailType.OrderFulfilled:
      return state.fulfilledAt ? null : { ...state, fulfilledAt: event.detail.occurredAt };
    case DetailType.OrderCancelled:
      return state.cancelledAt ? null : { ...state, cancelledAt: event.detail.occurredAt };
    case DetailType.OrderRefunded: {
      const d = event.detail;
      if (state.refundIds.includes(d.refundId)) return null;
      return { ...state, refunded: state.refunded + d.amount, refundIds: [...state.refundIds, d.refundId] };
    }
    default: {
      const unreachable: never = event;
      throw new Error(`unknown order event ${JSON.stringify(unreachable)}`);
    }
  }
}

/**
 * What an order counts for, the one rule the summary and loyalty share: nothing until placed or
 * once cancelled; a full refund undoes the purchase, while a zero-value order (100 % coupon) still
 * is one; otherwise one order with its net spend.
 */
export function orderContribution(o: { placed: boolean; cancelled: boolean; total?: number; refunded: number }): { orders: 0 | 1; spend: number } {
  if (!o.placed || o.cancelled || o.total === undefined) return { orders: 0, spend: 0 };
  const net = Math.max(0, o.total - o.refunded);
  return o.refunded > 0 && net === 0 ? { orders: 0, spend: 0 } : { orders: 1, spend: net };
}

const contribution = (o: OrderState) => {
  const c = orderContribution({ placed: !!o.placedAt, cancelled: !!o.cancelledAt, ...(o.total !== undefined ? { total: o.total } : {}), refunded: o.refunded });
  return { active: c.orders, spend: c.spend };
};

export function decideOrder(
  given: { order: OrderState; days: PurchaseDays; summary: OrderSummary },
  event: OrderEvent,
): OrderDecision {
  const next = evolveOrder(given.order, event);
  if (!next) return { kind: 'duplicate' };
  const before = contribution(given.order);
  const after = contribution(next);
  const dayKey = next.day;
  if (!dayKey || (before.active === after.active && before.spend === after.spend)) {
    return { kind: 'apply', order: next, day: null, summary: given.summary };
  }

  const oldDay = given.days[dayKey] ?? { count: 0, spend: 0 };
  const newDay: DayState = {
    count: oldDay.count + after.active - before.active,
    spend: round2(oldDay.spend + after.spend - before.spend),
  };
  const s: OrderSummary = {
    ...given.summary,
    orders: given.summary.orders + after.active - before.active,
    spend: round2(given.summary.spend + after.spend - before.spend),
  };

  if (oldDay.count === 0 && newDay.count > 0) {
    s.purchaseDays += 1;
    if (!s.firstDay || dayKey < s.firstDay) {
      s.firstDay = dayKey;
      s.firstDaySpend = newDay.spend;
    } else if (dayKey === s.firstDay) s.firstDaySpend = newDay.spend;
    if (!s.lastDay || dayKey > s.lastDay) s.lastDay = dayKey;
  } else if (oldDay.count > 0 && newDay.count === 0) {
    s.purchaseDays -= 1;
    const remaining = Object.keys(given.days).filter((d) => d !== dayKey && given.days[d]!.count > 0).sort();
    if (remaining.length === 0) {
      delete s.firstDay;
      delete s.lastDay;
      s.firstDaySpend = 0;
    } else {
      if (dayKey === s.firstDay) {
        s.firstDay = remaining[0]!;
        s.firstDaySpend = given.days[s.firstDay]!.spend;
      }
      if (dayKey === s.lastDay) s.lastDay = remaining.at(-1)!;
    }
  } else if (dayKey === s.firstDay) {
    s.firstDaySpend = newDay.spend;
  }

  return { kind: 'apply', order: next, day: { day: dayKey, state: newDay.count > 0 ? newDay : null }, summary: s };
}

const round2 = (n: number): number => Math.round(n * 100) / 100;

/** BTYD inputs and buying cycle derived from the summary (time in days). */
export function purchaseStats(s: OrderSummary, now: Date) {
  if (!s.firstDay || !s.lastDay) return null;
  const first = Date.parse(s.firstDay);
  const last = Date.parse(s.lastDay);
  const x = s.purchaseDays - 1;
  return {
    x,
    recencyDays: (last - first) / DAY_MS,
    ageDays: Math.max(0, (now.getTime() - first) / DAY_MS),
    daysSinceLastOrder: Math.max(0, (now.getTime() - last) / DAY_MS),
    /** Mean gap between purchase days; undefined for one-time buyers. */
    cycleDays: x > 0 ? (last - first) / DAY_MS / x : undefined,
    /** Mean value of repeat purchases (the Gamma-Gamma zbar). */
    repeatValue: x > 0 ? (s.spend - s.firstDaySpend) / x : 0,
  };
}

