/** Event builders and a small test programme (round numbers make the expectations readable). */
import type { OrderEvent } from '../../../shared/platform/contracts/events.js';
import { parseLoyaltyConfig, type LoyaltyConfig } from '../../../shared/loyalty/index.js';

export const config = (overrides: Record<string, unknown> = {}): LoyaltyConfig =>
  parseLoyaltyConfig({
    currency: 'CNY',
    timeZone: 'Asia/Shanghai',
    tiers: [
      { id: 'member', name: { 'zh-CN': '普通会员', en: 'Member' } },
      { id: 'silver', name: { 'zh-CN': '银卡', en: 'Silver' }, qualify: { spend: 1000 }, multiplier: 1.5 },
      { id: 'gold', name: { 'zh-CN': '金卡', en: 'Gold' }, qualify: { spend: 3000, orders: 3 }, multiplier: 2 },
      { id: 'diamond', name: { 'zh-CN': '钻石', en: 'Diamond' }, qualify: { spend: 10000, orders: 5 }, multiplier: 3 },
    ],
    review: { schedule: 'monthly', graceDays: 0 },
    redemption: { pointsPerUnit: 100, minPoints: 100, step: 100 },
    birthday: { reward: { kind: 'points', points: 200 } },
    ...overrides,
  });

export const at = (iso: string) => new Date(iso);

export const placed = (orderId: string, total: number, occurredAt = '2026-03-01T02:00:00Z', currency = 'CNY'): OrderEvent => ({
  type: 'order.placed',
  detail: { orderId, customerId: 'c1', lines: [{ sku: 's', quantity: 1, unitPrice: total }], total, currency, occurredAt },
});
export const fulfilled = (orderId: string, occurredAt = '2026-03-02T02:00:00Z'): OrderEvent => ({
  type: 'order.fulfilled',
  detail: { orderId, customerId: 'c1', occurredAt },
});
export const cancelled = (orderId: string, occurredAt = '2026-03-02T02:00:00Z'): OrderEvent => ({
  type: 'order.cancelled',
  detail: { orderId, customerId: 'c1', occurredAt },
});
export const refunded = (orderId: string, amount: number, refundId = `r-${orderId}`, occurredAt = '2026-03-03T02:00:00Z'): OrderEvent => ({
  type: 'order.refunded',
  detail: { orderId, customerId: 'c1', refundId, amount, currency: 'CNY', occurredAt },
});
