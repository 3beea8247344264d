/** What engagement tracking reads and writes: facts on one send, counters per campaign and day. */
import type { EngagementKind } from './decide.js';

/** A counter of the campaign's day: the counted facts, and flagged machine clicks. */
export type EngagementCounter = EngagementKind | 'machineClicked';
export const ENGAGEMENT_COUNTERS: readonly EngagementCounter[] = ['delivered', 'opened', 'clicked', 'bounced', 'complained', 'machineClicked'];

export interface SendFacts {
  status: string;
  /** When the send's outcome was recorded (for a sent mail: SES accepted it). */
  at: string;
  deliveredAt?: string;
}

export interface FactWrite {
  customerId: string;
  campaignId: string;
  occurrence: string;
  counter: EngagementCounter;
  /** Canonical UTC instant of the fact. */
  at: string;
}

export interface EngagementStore {
  sendFacts(customerId: string, campaignId: string, occurrence: string): Promise<SendFacts | null>;
  /** Records the fact on the send and counts it for the campaign's day, both or neither; `repeat`
   * when the send already has it (or no longer exists: an erased customer). */
  recordFact(f: FactWrite): Promise<'recorded' | 'repeat'>;
  /** The customer's latest person's click (for last-touch attribution); an older one never wins. */
  noteClick(customerId: string, click: { campaignId: string; occurrence: string; at: string }): Promise<void>;
  /** The campaign's counters per day, `from`..`to` inclusive (yyyy-mm-dd, UTC). */
  campaignDays(campaignId: string, from: string, to: string): Promise<Array<{ day: string; counts: Partial<Record<EngagementCounter, number>> }>>;
}
