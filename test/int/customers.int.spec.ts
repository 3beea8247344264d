/**
 * The customer read model through the real handlers: the tier loyalty grants reaches campaign
 * audiences (`audience.tiers`) and templates (`{{ customer.tier }}`), both on scheduled runs (which
 * scan the customers index) and in dispatch (which reads the customer as stored right before it sends);
 * and the profile itself, which an older customer.upserted delivered late never overwrites.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DetailType, ENGAGE_SOURCE, SHOP_SOURCE } from '../../shared/platform/contracts/events.js';
import { orderEvent, profileEvent } from '../support/events.js';
import { mailTo } from '../support/mail.js';
import { putRaw, systemForTest } from '../support/system.js';

const RUN = new Date('2026-12-01T02:00:00Z'); // 10:00 in Shanghai
let sys: Awaited<ReturnType<typeof systemForTest>>;
let gold: string;
let member: string;

const goldNews = `
id: gold-news
name: News for gold members
kind: marketing
trigger: { type: schedule, cron: "0 10 1 * *", timeZone: Asia/Shanghai }
audience: { tiers: [gold] }
templates:
  en:
    subject: "{{ customer.name }}, news for {{ customer.tier }} members"
    mjml: |
      <mjml><mj-body><mj-section><mj-column>
        <mj-text>Hello {{ customer.name }} ({{ customer.tier }}). {{ shop.name }} · {{ shop.address }} · <a href="{{ links.unsubscribe }}">Unsubscribe</a></mj-text>
      </mj-column></mj-section></mj-body></mjml>
    text: "Hello {{ customer.name }} ({{ customer.tier }}). {{ shop.name }} · {{ shop.address }} · {{ links.unsubscribe }}"
`;

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
  vi.setSystemTime(RUN);
  const dir = mkdtempSync(join(tmpdir(), 'engage-campaigns-'));
  writeFileSync(join(dir, 'gold-news.yaml'), goldNews);
  sys = await systemForTest({}, { campaignsDir: dir });
  gold = `gold-${sys.tag}`;
  member = `member-${sys.tag}`;
  // loyalty.yaml: gold from 8,000 of spend in the rolling 12 months.
  const big = orderEvent(gold, `${gold}-o1`, '2026-11-30T09:00:00Z', 9000);
  // Shanghai time zone: 10:00 at RUN, outside quiet hours.
  await putRaw(sys, [profileEvent(gold, { name: 'Grace Gold', timeZone: 'Asia/Shanghai' }), profileEvent(member, { name: 'Mo Member', timeZone: 'Asia/Shanghai' })]);
  await putRaw(sys, [big, orderEvent(member, `${member}-o1`, '2026-11-30T09:00:00Z', 100)]);
});
afterAll(async () => {
  await sys?.close();
  vi.useRealTimers();
});

describe('customer read model', () => {
  it('carries the tier loyalty granted, on direct reads and on scans of the customers index', async () => {
    expect(await sys.stores.customers.readCustomer(gold)).toMatchObject({ tier: 'gold', points: expect.any(Number) });
    const scanned = await sys.stores.customers.scanCustomers({ segment: 0, totalSegments: 1, limit: 100 });
    expect(scanned.customers.find((c) => c.customerId === gold)?.tier).toBe('gold');
    expect(scanned.customers.find((c) => c.customerId === member)?.tier).toBe('member');
  });

  it('lets a scheduled audience.tiers: [gold] campaign reach gold members only, with {{ customer.tier }} rendered', async () => {
    await sys.runScheduled('campaign-schedule', RUN, { campaignId: 'gold-news' });
    const mails = await mailTo(`${gold}@example.com`);
    expect(mails.map((m) => m.subject)).toEqual(['Grace Gold, news for gold members']);
    expect(mails[0]!.body?.text).toContain('(gold)');
    expect(await mailTo(`${member}@example.com`)).toHaveLength(0);
  });

  it('judges the tier in dispatch too: a send event for a non-gold member is skipped as out of audience', async () => {
    const later = new Date(RUN.getTime() + 3_600_000).toISOString();
    await putRaw(sys, [{ source: ENGAGE_SOURCE, detailType: DetailType.CampaignScheduledSend, detail: { campaignId: 'gold-news', customerId: member, scheduledTime: later } }]);
    expect(await mailTo(`${member}@example.com`)).toHaveLength(0);
    expect(await sys.stores.sends.listSends(member)).toEqual([expect.objectContaining({ campaignId: 'gold-news', status: 'skipped', reason: 'audience' })]);
  });
});

describe('profile updates through the local bus', () => {
  it('ignores an older customer.upserted that arrives after a newer one', async () => {
    const up = (name: string, occurredAt: string) => ({
      source: SHOP_SOURCE,
      detailType: DetailType.CustomerUpserted,
      detail: { customerId: 'prof-1', email: 'p1@example.com', name, locale: 'en', timeZone: 'Europe/London', marketingConsent: true, occurredAt },
    });
    await putRaw(sys, [up('New Name', '2026-05-02T00:00:00Z')]);
    await putRaw(sys, [up('Old Name', '2026-05-01T00:00:00Z')]);
    expect((await sys.stores.customers.getCustomer('prof-1'))?.profile?.name).toBe('New Name');
  });
});
