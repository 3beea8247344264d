/**
 * The dispatch decision, pure: given one campaign, one triggering occasion, the customer as
 * stored right now, their recent mail and the time, what should happen — record a skip, defer,
 * or send (with which coupon and survey). The application service (./dispatch.ts) only claims,
 * loads, calls this and acts on the answer.
 */
import type { Locale, LoyaltyCoupon, Occasion } from '../platform/contracts/events.js';
import type { CustomerView } from '../customers/view.js';
import { factsOf } from '../customers/facts.js';
import type { CouponTerms } from '../coupons/issue.js';
import type { CouponState } from '../coupons/redeem.js';
import type { SurveyState } from '../surveys/response.js';
import { surveyIdOf } from '../links/links.js';
import { DAY_MS } from '../platform/time.js';
import type { CustomerFacts } from './audience.js';
import { decideDelivery, legalGate, type MailKind, type ShopPolicy } from './policy.js';
import type { CustomerRecord } from '../customers/record.js';
import type { Campaign } from './schema.js';
import { sendWindow } from './triggers.js';

/** Events arrive out of order: a trigger may beat the customer's profile to Engage. */
export const PROFILE_GRACE_MS = 15 * 60_000;

export interface DispatchInput {
  campaign: Campaign;
  occasion: Occasion;
  /** 'first' for a trigger, 'retry' when a deferral is decided again. */
  attempt: 'first' | 'retry';
  customer: CustomerView | null;
  /** The customer's recent sends (at least the cap window), any campaign. */
  history: ReadonlyArray<{ at: string; kind: MailKind }>;
  /** For coupon reminders: the coupon reminded of, as stored now (null: gone, e.g. erased). */
  heldCoupon?: CouponState | null;
  shop: ShopPolicy;
  now: Date;
}

export type CouponPlan =
  | { kind: 'issue'; terms: CouponTerms }
  | { kind: 'remind'; coupon: CouponState }
  /** A coupon the loyalty programme issued (a redemption, a tier's birthday coupon): mailed, not issued. */
  | { kind: 'reward'; reward: LoyaltyCoupon };

export type DispatchDecision =
  | { kind: 'record'; status: 'skipped' | 'control'; reason: string }
  | { kind: 'defer'; reason: string; until: Date }
  | { kind: 'send'; locale: Locale; facts: CustomerFacts; coupon?: CouponPlan; survey?: SurveyState };

/** A follow-up long past its time (a history backfill replays every old delivery) is dropped
 * before anything is written: recording a million stale decisions would only cost. */
export function isPastSendWindow(campaign: Campaign, occasion: Occasion, now: Date): boolean {
  const { notAfter } = sendWindow(campaign.trigger, occasion);
  return notAfter !== null && now.getTime() > notAfter.getTime();
}

export function decideDispatch(input: DispatchInput): DispatchDecision {
  const { campaign, occasion: e, customer, now } = input;
  if (!customer?.profile) {
    // The first time, wait for the profile (it may be right behind); a second miss is final.
    if (input.attempt === 'first') return { kind: 'defer', reason: 'no-profile', until: new Date(now.getTime() + PROFILE_GRACE_MS) };
    return { kind: 'record', status: 'skipped', reason: 'no-profile' };
  }
  // A coupon reminder's exit condition comes first: a redeemed (or erased) coupon needs none.
  const reminding = e.type === 'coupon-expiring';
  if (reminding && (!input.heldCoupon || input.heldCoupon.redeemedBy)) return { kind: 'record', status: 'skipped', reason: 'redeemed' };

  const facts = factsOf({ ...customer, profile: customer.profile }, now);
  const delivery = decideDelivery({ campaign, facts, history: input.history, now, shop: input.shop, ...(e.entry ? { entry: e.entry } : {}) });
  if (delivery.decision === 'skip') return { kind: 'record', status: delivery.reason === 'holdout' ? 'control' : 'skipped', reason: delivery.reason };
  // A delayed follow-up (e.g. 72 h after delivery) waits in the same due index as quiet hours.
  const { notBefore } = sendWindow(campaign.trigger, e);
  if (notBefore && notBefore.getTime() > now.getTime() && delivery.decision === 'send') return { kind: 'defer', reason: 'delay', until: notBefore };
  if (delivery.decision === 'defer') return { kind: 'defer', reason: delivery.reason, until: delivery.until };

  const coupon: CouponPlan | undefined = reminding && input.heldCoupon
    ? { kind: 'remind', coupon: input.heldCoupon }
    : e.reward
      ? { kind: 'reward', reward: e.reward }
      : campaign.coupon
      ? { kind: 'issue', terms: campaign.coupon }
      : undefined;
  const orderId = typeof e.vars.orderId === 'string' ? e.vars.orderId : undefined;
  const survey: SurveyState | undefined = campaign.survey
    ? {
        surveyId: surveyIdOf(campaign.id, e.occurrence),
        customerId: e.customerId,
        campaignId: campaign.id,
        kind: campaign.survey.kind,
        expiresAt: new Date(now.getTime() + campaign.survey.expiresInDays * DAY_MS).toISOString(),
        ...(orderId ? { orderId } : {}),
      }
    : undefined;
  return { kind: 'send', locale: delivery.locale, facts, ...(coupon ? { coupon } : {}), ...(survey ? { survey } : {}) };
}

export type LastLook = { send: true; to: string } | { send: false; reason: 'no-profile' | 'suppressed' | 'no-consent' };

/**
 * The last look before the SES call, on the customer as stored at that moment and on whether
 * their address is on the hashed suppression list (an address unsubscribed, bounced or erased
 * under any customer id). The mail goes to the address read now.
 */
export function lastLook(campaign: Campaign, customer: CustomerRecord | null, addressListed: boolean): LastLook {
  if (!customer?.profile) return { send: false, reason: 'no-profile' };
  const gate = legalGate(campaign, { suppressed: customer.suppressed === true || addressListed, consent: customer.profile.marketingConsent });
  return gate ? { send: false, reason: gate } : { send: true, to: customer.profile.email };
}
