import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CustomerFacts } from '../../../shared/campaigns/audience.js';
import { matchesAudience } from '../../../shared/campaigns/audience.js';
import { decideCap, decideDelivery, holdoutBucket, isHoldout, nextAllowedTime, type DeliveryInput } from '../../../shared/campaigns/policy.js';
import { Campaign, type CampaignInput } from '../../../shared/campaigns/schema.js';
import { resolveTimeZone, zonedInstant } from '../../../shared/platform/time.js';

const at = (iso: string) => new Date(iso);
const iso = (d: Date) => d.toISOString();

describe('decideCap', () => {
  const now = at('2026-05-10T12:00:00Z');
  it('allows the first marketing mail', () => expect(decideCap([], now)).toEqual({ kind: 'ok' }));
  it('counts a mail stamped a moment after now (another attempt marked it sending with a later clock read)', () => {
    const later = new Date(now.getTime() + 20).toISOString();
    expect(decideCap([{ at: later, kind: 'marketing' }], now)).toMatchObject({ kind: 'capped' });
  });
  it('caps within 16 h of the last marketing mail, until 16 h after it', () => {
    expect(decideCap([{ at: '2026-05-10T02:00:00Z', kind: 'marketing' }], now)).toEqual({ kind: 'capped', until: at('2026-05-10T18:00:00Z') });
  });
  it('allows again exactly 16 h later', () => expect(decideCap([{ at: '2026-05-09T20:00:00Z', kind: 'marketing' }], now)).toEqual({ kind: 'ok' }));
  it('ignores transactional mail', () => expect(decideCap([{ at: '2026-05-10T11:00:00Z', kind: 'transactional' }], now)).toEqual({ kind: 'ok' }));
  it('caps at 3 per 7 days until the oldest counted send leaves the window', () => {
    const h = ['2026-05-04T09:00:00Z', '2026-05-06T09:00:00Z', '2026-05-08T09:00:00Z'].map((a) => ({ at: a, kind: 'marketing' as const }));
    expect(decideCap(h, now)).toEqual({ kind: 'capped', until: at('2026-05-11T09:00:00Z') });
    expect(decideCap(h.slice(1), now)).toEqual({ kind: 'ok' });
    expect(decideCap([{ at: '2026-05-03T09:00:00Z', kind: 'marketing' }, ...h.slice(1)], now)).toEqual({ kind: 'ok' });
  });
  it('honours a configured cap', () => {
    expect(decideCap([{ at: '2026-05-09T13:00:00Z', kind: 'marketing' }], now, { minGapHours: 24, windowDays: 7, maxInWindow: 5 })).toMatchObject({ kind: 'capped' });
  });
});

describe('nextAllowedTime (quiet 21:00–08:00 in the customer zone)', () => {
  it.each([
    ['Asia/Shanghai, 22:00 local → 08:00 next day', '2026-05-10T14:00:00Z', 'Asia/Shanghai', '2026-05-11T00:00:00Z'],
    ['Asia/Shanghai, 03:00 local → 08:00 same day', '2026-05-10T19:00:00Z', 'Asia/Shanghai', '2026-05-11T00:00:00Z'],
    ['Asia/Shanghai, 08:00 local is allowed', '2026-05-11T00:00:00Z', 'Asia/Shanghai', '2026-05-11T00:00:00Z'],
    ['Asia/Shanghai, 20:59 local is allowed', '2026-05-10T12:59:00Z', 'Asia/Shanghai', '2026-05-10T12:59:00Z'],
    ['New York, night before spring-forward → 08:00 EDT', '2026-03-08T04:00:00Z', 'America/New_York', '2026-03-08T12:00:00Z'],
    ['New York, night before fall-back → 08:00 EST', '2026-11-01T02:00:00Z', 'America/New_York', '2026-11-01T13:00:00Z'],
    ['London, night BST ends → 08:00 GMT', '2026-10-24T21:30:00Z', 'Europe/London', '2026-10-25T08:00:00Z'],
    ['London in summer → 08:00 BST', '2026-07-01T22:00:00Z', 'Europe/London', '2026-07-02T07:00:00Z'],
  ])('%s', (_, now, tz, expected) => expect(nextAllowedTime(at(now), tz)).toEqual(at(expected)));
  it('handles a window that does not cross midnight', () => {
    expect(iso(nextAllowedTime(at('2026-05-10T05:00:00Z'), 'Asia/Shanghai', { start: '12:00', end: '14:00' }))).toBe('2026-05-10T06:00:00.000Z');
  });
  it('"off" never defers', () => expect(nextAllowedTime(at('2026-05-10T14:00:00Z'), 'Asia/Shanghai', 'off')).toEqual(at('2026-05-10T14:00:00Z')));
  it('a quiet end inside a DST gap moves forward by the gap', () => {
    expect(iso(zonedInstant({ year: 2026, month: 3, day: 8, hour: 2, minute: 30 }, 'America/New_York'))).toBe('2026-03-08T07:30:00.000Z');
  });
  it('falls back customer zone → shop zone → UTC', () => {
    expect(resolveTimeZone('Not/AZone', 'Europe/London')).toBe('Europe/London');
    expect(resolveTimeZone(undefined, undefined)).toBe('UTC');
  });
});

describe('holdout', () => {
  it('is stable for a (campaign, customer)', () => {
    fc.assert(fc.property(fc.string(), fc.string(), (c, u) => holdoutBucket(c, u) === holdoutBucket(c, u) && holdoutBucket(c, u) >= 0 && holdoutBucket(c, u) < 100));
  });
  it('holds out about `percent` of customers', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.string({ minLength: 1, maxLength: 12 }), (percent, campaign) => {
        const n = 4000;
        let held = 0;
        for (let i = 0; i < n; i++) if (isHoldout(campaign, `cus-${i}`, percent)) held++;
        // ±4.5 standard deviations of a binomial share.
        return Math.abs(held / n - percent / 100) <= 4.5 * Math.sqrt((percent / 100) * (1 - percent / 100) / n);
      }),
      { numRuns: 20 },
    );
  });
  it('is nested: a customer held out at 5 % is held out at 10 %', () => {
    fc.assert(fc.property(fc.string(), (u) => !isHoldout('win-back', u, 5) || isHoldout('win-back', u, 10)));
  });
  it('0 % holds out nobody', () => fc.assert(fc.property(fc.string(), (u) => !isHoldout('x', u, 0))));
});

const campaign = (over: Partial<CampaignInput> = {}): Campaign =>
  Campaign.parse({
    id: 'offer', name: 'Offer', trigger: { type: 'schedule', cron: '0 10 * * 1' },
    templates: { en: { subject: 's', mjml: '<mjml></mjml>', text: 't' } }, ...over,
  });
const facts = (over: Partial<CustomerFacts> = {}): CustomerFacts => ({
  customerId: 'cus-1', locale: 'zh-CN', timeZone: 'Asia/Shanghai', consent: true, suppressed: false, orders: 3, tags: [], ...over,
});
const noon = at('2026-05-10T04:00:00Z'); // 12:00 in Shanghai
const deliver = (over: Partial<DeliveryInput> = {}) => decideDelivery({ campaign: campaign(), facts: facts(), history: [], now: noon, ...over });

describe('decideDelivery', () => {
  it('sends now, in the fallback locale when the customer locale has no template', () => {
    expect(deliver()).toEqual({ decision: 'send', locale: 'en', at: noon });
  });
  it('checks suppression before consent, and consent before audience', () => {
    const c = campaign({ audience: { orders: { min: 10 } } });
    expect(deliver({ campaign: c, facts: facts({ suppressed: true, consent: false }) })).toMatchObject({ reason: 'suppressed' });
    expect(deliver({ campaign: c, facts: facts({ consent: false }) })).toMatchObject({ reason: 'no-consent' });
    expect(deliver({ campaign: c })).toEqual({ decision: 'skip', reason: 'audience', detail: 'orders' });
  });
  it('lets transactional mail through without consent, cap or quiet hours', () => {
    const c = campaign({ kind: 'transactional', audience: { requiresConsent: false } });
    const night = at('2026-05-10T15:00:00Z');
    expect(deliver({ campaign: c, facts: facts({ consent: false, suppressed: true }), now: night, history: [{ at: iso(night), kind: 'marketing' }] })).toMatchObject({ decision: 'send' });
  });
  it('exits when the customer ordered since entering', () => {
    const c = campaign({ exit: { orderedSinceEntry: true } });
    expect(deliver({ campaign: c, facts: facts({ lastOrderDay: '2026-05-09' }), entry: { lastOrderDay: '2026-03-01' } })).toMatchObject({ reason: 'exited' });
    expect(deliver({ campaign: c, facts: facts({ lastOrderDay: '2026-03-01' }), entry: { lastOrderDay: '2026-03-01' } })).toMatchObject({ decision: 'send' });
  });
  it('holds out before the cap, so control membership ignores other mail', () => {
    const held = Array.from({ length: 200 }, (_, i) => `cus-${i}`).find((id) => isHoldout('offer', id, 50))!;
    const c = campaign({ holdoutPercent: 50 });
    expect(deliver({ campaign: c, facts: facts({ customerId: held }), history: [{ at: iso(noon), kind: 'marketing' }] })).toEqual({ decision: 'skip', reason: 'holdout' });
  });
  it('skips or defers a capped mail per campaign, deferring past quiet hours', () => {
    const history = [{ at: '2026-05-10T00:00:00Z', kind: 'marketing' as const }]; // cap until 16:00Z = 00:00 Shanghai
    expect(deliver({ history })).toMatchObject({ decision: 'skip', reason: 'capped' });
    expect(deliver({ campaign: campaign({ onCapped: 'defer' }), history })).toEqual({ decision: 'defer', locale: 'en', until: at('2026-05-11T00:00:00Z'), reason: 'capped' });
  });
  it('defers marketing mail in quiet hours to 08:00 local, with the shop zone as fallback', () => {
    const night = at('2026-05-10T14:00:00Z');
    expect(deliver({ now: night })).toMatchObject({ decision: 'defer', reason: 'quiet-hours', until: at('2026-05-11T00:00:00Z') });
    expect(deliver({ now: night, facts: facts({ timeZone: undefined }), shop: { timeZone: 'Europe/London' } })).toMatchObject({ decision: 'send' });
  });
  it('a campaign can turn quiet hours off', () => {
    expect(deliver({ now: at('2026-05-10T14:00:00Z'), campaign: campaign({ quietHours: 'off' }) })).toMatchObject({ decision: 'send' });
  });
});

describe('matchesAudience', () => {
  const now = at('2026-05-10T00:00:00Z');
  it.each([
    [{ riskLevels: ['at-risk'] as const }, facts({ riskLevel: 'active' }), 'riskLevels'],
    [{ segments: ['Champions'] }, facts(), 'segments'],
    [{ clv: { min: 100 } }, facts(), 'clv'],
    [{ daysSinceLastOrder: { min: 60 } }, facts({ lastOrderDay: '2026-04-01' }), 'daysSinceLastOrder'],
    [{ tiers: ['gold'] }, facts({ tier: 'silver' }), 'tiers'],
    [{ locales: ['en'] as const }, facts(), 'locales'],
    [{ tags: { any: ['a', 'b'] } }, facts({ tags: ['c'] }), 'tags.any'],
    [{ tags: { all: ['a', 'b'] } }, facts({ tags: ['a'] }), 'tags.all'],
    [{ tags: { none: ['vip'] } }, facts({ tags: ['vip'] }), 'tags.none'],
    [{ requiresConsent: true }, facts({ consent: false }), 'no-consent'],
  ])('rejects %o with the failing filter', (audience, f, reason) => {
    expect(matchesAudience(audience as never, f, now)).toEqual({ ok: false, reason });
  });
  it('accepts a customer matching every filter', () => {
    const f = facts({ riskLevel: 'at-risk', segment: 'At Risk', clv: 150, tier: 'gold', tags: ['a', 'b'], lastOrderDay: '2026-03-01' });
    expect(matchesAudience({ riskLevels: ['at-risk'], segments: ['At Risk'], clv: { min: 100, max: 200 }, orders: { min: 2 }, daysSinceLastOrder: { min: 60, max: 90 }, tiers: ['gold'], locales: ['zh-CN'], tags: { any: ['a'], all: ['a', 'b'] } }, f, now)).toEqual({ ok: true });
  });
});
