/** order-events: the running customer summary, and Engage coupons redeemed by orders. */
import { handleOrderEvent } from '../../shared/orders/ingest.js';
import { systemClock } from '../../shared/platform/ports.js';
import { sqsFunction } from '../../shared/platform/runtime/consumer.js';
import { storesFrom } from '../../shared/platform/runtime/deps.js';

export const { build, handler } = sqsFunction('order-events', (config) => {
  const { orders, coupons } = storesFrom(config);
  return (event) => handleOrderEvent({ orders, coupons, clock: systemClock }, event);
});
