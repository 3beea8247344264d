/** Dispatch's outcomes, written while the attempt holds the send (the handler counts each one as a
 * business metric, shared/platform/runtime/metrics.ts). */
import type { Occasion } from '../platform/contracts/events.js';
import type { DispatchDeps } from './dispatch.js';
import type { SendRecord } from './port.js';
import { laneOf } from './lanes.js';

export type DispatchOutcome =
  | { campaignId: string; outcome: 'sent'; messageId: string }
  | { campaignId: string; outcome: 'skipped' | 'control' | 'failed' | 'unknown'; reason: string }
  /** `until`: when it is decided again (a flow's next step waits for it). */
  | { campaignId: string; outcome: 'deferred'; reason: string; until?: string }
  | { campaignId: string; outcome: 'duplicate' };

/** How long an attempt holds a claim or a `sending` send: far beyond the function's 60 s timeout,
 * so a live attempt is never taken over. */
export const LEASE_MS = 5 * 60_000;

/** The attempt holding a send, and what the send carries from earlier attempts. */
export interface Attempt {
  campaignId: string;
  kind: 'marketing' | 'transactional';
  occasion: Occasion;
  token: string;
  couponKid: string;
  retries: number;
}

export type Outcome = Pick<SendRecord, 'status' | 'reason' | 'until' | 'messageId' | 'couponHash' | 'retries'>;

/** Writes the outcome while this attempt holds the send. */
export async function record(deps: DispatchDeps, a: Attempt, now: Date, o: Outcome, scheduled: readonly SendRecord[] = []): Promise<DispatchOutcome> {
  const written = await deps.sends.completeSend(a.occasion.customerId, recordOf(a, now, o), { attempt: a.token }, scheduled);
  // Another attempt holds the send now (a takeover after a lease ran out): its outcome counts.
  return written ? outcomeOf(a.campaignId, o) : { campaignId: a.campaignId, outcome: 'duplicate' };
}

/** An outcome decided before the send was claimed: written by the create that claims it. */
export async function recordFirst(deps: DispatchDeps, a: Attempt, now: Date, o: Outcome): Promise<DispatchOutcome> {
  const written = await deps.sends.recordFirst(a.occasion.customerId, recordOf(a, now, o));
  if (written === 'taken') return { campaignId: a.campaignId, outcome: 'duplicate' };
  // Erased: nothing may be written for the customer again, not even the skip.
  if (written === 'erased') return { campaignId: a.campaignId, outcome: 'skipped', reason: 'erased' };
  return outcomeOf(a.campaignId, o);
}

function recordOf(a: Attempt, now: Date, o: Outcome): SendRecord {
  const e = a.occasion;
  return {
    campaignId: a.campaignId,
    occurrence: e.occurrence,
    kind: a.kind,
    at: now.toISOString(),
    // A deferral is decided again with its trigger; a final outcome needs it no more.
    ...(o.status === 'deferred' ? { trigger: e, lane: laneOf(e.type) } : {}),
    couponKid: a.couponKid,
    ...(a.retries ? { retries: a.retries } : {}),
    ...o,
  };
}

function outcomeOf(campaignId: string, o: Outcome): DispatchOutcome {
  if (o.status === 'sent') return { campaignId, outcome: 'sent', messageId: o.messageId! };
  if (o.status === 'deferred') return { campaignId, outcome: 'deferred', reason: o.reason ?? '', ...(o.until ? { until: o.until } : {}) };
  return { campaignId, outcome: o.status as 'skipped', reason: o.reason ?? '' };
}

export const leaseFrom = (now: Date): string => new Date(now.getTime() + LEASE_MS).toISOString();
export const attemptToken = (deps: DispatchDeps): string => Buffer.from(deps.randomBytes(12)).toString('hex');
