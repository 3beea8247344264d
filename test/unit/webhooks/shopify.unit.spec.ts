/** Shopify payloads → Engage events (pure mapping; the endpoint's contract check is separate). */
import { describe, expect, it } from 'vitest';
import type { Lookups, MapResult } from '../../../shared/webhooks/mapping.js';
import { mapShopify } from '../../../shared/webhooks/shopify.js';
import { eventsOf, fixture, NOW, shopSettings, type Delivery } from './support.js';

function map(delivery: Delivery, lookups?: Lookups): MapResult {
  const headers = Object.fromEntries(Object.entries(delivery.headers).map(([k, v]) => [k.toLowerCase(), v]));
  return mapShopify({ topic: headers['x-shopify-topic']!, headers, payload: delivery.payload, settings: shopSettings, bodySha256: '00', now: NOW, ...(lookups ? { lookups } : {}) });
}

const mappedEvents = (delivery: Delivery, lookups?: Lookups) => eventsOf(map(delivery, lookups));

const ORDER = 'shopify:6021775573095';
const CUSTOMER = 'shopify:7412963258471';
const owner: Lookups = { orderOwner: { orderId: ORDER, customerId: CUSTOMER } };

describe('orders/create', () => {
  it('maps the order in shop money, with the Engage coupon and the delivery id as dedupe key', () => {
    const result = mappedEvents(fixture('shopify', 'orders-create'));
    expect(result.dedupeKey).toBe('shopify:lotus-tea.myshopify.com:3f7c1a52-8e4b-4d0e-9a61-5b2c7d9e0f14');
    expect(result.events).toEqual([{
      detailType: 'order.placed',
      detail: {
        orderId: ORDER,
        customerId: CUSTOMER,
        lines: [
          { sku: 'LONGJING-50G', name: 'West Lake Longjing - 50 g', quantity: 1, unitPrice: 168 },
          { sku: 'shopify:variant:44102338510951', name: 'Jasmine Pearls - 100 g', quantity: 2, unitPrice: 85 },
        ],
        total: 318,
        currency: 'CNY',
        couponCode: 'K7QM-2XPR-9HTW-4N',
        occurredAt: '2026-11-03T12:15:42.000Z',
      },
    }]);
  });

  it('takes the shop currency, not the one the customer paid in', () => {
    const d = fixture('shopify', 'orders-create');
    d.payload.presentment_currency = 'USD';
    d.payload.total_price_set.presentment_money = { amount: '44.10', currency_code: 'USD' };
    d.payload.line_items[0].price_set.presentment_money = { amount: '23.30', currency_code: 'USD' };
    const { detail } = mappedEvents(d).events[0]!;
    expect(detail).toMatchObject({ total: 318, currency: 'CNY', lines: [{ unitPrice: 168 }, { unitPrice: 85 }] });
  });

  it('falls back to the plain amounts when a payload has no money sets', () => {
    const d = fixture('shopify', 'orders-create');
    delete d.payload.total_price_set;
    for (const line of d.payload.line_items) delete line.price_set;
    d.payload.total_price = '299.90';
    expect(mappedEvents(d).events[0]!.detail).toMatchObject({ total: 299.9, currency: 'CNY', lines: [{ unitPrice: 168 }, { unitPrice: 85 }] });
  });

  it('prefers an Engage coupon over a shop code, and omits couponCode without codes', () => {
    const d = fixture('shopify', 'orders-create');
    d.payload.discount_codes = [{ code: 'FREESHIP', amount: '0.00', type: 'shipping' }, ...d.payload.discount_codes];
    expect(mappedEvents(d).events[0]!.detail.couponCode).toBe('K7QM-2XPR-9HTW-4N');
    d.payload.discount_codes = [];
    expect(mappedEvents(d).events[0]!.detail).not.toHaveProperty('couponCode');
  });

  it('skips lines edited down to zero and rejects an order left without lines', () => {
    const d = fixture('shopify', 'orders-create');
    d.payload.line_items[1].quantity = 0;
    expect(mappedEvents(d).events[0]!.detail.lines).toHaveLength(1);
    d.payload.line_items[0].quantity = 0;
    expect(map(d)).toEqual({ kind: 'rejected', reason: 'order has no line with a quantity' });
  });

  it('rejects a money value it cannot read instead of guessing', () => {
    const d = fixture('shopify', 'orders-create');
    d.payload.total_price_set.shop_money.amount = '318,00';
    expect(map(d)).toEqual({ kind: 'rejected', reason: 'order total is not an amount' });
  });

  it('ignores test orders and orders without a customer', () => {
    const test = fixture('shopify', 'orders-create');
    test.payload.test = true;
    expect(map(test)).toEqual({ kind: 'ignored', reason: 'test order' });
    const guest = fixture('shopify', 'orders-create');
    guest.payload.customer = null;
    expect(map(guest)).toEqual({ kind: 'ignored', reason: 'order without a customer' });
  });

  it('reads the exact id from admin_graphql_api_id, where a JSON number above 2^53 is rounded', () => {
    const d = fixture('shopify', 'orders-create');
    d.payload.id = 820982911946154500;
    d.payload.admin_graphql_api_id = 'gid://shopify/Order/820982911946154508';
    expect(mappedEvents(d).events[0]!.detail.orderId).toBe('shopify:820982911946154508');
  });
});

describe('orders/fulfilled and orders/cancelled', () => {
  it('fulfils at the time of the last successful fulfillment', () => {
    const d = fixture('shopify', 'orders-fulfilled');
    d.payload.fulfillments.push({ ...d.payload.fulfillments[0], id: 2, status: 'cancelled', created_at: '2026-11-06T09:00:00+08:00' });
    expect(mappedEvents(d).events).toEqual([
      { detailType: 'order.fulfilled', detail: { orderId: ORDER, customerId: CUSTOMER, occurredAt: '2026-11-05T02:31:07.000Z' } },
    ]);
  });

  it('cancels with the reason and the time Shopify gives', () => {
    expect(mappedEvents(fixture('shopify', 'orders-cancelled')).events).toEqual([{
      detailType: 'order.cancelled',
      detail: { orderId: ORDER, customerId: CUSTOMER, reason: 'customer', occurredAt: '2026-11-03T13:02:17.000Z' },
    }]);
  });
});

describe('refunds/create', () => {
  it('first asks who placed the order: the payload does not say', () => {
    expect(map(fixture('shopify', 'refunds-create'))).toEqual({ kind: 'lookup', orderOwnerOf: ORDER });
  });

  it('refunds what the successful refund transactions moved', () => {
    const result = mappedEvents(fixture('shopify', 'refunds-create'), owner);
    expect(result.events).toEqual([{
      detailType: 'order.refunded',
      detail: { orderId: ORDER, customerId: CUSTOMER, refundId: 'shopify:1036574589031', amount: 79.97, currency: 'CNY', occurredAt: '2026-11-08T06:44:50.000Z' },
    }]);
  });

  it('sums several transactions and leaves out failed ones and other kinds', () => {
    const d = fixture('shopify', 'refunds-create');
    const t = d.payload.transactions[0];
    d.payload.transactions = [
      { ...t, amount: '50.00' },
      { ...t, id: 2, amount: '29.97' },
      { ...t, id: 3, amount: '79.97', status: 'failure' },
      { ...t, id: 4, amount: '10.00', kind: 'sale' },
    ];
    expect(mappedEvents(d, owner).events[0]!.detail.amount).toBe(79.97);
  });

  it('ignores a refund that moves no money and one of an order Engage never saw', () => {
    const restock = fixture('shopify', 'refunds-create');
    restock.payload.transactions = [];
    expect(map(restock, owner)).toEqual({ kind: 'ignored', reason: 'refund moves no money (restock or adjustment only)' });
    const unknown = map(fixture('shopify', 'refunds-create'), { orderOwner: { orderId: ORDER, customerId: null } });
    expect(unknown).toEqual({ kind: 'ignored', reason: `refund of order ${ORDER}, which Engage has not seen` });
  });

  it('rejects transactions in two currencies and asks again when the lookup was for another order', () => {
    const d = fixture('shopify', 'refunds-create');
    d.payload.transactions.push({ ...d.payload.transactions[0], id: 9, currency: 'USD', amount: '1.00' });
    expect(map(d, owner)).toEqual({ kind: 'rejected', reason: 'refund transactions in more than one currency' });
    const other = map(fixture('shopify', 'refunds-create'), { orderOwner: { orderId: 'shopify:1', customerId: CUSTOMER } });
    expect(other).toEqual({ kind: 'lookup', orderOwnerOf: ORDER });
  });
});

describe('customers/create and customers/update', () => {
  it('maps a customer with email consent and tags (API versions before 2025-01)', () => {
    const result = mappedEvents(fixture('shopify', 'customers-create-2024-10'));
    expect(result.notes).toBeUndefined();
    expect(result.events).toEqual([{
      detailType: 'customer.upserted',
      detail: {
        customerId: CUSTOMER, email: 'wang.li@example.cn', name: '丽 王', locale: 'zh-CN', timeZone: 'Asia/Shanghai',
        marketingConsent: true, tags: ['newsletter-2026', '杭州'], occurredAt: '2026-05-18T01:02:11.000Z',
      },
    }]);
  });

  it('maps no consent, with a note saying why, when the payload has none (2025-01 and later)', () => {
    const result = mappedEvents(fixture('shopify', 'customers-update'));
    expect(result.events[0]!.detail).toMatchObject({ marketingConsent: false, occurredAt: '2026-11-03T12:15:44.000Z' });
    expect(result.events[0]!.detail).not.toHaveProperty('tags');
    expect(result.notes).toEqual([expect.stringContaining('no email_marketing_consent')]);
  });

  it.each([
    [{ email_marketing_consent: { state: 'subscribed' } }, true],
    [{ email_marketing_consent: { state: 'SUBSCRIBED' } }, true],
    [{ email_marketing_consent: { state: 'pending', opt_in_level: 'confirmed_opt_in' } }, false],
    [{ email_marketing_consent: { state: 'unsubscribed' } }, false],
    [{ email_marketing_consent: { state: 'not_subscribed' }, accepts_marketing: true }, false],
    [{ accepts_marketing: true }, true],
    [{ accepts_marketing: false }, false],
  ])('consent %j → %s', (fields, consent) => {
    const d = fixture('shopify', 'customers-update');
    Object.assign(d.payload, fields);
    expect(mappedEvents(d).events[0]!.detail.marketingConsent).toBe(consent);
  });

  it('uses a locale when the payload has one, else the shop default', () => {
    const d = fixture('shopify', 'customers-update');
    expect(mappedEvents(d).events[0]!.detail.locale).toBe('zh-CN');
    for (const [tag, locale] of [['en-US', 'en'], ['en', 'en'], ['zh-CN', 'zh-CN'], ['fr', 'zh-CN']]) {
      d.payload.locale = tag;
      expect(mappedEvents(d).events[0]!.detail.locale, tag).toBe(locale);
    }
  });

  it('ignores a customer without email and names one without names by the address', () => {
    const noEmail = fixture('shopify', 'customers-update');
    noEmail.payload.email = null;
    expect(map(noEmail)).toEqual({ kind: 'ignored', reason: 'customer without an email address' });
    const noName = fixture('shopify', 'customers-update');
    Object.assign(noName.payload, { first_name: null, last_name: '', default_address: null });
    expect(mappedEvents(noName).events[0]!.detail.name).toBe('wang.li');
  });
});

describe('privacy topics', () => {
  it('turns customers/redact into an erase request keyed by the delivery', () => {
    expect(mappedEvents(fixture('shopify', 'customers-redact')).events).toEqual([{
      detailType: 'customer.erase-requested',
      detail: { customerId: CUSTOMER, requestId: 'shopify:redact:9e2a7c5d-4b1f-4d3a-8c6e-1f9b3a7d5e28', occurredAt: '2026-11-10T03:00:05.113Z' },
    }]);
  });

  it('rejects a redact request that names no customer id (email-only)', () => {
    const d = fixture('shopify', 'customers-redact');
    delete d.payload.customer.id;
    expect(map(d)).toEqual({ kind: 'rejected', reason: 'redact request without a customer id' });
  });

  it('answers customers/data_request with a request to log, not an event', () => {
    expect(map(fixture('shopify', 'customers-data-request'))).toEqual({
      kind: 'data-request',
      dedupeKey: 'shopify:lotus-tea.myshopify.com:4d8b1e6a-2f7c-4a9d-b3e5-8c2a6f1d9b70',
      request: { customerId: CUSTOMER, requestId: 'shopify:data-request:9981', orderIds: [ORDER, 'shopify:5988102361447'], occurredAt: '2026-11-09T08:21:40.660Z' },
    });
  });
});

describe('topics and headers', () => {
  it('ignores topics it does not map, including names of object properties', () => {
    expect(map(fixture('shopify', 'draft-orders-create'))).toEqual({ kind: 'ignored', reason: 'topic draft_orders/create is not mapped' });
    for (const topic of ['constructor', '__proto__', 'toString', 'shop/redact']) {
      const d = fixture('shopify', 'orders-create');
      d.headers['X-Shopify-Topic'] = topic;
      expect(map(d).kind, topic).toBe('ignored');
    }
  });

  it('rejects a delivery without the webhook id it would be deduplicated on', () => {
    const d = fixture('shopify', 'orders-create');
    delete d.headers['X-Shopify-Webhook-Id'];
    expect(map(d)).toEqual({ kind: 'rejected', reason: 'missing X-Shopify-Shop-Domain or X-Shopify-Webhook-Id' });
  });
});

describe('checkouts/create and checkouts/update', () => {
  it('maps a checkout to checkout.started with its lines and the recovery URL', () => {
    const result = mappedEvents(fixture('shopify', 'checkouts-create'));
    expect(result.events).toEqual([{
      detailType: 'checkout.started',
      detail: {
        checkoutId: 'shopify:35478114181223',
        customerId: CUSTOMER,
        lines: [
          { sku: 'LONGJING-50G', title: 'West Lake Longjing', price: 168, quantity: 1 },
          { sku: 'shopify:variant:44102338510951', title: 'Jasmine Pearls', price: 85, quantity: 2 },
        ],
        total: 338,
        currency: 'CNY',
        url: 'https://lotus-tea.myshopify.com/68741234567/checkouts/b7c1e9d4a2f84c6e9d0a1b2c3d4e5f60/recover?key=4f1c0b7e2a9d',
        occurredAt: '2026-11-03T11:57:40.000Z',
      },
    }]);
  });

  it('an update maps to the same checkout (the flow enters once), a completed one to nothing', () => {
    const d = fixture('shopify', 'checkouts-create');
    const update = { ...d, headers: { ...d.headers, 'X-Shopify-Topic': 'checkouts/update', 'X-Shopify-Webhook-Id': 'another' } };
    expect(mappedEvents(update).events[0]?.detail).toMatchObject({ checkoutId: 'shopify:35478114181223' });
    const completed = { ...update, payload: { ...d.payload, completed_at: '2026-11-03T20:05:00+08:00' } };
    expect(map(completed)).toMatchObject({ kind: 'ignored' });
    const guest = { ...d, payload: { ...d.payload, customer: null } };
    expect(map(guest)).toMatchObject({ kind: 'ignored', reason: 'checkout without a customer' });
  });
});
