/**
 * Ports every capability shares: the clock, randomness, the event bus and optimistic versions.
 * Each capability declares its own storage port beside its DynamoDB adapter (e.g. orders/port.ts).
 */
import type { OutgoingEvent } from './contracts/events.js';

export interface Versioned<T> {
  value: T;
  /** Optimistic-lock version; 0 when the item does not exist yet. */
  v: number;
}

export interface EventPublisher {
  /** At-least-once: throws if any entry failed, and the caller's retry may publish others again. */
  publish(events: OutgoingEvent[]): Promise<void>;
}

export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

/** n random bytes: crypto.randomBytes in production, a seeded source in tests. */
export type RandomBytes = (n: number) => Uint8Array;
