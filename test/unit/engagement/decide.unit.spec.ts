import { describe, expect, it } from 'vitest';
import { DEFAULT_ENGAGEMENT_RULES, engagementOf, judgeClick, type EngagementFact } from '../../../shared/engagement/decide.js';
import { SesEmailEvent } from '../../../shared/platform/contracts/events.js';
import { encodeTag } from '../../../shared/mail/tags.js';
import { withoutTracking } from '../../../shared/mail/no-track.js';

const tags = { campaign: [encodeTag('win-back')], customer: [encodeTag('c.1')], occurrence: [encodeTag('at-risk:2026-09-01')] };
const ses = (eventType: string, extra: Record<string, unknown> = {}, t: Record<string, string[]> = tags) =>
  SesEmailEvent.parse({ eventType, mail: { messageId: 'm-1', timestamp: '2026-11-20T10:00:00Z', tags: t }, ...extra });

describe('engagementOf: the fact an SES event states about one Engage send', () => {
  it.each([
    ['Delivery', { delivery: { timestamp: '2026-11-20T10:00:03Z' } }, 'delivered', '2026-11-20T10:00:03.000Z'],
    ['Open', { open: { timestamp: '2026-11-20T12:00:00+08:00', userAgent: 'Mozilla/5.0' } }, 'opened', '2026-11-20T04:00:00.000Z'],
    ['Click', { click: { timestamp: '2026-11-20T11:00:00Z', link: 'https://shop.example.com/', userAgent: 'Mozilla/5.0' } }, 'clicked', '2026-11-20T11:00:00.000Z'],
    ['Bounce', { bounce: { bounceType: 'Permanent' } }, 'bounced', '2026-11-20T10:00:00.000Z'],
    ['Complaint', { complaint: {} }, 'complained', '2026-11-20T10:00:00.000Z'],
  ])('given a %s event, it states %s at its own time (as an instant)', (eventType, extra, kind, at) => {
    const found = engagementOf(ses(eventType, extra));
    expect(found).toMatchObject({ fact: { kind, customerId: 'c.1', campaignId: 'win-back', occurrence: 'at-risk:2026-09-01' } });
    expect('fact' in found && found.fact.at.toISOString()).toBe(at);
  });

  it('states nothing for a transient bounce, a delay, or mail without the send tags', () => {
    expect(engagementOf(ses('Bounce', { bounce: { bounceType: 'Transient' } }))).toEqual({ none: 'transient bounce' });
    expect(engagementOf(ses('DeliveryDelay'))).toEqual({ none: 'deliverydelay' });
    const { occurrence: _dropped, ...older } = tags;
    expect(engagementOf(ses('Open', { open: { timestamp: '2026-11-20T11:00:00Z' } }, older))).toHaveProperty('none');
  });
});

describe('judgeClick: a person, or a link scanner', () => {
  const click = (at: string, userAgent = 'Mozilla/5.0 (iPhone)'): EngagementFact => ({
    kind: 'clicked', customerId: 'c', campaignId: 'w', occurrence: 'o', at: new Date(at), userAgent,
  });
  const delivered = new Date('2026-11-20T10:00:00Z');

  it('given a click seconds after delivery, it is a machine click', () => {
    expect(judgeClick(click('2026-11-20T10:00:04Z'), delivered, DEFAULT_ENGAGEMENT_RULES)).toEqual({ counted: false, reason: 'too-fast' });
  });
  it('given a scanner user agent, it is a machine click however late', () => {
    expect(judgeClick(click('2026-11-21T10:00:00Z', 'Mozilla/5.0 (compatible; Barracuda Sentinel)'), delivered, DEFAULT_ENGAGEMENT_RULES)).toEqual({ counted: false, reason: 'scanner-agent' });
  });
  it('given a browser a minute after delivery, it counts', () => {
    expect(judgeClick(click('2026-11-20T10:01:00Z'), delivered, DEFAULT_ENGAGEMENT_RULES)).toEqual({ counted: true });
  });
  it('honours the configured threshold', () => {
    expect(judgeClick(click('2026-11-20T10:00:30Z'), delivered, { botClickSeconds: 60 })).toEqual({ counted: false, reason: 'too-fast' });
  });
});

describe('withoutTracking: the unsubscribe link is never rewritten by SES', () => {
  const unsubscribe = 'https://links.example.com/u/tok?x=1&l=en';
  const html = `<p><a href="https://shop.example.com/">Shop</a> <a href="${unsubscribe.replace('&', '&amp;')}" style="color:#777">Unsubscribe</a></p>`;

  it('marks only the anchors that point at the given links, once', () => {
    const out = withoutTracking(html, [unsubscribe]);
    expect(out).toContain('<a ses:no-track href="https://links.example.com/u/tok?x=1&amp;l=en" style="color:#777">');
    expect(out).toContain('<a href="https://shop.example.com/">');
    expect(withoutTracking(out, [unsubscribe])).toBe(out);
  });
});
