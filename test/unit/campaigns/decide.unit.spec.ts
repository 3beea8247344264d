/**
 * The dispatch decision as a specification: given a campaign, a triggering occasion, the customer
 * as stored and their recent mail, when the occasion is decided at `now`, then record / defer /
 * send (with which coupon and survey). No store, no SES: the decision is a pure function.
 */
import { describe, expect, it } from 'vitest';
import type { Occasion } from '../../../shared/platform/contracts/events.js';
import { decideDispatch, isPastSendWindow, PROFILE_GRACE_MS, type DispatchDecision, type DispatchInput } from '../../../shared/campaigns/decide.js';
import { Campaign, type CampaignInput } from '../../../shared/campaigns/schema.js';
import { isHoldout } from '../../../shared/campaigns/policy.js';
import { occasionOf } from '../../../shared/campaigns/triggers.js';
import type { CustomerView } from '../../../shared/customers/view.js';
import type { CouponState } from '../../../shared/coupons/redeem.js';
import { emptySummary } from '../../../shared/orders/decide.js';

const NOW = new Date('2026-11-20T10:00:00Z'); // 18:00 in Shanghai: outside quiet hours
const template = { subject: 's', mjml: '<mjml><mj-body></mj-body></mjml>', text: 't' };
const campaign = (over: Partial<CampaignInput> = {}) =>
  Campaign.parse({ id: 'win-back', name: 'Win-back', trigger: { type: 'risk-entered', level: 'at-risk' }, templates: { en: template, 'zh-CN': template }, ...over });

/** A customer the default campaign would mail: consenting, Shanghai time zone, not in the holdout. */
const customerId = (() => {
  for (let i = 0; ; i++) if (!isHoldout('win-back', `c-${i}`, 10)) return `c-${i}`;
})();
const customer = (over: Partial<CustomerView> = {}): CustomerView => ({
  customerId,
  summary: { ...emptySummary(), orders: 3, purchaseDays: 3, firstDay: '2026-07-03', lastDay: '2026-09-01', spend: 150, firstDaySpend: 50 },
  profile: { email: 'c@example.com', name: 'Lin', locale: 'zh-CN', timeZone: 'Asia/Shanghai', marketingConsent: true, updatedAt: '2026-01-01T00:00:00Z' },
  risk: { level: 'at-risk', method: 'rule', since: '2026-11-20T03:00:00Z', lastOrderDay: '2026-09-01' },
  ...over,
});
const riskEntered: Occasion = { type: 'risk-entered', customerId, occurrence: 'at-risk:2026-09-01', vars: {}, entry: { lastOrderDay: '2026-09-01' }, match: { level: 'at-risk' } };

const given = (over: Partial<DispatchInput> = {}): DispatchInput => ({
  campaign: campaign(),
  occasion: riskEntered,
  attempt: 'first',
  customer: customer(),
  history: [],
  shop: { timeZone: 'Asia/Shanghai' },
  now: NOW,
  ...over,
});
const when = (input: DispatchInput): DispatchDecision => decideDispatch(input);

describe('Function: decideDispatch', () => {
  describe('the customer as stored', () => {
    it('defers once for a profile that has not arrived yet (events arrive out of order)', () => {
      expect(when(given({ customer: null }))).toEqual({ kind: 'defer', reason: 'no-profile', until: new Date(NOW.getTime() + PROFILE_GRACE_MS) });
    });
    it('skips for good when the profile is still missing on the retry', () => {
      expect(when(given({ customer: customer({ profile: undefined as never }), attempt: 'retry' }))).toEqual({ kind: 'record', status: 'skipped', reason: 'no-profile' });
    });
    it('skips a suppressed customer for marketing mail, whatever the trigger said', () => {
      expect(when(given({ customer: customer({ suppressed: true }) }))).toEqual({ kind: 'record', status: 'skipped', reason: 'suppressed' });
    });
    it('skips a customer without consent', () => {
      const c = customer();
      expect(when(given({ customer: { ...c, profile: { ...c.profile!, marketingConsent: false } } }))).toMatchObject({ kind: 'record', reason: 'no-consent' });
    });
    it('exits when the customer ordered since entering (exit.orderedSinceEntry)', () => {
      const input = given({ campaign: campaign({ exit: { orderedSinceEntry: true } }), customer: customer({ summary: { ...customer().summary, lastDay: '2026-11-19' } }) });
      expect(when(input)).toMatchObject({ kind: 'record', status: 'skipped', reason: 'exited' });
    });
    it('judges audience.tiers on the tier the read model carries', () => {
      const gold = campaign({ audience: { tiers: ['gold'] } });
      expect(when(given({ campaign: gold, customer: customer({ tier: 'member' }) }))).toMatchObject({ kind: 'record', reason: 'audience' });
      expect(when(given({ campaign: gold, customer: customer({ tier: 'gold' }) }))).toMatchObject({ kind: 'send', facts: { tier: 'gold' } });
    });
  });

  describe('holdout, caps and time', () => {
    it('records a holdout member as control, not as a skip', () => {
      const held = (() => {
        for (let i = 0; ; i++) if (isHoldout('win-back', `h-${i}`, 10)) return `h-${i}`;
      })();
      const input = given({ campaign: campaign({ holdoutPercent: 10 }), customer: customer({ customerId: held }), occasion: { ...riskEntered, customerId: held } });
      expect(when(input)).toEqual({ kind: 'record', status: 'control', reason: 'holdout' });
    });
    it('defers to the end of quiet hours in the customer time zone', () => {
      const night = new Date('2026-11-20T15:00:00Z'); // 23:00 in Shanghai
      expect(when(given({ now: night }))).toEqual({ kind: 'defer', reason: 'quiet-hours', until: new Date('2026-11-21T00:00:00Z') });
    });
    it('skips (or defers, per campaign) a marketing mail within the frequency cap', () => {
      const history = [{ at: '2026-11-20T06:00:00Z', kind: 'marketing' as const }];
      expect(when(given({ history }))).toMatchObject({ kind: 'record', reason: 'capped' });
      // 16 h after 06:00Z is 06:00 in Shanghai, inside quiet hours: the deferral ends at 08:00 local.
      expect(when(given({ history, campaign: campaign({ onCapped: 'defer' }) }))).toEqual({ kind: 'defer', reason: 'capped', until: new Date('2026-11-21T00:00:00Z') });
    });
    it('waits for a delayed follow-up, then sends it; after its grace it is stale and never claimed', () => {
      const survey = campaign({ id: 'post-delivery-survey', kind: 'transactional', trigger: { type: 'order-delivered', delayHours: 72 }, survey: { kind: 'csat' } });
      const delivered: Occasion = { type: 'order-delivered', customerId, occurrence: 'delivered:o-1', at: '2026-11-19T10:00:00Z', vars: { orderId: 'o-1' }, match: {} };
      expect(when(given({ campaign: survey, occasion: delivered }))).toEqual({ kind: 'defer', reason: 'delay', until: new Date('2026-11-22T10:00:00Z') });
      const later = new Date('2026-11-22T10:05:00Z');
      expect(when(given({ campaign: survey, occasion: delivered, now: later }))).toMatchObject({
        kind: 'send',
        survey: { surveyId: 'post-delivery-survey:delivered:o-1', kind: 'csat', orderId: 'o-1', expiresAt: '2026-12-22T10:05:00.000Z' },
      });
      expect(isPastSendWindow(survey, delivered, new Date('2026-11-29T10:01:00Z'))).toBe(true);
      expect(isPastSendWindow(survey, delivered, later)).toBe(false);
    });
  });

  describe('staleness of tier changes', () => {
    const vip = campaign({ id: 'vip-thank-you', kind: 'transactional', trigger: { type: 'tier-changed', to: ['gold'], direction: 'up' } });
    const upgrade = (occurredAt: string) =>
      occasionOf({
        type: 'customer.tier-changed',
        detail: { customerId, from: 'silver', to: 'gold', direction: 'up', toName: { en: 'Gold', 'zh-CN': '金卡' }, reason: 'qualified', key: 'tier#placed#o-1', occurredAt },
      });
    it('congratulates an upgrade of today, and drops one from a backfilled history before any claim', () => {
      expect(isPastSendWindow(vip, upgrade('2026-11-20T09:00:00Z'), NOW)).toBe(false);
      expect(isPastSendWindow(vip, upgrade('2026-11-13T10:00:01Z'), NOW)).toBe(false);
      expect(isPastSendWindow(vip, upgrade('2026-11-13T09:59:59Z'), NOW)).toBe(true);
      expect(isPastSendWindow(vip, upgrade('2024-03-02T08:00:00Z'), NOW)).toBe(true);
    });
    it('keeps other triggers without a staleness limit', () => {
      expect(isPastSendWindow(campaign(), riskEntered, new Date('2030-01-01T00:00:00Z'))).toBe(false);
    });
  });

  describe('what is sent', () => {
    it('sends in the customer language with a fresh coupon when the campaign has one', () => {
      const withCoupon = campaign({ coupon: { kind: 'percent', value: 15, expiresInDays: 14 } });
      expect(when(given({ campaign: withCoupon }))).toMatchObject({ kind: 'send', locale: 'zh-CN', coupon: { kind: 'issue', terms: { kind: 'percent', value: 15, expiresInDays: 14 } } });
    });
    it('falls back to the campaign fallback locale when the customer language has no template', () => {
      expect(when(given({ campaign: campaign({ templates: { en: template } }) }))).toMatchObject({ kind: 'send', locale: 'en' });
    });
    it('reminds of a held coupon, and skips the reminder once it is redeemed or gone', () => {
      const reminder = campaign({ id: 'coupon-reminder', trigger: { type: 'coupon-expiring', daysBefore: 3 } });
      const expiring: Occasion = { type: 'coupon-expiring', customerId, occurrence: 'expiring:abc', couponHash: 'abc', vars: {}, match: {} };
      const held: CouponState = { codeHash: 'abc', campaignId: 'win-back', customerId, kind: 'percent', value: 15, currency: 'CNY', issuedAt: '', expiresAt: '2026-11-23T10:00:00Z', codeHint: 'Q7' };
      expect(when(given({ campaign: reminder, occasion: expiring, heldCoupon: held }))).toMatchObject({ kind: 'send', coupon: { kind: 'remind', coupon: held } });
      expect(when(given({ campaign: reminder, occasion: expiring, heldCoupon: { ...held, redeemedBy: 'o-9' } }))).toEqual({ kind: 'record', status: 'skipped', reason: 'redeemed' });
      expect(when(given({ campaign: reminder, occasion: expiring, heldCoupon: null }))).toEqual({ kind: 'record', status: 'skipped', reason: 'redeemed' });
    });
  });
});
