/**
 * Subscribing again after an unsubscribe, from the page the unsubscribe showed. Only a suppression
 * whose one reason is 'unsubscribe' is lifted: a bounce, a complaint or an erasure never is (the
 * customer item and the hashed address list both keep every reason for this). The hashed address
 * listing goes first: if another reason keeps it, nothing changes; if the customer item then
 * refuses, the listing is put back, so the two never disagree for long. The lift is recorded on
 * the customer item (`resubscribed`). Marketing consent itself stays the shop's to give.
 */
import type { CustomerStore } from '../customers/port.js';
import { emailHash, type AddressSuppressionList, type AddressSuppressionLift } from '../privacy/suppression.js';

export const UNSUBSCRIBE_REASON = 'unsubscribe';

export async function resubscribe(
  deps: { customers: Pick<CustomerStore, 'getCustomer' | 'liftSuppression'>; suppression: AddressSuppressionList & AddressSuppressionLift },
  customerId: string,
  now: Date,
): Promise<boolean> {
  const c = await deps.customers.getCustomer(customerId);
  if (!c?.profile) return false;
  if (!c.suppressed) return true; // already receiving marketing (a double click)
  if (c.suppression?.reason !== UNSUBSCRIBE_REASON) return false;
  const hash = emailHash(c.profile.email);
  const listed = await deps.suppression.getAddressSuppression(hash);
  if (!(await deps.suppression.liftAddressSuppression(hash, UNSUBSCRIBE_REASON))) return false;
  if (await deps.customers.liftSuppression(customerId, UNSUBSCRIBE_REASON, now.toISOString())) return true;
  if (listed) await deps.suppression.suppressAddress(hash, listed.reason, listed.at);
  return false;
}
