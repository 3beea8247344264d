/**
 * GDPR/PIPL erasure ("right to be forgotten") and the hashed suppression list.
 *
 * Erasure removes everything Engage stores about a customer, but the address itself must stay
 * on the suppression list (regulators expect an opted-out address to stay opted out), so only a
 * SHA-256 of the normalized address is kept: enough to recognise the address when the shop sends
 * it again, not enough to mail it.
 *
 * Order of the steps (each idempotent, so a redelivery simply re-runs them):
 *  1. read the email from the profile (it is about to be deleted);
 *  2. write the hash item, then flag the customer item suppressed: from here on a crash leaves at
 *     worst a half-deleted customer that nothing will mail, never a re-mailable profile;
 *  3. delete every item of the CUST#<id> partition;
 *  4. delete the customer's coupons (COUPON#<hash> items outside the partition).
 * A redelivery finds no profile (nothing to hash: the first run wrote it), an empty partition and
 * no coupons, and reports zeros.
 */
import { createHash } from 'node:crypto';
import type { CustomerRecord } from '../customers/record.js';

/** The hashed suppression list (an address, not a customer: it outlives erasure). */
export interface AddressSuppressionList {
  /** Idempotent; the first reason and time stay. Stores the hash only. */
  suppressAddress(emailHash: string, reason: string, at: string): Promise<void>;
  /** The listing for this hash, or null when the address is not suppressed. */
  getAddressSuppression(emailHash: string): Promise<{ reason: string; at: string } | null>;
}

/** Bulk deletes of one customer's data; both return how many items they deleted. */
export interface ErasureStore {
  deleteCustomerPartition(customerId: string): Promise<number>;
  deleteCouponsOf(customerId: string): Promise<number>;
}

export interface ErasureDeps {
  customers: AddressSuppressionList & {
    getCustomer(customerId: string): Promise<CustomerRecord | null>;
    suppress(customerId: string, reason: string, at: string): Promise<void>;
  };
  erasure: ErasureStore;
}

export interface ErasureSummary {
  itemsDeleted: number;
  couponsDeleted: number;
  /** True when this run found an address and put its hash on the suppression list. */
  suppressed: boolean;
}

export const ERASURE_REASON = 'erasure';

/** Addresses are compared case-insensitively and without surrounding blanks (as shops store them
 * inconsistently); the local part's case is not significant in practice for any major provider. */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

/** Hex SHA-256 of the normalized address: the only form in which an erased address is kept. */
export const emailHash = (email: string): string => createHash('sha256').update(normalizeEmail(email)).digest('hex');

export async function eraseCustomer(deps: ErasureDeps, customerId: string, now: Date): Promise<ErasureSummary> {
  const at = now.toISOString();
  const email = (await deps.customers.getCustomer(customerId))?.profile?.email;
  if (email) {
    await deps.customers.suppressAddress(emailHash(email), ERASURE_REASON, at);
    // The item flag is what dispatch checks: set it before deleting anything (see step 2 above).
    await deps.customers.suppress(customerId, ERASURE_REASON, at);
  }
  const itemsDeleted = await deps.erasure.deleteCustomerPartition(customerId);
  const couponsDeleted = await deps.erasure.deleteCouponsOf(customerId);
  return { itemsDeleted, couponsDeleted, suppressed: Boolean(email) };
}

/** Puts the address of an existing customer on the hashed list (unsubscribe, bounce, complaint),
 * so that erasing the customer later, or the shop re-registering the address, keeps it suppressed. */
export async function suppressAddressOf(
  store: AddressSuppressionList & { getCustomer(customerId: string): Promise<CustomerRecord | null> },
  customerId: string,
  reason: string,
  at: string,
): Promise<void> {
  const email = (await store.getCustomer(customerId))?.profile?.email;
  if (email) await store.suppressAddress(emailHash(email), reason, at);
}
