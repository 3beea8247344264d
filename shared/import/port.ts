/** What the import needs from storage (DynamoImportStore in ./dynamodb.ts). */
import type { FoldedCustomer, FoldContext } from './fold.js';

/** What the table already holds about a customer the input names. */
export type Existing = { kind: 'absent' } | { kind: 'imported'; digest: string } | { kind: 'live' } | { kind: 'erased' };

export interface Checkpoint {
  /** Customers (in input order) whose items are all written. */
  position: number;
  customers: number;
  /** The clock the import judges history at: a resumed run keeps it, so it decides the same. */
  now: string;
  refundWindowDays: number;
  status: 'running' | 'done';
  updatedAt: string;
}

export interface ImportStore {
  /** The CUSTOMER items (or erasure tombstones) of these ids and the suppression list entries of these address hashes. */
  lookup(customerIds: string[], emailHashes: string[]): Promise<{ existing: Map<string, Existing>; suppressed: Map<string, { reason: string; at: string }> }>;
  /**
   * Writes every customer's items; each CUSTOMER item only after all its other items. A customer
   * erased while the batch was being written has its items taken back (see DynamoImportStore).
   * Returns the items that stay and the customers found erased.
   */
  write(customers: ReadonlyArray<{ folded: FoldedCustomer; suppression?: { reason: string; at: string } }>, ctx: FoldContext, source: string): Promise<{ written: number; erased: number }>;
  getCheckpoint(inputHash: string): Promise<Checkpoint | null>;
  putCheckpoint(inputHash: string, checkpoint: Checkpoint): Promise<void>;
}
