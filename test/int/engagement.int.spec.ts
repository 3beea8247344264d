/**
 * Engagement tracking through the real campaign-dispatch and ses-feedback handlers: SES's
 * delivery, open and click events come back to the send they are about (its message tags), are
 * recorded on it and counted once for the campaign's day, however often SES repeats them;
 * link-scanner clicks are flagged, not counted; the unsubscribe link is not click-tracked.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DynamoEngagementStore } from '../../shared/engagement/dynamodb.js';
import { DetailType } from '../../shared/platform/contracts/events.js';
import { encodeTag } from '../../shared/mail/tags.js';
import { keys } from '../../shared/platform/table/keys.js';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../shared/platform/table/dynamodb.js';
import { countingClient } from '../support/counting.js';
import { putRaw, systemForTest, type TestSystem } from '../support/system.js';
import { mailTo } from '../support/mail.js';
import { driftingShopper, mailable, NOW } from '../support/win-back.js';
import { simulateEngagement } from '../../local/engagement-sim.js';

let sys: TestSystem;
let id: string;
let occurrence: string;
let sentAt: number;

const sesEvent = (detailType: string, eventType: string, body: Record<string, unknown>, tagsOf = { campaign: 'win-back', customer: id, occurrence }) => ({
  source: 'aws.ses',
  detailType,
  detail: {
    eventType,
    mail: { messageId: 'm', timestamp: new Date(sentAt).toISOString(), tags: Object.fromEntries(Object.entries(tagsOf).map(([k, v]) => [k, [encodeTag(v)]])) },
    ...body,
  },
});
const after = (seconds: number) => new Date(sentAt + seconds * 1000).toISOString();
const browser = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 Version/17.0 Safari/605.1.15';
const delivered = () => sesEvent(DetailType.SesDelivered, 'Delivery', { delivery: { timestamp: after(2) } });
const opened = () => sesEvent(DetailType.SesOpened, 'Open', { open: { timestamp: after(600), userAgent: browser } });
const clicked = (seconds: number, link = 'https://shop.example.com/') => sesEvent(DetailType.SesClicked, 'Click', { click: { timestamp: after(seconds), link, userAgent: browser } });

beforeAll(async () => {
  vi.setSystemTime(NOW);
  sys = await systemForTest();
  id = mailable(`eng-${sys.tag}-`);
  await putRaw(sys, driftingShopper(id));
  await sys.sweep(NOW);
  const send = (await sys.stores.sends.listSends(id)).find((r) => r.campaignId === 'win-back');
  expect(send).toMatchObject({ campaignId: 'win-back', status: 'sent' });
  occurrence = send!.occurrence;
  sentAt = Date.parse(send!.at);
});
afterAll(() => sys?.close());

const item = async (key: { pk: string; sk: string }) => (await documentClient(sys.dynamodb).send(new GetCommand({ TableName: sys.tableName, Key: key }))).Item!;
const sendItem = () => item(keys.send(id, 'win-back', occurrence));
const today = () => sys.stores.engagement.campaignDays('win-back', NOW.toISOString().slice(0, 10), NOW.toISOString().slice(0, 10));

describe('engagement of one send', () => {
  it('the mail carries the send key in its tags and its unsubscribe link is not click-tracked', async () => {
    const [mail] = await mailTo(`${id}@example.com`);
    const unsubscribeAnchors = [...(mail?.body?.html ?? '').matchAll(/<a [^>]*href="[^"]*\/u\/[^"]*"[^>]*>/g)].map((m) => m[0]);
    expect(unsubscribeAnchors.length).toBeGreaterThan(0);
    for (const a of unsubscribeAnchors) expect(a).toContain('ses:no-track');
  });

  it('counts a delivery, an open and a click once each, however often SES repeats them, and remembers the last click', async () => {
    // When SES reports each fact twice, one delivery of the pair racing the other
    await putRaw(sys, [delivered(), delivered(), opened(), opened(), clicked(120), clicked(120)]);
    // And a later click on another link of the same mail
    await putRaw(sys, [clicked(900, 'https://shop.example.com/new')]);
    // Then the send holds each fact's first time and the day counts one of each
    expect(await sendItem()).toMatchObject({ deliveredAt: after(2), openedAt: after(600), clickedAt: after(120) });
    expect(await today()).toEqual([{ day: NOW.toISOString().slice(0, 10), counts: { delivered: 1, opened: 1, clicked: 1 } }]);
    // And the customer's last touch is the latest click
    expect(await item(keys.customer(id))).toMatchObject({ lastClick: { campaignId: 'win-back', occurrence, at: after(900) } });
    expect(sys.bus.deadLetters).toEqual([]);
  });

  it('flags a click seconds after delivery (a link scanner) without counting it or moving the last touch', async () => {
    const other = mailable(`eng2-${sys.tag}-`);
    await putRaw(sys, driftingShopper(other));
    // A later scheduled time: a bulk run fired again for the same time is the same run.
    await sys.sweep(new Date(NOW.getTime() + 60_000));
    const send = (await sys.stores.sends.listSends(other)).find((r) => r.campaignId === 'win-back');
    const scan = sesEvent(DetailType.SesClicked, 'Click', { click: { timestamp: new Date(Date.parse(send!.at) + 3000).toISOString(), link: 'https://shop.example.com/', userAgent: browser } }, { campaign: 'win-back', customer: other, occurrence: send!.occurrence });
    const before = (await today())[0]!.counts;
    await putRaw(sys, [scan, scan]);
    const counts = (await today())[0]!.counts;
    expect(counts.clicked).toBe(before.clicked);
    expect(counts.machineClicked).toBe(1);
    expect(await item(keys.customer(other))).not.toHaveProperty('lastClick');
  });

  it('an event for a send that does not exist (erased, expired, forged) writes nothing', async () => {
    const before = await today();
    await putRaw(sys, [sesEvent(DetailType.SesOpened, 'Open', { open: { timestamp: after(60) } }, { campaign: 'win-back', customer: id, occurrence: 'no-such-occurrence' })]);
    expect(await today()).toEqual(before);
  });
});

describe('the local stand-in for SES event publishing (the demo)', () => {
  it('publishes deliveries, opens and clicks of every sent mail through the real handler, the same for a seed, and a re-run counts nothing twice', async () => {
    const local = await systemForTest();
    try {
      const ids = Array.from({ length: 6 }, (_, i) => mailable(`sim${i}-${local.tag}-`));
      await putRaw(local, ids.flatMap((c) => driftingShopper(c)));
      await local.sweep(NOW);
      const first = await simulateEngagement(local, { seed: 7, now: new Date(NOW.getTime() + 86_400_000) });
      expect(first.mails).toBe(6);
      const day = NOW.toISOString().slice(0, 10);
      const counted = async () => (await local.stores.engagement.campaignDays('win-back', day, '2026-11-21')).reduce((sum, d) => {
        for (const [k, v] of Object.entries(d.counts)) sum[k] = (sum[k] ?? 0) + v;
        return sum;
      }, {} as Record<string, number>);
      const after = await counted();
      expect(after).toEqual(Object.fromEntries(Object.entries({ delivered: first.delivered, opened: first.opened, clicked: first.clicked, machineClicked: first.scanned }).filter(([, v]) => v > 0)));
      // The same seed draws the same events (the sends found by customer this time, as the demo
      // does, not by a Scan); recorded facts are not counted again
      expect(await simulateEngagement(local, { seed: 7, now: new Date(NOW.getTime() + 86_400_000), customers: ids })).toEqual(first);
      expect(await counted()).toEqual(after);
      expect(local.bus.deadLetters).toEqual([]);
    } finally {
      await local.close();
    }
  });
});

describe('facts of one batch', () => {
  it('are written in one transaction with one counter per campaign and day; a repeat among them stays a repeat, the others are recorded', async () => {
    const ids = Array.from({ length: 6 }, (_, i) => `batch${i}-${sys.tag}`);
    const at = '2026-11-20T10:00:00.000Z';
    for (const c of ids) await sys.stores.sends.completeSend(c, { campaignId: 'batch-test', occurrence: 'o1', kind: 'marketing', status: 'sent', at, messageId: `m-${c}` });
    const { client, sent: transactions } = await countingClient(sys);
    const store = new DynamoEngagementStore(documentClient(client), sys.tableName);
    const fact = (customerId: string, counter: 'delivered' | 'opened') => ({ customerId, campaignId: 'batch-test', occurrence: 'o1', counter, at: '2026-11-20T10:00:05.000Z' });
    // Given five deliveries recorded in the same turn (the records of one SQS batch)
    expect(await Promise.all(ids.slice(0, 5).map((c) => store.recordFact(fact(c, 'delivered'))))).toEqual(Array(5).fill('recorded'));
    expect(transactions()).toBe(1);
    // When a batch repeats one of them beside a new delivery and two opens
    const second = await Promise.all([store.recordFact(fact(ids[0]!, 'delivered')), store.recordFact(fact(ids[5]!, 'delivered')), store.recordFact(fact(ids[1]!, 'opened')), store.recordFact(fact(ids[2]!, 'opened'))]);
    // Then the repeat is a repeat and the rest is recorded, each counted once
    expect(second).toEqual(['repeat', 'recorded', 'recorded', 'recorded']);
    const days = await sys.stores.engagement.campaignDays('batch-test', '2026-11-20', '2026-11-20');
    expect(days.map((d) => d.counts)).toEqual([{ delivered: 6, opened: 2 }]);
    client.destroy();
  });
});
