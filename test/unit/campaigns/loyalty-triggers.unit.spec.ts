/** Loyalty events as campaign occasions: what they carry and which triggers they match. */
import { describe, expect, it } from 'vitest';
import { DetailType } from '../../../shared/platform/contracts/events.js';
import { matchesTrigger, occasionOf, sendWindow } from '../../../shared/campaigns/triggers.js';
import { loyaltyMismatches } from '../../../shared/campaigns/load.js';
import { loadCampaignDir } from '../../../shared/campaigns/load.js';
import { defaultLoyaltyConfig, parseLoyaltyConfig } from '../../../shared/loyalty/config.js';

const coupon = { claim: { campaignId: 'loyalty-redemption', occurrence: 'redeem#k1' }, kid: 'k2026' };

describe('loyalty occasions', () => {
  it('a redemption carries its coupon to the mail, with points, value and balance, and goes stale after a week', () => {
    const o = occasionOf({ type: DetailType.PointsRedeemed, detail: { customerId: 'c1', key: 'redeem#k1', points: 500, value: 5, currency: 'CNY', balanceAfter: 740, coupon, occurredAt: '2026-05-01T02:00:00.000Z' } });
    expect(o).toMatchObject({ type: 'points-redeemed', occurrence: 'redeem#k1', reward: coupon, vars: { points: 500, value: 5, balance: 740 } });
    expect(matchesTrigger({ type: 'points-redeemed' }, o)).toBe(true);
    expect(sendWindow({ type: 'points-redeemed' }, o).notAfter?.toISOString()).toBe('2026-05-08T02:00:00.000Z');
  });

  it('an expiry notice carries the lot and the balance, and is not sent once the points have expired', () => {
    const o = occasionOf({ type: DetailType.PointsExpiring, detail: { customerId: 'c1', points: 300, lot: '2025-05', expiresAt: '2026-05-31T16:00:00.000Z', balance: 1240, key: 'expiring#2025-05', occurredAt: '2026-05-01T02:00:00.000Z' } });
    expect(o.vars).toEqual({ points: 300, lot: '2025-05', expiresAt: '2026-05-31T16:00:00.000Z', balance: 1240 });
    expect(sendWindow({ type: 'points-expiring' }, o).notAfter?.toISOString()).toBe('2026-05-31T16:00:00.000Z');
  });

  it('birthday triggers match the day (the reward) or the notice ahead by their days, never each other', () => {
    const day = occasionOf({ type: DetailType.BirthdayRewarded, detail: { customerId: 'c1', year: 2026, date: '2026-05-10', reward: { kind: 'coupon', value: 50 }, currency: 'CNY', coupon, key: 'birthday#2026', occurredAt: '2026-05-10T01:00:00.000Z' } });
    const ahead = occasionOf({ type: DetailType.BirthdayUpcoming, detail: { customerId: 'c1', year: 2026, date: '2026-05-10', daysBefore: 3, daysLeft: 2, key: 'birthday-notice#2026', occurredAt: '2026-05-08T01:00:00.000Z' } });
    expect(day).toMatchObject({ reward: coupon, vars: { reward: { kind: 'coupon', value: 50, currency: 'CNY' }, daysLeft: 0 } });
    expect(ahead).toMatchObject({ occurrence: 'birthday-notice#2026', vars: { daysLeft: 2 } });
    expect(ahead.reward).toBeUndefined();
    expect([day, ahead].map((o) => matchesTrigger({ type: 'birthday', daysBefore: 0 }, o))).toEqual([true, false]);
    expect([day, ahead].map((o) => matchesTrigger({ type: 'birthday', daysBefore: 3 }, o))).toEqual([false, true]);
    expect(matchesTrigger({ type: 'birthday', daysBefore: 5 }, ahead)).toBe(false);
  });
});

describe('campaigns against the loyalty programme', () => {
  it('refuses a birthday trigger ahead by other days than the programme announces', async () => {
    const { flows } = await loadCampaignDir('campaigns', { templates: false });
    expect(loyaltyMismatches(flows, defaultLoyaltyConfig)).toEqual([]);
    const two = parseLoyaltyConfig({ ...defaultLoyaltyConfig, birthday: { ...defaultLoyaltyConfig.birthday!, noticeDays: 2 } });
    expect(loyaltyMismatches(flows, two)).toEqual([{ file: 'birthday-reminder.yaml', path: 'trigger.daysBefore', message: expect.stringContaining('3 would never fire: the loyalty programme announces birthdays 2 days ahead') }]);
    const none = parseLoyaltyConfig({ ...defaultLoyaltyConfig, birthday: undefined });
    expect(loyaltyMismatches(flows, none)[0]?.message).toContain('announces no birthdays ahead');
  });
});
