/**
 * A scheduled campaign run (newsletter, offer to a segment): every stored customer whose facts
 * match the campaign's audience gets a `campaign.scheduled-send`; dispatch then applies the full
 * policy and sends once per (campaign, customer, run). The audience check here only saves events.
 * One invocation scans the base: fine for tens of thousands of customers; beyond that the run
 * should fan out over scan segments like the sweep does.
 */
import { audienceOf, matchesAudience } from './audience.js';
import type { CompiledCampaign } from './render.js';
import { requiresConsent } from './schema.js';
import { DetailType, type OutgoingEvent } from '../platform/contracts/events.js';
import type { EventPublisher } from '../platform/ports.js';
import type { CustomerStore } from '../customers/port.js';
import { factsOf } from '../customers/facts.js';
import { forEachCustomerPage } from '../customers/scan.js';

export type ScheduledRunOutcome = { kind: 'published'; members: number; scanned: number } | { kind: 'skipped'; reason: 'unknown-campaign' | 'disabled' | 'not-scheduled' };

export async function runScheduledCampaign(
  deps: { customers: Pick<CustomerStore, 'scanCustomers'>; publisher: EventPublisher; campaigns: CompiledCampaign[] },
  campaignId: string,
  scheduledTime: string,
): Promise<ScheduledRunOutcome> {
  const c = deps.campaigns.find((x) => x.campaign.id === campaignId)?.campaign;
  if (!c) return { kind: 'skipped', reason: 'unknown-campaign' };
  if (!c.enabled) return { kind: 'skipped', reason: 'disabled' };
  if (c.trigger.type !== 'schedule') return { kind: 'skipped', reason: 'not-scheduled' };
  const now = new Date(scheduledTime);
  let members = 0;
  let scanned = 0;
  await forEachCustomerPage(deps.customers, async (customers) => {
    scanned += customers.length;
    const events: OutgoingEvent[] = customers.flatMap((cust) => {
      if (!cust.profile) return [];
      const facts = factsOf({ ...cust, profile: cust.profile }, now);
      if (!matchesAudience({ ...audienceOf(c), requiresConsent: requiresConsent(c) }, facts, now).ok) return [];
      return [{ detailType: DetailType.CampaignScheduledSend, detail: { campaignId, customerId: cust.customerId, scheduledTime } }];
    });
    await deps.publisher.publish(events);
    members += events.length;
  });
  return { kind: 'published', members, scanned };
}
