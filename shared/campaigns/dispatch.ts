/**
 * Campaign dispatch: exactly one decision per (campaign, customer, occurrence).
 *
 * Claim (conditional put) → load the customer as stored now, their recent mail and any coupon
 * reminded of → decide (pure, ./decide.ts) → act: record a skip or deferral, or issue the coupon,
 * create the survey, render, send and record the message id. A redelivered trigger finds the
 * claim and does nothing. A retryable SES failure releases the claim and is thrown so the queue
 * retries; permanent rejections are recorded, not retried. The one window that can lose (never
 * duplicate) a mail: a crash after the claim and before SES accepted the message; the claim stays
 * 'claimed', visible.
 */
import type { CampaignSendDue, Occasion } from '../platform/contracts/events.js';
import type { Clock, RandomBytes } from '../platform/ports.js';
import { DAY_MS } from '../platform/time.js';
import type { CustomerStore } from '../customers/port.js';
import type { CouponStore } from '../coupons/port.js';
import { issueUniqueCoupon } from '../coupons/issue.js';
import type { CouponState } from '../coupons/redeem.js';
import type { SurveyStore } from '../surveys/port.js';
import type { Mailer } from '../mail/port.js';
import { buildLinks, listUnsubscribeHeaders } from '../links/links.js';
import type { TokenKeyring } from '../links/token.js';
import { decideDispatch, isPastSendWindow, type CouponPlan } from './decide.js';
import { recentSends } from './history.js';
import type { CapConfig } from './policy.js';
import type { SendRecord, SendStore } from './port.js';
import { renderEmail, type CompiledCampaign } from './render.js';
import { templateVars, type CouponVars, type ShopInfo } from './templates.js';
import { matchesTrigger, occasionOf, type TriggeringEvent } from './triggers.js';

export interface DispatchDeps {
  customers: Pick<CustomerStore, 'readCustomer'>;
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

export type DispatchOutcome =
  | { campaignId: string; outcome: 'sent'; messageId: string }
  | { campaignId: string; outcome: 'skipped' | 'control' | 'deferred' | 'rejected'; reason: string }
  | { campaignId: string; outcome: 'duplicate' };

/** Every enabled campaign whose trigger the event matches gets one decision. */
export async function dispatchTrigger(deps: DispatchDeps, event: TriggeringEvent): Promise<DispatchOutcome[]> {
  const o = occasionOf(event);
  const outcomes: DispatchOutcome[] = [];
  for (const c of deps.campaigns.filter((x) => x.campaign.enabled && matchesTrigger(x.campaign.trigger, o, x.campaign.id))) {
    const claim = (at: string) => deps.sends.claimSend(o.customerId, c.campaign.id, o.occurrence, at);
    outcomes.push(await dispatchOne(deps, c, o, claim, 'first'));
  }
  return outcomes;
}

/** A deferral whose time has come is decided again from the start: caps, consent and the
 * audience may all have changed. Re-claiming is conditional, so a duplicate due event is a no-op. */
export async function dispatchDue(deps: DispatchDeps, due: CampaignSendDue): Promise<DispatchOutcome[]> {
  const c = deps.campaigns.find((x) => x.campaign.id === due.campaignId);
  // A campaign removed from config since the deferral: record why and stop.
  if (!c) return [{ campaignId: due.campaignId, outcome: 'skipped', reason: 'campaign-removed' }];
  const claim = (at: string) => deps.sends.reclaimDeferred(due.customerId, due.campaignId, due.occurrence, due.dueAt, at);
  return [await dispatchOne(deps, c, due.trigger, claim, 'retry')];
}

async function dispatchOne(
  deps: DispatchDeps,
  c: CompiledCampaign,
  e: Occasion,
  claim: (at: string) => Promise<boolean>,
  attempt: 'first' | 'retry',
): Promise<DispatchOutcome> {
  const { campaign } = c;
  const campaignId = campaign.id;
  const now = deps.clock();
  if (isPastSendWindow(campaign, e, now)) return { campaignId, outcome: 'skipped', reason: 'stale' };
  if (!(await claim(now.toISOString()))) return { campaignId, outcome: 'duplicate' };
  const record = (r: Omit<SendRecord, 'campaignId' | 'occurrence' | 'at' | 'kind'>) =>
    deps.sends.completeSend(e.customerId, { campaignId, occurrence: e.occurrence, kind: campaign.kind, at: deps.clock().toISOString(), ...r });

  // Consent and suppression are judged on the customer as stored right now, not as the trigger saw them.
  const [customer, sends, heldCoupon] = await Promise.all([
    deps.customers.readCustomer(e.customerId),
    deps.sends.listSends(e.customerId),
    e.type === 'coupon-expiring' && e.couponHash ? deps.coupons.getCoupon(e.couponHash) : undefined,
  ]);
  const shop = { ...(deps.shop.timeZone ? { timeZone: deps.shop.timeZone } : {}), ...(deps.cap ? { cap: deps.cap } : {}) };
  const d = decideDispatch({ campaign, occasion: e, attempt, customer, history: recentSends(sends, now), ...(heldCoupon !== undefined ? { heldCoupon } : {}), shop, now });

  switch (d.kind) {
    case 'record':
      await record({ status: d.status, reason: d.reason });
      return { campaignId, outcome: d.status, reason: d.reason };
    case 'defer':
      await record({ status: 'deferred', reason: d.reason, until: d.until.toISOString(), trigger: e });
      return { campaignId, outcome: 'deferred', reason: d.reason };
    case 'send':
      break;
  }

  const { vars: coupon, issued } = await couponFor(deps, d.coupon, campaignId, e.customerId, now);
  const links = buildLinks(deps.baseUrl, e.customerId, campaign, e.occurrence, deps.keyring, now);
  // Created before the mail exists, so every rating link in it finds its survey.
  if (d.survey) await deps.surveys.putSurvey(d.survey);
  const email = renderEmail(c, d.locale, templateVars({ facts: d.facts, locale: d.locale, shop: deps.shop, links, ...(coupon ? { coupon } : {}), trigger: e.vars }));
  let result;
  try {
    result = await deps.mailer.send({
      to: customer!.profile!.email,
      from: deps.from,
      subject: email.subject,
      html: email.html,
      text: email.text,
      ...(campaign.kind === 'marketing' ? { headers: listUnsubscribeHeaders(links.unsubscribe) } : {}),
      tags: { campaign: campaignId, customer: e.customerId },
    });
  } catch (err) {
    await deps.sends.releaseSend(e.customerId, campaignId, e.occurrence);
    throw err;
  }
  if (result.kind === 'rejected') {
    await record({ status: 'failed', reason: result.reason });
    return { campaignId, outcome: 'rejected', reason: result.reason };
  }
  await record({ status: 'sent', messageId: result.messageId });
  // Only now that the customer has the code: schedule its expiry reminders (a crash just before
  // this line loses the reminder, never sends one for a code the customer did not get).
  if (issued) await scheduleReminders(deps, e.customerId, issued, now);
  return { campaignId, outcome: 'sent', messageId: result.messageId };
}

const couponVarsOf = (s: CouponState, code: string): CouponVars => ({
  code,
  kind: s.kind,
  value: s.value,
  currency: s.currency,
  expiresAt: s.expiresAt,
  ...(s.minSpend !== undefined ? { minSpend: s.minSpend } : {}),
});

/** A fresh code for the mail, or the reminded coupon named by its last two characters only. */
async function couponFor(deps: DispatchDeps, plan: CouponPlan | undefined, campaignId: string, customerId: string, now: Date) {
  if (!plan) return {};
  if (plan.kind === 'remind') return { vars: couponVarsOf(plan.coupon, `••••-••••-••••-${plan.coupon.codeHint ?? '••'}`) };
  const { code, state } = await issueUniqueCoupon(deps.coupons, plan.terms, { campaignId, customerId, currency: deps.shop.currency }, now, deps.randomBytes);
  return { vars: couponVarsOf(state, code), issued: state };
}

async function scheduleReminders(deps: DispatchDeps, customerId: string, coupon: CouponState, now: Date): Promise<void> {
  for (const { campaign: rc } of deps.campaigns) {
    if (!rc.enabled || rc.trigger.type !== 'coupon-expiring') continue;
    const until = new Date(Date.parse(coupon.expiresAt) - rc.trigger.daysBefore * DAY_MS);
    if (until.getTime() <= now.getTime()) continue;
    const occurrence = `expiring:${coupon.codeHash.slice(0, 24)}`;
    const trigger: Occasion = {
      type: 'coupon-expiring',
      customerId,
      occurrence,
      couponHash: coupon.codeHash,
      vars: { daysLeft: rc.trigger.daysBefore, campaignId: coupon.campaignId },
      match: {},
    };
    await deps.sends.completeSend(customerId, { campaignId: rc.id, occurrence, kind: rc.kind, status: 'deferred', reason: 'scheduled', until: until.toISOString(), at: now.toISOString(), trigger });
  }
}
