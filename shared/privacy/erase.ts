/**
 * GDPR/PIPL erasure ("right to be forgotten").
 *
 * Erasure removes everything Engage stores about a customer, but the address itself must stay
 * on the suppression list (regulators expect an opted-out address to stay opted out), so only a
 * SHA-256 of the normalized address is kept: enough to recognise the address when the shop sends
 * it again, not enough to mail it.
 *
 * Erasure cannot be undone by replay: it first leaves a tombstone keyed by (a hash of) the
 * customer id, and every write that could recreate one of the customer's items — profile upsert,
 * order ingest, loyalty, campaign claims, surveys — checks the tombstone inside its own
 * transaction; order ingest and loyalty only when they create the customer's anchor item, since
 * an update under the anchor's version fails once step 4 has deleted it (step 4 repeats until a
 * pass finds nothing, which catches a commit between its listing and its delete). An archive replay, a late retry or an event whose
 * processing raced the erasure therefore writes nothing. The address side of the tombstone is
 * the hashed suppression list: the same address under a new id is stored suppressed. The id is
 * dead for good; a shop re-registering the person uses a new id.
 *
 * Order of the steps (each idempotent, so a redelivery simply re-runs them):
 *  1. write the tombstone: from here on nothing new lands in the partition;
 *  2. read the email from the profile (it is about to be deleted);
 *  3. write the hash item, then flag the customer item suppressed: from here on a crash leaves at
 *     worst a half-deleted customer that nothing will mail, never a re-mailable profile;
 *  4. delete the customer's coupons (COUPON#<hash> items outside the partition), found by one Query
 *     of the COUPONREF# pointers in the partition: so this comes before the partition delete, and
 *     a crash in between leaves the pointers for the redelivery; the owner items the shop webhooks
 *     keep per order (ORDEROWNER#<orderId>, found through the orders the customer item and its ORDER# items hold; the
 *     owners of older orders have expired) go too,
 *     when the deployment has them;
 *  5. delete every item of the CUST#<id> partition (the pointers with it), pass after pass until
 *     none is left.
 * Every step is a Query or a key access on the customer's partition families (customer, coupon,
 * suppression, erased): no Scan, whatever the size of the table.
 * A redelivery finds no profile (nothing to hash: the first run wrote it), an empty partition and
 * no coupons, and reports zeros.
 */
import type { CustomerStore } from '../customers/port.js';
import { emailHash, type AddressSuppressionList } from './suppression.js';

/** The tombstone and the bulk deletes of one customer's data (the deletes return how many items went). */
export interface ErasureStore {
  /** Idempotent: the first erasure's time stays. */
  writeTombstone(customerId: string, at: string): Promise<void>;
  deleteCustomerPartition(customerId: string): Promise<number>;
  deleteCouponsOf(customerId: string): Promise<number>;
  /** The report's copies of the customer's low-score survey comments (outside the partition). */
  deleteReportCommentsOf(customerId: string): Promise<number>;
}

/** Who placed which shop order (shared/webhooks/dynamodb.ts): read through the partition, so first. */
export interface OrderOwnerErasure {
  forgetCustomer(customerId: string): Promise<number>;
}

export interface ErasureDeps {
  customers: Pick<CustomerStore, 'getCustomer' | 'suppress'>;
  suppression: AddressSuppressionList;
  erasure: ErasureStore;
  orderOwners?: OrderOwnerErasure;
}

export interface ErasureSummary {
  itemsDeleted: number;
  couponsDeleted: number;
  /** True when this run found an address and put its hash on the suppression list. */
  suppressed: boolean;
  orderOwnersDeleted?: number;
}

export const ERASURE_REASON = 'erasure';

export async function eraseCustomer(deps: ErasureDeps, customerId: string, now: Date): Promise<ErasureSummary> {
  const at = now.toISOString();
  await deps.erasure.writeTombstone(customerId, at);
  const email = (await deps.customers.getCustomer(customerId))?.profile?.email;
  if (email) {
    await deps.suppression.suppressAddress(emailHash(email), ERASURE_REASON, at);
    // The item flag is what dispatch checks: set it before deleting anything (see step 2 above).
    await deps.customers.suppress(customerId, ERASURE_REASON, at);
  }
  // Coupons and order owners first: they are found through items in the partition (step 4 above).
  const couponsDeleted = await deps.erasure.deleteCouponsOf(customerId);
  await deps.erasure.deleteReportCommentsOf(customerId);
  const orderOwnersDeleted = deps.orderOwners ? await deps.orderOwners.forgetCustomer(customerId) : undefined;
  const itemsDeleted = await deps.erasure.deleteCustomerPartition(customerId);
  return { itemsDeleted, couponsDeleted, suppressed: Boolean(email), ...(orderOwnersDeleted !== undefined ? { orderOwnersDeleted } : {}) };
}
