/** What order ingest needs from storage (DynamoOrderStore in ./dynamodb.ts). */
import type { Versioned } from '../platform/ports.js';
import type { DayState, Neighbours, OrderState, OrderSummary } from './decide.js';

export interface OrderContext {
  /** The customer was erased: nothing may be written for them again. */
  erased: boolean;
  summary: Versioned<OrderSummary>;
  order: Versioned<OrderState>;
  day: Versioned<DayState> | null;
}

export interface OrderCommit {
  customerId: string;
  orderId: string;
  order: Versioned<OrderState>;
  day: { day: string; state: DayState | null; v: number } | null;
  summary: Versioned<OrderSummary>;
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
