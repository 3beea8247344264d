/** customer.upserted into the customer item: last writer by the shop's occurredAt, and an address
 * on the hashed suppression list is stored suppressed in the same write. */
import type { CustomerUpserted } from '../platform/contracts/events.js';
import { CONFLICT, retryOnConflict } from '../platform/retry.js';
import { emailHash, type AddressSuppressionList } from '../privacy/suppression.js';
import type { CustomerStore } from './port.js';
import { decideProfile } from './record.js';

export type UpsertOutcome = 'applied' | 'stale' | 'erased';

/** An address on the hashed suppression list (unsubscribed, bounced, or its owner erased) is
 * stored suppressed in the same write, so re-registering it never resurrects marketing mail. An
 * erased customer id stays erased: nothing is written for it. */
export async function upsertCustomer(
  deps: { customers: CustomerStore; suppression: AddressSuppressionList },
  detail: CustomerUpserted,
): Promise<UpsertOutcome> {
  const listed = await deps.suppression.getAddressSuppression(emailHash(detail.email));
  return retryOnConflict(`profile ${detail.customerId}`, async () => {
    const current = (await deps.customers.getCustomer(detail.customerId))?.profile;
    const profile = decideProfile(current, detail);
    if (!profile) return 'stale';
    const seen = current?.updatedAt ?? null;
    const written = listed
      ? await deps.customers.putSuppressedProfile(detail.customerId, profile, seen, listed)
      : await deps.customers.putProfile(detail.customerId, profile, seen);
    return written === 'conflict' ? CONFLICT : written;
  });
}
