import { describe, expect, it } from 'vitest';
import { contracts } from '../../../shared/platform/contracts/events.js';
import { BEHAVIOUR_DAYS, generateDemoShop, type DemoShop } from '../../../local/demo-shop.js';
import { createRandom } from '../../../local/random.js';

const now = new Date('2026-11-15T08:00:00.000Z');
const windowStart = Date.parse('2025-05-15T08:00:00.000Z'); // now − 18 months
const shop = generateDemoShop({ now });

function ordersPerCustomer(demo: DemoShop): Map<string, number> {
  const counts = new Map<string, number>();
  for (const event of demo.events) {
    if (event.detailType === 'order.placed') counts.set(event.detail.customerId, (counts.get(event.detail.customerId) ?? 0) + 1);
  }
  return counts;
}

// Generous: the full-size checks take ~1 s alone but several times that on a busy machine.
const HEAVY = 30_000;

describe('Function: generateDemoShop', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const again = generateDemoShop({ customers: 300, seed: 7, now });

    expect(again).toEqual(generateDemoShop({ customers: 300, seed: 7, now }));
    expect(again).not.toEqual(generateDemoShop({ customers: 300, seed: 8, now }));
  }, HEAVY);

  it('emits only details that satisfy the event contracts', () => {
    const invalid = shop.events
      .map((event) => ({ event, result: contracts[event.detailType].schema.safeParse(event.detail) }))
      .filter(({ result }) => !result.success);

    expect(invalid.slice(0, 3)).toEqual([]);
    for (const customer of shop.customers) expect(contracts['customer.upserted'].schema.parse(customer)).toEqual(customer);
  }, HEAVY);

  it('creates the requested customers with both locales and plausible profiles', () => {
    const ids = new Set(shop.customers.map((customer) => customer.customerId));
    const zh = shop.customers.filter((customer) => customer.locale === 'zh-CN');
    const consenting = shop.customers.filter((customer) => customer.marketingConsent);
    const withBirthday = shop.customers.filter((customer) => customer.birthday);

    expect(ids.size).toBe(2000);
    expect([...ids].sort()[0]).toBe('c00001');
    expect(zh.length / 2000).toBeGreaterThan(0.55);
    expect(zh.length / 2000).toBeLessThan(0.65);
    expect(zh.every((customer) => customer.timeZone === 'Asia/Shanghai' && /^\p{Script=Han}{2,4}$/u.test(customer.name))).toBe(true);
    expect(shop.customers.some((customer) => customer.locale === 'en')).toBe(true);
    expect(consenting.length / 2000).toBeGreaterThan(0.8);
    expect(consenting.length / 2000).toBeLessThan(0.9);
    expect(withBirthday.length / 2000).toBeGreaterThan(0.65);
    expect(withBirthday.length / 2000).toBeLessThan(0.75);
    expect(new Set(shop.customers.map((customer) => customer.email)).size).toBe(2000);
    expect(shop.customers.every((customer) => /@example\.(com|cn)$/.test(customer.email))).toBe(true);
  });

  it('tells a buy-till-you-die story: most buyers buy once, some are loyal', () => {
    const counts = [...ordersPerCustomer(shop).values()];
    const oneTime = counts.filter((count) => count === 1).length / counts.length;

    expect(counts.length).toBeGreaterThan(1600);
    expect(oneTime).toBeGreaterThan(0.5);
    expect(oneTime).toBeLessThan(0.7);
    expect(counts.filter((count) => count >= 5).length).toBeGreaterThan(50);
  });

  it('keeps cancellation and refund rates near the shop averages, with unique ids', () => {
    const byType = (type: string) => shop.events.filter((event) => event.detailType === type);
    const placed = byType('order.placed').length;
    const refundIds = byType('order.refunded').map((event) => (event.detail as { refundId: string }).refundId);
    const orderIds = byType('order.placed').map((event) => (event.detail as { orderId: string }).orderId);

    expect(byType('order.cancelled').length / placed).toBeGreaterThan(0.025);
    expect(byType('order.cancelled').length / placed).toBeLessThan(0.055);
    expect(byType('order.fulfilled').length / placed).toBeGreaterThan(0.78);
    expect(byType('order.refunded').length / byType('order.fulfilled').length).toBeGreaterThan(0.03);
    expect(byType('order.refunded').length / byType('order.fulfilled').length).toBeLessThan(0.07);
    expect(new Set(refundIds).size).toBe(refundIds.length);
    expect(new Set(orderIds).size).toBe(placed);
  });

  it('orders events by time, all within [now − months, now]', () => {
    const times = shop.events.map((event) => Date.parse(event.detail.occurredAt));

    expect(shop.events.every((event) => event.detail.occurredAt.endsWith('Z'))).toBe(true);
    expect(times.every((time, i) => i === 0 || time >= (times[i - 1] ?? 0))).toBe(true);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(windowStart);
    expect(Math.max(...times)).toBeLessThanOrEqual(now.getTime());
  });

  it('follows every order event with an earlier order.placed of the same customer', () => {
    const placedBy = new Map<string, { customerId: string; total: number }>();
    const ended = new Set<string>();
    const known = new Set<string>();
    for (const event of shop.events) {
      switch (event.detailType) {
        case 'customer.upserted':
          known.add(event.detail.customerId);
          break;
        case 'order.placed':
          expect(known.has(event.detail.customerId)).toBe(true);
          placedBy.set(event.detail.orderId, { customerId: event.detail.customerId, total: event.detail.total });
          break;
        case 'order.fulfilled':
        case 'order.cancelled':
          expect(placedBy.get(event.detail.orderId)?.customerId).toBe(event.detail.customerId);
          expect(ended.has(event.detail.orderId)).toBe(false); // never both fulfilled and cancelled
          ended.add(event.detail.orderId);
          break;
        case 'order.refunded':
          expect(placedBy.get(event.detail.orderId)?.customerId).toBe(event.detail.customerId);
          expect(ended.has(event.detail.orderId)).toBe(true);
          expect(event.detail.amount).toBeLessThanOrEqual(placedBy.get(event.detail.orderId)?.total ?? 0);
          break;
      }
    }
  }, HEAVY);

  it('shops before it buys: checkouts before most recent orders, some abandoned, product views, all in the last days', () => {
    const from = now.getTime() - BEHAVIOUR_DAYS * 86_400_000;
    const checkouts = shop.events.flatMap((e) => (e.detailType === 'checkout.started' ? [e.detail] : []));
    const views = shop.events.filter((e) => e.detailType === 'product.viewed');
    const recentOrders = shop.events.flatMap((e) => (e.detailType === 'order.placed' && Date.parse(e.detail.occurredAt) >= from ? [e.detail] : []));
    expect([...checkouts, ...views.map((v) => v.detail)].every((d) => Date.parse(d.occurredAt) >= from && Date.parse(d.occurredAt) <= now.getTime())).toBe(true);
    const abandoned = checkouts.filter((c) => c.checkoutId.startsWith('ka'));
    expect(checkouts.length - abandoned.length).toBeGreaterThan(recentOrders.length * 0.5);
    expect(abandoned.length).toBeGreaterThan(40);
    expect(views.length).toBeGreaterThan(50);
    // the purchase history is the same as without them (their own generator)
    expect(recentOrders.length).toBeGreaterThan(10);
  });

  it('honours a small size and a shorter window', () => {
    const small = generateDemoShop({ customers: 50, months: 3, seed: 1, now });
    const start = new Date(now);
    start.setUTCMonth(start.getUTCMonth() - 3);

    expect(small.customers).toHaveLength(50);
    expect(small.events.every((event) => Date.parse(event.detail.occurredAt) >= start.getTime())).toBe(true);
  });
});

describe('Function: createRandom', () => {
  const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
  const draw = (n: number, f: () => number) => Array.from({ length: n }, f);

  it('reproduces a stream for a seed', () => {
    expect(draw(5, createRandom(3).next)).toEqual(draw(5, createRandom(3).next));
    expect(draw(5, createRandom(3).next)).not.toEqual(draw(5, createRandom(4).next));
  });

  it('draws from distributions with the right means', () => {
    const random = createRandom(11);

    expect(mean(draw(20_000, () => random.gamma(0.6, 50)))).toBeCloseTo(30, -1);
    expect(mean(draw(20_000, () => random.gamma(4, 2)))).toBeCloseTo(8, 0);
    expect(mean(draw(20_000, () => random.beta(1, 3)))).toBeCloseTo(0.25, 1);
    expect(mean(draw(20_000, () => random.exponential(0.5)))).toBeCloseTo(2, 0);
    expect(mean(draw(20_000, () => random.poisson(3)))).toBeCloseTo(3, 0);
    expect(mean(draw(20_000, () => random.normal(5, 2)))).toBeCloseTo(5, 1);
  }, HEAVY);
});
