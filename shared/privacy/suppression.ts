/**
 * The hashed suppression list: addresses (not customers) that must never get marketing mail
 * again. It outlives erasure of the customer, so only a SHA-256 of the normalised address is
 * kept: enough to recognise the address when the shop sends it again, not enough to mail it.
 */
import { createHash } from 'node:crypto';
import type { CustomerRecord } from '../customers/record.js';

export interface AddressSuppressionList {
  /** Idempotent; the first reason and time stay. Stores the hash only. */
  suppressAddress(emailHash: string, reason: string, at: string): Promise<void>;
  /** The listing for this hash, or null when the address is not suppressed. */
  getAddressSuppression(emailHash: string): Promise<{ reason: string; at: string } | null>;
}

/** Resubscribing (shopper page): what may come off the list, and only that. */
export interface AddressSuppressionLift {
  /** Takes the address off the list only if it is listed for `onlyReason` and nothing else
   * (true), or not listed at all (true); false when another reason keeps it. */
  liftAddressSuppression(emailHash: string, onlyReason: string): Promise<boolean>;
}

/** Addresses are compared case-insensitively and without surrounding blanks (as shops store them
 * inconsistently); the local part's case is not significant in practice for any major provider. */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

/** Hex SHA-256 of the normalized address: the only form in which an erased address is kept. */
export const emailHash = (email: string): string => createHash('sha256').update(normalizeEmail(email)).digest('hex');

/** Puts the address of an existing customer on the hashed list (unsubscribe, bounce, complaint),
 * so that erasing the customer later, or the shop re-registering the address, keeps it suppressed. */
export async function suppressAddressOf(
  deps: { suppression: AddressSuppressionList; customers: { getCustomer(customerId: string): Promise<CustomerRecord | null> } },
  customerId: string,
  reason: string,
  at: string,
): Promise<void> {
  const email = (await deps.customers.getCustomer(customerId))?.profile?.email;
  if (email) await deps.suppression.suppressAddress(emailHash(email), reason, at);
}

/** The customer item flag and the address hash together: what unsubscribe, bounce and complaint do. */
export async function suppressCustomer(
  deps: { suppression: AddressSuppressionList; customers: { getCustomer(customerId: string): Promise<CustomerRecord | null>; suppress(customerId: string, reason: string, at: string, campaignId?: string): Promise<void> } },
  customerId: string,
  reason: string,
  at: string,
  campaignId?: string,
): Promise<void> {
  await deps.customers.suppress(customerId, reason, at, campaignId);
  // The address too (hashed): it must stay suppressed if the customer is erased and re-registered.
  await suppressAddressOf(deps, customerId, reason, at);
}
