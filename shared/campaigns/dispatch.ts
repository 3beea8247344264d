/**
 * Campaign dispatch: exactly one decision per (campaign, customer, occurrence).
 *
 * Claim (conditional put) → re-read the customer → delivery policy (suppression, consent, exit,
 * audience, holdout, frequency cap, quiet hours) → issue the coupon → send → record the outcome.
 * Every outcome, including skips, controls and deferrals, is recorded on the claim. A redelivered
 * trigger finds the claim and does nothing. A retryable SES failure releases the claim and is
 * thrown so the queue retries. The one window that can lose (never duplicate) a mail: a crash
 * after the claim and before SES accepted the message; the claim stays 'claimed', visible.
 */
import { randomBytes } from 'node:crypto';
import type { CampaignSendDue, Occasion } from '../platform/contracts/events.js';
import type { CouponState } from '../coupons/redeem.js';
import { matchesTrigger, occasionOf, sendWindow, type TriggeringEvent } from './triggers.js';
import { surveyIdOf } from '../links/links.js';
import { decideDelivery, type CapConfig } from './policy.js';
import { renderEmail, type CompiledCampaign } from './render.js';
import { templateVars, type CouponVars, type ShopInfo } from './templates.js';
import { couponHash, generateCouponCode, issueCoupon } from '../coupons/index.js';
import { buildLinks, listUnsubscribeHeaders } from '../links/links.js';
import type { TokenKeyring } from '../links/token.js';
import type { Clock, CustomerStore, Mailer, SendRecord } from '../platform/ports.js';
import type { Profile } from '../customers/record.js';
import { factsOf } from '../customers/facts.js';
import { recentSends } from '../customers/scan.js';

export interface DispatchDeps {
  store: CustomerStore;
  mailer: Mailer;
  campaigns: CompiledCampaign[];
  from: string;
  shop: ShopInfo;
  /** Marketing frequency cap (transactional mail is exempt). */
  cap?: CapConfig;
  baseUrl: string;
  keyring: TokenKeyring;
  clock: Clock;
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
    const claim = (at: string) => deps.store.claimSend(o.customerId, c.campaign.id, o.occurrence, at);
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
  const claim = (at: string) => deps.store.reclaimDeferred(due.customerId, due.campaignId, due.occurrence, due.dueAt, at);
  return [await dispatchOne(deps, c, due.trigger, claim, 'retry')];
}

/** Events arrive out of order: a trigger may beat the customer's profile to Engage. */
const PROFILE_GRACE_MS = 15 * 60_000;

async function dispatchOne(
  deps: DispatchDeps,
  c: CompiledCampaign,
  e: Occasion,
  claim: (at: string) => Promise<boolean>,
  attempt: 'first' | 'retry',
): Promise<DispatchOutcome> {
  const occurrence = e.occurrence;
  const campaign = c.campaign;
  const campaignId = campaign.id;
  const now = deps.clock();
  const record = (r: Omit<SendRecord, 'campaignId' | 'occurrence' | 'at' | 'kind'>) =>
    deps.store.completeSend(e.customerId, { campaignId, occurrence, kind: campaign.kind, at: deps.clock().toISOString(), ...r });
  // A follow-up long past its time (a history backfill replays every old delivery) is dropped
  // before anything is written: recording a million stale decisions would only cost.
  const { notBefore: earliest, notAfter } = sendWindow(campaign.trigger, e);
  if (notAfter && now.getTime() > notAfter.getTime()) return { campaignId, outcome: 'skipped', reason: 'stale' };
  if (!(await claim(now.toISOString()))) return { campaignId, outcome: 'duplicate' };

  // Consent and suppression are judged on the customer as stored right now, not as the trigger saw them.
  const customer = await deps.store.getCustomer(e.customerId);
  if (!customer?.profile) {
    // The first time, wait for the profile (it may be right behind); a second miss is final.
    if (attempt === 'first') {
      await record({ status: 'deferred', reason: 'no-profile', until: new Date(now.getTime() + PROFILE_GRACE_MS).toISOString(), trigger: e });
      return { campaignId, outcome: 'deferred', reason: 'no-profile' };
    }
    await record({ status: 'skipped', reason: 'no-profile' });
    return { campaignId, outcome: 'skipped', reason: 'no-profile' };
  }
  const profile: Profile = customer.profile;
  const facts = factsOf({ ...customer, profile }, now);
  const history = recentSends(await deps.store.listSends(e.customerId), now);
  // A coupon reminder's exit condition comes first: a redeemed (or erased) coupon needs none.
  const held = e.type === 'coupon-expiring' && e.couponHash ? await deps.store.getCoupon(e.couponHash) : null;
  if (e.type === 'coupon-expiring' && (!held || held.redeemedBy)) {
    await record({ status: 'skipped', reason: 'redeemed' });
    return { campaignId, outcome: 'skipped', reason: 'redeemed' };
  }
  const delivery = decideDelivery({ campaign, facts, history, now, shop: { ...(deps.shop.timeZone ? { timeZone: deps.shop.timeZone } : {}), ...(deps.cap ? { cap: deps.cap } : {}) }, ...(e.entry ? { entry: e.entry } : {}) });
  if (delivery.decision === 'skip') {
    const status = delivery.reason === 'holdout' ? 'control' : 'skipped';
    await record({ status, reason: delivery.reason });
    return { campaignId, outcome: status, reason: delivery.reason };
  }
  // A delayed follow-up (e.g. 72 h after delivery) waits in the same due index as quiet hours.
  if (earliest && earliest.getTime() > now.getTime() && delivery.decision === 'send') {
    await record({ status: 'deferred', reason: 'delay', until: earliest.toISOString(), trigger: e });
    return { campaignId, outcome: 'deferred', reason: 'delay' };
  }
  if (delivery.decision === 'defer') {
    await record({ status: 'deferred', reason: delivery.reason, until: delivery.until.toISOString(), trigger: e });
    return { campaignId, outcome: 'deferred', reason: delivery.reason };
  }

  let coupon: CouponVars | undefined;
  let issued: CouponState | undefined;
  if (campaign.coupon) ({ vars: coupon, state: issued } = await issue(deps, campaignId, e.customerId, campaign.coupon, now));
  if (held) coupon = couponVarsOf(held, `••••-••••-••••-${held.codeHint ?? '••'}`);
  const links = buildLinks(deps.baseUrl, e.customerId, campaign, occurrence, deps.keyring, now);
  if (campaign.survey) {
    // Created before the mail exists, so every rating link in it finds its survey.
    const surveyId = surveyIdOf(campaignId, occurrence);
    const expiresAt = new Date(now.getTime() + campaign.survey.expiresInDays * 86_400_000).toISOString();
    const orderId = typeof e.vars.orderId === 'string' ? e.vars.orderId : undefined;
    await deps.store.putSurvey({ surveyId, customerId: e.customerId, campaignId, kind: campaign.survey.kind, expiresAt, ...(orderId ? { orderId } : {}) });
  }
  const vars = templateVars({
    facts,
    locale: delivery.locale,
    shop: deps.shop,
    links,
    ...(coupon ? { coupon } : {}),
    trigger: e.vars,
  });
  const email = renderEmail(c, delivery.locale, vars);
  let result;
  try {
    result = await deps.mailer.send({
      to: profile.email,
      from: deps.from,
      subject: email.subject,
      html: email.html,
      text: email.text,
      ...(campaign.kind === 'marketing' ? { headers: listUnsubscribeHeaders(links.unsubscribe) } : {}),
      tags: { campaign: campaignId, customer: e.customerId },
    });
  } catch (err) {
    await deps.store.releaseSend(e.customerId, campaignId, occurrence);
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

async function scheduleReminders(deps: DispatchDeps, customerId: string, coupon: CouponState, now: Date): Promise<void> {
  for (const { campaign: rc } of deps.campaigns) {
    if (!rc.enabled || rc.trigger.type !== 'coupon-expiring') continue;
    const until = new Date(Date.parse(coupon.expiresAt) - rc.trigger.daysBefore * 86_400_000);
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
    await deps.store.completeSend(customerId, { campaignId: rc.id, occurrence, kind: rc.kind, status: 'deferred', reason: 'scheduled', until: until.toISOString(), at: now.toISOString(), trigger });
  }
}

const couponVarsOf = (s: CouponState, code: string): CouponVars => ({
  code,
  kind: s.kind,
  value: s.value,
  currency: s.currency,
  expiresAt: s.expiresAt,
  ...(s.minSpend !== undefined ? { minSpend: s.minSpend } : {}),
});

/** A fresh single-use code, stored by hash only (plus its last two characters, so a reminder
 * can say which code it means); a (vanishingly rare) collision draws again. */
async function issue(
  deps: DispatchDeps,
  campaignId: string,
  customerId: string,
  action: NonNullable<CompiledCampaign['campaign']['coupon']>,
  now: Date,
): Promise<{ vars: CouponVars; state: CouponState }> {
  for (;;) {
    const code = generateCouponCode((n) => randomBytes(n));
    const state = { ...issueCoupon(action, { codeHash: couponHash(code), campaignId, customerId, currency: deps.shop.currency }, now), codeHint: code.slice(-2) };
    if (await deps.store.putCoupon(state)) return { vars: couponVarsOf(state, code), state };
  }
}
