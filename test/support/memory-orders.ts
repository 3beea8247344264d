/** Applies order events to in-memory items with the pure decision, as the store would. */
import type { OrderEvent } from '../../shared/platform/contracts/events.js';
import { decideOrder, emptyOrder, emptySummary, withDay, type OrderState, type OrderSummary, type PurchaseDays } from '../../shared/orders/decide.js';

export class MemoryOrders {
  orders = new Map<string, OrderState>();
  days: PurchaseDays = {};
  summary: OrderSummary = emptySummary();

  apply(event: OrderEvent): 'applied' | 'duplicate' {
    const given = { order: this.orders.get(event.detail.orderId) ?? emptyOrder(), days: this.days, summary: this.summary };
    const d = decideOrder(given, event);
    if (d.kind === 'duplicate') return 'duplicate';
    this.orders.set(event.detail.orderId, d.order);
    if (d.day) this.days = withDay(this.days, d.day);
    this.summary = d.summary;
    return 'applied';
  }
}
