/**
 * Loyalty's outbox: events a decision emits are written to the LOYALTY item's `outbox` in the
 * same transaction as the state, and published after it by the writer. A later touch of the
 * customer publishes what a failed publish left behind once it is older than OUTBOX_GRACE_MS
 * (at least once; each event carries a `key` to dedupe on). The grace keeps a concurrent
 * redelivery from re-publishing what the writer is publishing at that moment.
 */
import type { OutgoingEvent } from '../platform/contracts/events.js';
import type { EventPublisher } from '../platform/ports.js';
import type { LoyaltyStore, Outbox } from './port.js';
import { instantMs } from '../platform/time.js';

/** Far beyond one publish with SDK retries: an entry this old was left by a failed writer. */
export const OUTBOX_GRACE_MS = 60_000;

export const eventKey = (e: OutgoingEvent): string => (e.detail as { key: string }).key;

export function withEvents(outbox: Outbox | undefined, events: OutgoingEvent[], now: Date): Outbox {
  const next = { ...outbox };
  for (const event of events) next[eventKey(event)] = { event, at: now.toISOString() };
  return next;
}

/**
 * Publishes the writer's own new events and whatever a failed writer left (older than the grace),
 * then removes them from the outbox. A failed publish throws: the record is retried.
 */
export async function flushOutbox(
  deps: { store: Pick<LoyaltyStore, 'clearOutbox'>; publisher: EventPublisher },
  customerId: string,
  outbox: Outbox | undefined,
  now: Date,
  own: OutgoingEvent[] = [],
): Promise<number> {
  const mine = new Set(own.map(eventKey));
  const stale = now.getTime() - OUTBOX_GRACE_MS;
  const due = Object.entries(outbox ?? {}).filter(([k, p]) => mine.has(k) || instantMs(p.at) <= stale);
  if (due.length === 0) return 0;
  await deps.publisher.publish(due.map(([, p]) => p.event));
  await deps.store.clearOutbox(customerId, due.map(([k]) => k));
  return due.length;
}
