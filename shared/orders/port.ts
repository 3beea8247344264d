/** What order ingest needs from storage (DynamoOrderStore in ./dynamodb.ts). */
import type { Versioned } from '../platform/ports.js';
import type { DayState, Neighbours, OrderState, OrderSummary } from './decide.js';
import type { RiskState } from '../customers/record.js';
import type { KpiDelta, Touch } from '../platform/table/counters.js';
import type { KpiMarks } from './kpi.js';

export interface OrderContext {
  /** The customer was erased: nothing may be written for them again. */
  erased: boolean;
  summary: Versioned<OrderSummary>;
  order: Versioned<OrderState>;
  day: Versioned<DayState> | null;
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
  order: Versioned<OrderState>;
  day: { day: string; state: DayState | null; v: number } | null;
  summary: Versioned<OrderSummary>;
  /** KPI counters ADDed in the same transaction, and the marks that let them be undone. */
  kpi?: { deltas: KpiDelta[]; marks: KpiMarks | null; touches?: Record<string, Touch> };
}

export interface PlacedOrder {
  placedAt: string;
  /** Net of refunds; cancelled orders are not listed. */
  net: number;
}

export interface OrderStore {
  loadOrderContext(customerId: string, orderId: string, day?: string): Promise<OrderContext>;
  loadNeighbours(customerId: string, excludeDay: string): Promise<Neighbours>;
  /** Atomic; 'conflict' when any item changed since it was loaded, 'erased' when the customer
   * was erased meanwhile (nothing written). */
  commitOrder(commit: OrderCommit): Promise<'ok' | 'conflict' | 'erased'>;
  /** A customer's placed orders (for campaign results). */
  listOrders(customerId: string): Promise<PlacedOrder[]>;
}
