import { describe, expect, it } from 'vitest';
import { reviewPeriod, WINDOW_MONTHS } from '../../../shared/loyalty/index.js';
import { MemoryLoyalty } from './memory-loyalty.js';
import { at, cancelled, config, placed, refunded } from './fixtures.js';

const given = (cfg = config(), since = '2026-01-01T00:00:00Z') => new MemoryLoyalty(cfg, at(since));
const month = (m: number, d = 1) => `2026-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}T04:00:00Z`;

describe('tier upgrades', () => {
  it('upgrades as soon as a qualifying order arrives, with one tier-changed payload', () => {
    const m = given();
    m.order(placed('o1', 600, month(3)), at(month(3)));
    expect(m.state.tier).toBe('member');
    m.order(placed('o2', 600, month(4)), at(month(4)));
    m.order(placed('o2', 600, month(4)), at(month(4)));
    expect(m.tierChanges).toEqual([
      {
        customerId: 'c1',
        from: 'member',
        to: 'silver',
        direction: 'up',
        toName: { 'zh-CN': '银卡', en: 'Silver' },
        reason: 'qualified',
        key: 'tier#placed#o2',
        occurredAt: '2026-04-01T04:00:00.000Z',
      },
    ]);
  });

  it('can skip tiers, and needs both thresholds where the tier says all', () => {
    const m = given();
    m.order(placed('o1', 5000, month(3)), at(month(3)));
    expect(m.state.tier).toBe('silver'); // 5000 spent but 1 order: gold needs 3
    m.order(placed('o2', 10, month(3)), at(month(3)));
    m.order(placed('o3', 10, month(3)), at(month(3)));
    expect(m.state.tier).toBe('gold');
  });

  it('keeps at most 13 monthly buckets: the current month and the 12 before it', () => {
    const m = given(config(), '2025-01-01T00:00:00Z');
    for (let i = 0; i < 24; i++) {
      const t = new Date(Date.UTC(2025, i, 15)).toISOString();
      m.order(placed(`o${i}`, 100, t), at(t));
      expect(Object.keys(m.state.buckets).length).toBeLessThanOrEqual(WINDOW_MONTHS);
    }
    expect(Object.keys(m.state.buckets).sort()[0]).toBe('2025-12');
  });

  it('does not count an order placed before the window, even when it arrives late', () => {
    const m = given();
    m.order(placed('old', 5000, '2024-12-31T00:00:00Z'), at(month(3)));
    expect(m.state).toMatchObject({ tier: 'member', buckets: {} });
  });
});

describe('tier changes from history', () => {
  it('dates an upgrade by the order that earned it, while qualifying on the window at processing time', () => {
    const m = given();
    const now = at(month(11, 20));
    m.order(placed('o1', 700, month(2)), now);
    m.order(placed('o2', 700, month(6, 9)), now);
    expect(m.state).toMatchObject({ tier: 'silver', tierSince: '2026-06-09T04:00:00.000Z' });
    expect(m.tierChanges).toMatchObject([{ to: 'silver', occurredAt: '2026-06-09T04:00:00.000Z' }]);
  });
});

describe('refunds and cancellations', () => {
  it('take back an upgrade they paid for, with reason refund', () => {
    const m = given();
    m.order(placed('o1', 1200, month(3)), at(month(3)));
    m.order(refunded('o1', 500), at(month(3, 5)));
    expect(m.state.tier).toBe('member');
    expect(m.tierChanges.map((c) => [c.to, c.reason, c.key])).toEqual([
      ['silver', 'qualified', 'tier#placed#o1'],
      ['member', 'refund', 'tier#refund#o1#r-o1'],
    ]);
  });

  it('never go below the tier the last review confirmed', () => {
    const m = given();
    m.order(placed('o1', 1200, month(3)), at(month(3)));
    m.review(at(month(4)));
    expect(m.state.reviewedTier).toBe('silver');
    m.order(cancelled('o1'), at(month(4, 2)));
    expect(m.state.tier).toBe('silver');
  });
});

describe('reviews', () => {
  it('downgrade only at the review, once the spend has left the window', () => {
    const m = given();
    m.order(placed('o1', 1200, month(3)), at(month(3)));
    m.review(at(month(4)));
    expect(m.review(at(month(4, 20)))).toEqual({ kind: 'not-due' });
    const afterYear = at('2027-03-31T04:00:00Z'); // March 2026 is still in the 13-month window
    expect(m.review(afterYear)).toMatchObject({ kind: 'apply', outcome: 'kept' });
    expect(m.review(at('2027-04-01T04:00:00Z'))).toMatchObject({
      kind: 'apply',
      outcome: 'downgraded',
      change: { from: 'silver', to: 'member', reason: 'review', key: 'tier#review#2027-04' },
    });
  });

  it('grant the grace period first, then downgrade when it has run out unless the customer requalified', () => {
    const m = given(config({ review: { schedule: 'monthly', graceDays: 30 } }));
    m.order(placed('o1', 1200, month(3)), at(month(3)));
    expect(m.review(at('2027-05-01T04:00:00Z'))).toMatchObject({ outcome: 'grace-started', state: { tier: 'silver', grace: { review: '2027-05' } } });
    expect(m.review(at('2027-05-20T04:00:00Z'))).toEqual({ kind: 'not-due' });
    expect(m.review(at('2027-05-31T04:00:00Z'))).toMatchObject({ outcome: 'downgraded', change: { to: 'member', key: 'tier#review#2027-05' } });
    expect(m.review(at('2027-06-01T04:00:00Z'))).toMatchObject({ outcome: 'kept' });
  });

  it('clear the grace when an order requalifies the customer', () => {
    const m = given(config({ review: { schedule: 'monthly', graceDays: 30 } }));
    m.order(placed('o1', 1200, month(3)), at(month(3)));
    m.review(at('2027-05-01T04:00:00Z'));
    m.order(placed('o2', 1000, '2027-05-10T00:00:00Z'), at('2027-05-10T00:00:00Z'));
    expect(m.state.grace).toBeUndefined();
    expect(m.review(at('2027-05-31T04:00:00Z'))).toEqual({ kind: 'not-due' });
    expect(m.state.tier).toBe('silver');
  });

  it('on the membership anniversary when configured so (29 Feb members on 28 Feb)', () => {
    const cfg = config({ review: { schedule: 'anniversary', graceDays: 0 } });
    const m = given(cfg, '2024-02-29T04:00:00Z');
    expect(reviewPeriod(m.state, at('2025-02-27T04:00:00Z'), cfg)).toBeUndefined();
    expect(reviewPeriod(m.state, at('2025-02-28T04:00:00Z'), cfg)).toBe('2025-02-28');
    expect(reviewPeriod(m.state, at('2026-01-15T04:00:00Z'), cfg)).toBe('2025-02-28');
    expect(reviewPeriod(m.state, at('2028-03-01T04:00:00Z'), cfg)).toBe('2028-02-29');
  });
});
