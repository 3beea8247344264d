/** Shop events as a shop's integration would publish them (raw entries for putRaw). */
import { DetailType, SHOP_SOURCE } from '../../shared/platform/contracts/events.js';

export const profileEvent = (
  customerId: string,
  p: { name?: string; locale?: 'en' | 'zh-CN'; timeZone?: string; consent?: boolean; occurredAt?: string } = {},
) => ({
  source: SHOP_SOURCE,
  detailType: DetailType.CustomerUpserted,
  detail: {
    customerId,
    email: `${customerId}@example.com`,
    name: p.name ?? 'Ada Lovelace',
    locale: p.locale ?? 'en',
    timeZone: p.timeZone ?? (p.locale === 'zh-CN' ? 'Asia/Shanghai' : 'Europe/London'),
    marketingConsent: p.consent ?? true,
    occurredAt: p.occurredAt ?? '2026-01-01T00:00:00Z',
  },
});

export const orderEvent = (customerId: string, orderId: string, occurredAt: string, total = 50) => ({
  source: SHOP_SOURCE,
  detailType: DetailType.OrderPlaced,
  detail: { orderId, customerId, lines: [{ sku: 'tea', quantity: 1, unitPrice: total }], total, currency: 'CNY', occurredAt },
});

export const fulfilledEvent = (customerId: string, orderId: string, occurredAt: string) => ({
  source: SHOP_SOURCE,
  detailType: DetailType.OrderFulfilled,
  detail: { orderId, customerId, occurredAt },
});

/** A started checkout with two lines (tea and two cups, 218 CNY) and its recovery URL. */
export const checkoutEvent = (customerId: string, checkoutId: string, occurredAt: string) => ({
  source: SHOP_SOURCE,
  detailType: DetailType.CheckoutStarted,
  detail: {
    checkoutId,
    customerId,
    lines: [
      { sku: 'TEA-1', title: 'Longjing green tea', url: 'https://shop.example.com/p/longjing', price: 128, quantity: 1 },
      { sku: 'CUP-2', title: 'Celadon cup', price: 45, quantity: 2 },
    ],
    total: 218,
    currency: 'CNY',
    url: 'https://shop.example.com/checkout/recover/k',
    occurredAt,
  },
});
