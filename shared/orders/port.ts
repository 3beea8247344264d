/** What order ingest needs from storage (DynamoOrderStore in ./dynamodb.ts). */
import type { Versioned } from '../platform/ports.js';
import type { OrderState, OrderSummary, PurchaseDays } from './decide.js';
import type { RiskState } from '../customers/record.js';
import type { KpiDelta, Touch } from '../platform/table/counters.js';
import type { KpiMarks } from './kpi.js';
import type { OpenOrders } from './open-orders.js';

export interface OrderContext {
  /** The customer was erased: nothing may be written for them again. */
  erased: boolean;
  /** The summary and the purchase days share the customer item and its version. */
  summary: Versioned<OrderSummary>;
  days: PurchaseDays;
  /** The order's state: on the customer item (`openOrders`), or on an ORDER# item of its own
   * (`onOwnItem`: an overflow beyond the customer item's room, or written before orders moved there). */
  order: Versioned<OrderState> & { onOwnItem: boolean };
  /** The customer item's open orders (orders/open-orders.ts), the event's own among them. */
  open: OpenOrders;
  /** The sweep's risk level (a reactivation is an order after at-risk or churned). */
  risk?: RiskState;
  kpiMarks: KpiMarks;
  /** Campaigns' latest decisions about the customer and their latest click (for conversions). */
  touches: Record<string, Touch>;
  lastClick?: { campaignId: string; at: string };
}

export interface OrderCommit {
  customerId: string;
  orderId: string;
  /** Written to its ORDER# item when `onOwnItem` (guarded by its version); otherwise it is in `open`. */
  order: Versioned<OrderState> & { onOwnItem: boolean };
  /** The customer item's open orders after the event; absent: unchanged. */
  open?: OpenOrders;
  summary: Versioned<OrderSummary>;
  /** The customer's purchase days after the decision; absent when they did not change. */
  days?: PurchaseDays;
  /** KPI counters ADDed in the same transaction, and the marks that let them be undone. */
  kpi?: { deltas: KpiDelta[]; marks: KpiMarks | null; touches?: Record<string, Touch> };
}

export interface PlacedOrder {
  placedAt: string;
  /** Net of refunds; cancelled orders are not listed. */
  net: number;
}

export interface OrderStore {
  loadOrderContext(customerId: string, orderId: string): Promise<OrderContext>;
  /** Atomic; 'conflict' when any item changed since it was loaded, 'erased' when the customer
   * was erased meanwhile (nothing written). */
  commitOrder(commit: OrderCommit): Promise<'ok' | 'conflict' | 'erased'>;
  /** A customer's placed orders (for campaign results). */
  listOrders(customerId: string): Promise<PlacedOrder[]>;
}
