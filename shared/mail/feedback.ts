/**
 * SES feedback: a permanent bounce or a complaint puts the customer on the suppression list;
 * a delivery never takes anyone off it. Suppression is idempotent, so SES's duplicate or
 * reordered events are harmless. The customer comes back through the `customer` message tag.
 * Every event that states a fact about an Engage send (delivered, opened, clicked, bounced,
 * complained) is also recorded on that send and counted once (shared/engagement).
 */
import type { SesEmailEvent } from '../platform/contracts/events.js';
import type { Clock } from '../platform/ports.js';
import type { CustomerStore } from '../customers/port.js';
import { suppressCustomer, type AddressSuppressionList } from '../privacy/suppression.js';
import { trackEngagement, type EngagementOutcome } from '../engagement/track.js';
import type { EngagementStore } from '../engagement/port.js';
import type { EngagementRules } from '../engagement/decide.js';
import { decodeTag } from './tags.js';

export type SuppressionOutcome = { kind: 'suppressed'; reason: 'bounce' | 'complaint' } | { kind: 'ignored'; why: string };
export type FeedbackOutcome = SuppressionOutcome & { engagement?: EngagementOutcome };

export interface FeedbackDeps {
  customers: Pick<CustomerStore, 'getCustomer' | 'suppress'>;
  suppression: AddressSuppressionList;
  clock: Clock;
  /** Absent: no engagement tracking (suppression only). */
  engagement?: { store: EngagementStore; rules: EngagementRules };
}

export async function handleSesFeedback(deps: FeedbackDeps, e: SesEmailEvent): Promise<FeedbackOutcome> {
  const suppressed = await suppressOn(deps, e);
  if (!deps.engagement) return suppressed;
  return { ...suppressed, engagement: await trackEngagement({ engagement: deps.engagement.store, rules: deps.engagement.rules }, e) };
}

async function suppressOn(deps: FeedbackDeps, e: SesEmailEvent): Promise<SuppressionOutcome> {
  const tag = e.mail.tags.customer?.[0];
  const customerId = tag === undefined ? undefined : decodeTag(tag);
  if (!customerId) return { kind: 'ignored', why: 'mail not sent by Engage (no customer tag)' };
  const reason = e.eventType === 'Complaint' ? 'complaint' : e.eventType === 'Bounce' && e.bounce?.bounceType === 'Permanent' ? 'bounce' : null;
  if (!reason) return { kind: 'ignored', why: e.eventType === 'Bounce' ? 'transient bounce' : e.eventType.toLowerCase() };
  await suppressCustomer(deps, customerId, reason, deps.clock().toISOString());
  return { kind: 'suppressed', reason };
}
