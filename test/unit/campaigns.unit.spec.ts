import { describe, expect, it } from 'vitest';
import { loadCampaigns } from '../../shared/campaigns/load.js';
import { decideSend, occurrenceOf } from '../../shared/campaigns/decide.js';
import type { CustomerRiskChanged } from '../../shared/contracts/events.js';
import type { CustomerRecord } from '../../shared/domain/customer.js';

const winBack = (await loadCampaigns('campaigns')).find((c) => c.campaign.id === 'win-back');
const trigger: CustomerRiskChanged = {
  customerId: 'c1', from: 'active', to: 'at-risk', method: 'rule', daysSinceLastOrder: 70,
  lastOrderDay: '2026-03-01', runKey: 'r1', occurredAt: '2026-05-10T00:00:00Z',
};
const customer = (over: Partial<CustomerRecord> = {}, consent = true): CustomerRecord => ({
  customerId: 'c1',
  summary: { orders: 2, purchaseDays: 2, firstDay: '2026-01-01', lastDay: '2026-03-01', spend: 10, firstDaySpend: 5 },
  profile: { email: 'a@example.com', name: 'Ann', locale: 'zh-CN', timeZone: 'Asia/Shanghai', marketingConsent: consent, updatedAt: '2026-01-01T00:00:00Z' },
  ...over,
});

describe('win-back send decision', () => {
  it('sends in the customer locale when they consented', () => {
    expect(decideSend(winBack!, customer(), trigger)).toMatchObject({ kind: 'send', locale: 'zh-CN' });
  });
  it.each([
    ['no-consent', customer({}, false)],
    ['suppressed', customer({ suppressed: true })],
    ['no-profile', { customerId: 'c1', summary: customer().summary }],
    ['audience', customer({ summary: { ...customer().summary, lastDay: '2026-05-01' } })],
  ] as const)('skips with reason %s', (reason, c) => {
    expect(decideSend(winBack!, c as CustomerRecord, trigger)).toEqual({ kind: 'skip', reason });
  });
  it('keys the occurrence by level and last order day, not by sweep run', () => {
    expect(occurrenceOf(trigger)).toBe(occurrenceOf({ ...trigger, runKey: 'r2' }));
    expect(occurrenceOf(trigger)).not.toBe(occurrenceOf({ ...trigger, lastOrderDay: '2026-04-01' }));
  });
});
