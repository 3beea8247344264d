import { describe, expect, it } from 'vitest';
import { defaultLoyaltyConfig, loadLoyaltyConfig, LoyaltyConfigError, parseLoyaltyConfig } from '../../../shared/loyalty/index.js';

const tier = (id: string, qualify?: object) => ({ id, name: { 'zh-CN': id, en: id }, ...(qualify ? { qualify } : {}) });

describe('loyalty config', () => {
  it('loads the example loyalty.yaml: four tiers in CNY with Chinese and English names', () => {
    const c = loadLoyaltyConfig('loyalty.yaml');
    expect(c.currency).toBe('CNY');
    expect(c.tiers.map((t) => t.name['zh-CN'])).toEqual(['普通会员', '银卡', '金卡', '钻石']);
    expect(c.tiers.map((t) => t.name.en)).toEqual(['Member', 'Silver', 'Gold', 'Diamond']);
    expect(c.review).toEqual({ schedule: 'monthly', graceDays: 30 });
  });

  it('fills defaults for everything but currency and tiers', () => {
    const c = parseLoyaltyConfig({ currency: 'CNY', tiers: [tier('member')] });
    expect(c).toMatchObject({ timeZone: 'Asia/Shanghai', points: { earnOn: 'placed', perUnit: 1, expiryMonths: 12, noticeDays: 30 } });
    expect(defaultLoyaltyConfig.tiers).toHaveLength(4);
  });

  it('names every broken path at once', () => {
    const bad = {
      currency: 'yuan',
      tiers: [tier('member', { orders: 1 }), tier('gold', { spend: 5000 }), tier('silver', { spend: 1000 }), tier('gold', { spend: 9000 })],
    };
    expect(() => parseLoyaltyConfig(bad)).toThrow(LoyaltyConfigError);
    try {
      parseLoyaltyConfig(bad);
    } catch (e) {
      const msg = (e as Error).message;
      expect(msg).toContain('currency');
      expect(msg).toContain('tiers.0.qualify: the first tier must need nothing');
      expect(msg).toContain('tiers.2.qualify: thresholds must not decrease');
      expect(msg).toContain('tiers.3.id: duplicate tier id "gold"');
    }
  });

  it('refuses a higher tier without any threshold', () => {
    expect(() => parseLoyaltyConfig({ currency: 'CNY', tiers: [tier('member'), tier('vip')] })).toThrow(/give spend and\/or orders/);
  });
});
