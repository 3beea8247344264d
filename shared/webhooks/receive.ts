/**
 * Receiving one webhook delivery: decide (pure, endpoint.ts), then claim the delivery, publish,
 * and mark it done. Platforms deliver at least once and retry on anything but 2xx, so:
 *  - a delivery already published answers 200 'duplicate' and publishes nothing;
 *  - a delivery still being published elsewhere (a retry that overtook a slow first attempt)
 *    answers 503, so the platform retries later instead of counting it delivered;
 *  - a failed publish releases the claim and answers 503, so the platform's retry can publish.
 * A claim that is never completed (the function died mid-way) expires after its lease.
 */
import type { Clock, EventPublisher } from '../platform/ports.js';
import { DetailType, type OrderPlaced, type OutgoingEvent } from '../platform/contracts/events.js';
import { REDELIVERY_DAYS } from '../platform/open-window.js';
import { DAY_MS, instantMs } from '../platform/time.js';
import { handleWebhookRequest, type EndpointConfig, type LogRecord, type WebhookRequest, type WebhookResponse } from './endpoint.js';

export type ClaimOutcome = 'claimed' | 'pending' | 'done';

/** Delivery claims, keyed by the platform's delivery id (see WEBHOOK_DEDUPE below). */
export interface WebhookDedupe {
  /** 'claimed' when there was no claim, or only a pending one older than the lease. */
  claim(key: string, at: Date): Promise<ClaimOutcome>;
  /** The delivery is published: later deliveries of it are duplicates until the record expires. */
  complete(key: string, at: Date): Promise<void>;
  /** Forget a pending claim (publishing failed), so a retry can claim it. */
  release(key: string): Promise<void>;
}

/** Which customer placed an order: Shopify refunds name only the order. */
export interface OrderOwners {
  ownerOf(orderId: string): Promise<string | null>;
  /** Idempotent; written before the order is published, so a refund right after finds it.
   * Expires (TTL) at `expiresAt`. */
  remember(orderId: string, customerId: string, at: Date, expiresAt: Date): Promise<void>;
}

/**
 * The owner item is kept while Engage keeps the order's state on the customer item
 * (orders/open-orders.ts: inside the refund window, or while a copy of its event may still be
 * delivered), plus a day. Erasure deletes the owners of the orders the customer still holds; an
 * older order's owner has expired by then, so no item outlives the customer by more than
 * DynamoDB's TTL sweep, and a refund after the window finds no owner (as it would find no order).
 */
export const ownerExpiry = (placedAt: string, now: Date, refundWindowDays: number): Date =>
  new Date(Math.max(instantMs(placedAt) + refundWindowDays * DAY_MS, now.getTime() + REDELIVERY_DAYS * DAY_MS) + DAY_MS);

export const WEBHOOK_DEDUPE = {
  /** Longer than one attempt of the webhook function (its timeout): an older pending claim
   * belongs to an attempt that died, and a retry may take it over. */
  leaseSeconds: 60,
  /** Beyond the platforms' retry windows (Shopify retries for hours) and manual re-sends. */
  doneTtlSeconds: 7 * 24 * 3600,
} as const;

export interface WebhookDeps {
  config: EndpointConfig;
  dedupe: WebhookDedupe;
  orderOwners: OrderOwners;
  publisher: EventPublisher;
  clock: Clock;
}

export interface WebhookOutcome {
  response: WebhookResponse;
  logs: LogRecord[];
  /** How many events this call published (0 for duplicates, ignored, rejected). */
  published: number;
}

const isOrderPlaced = (e: OutgoingEvent): e is OutgoingEvent & { detail: OrderPlaced } => e.detailType === DetailType.OrderPlaced;

const answer = (response: WebhookResponse, logs: LogRecord[], published = 0): WebhookOutcome => ({ response, logs, published });
const retryLater = (reason: string): WebhookResponse => ({ status: 503, body: { status: 'retry-later', reason } });

export async function receiveWebhook(deps: WebhookDeps, request: WebhookRequest): Promise<WebhookOutcome> {
  const now = deps.clock();
  let decision = handleWebhookRequest(request, deps.config, now);
  if (decision.kind === 'lookup') {
    const orderId = decision.orderOwnerOf;
    const customerId = await deps.orderOwners.ownerOf(orderId);
    decision = handleWebhookRequest(request, deps.config, now, { orderOwner: { orderId, customerId } });
  }
  if (decision.kind === 'lookup') throw new Error('webhook mapping asked for a lookup it was given');
  if (decision.kind === 'respond') return answer(decision.response, [decision.log]);

  const { dedupeKey, events, log } = decision;
  const claim = await deps.dedupe.claim(dedupeKey, now);
  if (claim === 'done') {
    return answer({ status: 200, body: { status: 'duplicate' } }, [{ ...log, level: 'info', message: 'webhook: duplicate delivery' }]);
  }
  if (claim === 'pending') {
    return answer(retryLater('delivery in progress'), [{ ...log, level: 'warn', message: 'webhook: delivery already in progress' }]);
  }
  try {
    for (const placed of events.filter(isOrderPlaced)) await deps.orderOwners.remember(placed.detail.orderId, placed.detail.customerId, now, ownerExpiry(placed.detail.occurredAt, now, deps.config.refundWindowDays));
    await deps.publisher.publish(events);
  } catch (error) {
    const failed: LogRecord = { ...log, level: 'error', message: 'webhook: publishing failed', reason: String(error) };
    try {
      await deps.dedupe.release(dedupeKey);
    } catch (releaseError) {
      // The claim then lapses with its lease: the platform's later retries still get through.
      return answer(retryLater('publishing failed'), [failed, { ...log, level: 'error', message: 'webhook: claim not released', reason: String(releaseError) }]);
    }
    return answer(retryLater('publishing failed'), [failed]);
  }
  const logs = [log];
  try {
    await deps.dedupe.complete(dedupeKey, now);
  } catch (error) {
    // Published all the same: a redelivery after the lease publishes again, and Engage dedupes by business key.
    logs.push({ ...log, level: 'warn', message: 'webhook: claim not completed', reason: String(error) });
  }
  return answer(decision.response, logs, events.length);
}
