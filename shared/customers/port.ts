/** What the customer capability needs from storage (DynamoCustomerStore in ./dynamodb.ts). */
import type { CustomerRecord, Profile } from './record.js';
import type { CustomerView } from './view.js';

export type Cursor = Record<string, string>;

export interface CustomerPage {
  customers: CustomerView[];
  cursor?: Cursor;
}

export interface CustomerStore {
  getCustomer(customerId: string): Promise<CustomerRecord | null>;
  /** The read model of one customer (customer and loyalty items, one consistent read). */
  readCustomer(customerId: string): Promise<CustomerView | null>;
  /** One page of one parallel-scan segment of the customers index. */
  scanCustomers(page: { segment: number; totalSegments: number; cursor?: Cursor; limit: number }): Promise<CustomerPage>;
  /** Applies only if newer than the stored profile (by occurredAt). */
  putProfile(customerId: string, profile: Profile): Promise<'applied' | 'stale'>;
  /** putProfile for a listed address: profile and suppression in one write. */
  putSuppressedProfile(customerId: string, profile: Profile, suppression: { reason: string; at: string }): Promise<'applied' | 'stale'>;
  /** Never marketing mail again (unsubscribe, bounce, complaint); idempotent, first reason kept. */
  suppress(customerId: string, reason: string, at: string): Promise<void>;
  /** Lifts the suppression only if `onlyReason` is its one reason (true); records the lift. */
  liftSuppression(customerId: string, onlyReason: string, at: string): Promise<boolean>;
}
