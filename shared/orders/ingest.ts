/** Shop events into customer state: load, decide (pure), write conditionally, retry on races. */
import type { CustomerUpserted, OrderEvent } from '../platform/contracts/events.js';
import { DetailType } from '../platform/contracts/events.js';
import { decideProfile, type Profile } from '../customers/record.js';
import { decideOrder, utcDay } from './decide.js';
import type { Clock, CustomerStore } from '../platform/ports.js';
import { redeemOrderCoupon, type RedemptionOutcome } from '../coupons/redeem-order.js';
import { RetryableError } from '../platform/errors.js';
import { emailHash, type AddressSuppressionList } from '../privacy/erase.js';

const MAX_ATTEMPTS = 8;

export type IngestOutcome = 'applied' | 'duplicate';

export async function ingestOrderEvent(store: CustomerStore, event: OrderEvent): Promise<IngestOutcome> {
  const { customerId, orderId } = event.detail;
  const placedDay = event.type === DetailType.OrderPlaced ? utcDay(event.detail.occurredAt) : undefined;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const ctx = await store.loadOrderContext(customerId, orderId, placedDay);
    const given = { order: ctx.order.value, day: ctx.day?.value ?? null, summary: ctx.summary.value };
    let decision = decideOrder(given, event);
    if (decision.kind === 'need-neighbours') {
      const neighbours = await store.loadNeighbours(customerId, decision.day);
      decision = decideOrder({ ...given, neighbours }, event);
    }
    if (decision.kind === 'duplicate') return 'duplicate';
    if (decision.kind === 'need-neighbours') throw new Error('neighbours were provided but still needed');
    const result = await store.commitOrder({
      customerId,
      orderId,
      order: { value: decision.order, v: ctx.order.v },
      day: decision.day ? { ...decision.day, v: ctx.day?.v ?? 0 } : null,
      summary: { value: decision.summary, v: ctx.summary.v },
    });
    if (result === 'ok') return 'applied';
  }
  // Another writer kept winning (e.g. a burst of one customer's events): let the queue redeliver.
  throw new RetryableError(`order ${orderId}: gave up after ${MAX_ATTEMPTS} conflicting attempts`);
}

export interface OrderOutcome {
  summary: IngestOutcome;
  coupon?: RedemptionOutcome;
}

/** The order-events function's one job: the running summary, then the coupon (if any). Both
 * steps are idempotent, so a retry after a failure in the second redoes neither twice. */
export async function handleOrderEvent(store: CustomerStore, event: OrderEvent, clock: Clock): Promise<OrderOutcome> {
  const summary = await ingestOrderEvent(store, event);
  if (event.type !== DetailType.OrderPlaced || !event.detail.couponCode) return { summary };
  return { summary, coupon: await redeemOrderCoupon(store, event.detail, clock()) };
}

/** A store that can also write a profile already flagged suppressed (see upsertCustomer). */
export type ProfileStore = CustomerStore &
  AddressSuppressionList & {
    putSuppressedProfile(customerId: string, profile: Profile, suppression: { reason: string; at: string }): Promise<'applied' | 'stale'>;
  };

/** An address on the hashed suppression list (unsubscribed, bounced, or its owner erased) is
 * stored suppressed in the same write, so re-registering it never resurrects marketing mail. */
export async function upsertCustomer(store: ProfileStore, detail: CustomerUpserted): Promise<'applied' | 'stale'> {
  const [current, listed] = await Promise.all([store.getCustomer(detail.customerId), store.getAddressSuppression(emailHash(detail.email))]);
  const profile = decideProfile(current?.profile, detail);
  if (!profile) return 'stale';
  return listed ? store.putSuppressedProfile(detail.customerId, profile, listed) : store.putProfile(detail.customerId, profile);
}
