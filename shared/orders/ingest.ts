/** Shop order events into customer state: load, decide (pure), write conditionally, retry on races. */
import { DetailType, type OrderEvent } from '../platform/contracts/events.js';
import type { Clock } from '../platform/ports.js';
import { CONFLICT, retryOnConflict } from '../platform/retry.js';
import type { CouponStore } from '../coupons/port.js';
import { redeemOrderCoupon, type RedemptionOutcome } from '../coupons/redeem-order.js';
import { decideOrder, withDay } from './decide.js';
import { orderKpi } from './kpi.js';
import { placeOrder } from './open-orders.js';
import type { OrderStore } from './port.js';

/** 'erased': the customer was erased; a replayed or late event writes nothing back. */
export type IngestOutcome = 'applied' | 'duplicate' | 'erased';

/** `now` (wall clock) and the refund window decide which open orders the customer item keeps. */
export interface IngestWindow {
  now: Date;
  refundWindowDays: number;
}

export async function ingestOrderEvent(store: OrderStore, event: OrderEvent, window: IngestWindow): Promise<IngestOutcome> {
  const { customerId, orderId } = event.detail;
  // Another writer may keep winning (a burst of one customer's events): the queue redelivers then.
  return retryOnConflict(`order ${orderId}`, async () => {
    const ctx = await store.loadOrderContext(customerId, orderId);
    if (ctx.erased) return 'erased';
    const given = { order: ctx.order.value, days: ctx.days, summary: ctx.summary.value };
    const decision = decideOrder(given, event);
    if (decision.kind === 'duplicate') return 'duplicate';
    const kpi = orderKpi(customerId, given, decision, { ...(ctx.risk ? { risk: ctx.risk } : {}), marks: ctx.kpiMarks, touches: ctx.touches, ...(ctx.lastClick ? { lastClick: ctx.lastClick } : {}) });
    const placed = ctx.order.onOwnItem ? null : placeOrder(ctx.open, orderId, decision.order, window.now, window.refundWindowDays);
    const result = await store.commitOrder({
      customerId,
      orderId,
      order: { value: decision.order, v: ctx.order.v, onOwnItem: !placed?.onItem },
      ...(placed ? { open: placed.open } : {}),
      summary: { value: decision.summary, v: ctx.summary.v },
      ...(decision.day ? { days: withDay(ctx.days, decision.day) } : {}),
      kpi,
    });
    return result === 'ok' ? 'applied' : result === 'erased' ? 'erased' : CONFLICT;
  });
}

export interface OrderOutcome {
  summary: IngestOutcome;
  coupon?: RedemptionOutcome;
}

/** The order-events function's one job: the running summary, then the coupon (if any). Both
 * steps are idempotent, so a retry after a failure in the second redoes neither twice. */
export async function handleOrderEvent(deps: { orders: OrderStore; coupons: CouponStore; clock: Clock; refundWindowDays: number }, event: OrderEvent): Promise<OrderOutcome> {
  const summary = await ingestOrderEvent(deps.orders, event, { now: deps.clock(), refundWindowDays: deps.refundWindowDays });
  if (summary === 'erased') return { summary };
  if (event.type !== DetailType.OrderPlaced || !event.detail.couponCode) return { summary };
  return { summary, coupon: await redeemOrderCoupon(deps.coupons, event.detail, deps.clock()) };
}
