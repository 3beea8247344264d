/**
 * How long per-order state stays with its customer: while a refund may still come (the refund
 * window) and while a copy of the order's last event may still be delivered. Order ingest
 * (orders/open-orders.ts) and loyalty (loyalty/open-orders.ts) keep orders by these two cuts, and
 * the import keeps what they would have kept.
 */
import { ROUTE_DELIVERY } from './contracts/functions.js';
import { DAY_MS } from './time.js';

/**
 * How long after an event changed an order a copy of it may still be delivered (a redrive from
 * the dead-letter queue included: ROUTE_DELIVERY). Until then the order's state stays, so the
 * copy is recognised as one — an old order sent through the bus (a backfill) would otherwise be
 * dropped at once and its duplicate counted again.
 */
export const REDELIVERY_DAYS = Math.ceil(ROUTE_DELIVERY.deadLetterRetentionDays + ROUTE_DELIVERY.maxEventAgeHours / 24);

/** The instants before which an order no longer takes refunds (`refunds`) and no copy of an event can still arrive (`copies`). */
export const openCuts = (now: Date, windowDays: number) => ({ refunds: now.getTime() - windowDays * DAY_MS, copies: now.getTime() - REDELIVERY_DAYS * DAY_MS });
export type OpenCuts = ReturnType<typeof openCuts>;
