/** customer.upserted into the customer item: last writer by the shop's occurredAt, and an address
 * on the hashed suppression list is stored suppressed in the same write. */
import type { CustomerUpserted } from '../platform/contracts/events.js';
import { emailHash, type AddressSuppressionList } from '../privacy/suppression.js';
import type { CustomerStore } from './port.js';
import { decideProfile } from './record.js';

/** An address on the hashed suppression list (unsubscribed, bounced, or its owner erased) is
 * stored suppressed in the same write, so re-registering it never resurrects marketing mail. */
export async function upsertCustomer(
  deps: { customers: CustomerStore; suppression: AddressSuppressionList },
  detail: CustomerUpserted,
): Promise<'applied' | 'stale'> {
  const [current, listed] = await Promise.all([deps.customers.getCustomer(detail.customerId), deps.suppression.getAddressSuppression(emailHash(detail.email))]);
  const profile = decideProfile(current?.profile, detail);
  if (!profile) return 'stale';
  return listed ? deps.customers.putSuppressedProfile(detail.customerId, profile, listed) : deps.customers.putProfile(detail.customerId, profile);
}
