/**
 * A scheduled campaign run (newsletter, offer to a segment): every stored customer whose facts
 * match the campaign's audience gets a `campaign.scheduled-send`; dispatch then applies the full
 * policy and sends once per (campaign, customer, run). The audience check here only saves events.
 *
 * The run is a bulk run (shared/platform/bulk.ts): `scheduledCampaignToRun` decides whether the
 * schedule starts one at all (an unknown, disabled or re-triggered campaign does not), and
 * `publishAudienceSegment` is one segment's Task, paging until its time budget. A segment that
 * runs twice publishes the same (campaign, customer, scheduledTime) sends again, which dispatch
 * claims once: nothing is sent twice.
 */
import { audienceOf, matchesAudience } from './audience.js';
import type { CompiledCampaign } from './render.js';
import { requiresConsent, type Campaign } from './schema.js';
import { DetailType, type OutgoingEvent } from '../platform/contracts/events.js';
import type { SegmentTask } from '../platform/bulk.js';
import type { EventPublisher } from '../platform/ports.js';
import type { CustomerStore, Cursor } from '../customers/port.js';
import { factsOf } from '../customers/facts.js';
import { pageThroughSegment } from '../customers/scan.js';

export type ScheduledRunSkip = { kind: 'skipped'; reason: 'unknown-campaign' | 'disabled' | 'not-scheduled' };

export function scheduledCampaignToRun(campaigns: CompiledCampaign[], campaignId: string): { kind: 'run'; campaign: Campaign } | ScheduledRunSkip {
  const c = campaigns.find((x) => x.campaign.id === campaignId)?.campaign;
  if (!c) return { kind: 'skipped', reason: 'unknown-campaign' };
  if (!c.enabled) return { kind: 'skipped', reason: 'disabled' };
  if (c.trigger.type !== 'schedule') return { kind: 'skipped', reason: 'not-scheduled' };
  return { kind: 'run', campaign: c };
}

export async function publishAudienceSegment(
  deps: { customers: Pick<CustomerStore, 'scanCustomers'>; publisher: EventPublisher; campaigns: CompiledCampaign[] },
  task: SegmentTask,
  opts: { pageSize: number; shouldYield: () => boolean },
): Promise<{ members: number; scanned: number; cursor?: Cursor; skipped?: ScheduledRunSkip['reason'] }> {
  const campaignId = task.campaignId ?? '';
  const check = scheduledCampaignToRun(deps.campaigns, campaignId);
  // Disabled since the run started: the remaining segments publish nothing.
  if (check.kind === 'skipped') return { members: 0, scanned: 0, skipped: check.reason };
  const c = check.campaign;
  const now = new Date(task.scheduledTime);
  let members = 0;
  const paged = await pageThroughSegment(deps.customers, task, opts, async (customers) => {
    const events: OutgoingEvent[] = customers.flatMap((cust) => {
      if (!cust.profile) return [];
      const facts = factsOf({ ...cust, profile: cust.profile }, now);
      if (!matchesAudience({ ...audienceOf(c), requiresConsent: requiresConsent(c) }, facts, now).ok) return [];
      return [{ detailType: DetailType.CampaignScheduledSend, detail: { campaignId, customerId: cust.customerId, scheduledTime: task.scheduledTime } }];
    });
    await deps.publisher.publish(events);
    members += events.length;
  });
  return { members, ...paged };
}
