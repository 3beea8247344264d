import { describe, expect, it } from 'vitest';
import { factsOf } from '../../../shared/customers/facts.js';
import { matchesAudience } from '../../../shared/campaigns/audience.js';
import { capFrom, loadConfig, ShopConfig } from '../../../shared/platform/config.js';
import { decideProfile } from '../../../shared/customers/record.js';
import { emptySummary } from '../../../shared/orders/decide.js';

const upsert = {
  customerId: 'c1', email: 'a@example.com', name: 'Ann', locale: 'en' as const, timeZone: 'UTC',
  marketingConsent: true, tags: ['wholesale'], occurredAt: '2026-01-01T00:00:00Z',
};

describe('customer facts for campaigns', () => {
  it('carries the shop tags from the profile into audience filters', () => {
    const profile = decideProfile(undefined, upsert)!;
    const facts = factsOf({ customerId: 'c1', summary: emptySummary(), profile }, new Date('2026-02-01T00:00:00Z'));
    expect(facts.tags).toEqual(['wholesale']);
    expect(matchesAudience({ tags: { any: ['wholesale'] } } as never, facts, new Date()).ok).toBe(true);
    expect(matchesAudience({ tags: { any: ['vip'] } } as never, facts, new Date()).ok).toBe(false);
  });
});

describe('frequency cap configuration', () => {
  it('defaults to one marketing mail per 16 h and three a week', () => {
    expect(capFrom(loadConfig(ShopConfig, {}))).toEqual({ minGapHours: 16, windowDays: 7, maxInWindow: 3 });
  });
  it('reads the shop settings, and refuses nonsense naming the variable', () => {
    expect(capFrom(loadConfig(ShopConfig, { SEND_CAP_MIN_GAP_HOURS: '24', SEND_CAP_MAX_PER_WEEK: '2' }))).toEqual({ minGapHours: 24, windowDays: 7, maxInWindow: 2 });
    expect(() => loadConfig(ShopConfig, { SEND_CAP_MAX_PER_WEEK: 'lots' })).toThrow(/SEND_CAP_MAX_PER_WEEK/);
  });
});
