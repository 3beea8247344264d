/**
 * Campaign dispatch: exactly one decision per (campaign, customer, occurrence), and every outcome
 * a recorded state and a metric.
 *
 * Every outcome is returned; the handler counts each as a business metric.
 *
 * decide ──► skipped | control | deferred (created so: one write) ─(due)─► reclaim, decide again
 *    └─► claim ──► (coupon, survey, render, last look) ──► sending ──► SES ──► sent | failed | unknown
 *          │                                                   └─ throttled ─► deferred (retry)
 *          └─ a claim whose attempt died: taken over by the due job once its lease runs out
 *
 * - A decision not to send now is written by the conditional create of the send itself, with its
 *   counters: a redelivered trigger finds it and does nothing.
 * - The claim is a conditional create that also puts the send in the due index with a 5-minute
 *   lease; every later write is guarded by the attempt's token. A redelivered trigger finds the
 *   claim and does nothing; a crash before `sending` leaves a claim the due job hands on
 *   (dispatchDue) once the lease has run out, and the send is decided again.
 * - `sending` is written right before the SES call (with the cap ledger, see send.ts). A crash
 *   from there on, or a reply SES never gave, leaves a send that may have gone out: recorded
 *   `unknown` and never sent again — it can be lost, never duplicated.
 * - A definite refusal by SES (throttling) puts the send back as a deferral with a retry time,
 *   keeping its coupon (the code is derived per claim, coupons/derive.ts).
 */
import type { CampaignSendDue, Occasion } from '../platform/contracts/events.js';
import type { Clock, RandomBytes } from '../platform/ports.js';
import type { CustomerStore } from '../customers/port.js';
import type { CouponStore } from '../coupons/port.js';
import type { SurveyStore } from '../surveys/port.js';
import type { AddressSuppressionList } from '../privacy/suppression.js';
import type { Mailer } from '../mail/port.js';
import type { TokenKeyring } from '../links/token.js';
import { decideDispatch, isPastSendWindow } from './decide.js';
import { capHistory } from './history.js';
import type { CapConfig } from './policy.js';
import type { SendStore } from './port.js';
import type { CompiledCampaign } from './render.js';
import { attemptToken, leaseFrom, record, recordFirst, type Attempt, type DispatchOutcome } from './outcome.js';
import { sendMail } from './send.js';
import type { ShopInfo } from './templates.js';
import { laneOf } from './lanes.js';
import { matchesTrigger, occasionOf, type TriggeringEvent } from './triggers.js';

export interface DispatchDeps {
  customers: Pick<CustomerStore, 'readCustomer'>;
  suppression: Pick<AddressSuppressionList, 'getAddressSuppression'>;
  sends: SendStore;
  coupons: CouponStore;
  surveys: Pick<SurveyStore, 'putSurvey'>;
  mailer: Mailer;
  campaigns: CompiledCampaign[];
  from: string;
  shop: ShopInfo;
  /** Marketing frequency cap (transactional mail is exempt). */
  cap?: CapConfig;
  baseUrl: string;
  keyring: TokenKeyring;
  clock: Clock;
  randomBytes: RandomBytes;
}

/** Every enabled single-shot campaign whose trigger the event matches gets one decision (a flow's
 * send steps send when the flow reaches them: shared/flows/run.ts, which calls dispatchFirst). */
export async function dispatchTrigger(deps: DispatchDeps, event: TriggeringEvent): Promise<DispatchOutcome[]> {
  const o = occasionOf(event);
  const outcomes: DispatchOutcome[] = [];
  for (const c of deps.campaigns.filter((x) => !x.flowStep && x.campaign.enabled && matchesTrigger(x.campaign.trigger, o, x.campaign.id))) {
    outcomes.push(await dispatchFirst(deps, c, o));
  }
  return outcomes;
}

/** One campaign's decision for one occasion (a trigger, or a flow reaching a send step). */
export async function dispatchFirst(deps: DispatchDeps, c: CompiledCampaign, e: Occasion): Promise<DispatchOutcome> {
  const campaignId = c.campaign.id;
  const now = deps.clock();
  // A backfill of old deliveries writes nothing per stale trigger.
  if (isPastSendWindow(c.campaign, e, now)) return unrecorded(campaignId, 'stale');
  const a: Attempt = { campaignId, kind: c.campaign.kind, occasion: e, token: attemptToken(deps), couponKid: deps.keyring.current.kid, retries: 0 };
  // Decided before claiming: a skip, hold-out or deferral is then written by the one create that
  // claims the send; only a send is claimed first, as its coupon and mail must not happen twice.
  const decided = await decide(deps, c, a, 'first', now);
  if (decided.d.kind === 'record') return recordFirst(deps, a, now, { status: decided.d.status, reason: decided.d.reason });
  if (decided.d.kind === 'defer') return recordFirst(deps, a, now, { status: 'deferred', reason: decided.d.reason, until: decided.d.until.toISOString() });
  const claim = { attempt: a.token, kind: c.campaign.kind, trigger: e, lane: laneOf(e.type), leaseUntil: leaseFrom(now), couponKid: a.couponKid };
  const claimed = await deps.sends.claimSend(e.customerId, campaignId, e.occurrence, now.toISOString(), claim);
  if (claimed === 'taken') return { campaignId, outcome: 'duplicate' };
  // Erased: nothing may be written for the customer again, not even the skip.
  if (claimed === 'erased') return unrecorded(campaignId, 'erased');
  return sendMail(deps, c, a, decided.d, decided.ledger, now, decided.seenAddress);
}

/** A pending send whose time has come (a deferral, or a claim whose attempt died) is decided again
 * from the start: caps, consent and the audience may all have changed. Taking it over is
 * conditional on its due time, so a duplicate due event is a no-op. */
export async function dispatchDue(deps: DispatchDeps, due: CampaignSendDue): Promise<DispatchOutcome[]> {
  const now = deps.clock();
  const token = attemptToken(deps);
  const taken = await deps.sends.reclaimDue(due.customerId, due.campaignId, due.occurrence, due.dueAt, {
    attempt: token,
    at: now.toISOString(),
    leaseUntil: leaseFrom(now),
    couponKid: deps.keyring.current.kid,
  });
  const campaignId = due.campaignId;
  if (taken.kind === 'taken') return [{ campaignId, outcome: 'duplicate' }];
  if (taken.kind === 'interrupted') return [{ campaignId, outcome: 'unknown', reason: 'interrupted' }];
  const c = deps.campaigns.find((x) => x.campaign.id === campaignId);
  const a: Attempt = {
    campaignId,
    kind: c?.campaign.kind ?? taken.record.kind ?? 'marketing',
    occasion: due.trigger,
    token,
    couponKid: taken.record.couponKid ?? deps.keyring.current.kid,
    retries: taken.record.retries ?? 0,
  };
  // A campaign removed from config since, or a follow-up past its time: recorded, so it leaves the due index.
  if (!c) return [await record(deps, a, now, { status: 'skipped', reason: 'campaign-removed' })];
  if (isPastSendWindow(c.campaign, due.trigger, now)) return [await record(deps, a, now, { status: 'skipped', reason: 'stale' })];
  return [await decideAndAct(deps, c, a, 'retry', now)];
}

/** A skip that is counted (an outcome) but written nowhere: a stale trigger (a backfill would
 * otherwise write one record per old delivery) or an erased customer (nothing may be written). */
const unrecorded = (campaignId: string, reason: 'stale' | 'erased'): DispatchOutcome => ({ campaignId, outcome: 'skipped', reason });

/** The decision on the customer as stored right now, not as the trigger saw them. */
async function decide(deps: DispatchDeps, c: CompiledCampaign, a: Attempt, attempt: 'first' | 'retry', now: Date) {
  const { campaign } = c;
  const e = a.occasion;
  const [{ customer, cap: ledger }, heldCoupon] = await Promise.all([
    deps.sends.readForDecision(e.customerId, { cap: campaign.kind === 'marketing' }),
    e.type === 'coupon-expiring' && e.couponHash ? deps.coupons.getCoupon(e.couponHash) : undefined,
  ]);
  const shop = { ...(deps.shop.timeZone ? { timeZone: deps.shop.timeZone } : {}), ...(deps.cap ? { cap: deps.cap } : {}) };
  const history = capHistory(ledger, { campaignId: campaign.id, occurrence: e.occurrence });
  const d = decideDispatch({ campaign, occasion: e, attempt, customer, history, ...(heldCoupon !== undefined ? { heldCoupon } : {}), shop, now });
  return { d, ledger, seenAddress: customer?.profile?.email };
}

async function decideAndAct(deps: DispatchDeps, c: CompiledCampaign, a: Attempt, attempt: 'first' | 'retry', now: Date): Promise<DispatchOutcome> {
  const { d, ledger, seenAddress } = await decide(deps, c, a, attempt, now);
  switch (d.kind) {
    case 'record':
      return record(deps, a, now, { status: d.status, reason: d.reason });
    case 'defer':
      return record(deps, a, now, { status: 'deferred', reason: d.reason, until: d.until.toISOString() });
    case 'send':
      return sendMail(deps, c, a, d, ledger, now, seenAddress);
  }
}


export type { DispatchOutcome } from './outcome.js';
