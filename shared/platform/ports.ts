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

// Always 0 in AWS. The local runtime may run the whole system from a chosen instant (see
// runClockFrom) so that a demo decides the same on every run.
let clockOffsetMs = 0;
export const systemClock: Clock = () => new Date(Date.now() + clockOffsetMs);

/** Local runtime only (`npm start`): from now on systemClock reads `at`, moving on in real time. */
export function runClockFrom(at: Date): void {
  clockOffsetMs = at.getTime() - Date.now();
}

/** n random bytes: crypto.randomBytes in production, a seeded source in tests. */
export type RandomBytes = (n: number) => Uint8Array;
