/**
 * The send step of dispatch (./dispatch.ts), once the decision is "send":
 *  1. the coupon: its code derived from the claim (coupons/derive.ts), stored once — a retry mails
 *     the same code; the survey record; the rendered mail;
 *  2. the last look, right before SES: the customer read now, and their address against the
 *     hashed suppression list; a customer who unsubscribed meanwhile is skipped;
 *  3. `sending`, guarded by the attempt, and for marketing mail the cap ledger in the same
 *     transaction under its version: of two marketing sends racing for one customer, one commits
 *     and the other reads the ledger again and is capped;
 *  4. SES, and the outcome it allows: sent, failed (refused for good), deferred for a retry
 *     (refused for now: throttled), unknown (may have gone out: never sent again).
 */
import { withoutTracking } from '../mail/no-track.js';
import { DAY_MS } from '../platform/time.js';
import { CONFLICT, retryOnConflict } from '../platform/retry.js';
import type { Occasion } from '../platform/contracts/events.js';
import { issueCouponOnce } from '../coupons/issue.js';
import { couponKeyFor, derivedCouponCode } from '../coupons/derive.js';
import { couponHash } from '../coupons/code.js';
import type { CouponState } from '../coupons/redeem.js';
import { emailHash } from '../privacy/suppression.js';
import { buildLinks, listUnsubscribeHeaders } from '../links/links.js';
import { lastLook, type CouponPlan, type DispatchDecision } from './decide.js';
import type { DispatchDeps } from './dispatch.js';
import { leaseFrom, record, type Attempt, type DispatchOutcome } from './outcome.js';
import { capHistory, capKey, CAP_WINDOW_MS } from './history.js';
import { decideCap } from './policy.js';
import type { CapLedger, SendRecord } from './port.js';
import { renderEmail, type CompiledCampaign } from './render.js';
import { templateVars, type CouponVars } from './templates.js';
import { laneOf } from './lanes.js';

/** Throttled sends are retried this often (5 min, then doubling up to 2 h), then failed. */
export const SEND_RETRIES = 6;
const PAUSED_RETRY_MS = 3_600_000;
const retryDelayMs = (retries: number) => Math.min(2 * 3_600_000, 5 * 60_000 * 2 ** retries);

type Send = Extract<DispatchDecision, { kind: 'send' }>;

export async function sendMail(deps: DispatchDeps, c: CompiledCampaign, a: Attempt, d: Send, ledger: CapLedger, now: Date, seenAddress?: string): Promise<DispatchOutcome> {
  const { campaign } = c;
  const e = a.occasion;
  const { vars: coupon, issued, erased } = await couponFor(deps, d.coupon, a, now);
  if (erased) return record(deps, a, now, { status: 'skipped', reason: 'erased' });
  const links = buildLinks(deps.baseUrl, e.customerId, campaign, e.occurrence, deps.keyring, now);
  // Created before the mail exists, so every rating link in it finds its survey.
  if (d.survey) await deps.surveys.putSurvey(d.survey);
  const email = renderEmail(c, d.locale, templateVars({ facts: d.facts, locale: d.locale, shop: deps.shop, links, ...(coupon ? { coupon } : {}), trigger: e.vars }));

  // The address the decision saw is looked up with the customer; one changed meanwhile on its own.
  const marketing = campaign.kind === 'marketing';
  const look0 = await deps.sends.readLastLook(e.customerId, marketing && seenAddress ? emailHash(seenAddress) : undefined);
  const fresh = look0.customer;
  const address = fresh?.profile?.email;
  const listed = !marketing || !address ? false : address === seenAddress && look0.listed !== undefined ? look0.listed : (await deps.suppression.getAddressSuppression(emailHash(address))) !== null;
  const look = lastLook(campaign, fresh, listed);
  if (!look.send) return record(deps, a, now, { status: 'skipped', reason: look.reason });

  const held = await markSending(deps, c, a, ledger, now, issued?.codeHash);
  if (held !== 'ok') return held;

  const result = await deps.mailer.send({
    to: look.to,
    from: deps.from,
    subject: email.subject,
    // The unsubscribe link is never rewritten by SES click tracking.
    html: withoutTracking(email.html, [links.unsubscribe]),
    text: email.text,
    ...(campaign.kind === 'marketing' ? { headers: listUnsubscribeHeaders(links.unsubscribe) } : {}),
    // The send's key: SES's delivery, open and click events come back to this very send.
    tags: { campaign: campaign.id, customer: e.customerId, occurrence: e.occurrence },
  });
  const sentAt = deps.clock();
  const hash = issued ? { couponHash: issued.codeHash } : {};
  switch (result.kind) {
    case 'sent': {
      // The code's expiry reminders are created with the sent outcome, in its write: they exist
      // exactly when the customer has the code.
      return record(deps, a, sentAt, { status: 'sent', messageId: result.messageId, ...hash }, issued ? remindersOf(deps, e.customerId, issued, sentAt) : []);
    }
    case 'rejected':
      return record(deps, a, sentAt, { status: 'failed', reason: result.reason, ...hash });
    case 'unknown':
      return record(deps, a, sentAt, { status: 'unknown', reason: result.reason, ...hash });
    case 'retry': {
      // A paused configuration set is resumed by an operator, maybe days later: the send waits,
      // looking again every hour, without using up its retry budget.
      if (result.paused) return record(deps, a, sentAt, { status: 'deferred', reason: `retry:${result.reason}`, until: new Date(sentAt.getTime() + PAUSED_RETRY_MS).toISOString(), ...hash });
      const retries = a.retries + 1;
      if (retries >= SEND_RETRIES) return record(deps, { ...a, retries }, sentAt, { status: 'failed', reason: `retries-exhausted:${result.reason}`, ...hash });
      const until = new Date(sentAt.getTime() + retryDelayMs(a.retries)).toISOString();
      return record(deps, { ...a, retries }, sentAt, { status: 'deferred', reason: `retry:${result.reason}`, until, ...hash });
    }
  }
}

/** claimed → sending; for marketing mail, through the cap ledger. 'ok', or the outcome instead. */
async function markSending(deps: DispatchDeps, c: CompiledCampaign, a: Attempt, first: CapLedger, now: Date, couponHash?: string): Promise<'ok' | DispatchOutcome> {
  const e = a.occasion;
  const mark = { at: now.toISOString(), leaseUntil: leaseFrom(now), ...(couponHash ? { couponHash } : {}) };
  const self = { campaignId: c.campaign.id, occurrence: e.occurrence };
  if (c.campaign.kind !== 'marketing') {
    const held = await deps.sends.markSending(e.customerId, self.campaignId, self.occurrence, a.token, mark);
    return held === 'ok' ? 'ok' : { campaignId: self.campaignId, outcome: 'duplicate' };
  }
  let ledger = first;
  return retryOnConflict(`cap of ${e.customerId}`, async (n) => {
    if (n > 1) ledger = await deps.sends.getCap(e.customerId);
    const cap = decideCap(capHistory(ledger, self), now, deps.cap);
    if (cap.kind === 'capped') {
      return c.campaign.onCapped === 'skip'
        ? record(deps, a, now, { status: 'skipped', reason: 'capped' })
        : record(deps, a, now, { status: 'deferred', reason: 'capped', until: cap.until.toISOString() });
    }
    const entry = { at: mark.at, key: capKey(self.campaignId, self.occurrence) };
    const held = await deps.sends.markSending(e.customerId, self.campaignId, self.occurrence, a.token, mark, { ledger, entry, windowMs: CAP_WINDOW_MS });
    if (held === 'cap-conflict') return CONFLICT;
    return held === 'ok' ? 'ok' : { campaignId: self.campaignId, outcome: 'duplicate' as const };
  });
}

const couponVarsOf = (s: CouponState, code: string): CouponVars => ({
  code,
  kind: s.kind,
  value: s.value,
  currency: s.currency,
  expiresAt: s.expiresAt,
  ...(s.minSpend !== undefined ? { minSpend: s.minSpend } : {}),
});

/** The send's own code (derived from its claim, stored once), a loyalty coupon (derived from
 * loyalty's claim, already stored), or the reminded coupon named by its last two characters only. */
async function couponFor(deps: DispatchDeps, plan: CouponPlan | undefined, a: Attempt, now: Date): Promise<{ vars?: CouponVars; issued?: CouponState; erased?: true }> {
  if (!plan) return {};
  if (plan.kind === 'remind') return { vars: couponVarsOf(plan.coupon, `••••-••••-••••-${plan.coupon.codeHint ?? '••'}`) };
  const { customerId, occurrence } = a.occasion;
  if (plan.kind === 'reward') {
    // Loyalty stored it with a code derived from its claim (loyalty/service.ts loyaltyCoupon): the same code again.
    const code = derivedCouponCode(couponKeyFor(deps.keyring, plan.reward.kid), { ...plan.reward.claim, customerId });
    const state = await deps.coupons.getCoupon(couponHash(code));
    // Gone: the customer was erased meanwhile. Someone else's: a wrong key or claim, never to be mailed.
    if (!state) return { erased: true };
    if (state.customerId !== customerId) throw new Error(`reward coupon of ${plan.reward.claim.campaignId} does not belong to the customer`);
    return { vars: couponVarsOf(state, code), issued: state };
  }
  const code = derivedCouponCode(couponKeyFor(deps.keyring, a.couponKid), { campaignId: a.campaignId, customerId, occurrence });
  const state = await issueCouponOnce(deps.coupons, plan.terms, { campaignId: a.campaignId, customerId, currency: deps.shop.currency }, now, code);
  return state ? { vars: couponVarsOf(state, code), issued: state } : { erased: true };
}

function remindersOf(deps: DispatchDeps, customerId: string, coupon: CouponState, now: Date): SendRecord[] {
  return deps.campaigns.flatMap(({ campaign: rc }) => {
    if (!rc.enabled || rc.trigger.type !== 'coupon-expiring') return [];
    const until = new Date(Date.parse(coupon.expiresAt) - rc.trigger.daysBefore * DAY_MS);
    if (until.getTime() <= now.getTime()) return [];
    const occurrence = `expiring:${coupon.codeHash.slice(0, 24)}`;
    const trigger: Occasion = {
      type: 'coupon-expiring',
      customerId,
      occurrence,
      couponHash: coupon.codeHash,
      vars: { daysLeft: rc.trigger.daysBefore, campaignId: coupon.campaignId },
      match: {},
    };
    return [{ campaignId: rc.id, occurrence, kind: rc.kind, status: 'deferred' as const, reason: 'scheduled', until: until.toISOString(), at: now.toISOString(), trigger, lane: laneOf(trigger.type) }];
  });
}
