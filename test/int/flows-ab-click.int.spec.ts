/**
 * An A/B split judged by clicks, through the real handlers: each variant's mail goes out, SES
 * click events reach ses-feedback (which counts unique human clicks per campaign), and once the
 * counters show a winner new entrants get it; the report shows the clicks as the variants' successes.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DetailType, SHOP_SOURCE } from '../../shared/platform/contracts/events.js';
import { encodeTag } from '../../shared/mail/tags.js';
import { loadCampaignDir } from '../../shared/campaigns/load.js';
import { readFlowReports } from '../../shared/reports/flows.js';
import { putRaw, systemForTest, type TestSystem } from '../support/system.js';
import { profileEvent } from '../support/events.js';

const NOW = new Date('2026-11-20T10:00:00Z'); // 10:00 in London: outside quiet hours
const browser = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 Version/17.0 Safari/605.1.15';

const mail = (id: string, subject: string) => `  - id: ${id}
    type: send
    templates:
      en:
        subject: "${subject}"
        mjml: |
          <mjml><mj-body><mj-section><mj-column>
            <mj-text><a href="https://shop.example.com/">Shop</a> {{ shop.address }} <a href="{{ links.unsubscribe }}">Unsubscribe</a></mj-text>
          </mj-column></mj-section></mj-body></mjml>
        text: |
          https://shop.example.com/ {{ shop.address }} Unsubscribe: {{ links.unsubscribe }}
    next: end
`;
const FLOW = `id: click-test
name: Subject line test
kind: marketing
trigger: { type: checkout-started }
fallbackLocale: en
steps:
  - id: subject
    type: ab-split
    metric: click
    minRecipients: 2
    variants:
      - { id: plain, next: mail-plain }
      - { id: bold, next: mail-bold }
${mail('mail-plain', 'Your basket')}${mail('mail-bold', 'Still yours: your basket')}`;

const checkout = (customerId: string, at: Date) => ({
  source: SHOP_SOURCE,
  detailType: DetailType.CheckoutStarted,
  detail: { checkoutId: `k-${customerId}`, customerId, lines: [{ sku: 'TEA', title: 'Tea', price: 20, quantity: 1 }], total: 20, currency: 'CNY', occurredAt: at.toISOString() },
});
const clicked = (campaign: string, customer: string, occurrence: string, sentAt: string) => ({
  source: 'aws.ses',
  detailType: DetailType.SesClicked,
  detail: {
    eventType: 'Click',
    mail: { messageId: 'm', timestamp: sentAt, tags: { campaign: [encodeTag(campaign)], customer: [encodeTag(customer)], occurrence: [encodeTag(occurrence)] } },
    // Ten minutes after the send: a person, not a link scanner.
    click: { timestamp: new Date(Date.parse(sentAt) + 600_000).toISOString(), link: 'https://shop.example.com/', userAgent: browser },
  },
});

let sys: TestSystem;
let dir: string;
beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
  vi.setSystemTime(NOW);
  dir = mkdtempSync(join(tmpdir(), 'engage-click-flow-'));
  writeFileSync(join(dir, 'click-test.yaml'), FLOW);
  sys = await systemForTest({}, { campaignsDir: dir });
});
afterAll(async () => {
  await sys?.close();
  vi.useRealTimers();
});

const variantOf = async (id: string) => (await sys.stores.flows.getEntry(id, 'click-test', `checkout:k-${id}`))?.variants?.subject;

describe('an A/B split judged by clicks', () => {
  it('counts the clicks of each variant\'s mail and gives new entrants the variant that is clicked', async () => {
    // Given ten shoppers through the split (fixed ids: the assignment is a hash of them)
    const first = Array.from({ length: 10 }, (_, i) => `abk-${i}`);
    for (const id of first) await putRaw(sys, [profileEvent(id), checkout(id, NOW)]);
    await sys.bus.idle();
    const assigned = new Map<string, string>();
    for (const id of first) assigned.set(id, (await variantOf(id))!);
    expect(new Set(assigned.values())).toEqual(new Set(['plain', 'bold']));
    // When every recipient of "bold" clicks its mail (each click delivered twice), and nobody else
    for (const [id, variant] of assigned) {
      if (variant !== 'bold') continue;
      const send = (await sys.stores.sends.listSends(id)).find((s) => s.campaignId === 'click-test--mail-bold')!;
      expect(send.status).toBe('sent');
      const click = clicked(send.campaignId, id, send.occurrence, send.at);
      await putRaw(sys, [click, click]);
    }
    await sys.bus.idle();
    // Then the report counts one click per recipient of bold, none for plain, and names bold the winner
    const bold = [...assigned.values()].filter((v) => v === 'bold').length;
    const [report] = await readFlowReports((await loadCampaignDir(dir, { templates: false })).flows, sys.stores.flows);
    const split = report!.abSplits[0]!;
    expect(split.metric).toBe('click');
    expect(split.variants.map((v) => [v.id, v.recipients, v.successes])).toEqual([['plain', 10 - bold, 0], ['bold', bold, bold]]);
    expect(split.winner).toBe('bold');
    // And new entrants (after the runner's one-minute cache of the counters) all get bold
    const later = new Date(NOW.getTime() + 5 * 60_000);
    vi.setSystemTime(later);
    const next = Array.from({ length: 4 }, (_, i) => `abk-new-${i}`);
    for (const id of next) await putRaw(sys, [profileEvent(id), checkout(id, later)]);
    await sys.bus.idle();
    for (const id of next) expect(await variantOf(id)).toBe('bold');
  });
});
