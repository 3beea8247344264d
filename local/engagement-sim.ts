/**
 * The SES emulator stores mail but reports nothing back. In AWS the configuration set publishes
 * each mail's delivery, opens and clicks to EventBridge; locally this stands in for the
 * recipients: for every sent mail it publishes SES-shaped events (the shape of SES's event
 * publishing, with the mail's own message tags) through the local bus to the same ses-feedback
 * handler, with the same routes. Deterministic for a seed: the same mails get the same events.
 * A mail is known by what it is (campaign, customer, occurrence), not by its message id, which
 * the SES emulator makes up afresh on every run.
 */
import { createHash } from 'node:crypto';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { paginateScan } from '@aws-sdk/lib-dynamodb';
import { customerPartitions } from './table.js';
import { DetailType, SES_SOURCE } from '../shared/platform/contracts/events.js';
import { customerIdOfPk, keys } from '../shared/platform/table/keys.js';
import { documentClient } from '../shared/platform/table/dynamodb.js';
import { encodeTag } from '../shared/mail/tags.js';
import type { LocalSystem } from './system.js';

export interface EngagementRates {
  delivered: number;
  /** Of delivered mails. */
  opened: number;
  /** Of opened mails. */
  clicked: number;
  /** Of delivered mails: a mail-security gateway follows the links seconds after delivery. */
  scanned: number;
}

/** Typical retail e-mail figures (opens inflated by privacy proxies, clicks a few percent). */
export const DEMO_RATES: EngagementRates = { delivered: 0.98, opened: 0.45, clicked: 0.25, scanned: 0.03 };

const BROWSER = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148';

/** A number in [0, 1) fixed by the seed, the mail and what is being decided. */
const draw = (seed: number, mail: MailIdentity, what: string) =>
  createHash('sha256').update(`${seed}\0${mail.campaignId}\0${mail.customerId}\0${mail.occurrence}\0${what}`).digest().readUInt32BE(0) / 2 ** 32;

export interface MailIdentity {
  campaignId: string;
  customerId: string;
  occurrence: string;
}

/** What the recipient of one mail does, and how long after sending it opens (ms). */
export interface Reaction {
  delivered: boolean;
  scanned: boolean;
  opened: boolean;
  clicked: boolean;
  openAfterMs: number;
}

export function reactionTo(seed: number, mail: MailIdentity, rates: EngagementRates = DEMO_RATES): Reaction {
  const d = (what: string) => draw(seed, mail, what);
  const delivered = d('delivered') < rates.delivered;
  const opened = delivered && d('opened') < rates.opened;
  return {
    delivered,
    scanned: delivered && d('scanned') < rates.scanned,
    opened,
    clicked: opened && d('clicked') < rates.clicked,
    openAfterMs: 60_000 + Math.floor(d('open-delay') * 6 * 3_600_000),
  };
}

export interface SentMail extends MailIdentity {
  messageId: string;
  sentAt: number;
}

/** The SES events one sent mail gets from its recipient (never later than `now`). */
export function feedbackFor(seed: number, sent: SentMail, now: Date, rates: EngagementRates = DEMO_RATES): { reaction: Reaction; events: Array<{ detailType: string; detail: unknown }> } {
  const r = reactionTo(seed, sent, rates);
  const mail = {
    messageId: sent.messageId,
    timestamp: new Date(sent.sentAt).toISOString(),
    tags: { campaign: [encodeTag(sent.campaignId)], customer: [encodeTag(sent.customerId)], occurrence: [encodeTag(sent.occurrence)] },
  };
  const at = (ms: number) => new Date(Math.min(sent.sentAt + ms, now.getTime())).toISOString();
  const events: Array<{ detailType: string; detail: unknown }> = [];
  if (r.delivered) events.push({ detailType: DetailType.SesDelivered, detail: { eventType: 'Delivery', mail, delivery: { timestamp: at(2_000) } } });
  if (r.scanned) events.push({ detailType: DetailType.SesClicked, detail: { eventType: 'Click', mail, click: { timestamp: at(4_000), link: 'https://shop.example.com/', userAgent: 'Mozilla/5.0 (compatible; SafeLinks scanner)' } } });
  if (r.opened) events.push({ detailType: DetailType.SesOpened, detail: { eventType: 'Open', mail, open: { timestamp: at(r.openAfterMs), userAgent: BROWSER } } });
  if (r.clicked) events.push({ detailType: DetailType.SesClicked, detail: { eventType: 'Click', mail, click: { timestamp: at(r.openAfterMs + 30_000), link: 'https://shop.example.com/', userAgent: BROWSER } } });
  return { reaction: r, events };
}

export interface SimulatedEngagement {
  mails: number;
  delivered: number;
  opened: number;
  clicked: number;
  scanned: number;
}

const SENT = { expression: '#st = :sent', names: { '#st': 'status' }, values: { ':sent': 'sent' } } as const;

/** The sent mails' send items: a Scan of the table, or (`customers`: who got mail) a Query of
 * each one's sends — at 100,000 customers the Scan reads a million items for the 5 % it keeps. */
async function* sentItems(sys: LocalSystem, customers?: readonly string[]): AsyncIterable<Record<string, unknown>> {
  const db = documentClient(sys.dynamodb);
  if (customers) return yield* customerPartitions(db, sys.tableName, customers, { skPrefix: keys.sendPrefix, filter: SENT });
  for await (const page of paginateScan({ client: db }, { TableName: sys.tableName, FilterExpression: `begins_with(sk, :s) AND ${SENT.expression}`, ExpressionAttributeNames: SENT.names, ExpressionAttributeValues: { ':s': keys.sendPrefix, ...SENT.values } })) yield* page.Items ?? [];
}

export async function simulateEngagement(sys: LocalSystem, opts: { seed: number; now: Date; rates?: EngagementRates; customers?: readonly string[] }): Promise<SimulatedEngagement> {
  const rates = opts.rates ?? DEMO_RATES;
  const entries: Array<{ detailType: string; detail: unknown }> = [];
  const tally: SimulatedEngagement = { mails: 0, delivered: 0, opened: 0, clicked: 0, scanned: 0 };
  for await (const item of sentItems(sys, opts.customers)) {
    const messageId = String(item.messageId ?? '');
    if (!messageId) continue;
    tally.mails++;
    const sent = { messageId, sentAt: Date.parse(String(item.at)), campaignId: String(item.campaignId), customerId: customerIdOfPk(String(item.pk)), occurrence: String(item.occurrence) };
    const { reaction: r, events } = feedbackFor(opts.seed, sent, opts.now, rates);
    entries.push(...events);
    if (r.delivered) tally.delivered++;
    if (r.scanned) tally.scanned++;
    if (r.opened) tally.opened++;
    if (r.clicked) tally.clicked++;
  }
  for (let i = 0; i < entries.length; i += 10) {
    await sys.eventBridge.send(
      new PutEventsCommand({ Entries: entries.slice(i, i + 10).map((e) => ({ EventBusName: sys.settings.eventBusName, Source: SES_SOURCE, DetailType: e.detailType, Detail: JSON.stringify(e.detail) })) }),
    );
  }
  await sys.bus.idle();
  return tally;
}
