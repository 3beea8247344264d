/** order-events: the running customer summary, and Engage coupons redeemed by orders. */
import { loadLoyaltyConfig } from '../../shared/loyalty/config.js';
import { handleOrderEvent } from '../../shared/orders/ingest.js';
import { EnvVar } from '../../shared/platform/config.js';
import { systemClock } from '../../shared/platform/ports.js';
import { sqsFunction } from '../../shared/platform/runtime/consumer.js';
import { storesFrom } from '../../shared/platform/runtime/deps.js';

export const { build, handler } = sqsFunction('order-events', (config) => {
  const { orders, coupons } = storesFrom(config);
  // The programme's refund window: how long an order's state stays on the customer item.
  const { refundWindowDays } = loadLoyaltyConfig(config[EnvVar.loyaltyConfig]);
  return (event) => handleOrderEvent({ orders, coupons, clock: systemClock, refundWindowDays }, event);
});
