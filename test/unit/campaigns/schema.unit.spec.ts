import { describe, expect, it } from 'vitest';
import { loadCampaigns } from '../../../shared/campaigns/load.js';
import { matchesTrigger, occasionOf } from '../../../shared/campaigns/triggers.js';
import { DetailType, type CustomerRiskChanged, type CustomerTierChanged } from '../../../shared/platform/contracts/events.js';

const campaigns = await loadCampaigns('campaigns');
const byId = (id: string) => campaigns.find((c) => c.campaign.id === id)!.campaign;

const risk: CustomerRiskChanged = {
  customerId: 'c1', from: 'active', to: 'at-risk', method: 'rule', daysSinceLastOrder: 70,
  lastOrderDay: '2026-03-01', runKey: 'r1', occurredAt: '2026-05-10T00:00:00Z',
};
const tier = (to: string, direction: 'up' | 'down'): CustomerTierChanged => ({
  customerId: 'c1', from: 'silver', to, direction, toName: { en: to, 'zh-CN': to }, reason: 'qualified', key: `tier#placed#o-${to}`, occurredAt: '2026-05-10T00:00:00Z',
});

describe('campaign triggers', () => {
  it('keys a risk entry by level and last order day, not by sweep run', () => {
    const a = occasionOf({ type: DetailType.CustomerRiskChanged, detail: risk });
    const b = occasionOf({ type: DetailType.CustomerRiskChanged, detail: { ...risk, runKey: 'r2' } });
    const c = occasionOf({ type: DetailType.CustomerRiskChanged, detail: { ...risk, lastOrderDay: '2026-04-01' } });
    expect(a.occurrence).toBe(b.occurrence);
    expect(a.occurrence).not.toBe(c.occurrence);
    expect(a.entry).toEqual({ lastOrderDay: '2026-03-01' });
  });

  it('starts win-back on entering at-risk only', () => {
    expect(matchesTrigger(byId('win-back').trigger, occasionOf({ type: DetailType.CustomerRiskChanged, detail: risk }))).toBe(true);
    expect(matchesTrigger(byId('win-back').trigger, occasionOf({ type: DetailType.CustomerRiskChanged, detail: { ...risk, to: 'churned' } }))).toBe(false);
  });

  it.each([
    ['gold', 'up', true],
    ['diamond', 'up', true],
    ['silver', 'up', false],
    ['gold', 'down', false], // a downgrade from diamond is no reason for a thank-you
  ] as const)('thanks a customer moving %s (%s): %s', (to, direction, expected) => {
    expect(matchesTrigger(byId('vip-thank-you').trigger, occasionOf({ type: DetailType.CustomerTierChanged, detail: tier(to, direction) }))).toBe(expected);
  });

  it('sends the birthday campaign on the reward day, keyed once per year', () => {
    const o = occasionOf({
      type: DetailType.BirthdayRewarded,
      detail: { customerId: 'c1', year: 2026, date: '2026-05-20', reward: { kind: 'points', points: 100 }, currency: 'CNY', key: 'birthday#2026', occurredAt: '2026-05-20T00:00:00Z' },
    });
    expect(o).toMatchObject({ type: 'birthday', occurrence: 'birthday#2026' });
    expect(matchesTrigger(byId('birthday').trigger, o)).toBe(true);
    expect(matchesTrigger(byId('win-back').trigger, o)).toBe(false);
  });
});
