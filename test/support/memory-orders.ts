/** Applies order events to in-memory items with the pure decision, as the store would. */
import type { OrderEvent } from '../../shared/platform/contracts/events.js';
import { decideOrder, emptyOrder, emptySummary, type DayState, type OrderState, type OrderSummary } from '../../shared/orders/decide.js';

export class MemoryOrders {
  orders = new Map<string, OrderState>();
  days = new Map<string, DayState>();
  summary: OrderSummary = emptySummary();

  apply(event: OrderEvent): 'applied' | 'duplicate' {
    const order = this.orders.get(event.detail.orderId) ?? emptyOrder();
    const dayKey = order.day ?? (event.type === 'order.placed' ? event.detail.occurredAt.slice(0, 10) : undefined);
    const given = { order, day: (dayKey && this.days.get(dayKey)) || null, summary: this.summary };
    let d = decideOrder(given, event);
    if (d.kind === 'need-neighbours') {
      const gone = d.day;
      const others = [...this.days.keys()].filter((k) => k !== gone).sort();
      const first = others[0];
      const last = others.at(-1);
      d = decideOrder(
        {
          ...given,
          neighbours: {
            ...(first ? { afterFirst: { day: first, spend: this.days.get(first)!.spend } } : {}),
            ...(last ? { beforeLast: { day: last, spend: this.days.get(last)!.spend } } : {}),
          },
        },
        event,
      );
    }
    if (d.kind === 'duplicate') return 'duplicate';
    if (d.kind !== 'apply') throw new Error('neighbours still needed');
    this.orders.set(event.detail.orderId, d.order);
    if (d.day) d.day.state ? this.days.set(d.day.day, d.day.state) : this.days.delete(d.day.day);
    this.summary = d.summary;
    return 'applied';
  }
}
