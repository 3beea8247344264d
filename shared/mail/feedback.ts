/**
 * SES feedback: a permanent bounce or a complaint puts the customer on the suppression list;
 * a delivery never takes anyone off it. Suppression is idempotent, so SES's duplicate or
 * reordered events are harmless. The customer comes back through the `customer` message tag.
 */
import type { SesEmailEvent } from '../platform/contracts/events.js';
import type { Clock } from '../platform/ports.js';
import type { CustomerStore } from '../customers/port.js';
import { suppressCustomer, type AddressSuppressionList } from '../privacy/suppression.js';
import { decodeTag } from './tags.js';

export type FeedbackOutcome = { kind: 'suppressed'; reason: 'bounce' | 'complaint' } | { kind: 'ignored'; why: string };

export async function handleSesFeedback(
  deps: { customers: Pick<CustomerStore, 'getCustomer' | 'suppress'>; suppression: AddressSuppressionList; clock: Clock },
  e: SesEmailEvent,
): Promise<FeedbackOutcome> {
  const tag = e.mail.tags.customer?.[0];
  const customerId = tag === undefined ? undefined : decodeTag(tag);
  if (!customerId) return { kind: 'ignored', why: 'mail not sent by Engage (no customer tag)' };
  const reason = e.eventType === 'Complaint' ? 'complaint' : e.eventType === 'Bounce' && e.bounce?.bounceType === 'Permanent' ? 'bounce' : null;
  if (!reason) return { kind: 'ignored', why: e.eventType === 'Bounce' ? 'transient bounce' : e.eventType.toLowerCase() };
  await suppressCustomer(deps, customerId, reason, deps.clock().toISOString());
  return { kind: 'suppressed', reason };
}
