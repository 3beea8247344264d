/** WooCommerce payloads → Engage events: an order's state, not its history, decides the events. */
import { describe, expect, it } from 'vitest';
import type { MapResult } from '../../../shared/webhooks/mapping.js';
import { mapWooCommerce, wooDedupeKey, type WooSettings } from '../../../shared/webhooks/woocommerce.js';
import { eventsOf, fixture, NOW, wooSettings, type Delivery } from './support.js';

function map(delivery: Delivery, settings: WooSettings = wooSettings, bodySha256 = 'ab'.repeat(32)): MapResult {
  const headers = Object.fromEntries(Object.entries(delivery.headers).map(([k, v]) => [k.toLowerCase(), v]));
  return mapWooCommerce({ topic: headers['x-wc-webhook-topic']!, headers, payload: delivery.payload, settings, bodySha256, now: NOW });
}

const mappedEvents = (delivery: Delivery, settings?: WooSettings) => eventsOf(map(delivery, settings)).events;

const ref = { orderId: 'woocommerce:4127', customerId: 'woocommerce:23' };
const placed = {
  detailType: 'order.placed',
  detail: {
    ...ref,
    lines: [
      { sku: 'DRAGONWELL-50', name: 'Dragon Well Green Tea – 50 g', quantity: 1, unitPrice: 12.5 },
      { sku: 'woocommerce:variation:230', name: 'Jasmine Pearls - 100 g', quantity: 2, unitPrice: 5.75 },
    ],
    total: 29.87,
    currency: 'GBP',
    couponCode: 'welcome10',
    occurredAt: '2026-11-03T12:15:42.000Z',
  },
};

describe('order.created / order.updated', () => {
  it('places a paid order: GMT dates, unit prices before coupons, decoded names, the coupon', () => {
    expect(mappedEvents(fixture('woocommerce', 'order-created'))).toEqual([placed]);
  });

  it('ignores an order still awaiting payment, and one cancelled before it was paid', () => {
    expect(map(fixture('woocommerce', 'order-created-pending'))).toEqual({ kind: 'ignored', reason: 'order status pending is not a purchase yet' });
    const abandoned = fixture('woocommerce', 'order-created-pending');
    abandoned.payload.status = 'cancelled';
    expect(map(abandoned)).toEqual({ kind: 'ignored', reason: 'order cancelled before payment' });
  });

  it.each(['on-hold', 'failed', 'checkout-draft', 'trash'])('ignores status %s', (status) => {
    const d = fixture('woocommerce', 'order-created');
    d.payload.status = status;
    expect(map(d)).toMatchObject({ kind: 'ignored' });
  });

  it('maps a completed order to placed and fulfilled, each idempotent in Engage', () => {
    expect(mappedEvents(fixture('woocommerce', 'order-updated-completed'))).toEqual([
      placed,
      { detailType: 'order.fulfilled', detail: { ...ref, occurredAt: '2026-11-05T09:40:12.000Z' } },
    ]);
  });

  it('carries every refund the order has, by refund id, as a positive amount', () => {
    const events = mappedEvents(fixture('woocommerce', 'order-updated-refund'));
    expect(events.map((e) => e.detailType)).toEqual(['order.placed', 'order.fulfilled', 'order.refunded']);
    expect(events[2]).toEqual({
      detailType: 'order.refunded',
      detail: { ...ref, refundId: 'woocommerce:4139', amount: 6.21, currency: 'GBP', occurredAt: '2026-11-08T14:02:51.000Z' },
    });
  });

  it('gives a second delivery of the same state the same events (the dedupe is by business key)', () => {
    const first = mappedEvents(fixture('woocommerce', 'order-updated-refund'));
    const again = fixture('woocommerce', 'order-updated-refund');
    again.payload.customer_note = 'Leave at the door';
    expect(mappedEvents(again)).toEqual(first);
  });

  it('cancels a paid order', () => {
    expect(mappedEvents(fixture('woocommerce', 'order-updated-cancelled'))).toEqual([
      { detailType: 'order.cancelled', detail: { ...ref, occurredAt: '2026-11-03T15:30:44.000Z' } },
    ]);
  });

  it('maps a fully refunded order to the purchase and its refunds', () => {
    const d = fixture('woocommerce', 'order-updated-refund');
    d.payload.status = 'refunded';
    d.payload.refunds.push({ id: 4140, reason: '', total: '-23.66' });
    const events = mappedEvents(d);
    expect(events.map((e) => [e.detailType, e.detail.amount])).toEqual([['order.placed', undefined], ['order.refunded', 6.21], ['order.refunded', 23.66]]);
  });

  it('ignores guest orders: Engage keys customers by account', () => {
    const d = fixture('woocommerce', 'order-created');
    d.payload.customer_id = 0;
    expect(map(d)).toEqual({ kind: 'ignored', reason: 'guest order (customer_id 0)' });
  });

  it('falls back to the product id when a line has no SKU, and rejects a line without a subtotal', () => {
    const d = fixture('woocommerce', 'order-created');
    d.payload.line_items[0].sku = '';
    expect(mappedEvents(d)[0]!.detail).toMatchObject({ lines: [{ sku: 'woocommerce:product:211' }, {}] });
    d.payload.line_items[0].subtotal = null;
    expect(map(d)).toEqual({ kind: 'rejected', reason: 'line 388 has no subtotal or id' });
  });
});

describe('customer.created / customer.updated', () => {
  it('reads consent and language from the configured user meta keys', () => {
    expect(mappedEvents(fixture('woocommerce', 'customer-updated'))).toEqual([{
      detailType: 'customer.upserted',
      detail: {
        customerId: 'woocommerce:23', email: 'emily.carter@example.co.uk', name: 'Emily Carter', locale: 'en',
        timeZone: 'Europe/London', marketingConsent: true, occurredAt: '2026-11-03T12:15:40.000Z',
      },
    }]);
  });

  it('a new customer: no consent meta means no consent, zh_CN is Chinese, created time stands in for modified', () => {
    expect(mappedEvents(fixture('woocommerce', 'customer-created'))[0]!.detail).toMatchObject({
      customerId: 'woocommerce:31', name: '静 陈', locale: 'zh-CN', marketingConsent: false, occurredAt: '2026-11-06T08:03:55.000Z',
    });
  });

  it.each([['yes', true], ['1', true], ['on', true], [true, true], ['no', false], ['', false], ['0', false], [null, false]])(
    'consent meta %j → %s',
    (value, consent) => {
      const d = fixture('woocommerce', 'customer-updated');
      d.payload.meta_data[0].value = value;
      expect(mappedEvents(d)[0]!.detail.marketingConsent).toBe(consent);
    },
  );

  it('without configured meta keys: no consent and the shop default locale', () => {
    const plain: WooSettings = { timeZone: 'Europe/London', defaultLocale: 'zh-CN' };
    expect(mappedEvents(fixture('woocommerce', 'customer-updated'), plain)[0]!.detail).toMatchObject({ marketingConsent: false, locale: 'zh-CN' });
  });

  it('falls back to UTC when the configured shop zone is not an IANA zone', () => {
    expect(mappedEvents(fixture('woocommerce', 'customer-updated'), { ...wooSettings, timeZone: 'Mars/Olympus' })[0]!.detail.timeZone).toBe('UTC');
  });
});

describe('dedupe key', () => {
  const headers = {
    'x-wc-webhook-source': 'https://teahouse.example/', 'x-wc-webhook-id': '7', 'x-wc-webhook-delivery-id': '0d4f8c3a1b6e9f2d7a5c0e8b3f1d6a94',
  };

  it('tells apart two deliveries that share a delivery id (same webhook, same second) by their bodies', () => {
    const a = wooDedupeKey(headers, 'aa'.repeat(32));
    expect(a).toBe(`woocommerce:https://teahouse.example:7:0d4f8c3a1b6e9f2d7a5c0e8b3f1d6a94:${'aa'.repeat(16)}`);
    expect(wooDedupeKey(headers, 'bb'.repeat(32))).not.toBe(a);
  });

  it('needs the source, webhook id and delivery id', () => {
    for (const name of Object.keys(headers)) {
      expect(wooDedupeKey({ ...headers, [name]: '' }, 'aa'.repeat(32)), name).toBeUndefined();
    }
    const d = fixture('woocommerce', 'order-created');
    delete d.headers['X-WC-Webhook-Delivery-ID'];
    expect(map(d)).toEqual({ kind: 'rejected', reason: 'missing X-WC-Webhook-Source, -ID or -Delivery-ID' });
  });

  it('ignores topics it does not map', () => {
    const d = fixture('woocommerce', 'order-created');
    d.headers['X-WC-Webhook-Topic'] = 'product.updated';
    expect(map(d)).toEqual({ kind: 'ignored', reason: 'topic product.updated is not mapped' });
  });
});
