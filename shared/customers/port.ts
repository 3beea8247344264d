/** What the customer capability needs from storage (DynamoCustomerStore in ./dynamodb.ts). */
import type { CustomerRecord, Profile } from './record.js';
import type { CustomerView } from './view.js';

export type Cursor = Record<string, string>;

export type ProfileWrite = 'applied' | 'conflict' | 'erased';

export interface CustomerPage {
  customers: CustomerView[];
  cursor?: Cursor;
}

export interface CustomerStore {
  getCustomer(customerId: string): Promise<CustomerRecord | null>;
  /** Many customers, eventually consistent (absent ones are missing from the map). */
  getCustomers(customerIds: string[]): Promise<Map<string, CustomerRecord>>;
  /** The read model of one customer (customer and loyalty items, one consistent read). */
  readCustomer(customerId: string): Promise<CustomerView | null>;
  /** One page of one parallel-scan segment of the customers index. */
  scanCustomers(page: { segment: number; totalSegments: number; cursor?: Cursor; limit: number }): Promise<CustomerPage>;
  /** Writes the profile if the stored one is still the one the decision saw (`seen`: its
   * updatedAt, null when there was none): 'conflict' when another upsert got there first, 'erased'
   * when the customer was erased (nothing is written). */
  putProfile(customerId: string, profile: Profile, seen: string | null): Promise<ProfileWrite>;
  /** putProfile for a listed address: profile and suppression in one write. */
  putSuppressedProfile(customerId: string, profile: Profile, seen: string | null, suppression: { reason: string; at: string }): Promise<ProfileWrite>;
  /** Never marketing mail again (unsubscribe, bounce, complaint); idempotent, first reason kept. */
  /** `campaignId`: the campaign whose unsubscribe link it was, counted once per customer and reason. */
  suppress(customerId: string, reason: string, at: string, campaignId?: string): Promise<void>;
  /** Lifts the suppression only if `onlyReason` is its one reason (true); records the lift. */
  liftSuppression(customerId: string, onlyReason: string, at: string): Promise<boolean>;
}
