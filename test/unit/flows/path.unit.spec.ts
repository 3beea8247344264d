/** `engage campaigns path`: the steps a customer would take, when, and why (the runner's own decision). */
import { describe, expect, it } from 'vitest';
import { flowPath } from '../../../shared/flows/path.js';
import { Flow } from '../../../shared/flows/schema.js';
import type { CustomerView } from '../../../shared/customers/view.js';
import { emptySummary } from '../../../shared/orders/decide.js';

const t = { subject: 's', mjml: '<mjml><mj-body></mj-body></mjml>', text: 't' };
const flow = Flow.parse({
  id: 'vip-checkout', name: 'F', trigger: { type: 'checkout-started' },
  steps: [
    { id: 'wait', type: 'wait', for: { hours: 1 } },
    { id: 'gold', type: 'split', when: { tiers: ['gold'] }, then: 'vip', else: 'end' },
    { id: 'vip', type: 'send', templates: { en: t } },
  ],
});
const customer = (tier?: string): CustomerView => ({
  customerId: 'c1', summary: emptySummary(), ...(tier ? { tier } : {}),
  profile: { email: 'c@example.com', name: 'Ada', locale: 'en', timeZone: 'Europe/London', marketingConsent: true, updatedAt: '2026-01-01T00:00:00Z' },
});
const NOW = new Date('2026-11-20T10:00:00Z');

describe('flow path', () => {
  it('walks waits, splits and sends for a gold customer', () => {
    expect(flowPath(flow, customer('gold'), NOW).map((p) => [p.at, p.step, p.what.split(' (')[0]])).toEqual([
      ['2026-11-20T10:00:00.000Z', 'wait', 'waits until 2026-11-20T11:00:00.000Z'],
      ['2026-11-20T11:00:00.000Z', 'gold', 'split: the condition holds → vip'],
      ['2026-11-20T11:00:00.000Z', 'vip', 'sends "vip"'],
      ['2026-11-20T11:00:00.000Z', 'end', 'done'],
    ]);
  });
  it('says why another customer ends early, and who never enters', () => {
    expect(flowPath(flow, customer(), NOW).map((p) => p.what).at(-2)).toBe('split: the condition does not hold → end');
    const noConsent = { ...customer(), profile: { ...customer().profile!, marketingConsent: false } };
    expect(flowPath(flow, noConsent, NOW)).toEqual([{ at: NOW.toISOString(), step: '(entry)', what: 'does not enter: audience filter no-consent' }]);
  });
});
