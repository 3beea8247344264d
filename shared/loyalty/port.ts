/** What loyalty needs from storage (DynamoLoyaltyStore in ./dynamodb.ts). */
import type { KpiDelta } from '../platform/table/counters.js';
import type { OutgoingEvent } from '../platform/contracts/events.js';
import type { Versioned } from '../platform/ports.js';
import type { CouponState } from '../coupons/redeem.js';
import type { LedgerEntry } from './ledger.js';
import type { LoyaltyOrder } from './order.js';
import type { OpenOrders } from './open-orders.js';
import type { LoyaltyState } from './state.js';

export interface PendingEvent {
  event: OutgoingEvent;
  /** Wall-clock time it was decided. */
  at: string;
}
export type Outbox = Record<string, PendingEvent>;

/** The LOYALTY item: the state and the events decided but not yet known to be published. */
export interface LoyaltyItem {
  state: LoyaltyState;
  outbox: Outbox;
  /** The due date the index carries (read only; absent on items stored before the index). */
  dueOn?: string;
  /** The orders still inside the refund window, with their entries (./open-orders.ts); written
   * when given, kept as they are when not (paths that touch no order). */
  open?: OpenOrders;
  /** Older entries folded into one statement line; written whenever `open` is. */
  history?: LedgerEntry;
}

export interface LoyaltyCommit {
  customerId: string;
  /** `v` is the version read (0: create). */
  loyalty: Versioned<LoyaltyItem>;
  /** Only for an order whose view is on an item of its own — stored before views moved onto the
   * state item, or no room left there (./open-orders.ts MAX_OPEN_ORDERS): updated under its
   * version in the same transaction. */
  order?: { orderId: string } & Versioned<LoyaltyOrder>;
  /** Each created only if its key is new. */
  entries: LedgerEntry[];
  /** Each created only if its hash is new. */
  coupons: CouponState[];
  /** Set when the tier is new or changed: copied onto the customer item in the same transaction,
   * so scans of the customers index (scheduled campaigns, dry runs) see the tier. */
  customerTier?: string;
  /** The tier change's KPI counter (./kpi.ts), ADDed in the same transaction. */
  kpi?: KpiDelta;
  /** The member's next action date for the due index (shared/loyalty/due.ts loyaltyDue). */
  due: { on: string; next: string };
}

export interface LoyaltyStore {
  /** `erased`: the customer was erased; nothing may be written for them again. `order`: the view
   * of an order stored on its own item (see LoyaltyCommit.order); a view on the state item comes
   * with the state (`loyalty.value.open`). */
  load(customerId: string, orderId?: string): Promise<{ loyalty: Versioned<LoyaltyItem> | null; order: Versioned<LoyaltyOrder> | null; erased?: boolean }>;
  /** LOYALTY items of many customers (absent ones are missing from the map). `consistent: false`
   * halves the read cost where the commit's version guard catches a stale read anyway. */
  loadMany(customerIds: string[], opts?: { consistent?: boolean }): Promise<Map<string, Versioned<LoyaltyItem>>>;
  getLedgerEntry(customerId: string, key: string): Promise<LedgerEntry | null>;
  listLedger(customerId: string): Promise<LedgerEntry[]>;
  /** Atomic; 'conflict' when an item changed since it was read or a key already exists,
   * 'erased' when the customer was erased (nothing written). A commit of the state item alone
   * (the common order event) is one conditional UpdateItem, not a transaction. */
  commit(c: LoyaltyCommit): Promise<'ok' | 'conflict' | 'erased'>;
  /** One page of members (or birthdays) due in one shard of the due index, as customer ids. */
  queryDue(q: DueQuery, cursor?: Record<string, string>): Promise<{ customerIds: string[]; cursor?: Record<string, string> }>;
  /** Drops published events from the outbox (no version change: a racing writer that re-adds
   * them only causes a harmless re-publish). */
  clearOutbox(customerId: string, keys: string[]): Promise<void>;
}

/** `partition`: a shard of LDUE# (members: `to` = today) or BDAY# (birthdays: `from`..`to` as MM-DD). */
export interface DueQuery {
  partition: string;
  from?: string;
  to: string;
}

/** The tier to copy onto the customer item: when the state is new or its tier changed. */
export const tierToCopy = (before: LoyaltyState | undefined, after: LoyaltyState): string | undefined =>
  !before || before.tier !== after.tier ? after.tier : undefined;
