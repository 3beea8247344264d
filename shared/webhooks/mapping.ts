/**
 * What a platform mapping is given and what it answers. A mapping is pure: the topic, the
 * delivery's headers, the parsed payload, the shop's settings and (when asked for) looked-up facts
 * in; a result value out. The endpoint validates every event against the contract afterwards.
 */
import { z } from 'zod';
import type { DetailTypeName, Locale } from '../platform/contracts/events.js';

export interface ShopSettings {
  /** The shop's IANA zone: neither platform knows a customer's own zone. */
  timeZone: string;
  /** For customers whose language the payload does not tell (or is neither Chinese nor English). */
  defaultLocale: Locale;
}

export interface MappedEvent {
  detailType: DetailTypeName;
  detail: Record<string, unknown>;
}

/** Facts a mapping cannot read from the payload; the application looks them up and asks again. */
export interface Lookups {
  /** Shopify refunds name the order but not its customer. null: Engage has not seen the order. */
  orderOwner?: { orderId: string; customerId: string | null };
}

export interface MapInput<S extends ShopSettings = ShopSettings> {
  topic: string;
  /** Lower-cased header names. */
  headers: Readonly<Record<string, string>>;
  payload: Record<string, unknown>;
  settings: S;
  /** Hex SHA-256 of the raw body, for platforms whose delivery id alone is not unique. */
  bodySha256: string;
  now: Date;
  lookups?: Lookups;
}

/** A privacy request Engage answers outside the event bus (no state changes; see DataRequest). */
export const CustomerDataRequested = z.object({
  customerId: z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/),
  requestId: z.string().min(1).max(128),
  orderIds: z.array(z.string().min(1).max(128)).max(1000),
  occurredAt: z.iso.datetime({ offset: true }),
});
export type CustomerDataRequested = z.infer<typeof CustomerDataRequested>;

export type MapResult =
  | { kind: 'events'; events: MappedEvent[]; dedupeKey: string; notes?: string[] }
  | { kind: 'ignored'; reason: string }
  | { kind: 'rejected'; reason: string }
  | { kind: 'data-request'; request: CustomerDataRequested; dedupeKey: string }
  | { kind: 'lookup'; orderOwnerOf: string };

/** What one topic's handler answers; the platform module adds the delivery's dedupe key. */
export type TopicOutcome =
  | { kind: 'events'; events: MappedEvent[]; notes?: string[] }
  | { kind: 'ignored'; reason: string }
  | { kind: 'rejected'; reason: string }
  | { kind: 'data-request'; request: CustomerDataRequested }
  | { kind: 'lookup'; orderOwnerOf: string };

export const ignored = (reason: string): TopicOutcome => ({ kind: 'ignored', reason });
export const rejected = (reason: string): TopicOutcome => ({ kind: 'rejected', reason });
export const events = (list: MappedEvent[], notes: string[] = []): TopicOutcome =>
  list.length === 0 ? ignored('nothing to publish') : { kind: 'events', events: list, ...(notes.length ? { notes } : {}) };

export function withDedupeKey(outcome: TopicOutcome, dedupeKey: string): MapResult {
  if (outcome.kind === 'events' || outcome.kind === 'data-request') return { ...outcome, dedupeKey };
  return outcome;
}
