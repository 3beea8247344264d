/**
 * Pacing of the send lanes, as pure decisions (the lane runtime is platform/runtime/lane.ts).
 *
 * The account's rate is one budget shared by every concurrent lane invocation: a virtual schedule
 * (GCRA) kept in one table item, `tat` = the earliest instant the next SendEmail may start. Each
 * SES call takes the slot `max(tat, now)` and moves `tat` one interval on, so slots are at least
 * `interval` apart whichever container takes them: in any window of one second at most
 * `ceil(rate × share)` calls begin. A slot further ahead than `maxAheadMs` is not taken — the
 * lane is saturated and the message is held back in its queue instead of waiting in a function.
 */

/** SES GetAccount, the parts pacing reads. */
export interface SesAccount {
  maxSendRate: number;
  max24HourSend: number;
  sentLast24Hours: number;
  sendingEnabled: boolean;
  productionAccess: boolean;
}

/** What the lane assumes until GetAccount has answered once: the SES sandbox's limits. */
export const SANDBOX_ACCOUNT: SesAccount = { maxSendRate: 1, max24HourSend: 200, sentLast24Hours: 0, sendingEnabled: true, productionAccess: false };

export interface LaneSettings {
  /** Fraction of MaxSendRate the lanes use (headroom for jitter and for other senders). */
  share: number;
  /** How often the account is read again. */
  refreshMs: number;
  /** Longest a SendEmail waits for its slot in a function; beyond it the message is held. */
  maxWaitMs: number;
  /** Visibility hold of a message while sending is paused / the daily quota is used up. */
  pauseHoldSeconds: number;
  quotaHoldSeconds: number;
}

/**
 * Milliseconds between two SendEmail calls of all lanes together, rounded up to 1/1024 ms: whole
 * milliseconds would cost a 200/s account 7 % of its rate, and binary fractions keep every
 * `tat + interval` exact in a double for epoch milliseconds (below 2^43, until the year 2248).
 */
export const intervalMs = (a: SesAccount, share: number): number => Math.ceil((1024 * 1000) / Math.max(a.maxSendRate * share, 0.001)) / 1024;

/**
 * How late after its slot a SendEmail may still start. Slots are `interval` = 1000 / (share × rate)
 * apart, so a one-second window holds calls from slots spanning 1000 ms + lateness; that stays
 * within the account's rate while lateness ≤ 1000 × (1/share − 1). Half of it is allowed here,
 * the other half is for the way from here to SES. A later wake-up takes a new slot.
 */
export const slackMs = (share: number): number => Math.floor((1000 * (1 / share - 1)) / 2);

export type Gate = { kind: 'open' } | { kind: 'paused' } | { kind: 'quota' };

/**
 * Whether the lanes may send at all. The daily quota counts as used up once what may be sent
 * before the next account read (rate × refresh period) would pass it.
 */
export function gate(a: SesAccount, s: Pick<LaneSettings, 'share' | 'refreshMs'>): Gate {
  if (!a.sendingEnabled) return { kind: 'paused' };
  // SES reports a negative quota for an unlimited one.
  if (a.max24HourSend >= 0) {
    const beforeNextRead = Math.ceil((a.maxSendRate * s.share * s.refreshMs) / 1000);
    if (a.sentLast24Hours + beforeNextRead >= a.max24HourSend) return { kind: 'quota' };
  }
  return { kind: 'open' };
}

export type Take = { kind: 'slot'; slotMs: number; tat: number } | { kind: 'saturated'; aheadMs: number };

/**
 * The next slot from a schedule at `tat` (undefined: never used). A `tat` further ahead than any
 * take can put it (2 × maxAhead + 1 s) comes from a clock that moved back: it is started afresh.
 */
export function takeSlot(tat: number | undefined, nowMs: number, interval: number, maxAheadMs: number): Take {
  const stale = tat !== undefined && tat - nowMs > 2 * maxAheadMs + 1000;
  const from = tat === undefined || stale ? nowMs : Math.max(tat, nowMs);
  if (from - nowMs > maxAheadMs) return { kind: 'saturated', aheadMs: from - nowMs };
  return { kind: 'slot', slotMs: from, tat: from + interval };
}

/** SQS allows visibility timeouts up to 12 hours. */
const MAX_VISIBILITY_S = 12 * 3600;

export type HoldReason = 'paused' | 'quota' | 'saturated';

/**
 * How long a held message stays invisible: the reason's hold (saturated: until the schedule has
 * room), plus up to 20 % jitter so held messages do not all come back in the same second.
 */
export function holdSeconds(reason: HoldReason, s: Pick<LaneSettings, 'pauseHoldSeconds' | 'quotaHoldSeconds'>, aheadMs: number, random: () => number): number {
  const base = reason === 'paused' ? s.pauseHoldSeconds : reason === 'quota' ? s.quotaHoldSeconds : Math.max(1, Math.ceil(aheadMs / 1000));
  return Math.min(MAX_VISIBILITY_S, Math.max(1, Math.round(base * (1 + 0.2 * random()))));
}
