/**
 * SES feedback: a permanent bounce or a complaint puts the customer on the suppression list;
 * a delivery never takes anyone off it. Suppression is idempotent, so SES's duplicate or
 * reordered events are harmless. The customer comes back through the `customer` message tag.
 */
import type { SesEmailEvent } from '../platform/contracts/events.js';
import type { Clock, CustomerStore } from '../platform/ports.js';
import { suppressAddressOf, type AddressSuppressionList } from '../privacy/erase.js';

export type FeedbackOutcome = { kind: 'suppressed'; reason: 'bounce' | 'complaint' } | { kind: 'ignored'; why: string };

export async function handleSesFeedback(deps: { store: CustomerStore & AddressSuppressionList; clock: Clock }, e: SesEmailEvent): Promise<FeedbackOutcome> {
  const customerId = e.mail.tags.customer?.[0];
  if (!customerId) return { kind: 'ignored', why: 'mail not sent by Engage (no customer tag)' };
  const reason = e.eventType === 'Complaint' ? 'complaint' : e.eventType === 'Bounce' && e.bounce?.bounceType === 'Permanent' ? 'bounce' : null;
  if (!reason) return { kind: 'ignored', why: e.eventType === 'Bounce' ? 'transient bounce' : e.eventType.toLowerCase() };
  const at = deps.clock().toISOString();
  await deps.store.suppress(customerId, reason, at);
  // The address too (hashed): it must stay suppressed if the customer is erased and re-registered.
  await suppressAddressOf(deps.store, customerId, reason, at);
  return { kind: 'suppressed', reason };
}
