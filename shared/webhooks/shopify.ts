/**
 * Shopify webhooks → Engage shop events; the field mapping is documented in MAPPING.md.
 * One handler per topic in TOPICS: a topic without one (draft_orders/create, shop/redact …) is
 * ignored, and a later topic (checkouts/create → checkout.started) is one more entry.
 */
import { DetailType } from '../platform/contracts/events.js';
import { resolveTimeZone } from '../platform/time.js';
import {
  engageLocale, latest, lineSku, numericId, obj, objs, arr, parseMoney, personName, pickCouponCode, platformId,
  sumMoney, tagList, text, toInstant, type Json,
} from './fields.js';
import { events, ignored, rejected, withDedupeKey, type MapInput, type MapResult, type TopicOutcome } from './mapping.js';

export const SHOPIFY_HEADERS = {
  signature: 'x-shopify-hmac-sha256',
  topic: 'x-shopify-topic',
  shopDomain: 'x-shopify-shop-domain',
  webhookId: 'x-shopify-webhook-id',
  triggeredAt: 'x-shopify-triggered-at',
} as const;

type Handler = (payload: Json, input: MapInput) => TopicOutcome;

const id = (...candidates: unknown[]) => platformId('shopify', ...candidates);

/** Amounts in the shop's own currency (`shop_money`), so spend adds up across the currencies
 * customers paid in; payloads without money sets fall back to the plain amount and currency. */
function shopMoney(set: unknown, amount: unknown, currency: unknown): { amount: number | null; currency?: string } {
  const money = obj(obj(set)?.shop_money);
  if (money) return { amount: parseMoney(money.amount), currency: text(money.currency_code, 3) };
  return { amount: parseMoney(amount), currency: text(currency, 3) };
}

type OrderRef = { orderId: string; customerId: string };

function orderRef(p: Json): OrderRef | TopicOutcome {
  if (p.test === true) return ignored('test order');
  const orderId = id(p.admin_graphql_api_id, p.id);
  if (!orderId) return rejected('order has no id');
  const customer = obj(p.customer);
  const customerId = customer && id(customer.admin_graphql_api_id, customer.id);
  return customerId ? { orderId, customerId } : ignored('order without a customer');
}
const isOutcome = (r: OrderRef | TopicOutcome): r is TopicOutcome => 'kind' in r;

const orderPlaced: Handler = (p) => {
  const ref = orderRef(p);
  if (isOutcome(ref)) return ref;
  const occurredAt = toInstant(p.created_at) ?? toInstant(p.processed_at);
  if (!occurredAt) return rejected('order has no created_at');
  const total = shopMoney(p.total_price_set, p.total_price, p.currency);
  if (total.amount === null) return rejected('order total is not an amount');
  const lines = [];
  for (const line of objs(p.line_items)) {
    // A line edited down to nothing stays in the payload with quantity 0.
    if (typeof line.quantity !== 'number' || !Number.isInteger(line.quantity) || line.quantity <= 0) continue;
    const price = shopMoney(line.price_set, line.price, total.currency);
    const sku = lineSku(line.sku, platformId('shopify:variant', line.variant_id) ?? platformId('shopify:line', line.id));
    if (price.amount === null || !sku) return rejected(`line ${String(line.id)} has no price or id`);
    lines.push({ sku, ...(text(line.name ?? line.title) ? { name: text(line.name ?? line.title) } : {}), quantity: line.quantity, unitPrice: price.amount });
  }
  if (lines.length === 0) return rejected('order has no line with a quantity');
  const couponCode = pickCouponCode(objs(p.discount_codes).map((d) => d.code));
  const detail = { ...ref, lines, total: total.amount, currency: total.currency, ...(couponCode ? { couponCode } : {}), occurredAt };
  return events([{ detailType: DetailType.OrderPlaced, detail }]);
};

/** checkouts/create and checkouts/update → checkout.started (flows enter once per checkout id, so
 * an update is a duplicate; a completed checkout became an order and starts nothing). Lines in
 * the checkout's currency; a line without a numeric quantity or price is left out. */
const checkoutStarted: Handler = (p) => {
  if (p.completed_at) return ignored('checkout completed (an order follows)');
  const checkoutId = id(p.id, p.token);
  if (!checkoutId) return rejected('checkout has no id or token');
  const customer = obj(p.customer);
  const customerId = customer && id(customer.admin_graphql_api_id, customer.id);
  if (!customerId) return ignored('checkout without a customer');
  const occurredAt = toInstant(p.created_at) ?? toInstant(p.updated_at);
  if (!occurredAt) return rejected('checkout has no created_at');
  const currency = text(p.presentment_currency ?? p.currency, 3);
  const total = parseMoney(p.total_price);
  if (total === null || !currency) return rejected('checkout total or currency missing');
  const lines = [];
  for (const line of objs(p.line_items).slice(0, 100)) {
    const price = parseMoney(line.price);
    const sku = lineSku(line.sku, platformId('shopify:variant', line.variant_id));
    const title = text(line.title ?? line.name);
    if (price === null || !sku || !title || typeof line.quantity !== 'number' || !Number.isInteger(line.quantity) || line.quantity <= 0) continue;
    const image = text(obj(line.image)?.src ?? line.image_url, 2000);
    lines.push({ sku, title, price, quantity: line.quantity, ...(image?.startsWith('https://') ? { imageUrl: image } : {}) });
  }
  if (!lines.length) return ignored('checkout without lines');
  const url = text(p.abandoned_checkout_url, 2000);
  const detail = { checkoutId, customerId, lines, total, currency, ...(url?.startsWith('https://') ? { url } : {}), occurredAt };
  return events([{ detailType: DetailType.CheckoutStarted, detail }]);
};

const orderFulfilled: Handler = (p) => {
  const ref = orderRef(p);
  if (isOutcome(ref)) return ref;
  // The last successful fulfillment completed the order; updated_at when the list is trimmed.
  const shipped = objs(p.fulfillments).filter((f) => f.status === 'success').map((f) => toInstant(f.created_at));
  const occurredAt = latest(shipped) ?? toInstant(p.updated_at);
  if (!occurredAt) return rejected('fulfilled order has no fulfillment time');
  return events([{ detailType: DetailType.OrderFulfilled, detail: { ...ref, occurredAt } }]);
};

const orderCancelled: Handler = (p) => {
  const ref = orderRef(p);
  if (isOutcome(ref)) return ref;
  const occurredAt = toInstant(p.cancelled_at) ?? toInstant(p.updated_at);
  if (!occurredAt) return rejected('cancelled order has no cancelled_at');
  const reason = text(p.cancel_reason);
  return events([{ detailType: DetailType.OrderCancelled, detail: { ...ref, ...(reason ? { reason } : {}), occurredAt } }]);
};

/** The refund's amount is what moved back to the customer: its successful `refund` transactions. */
const refundCreated: Handler = (p, { lookups }) => {
  const orderId = id(p.order_id);
  const refundId = id(p.admin_graphql_api_id, p.id);
  if (!orderId || !refundId) return rejected('refund has no id or order_id');
  // refunds/create names the order but not the customer, whose id keys everything in Engage.
  const owner = lookups?.orderOwner;
  if (owner?.orderId !== orderId) return { kind: 'lookup', orderOwnerOf: orderId };
  if (!owner.customerId) return ignored(`refund of order ${orderId}, which Engage has not seen`);
  const moved = objs(p.transactions)
    .filter((t) => t.kind === 'refund' && t.status === 'success')
    .map((t) => shopMoney(t.amount_set, t.amount, t.currency));
  const amounts = moved.flatMap((m) => (m.amount === null ? [] : [m.amount]));
  if (amounts.length !== moved.length) return rejected('a refund transaction has no amount');
  const currencies = [...new Set(moved.map((m) => m.currency))];
  if (currencies.length > 1) return rejected('refund transactions in more than one currency');
  const amount = sumMoney(amounts);
  if (amount === 0) return ignored('refund moves no money (restock or adjustment only)');
  const occurredAt = toInstant(p.processed_at) ?? toInstant(p.created_at);
  if (!occurredAt) return rejected('refund has no created_at');
  const detail = { orderId, customerId: owner.customerId, refundId, amount, currency: currencies[0], occurredAt };
  return events([{ detailType: DetailType.OrderRefunded, detail }]);
};

/** Since API version 2025-01 customer payloads carry no consent (Shopify moved it to the
 * customers/email_marketing_consent_update topic): without evidence of consent there is none. */
function marketingConsent(p: Json): { value: boolean; note?: string } {
  const state = text(obj(p.email_marketing_consent)?.state)?.toLowerCase();
  if (state) return { value: state === 'subscribed' };
  if (typeof p.accepts_marketing === 'boolean') return { value: p.accepts_marketing };
  return { value: false, note: 'payload has no email_marketing_consent (API version 2025-01 or later): mapped to no consent' };
}

const customerUpserted: Handler = (p, { settings }) => {
  const customerId = id(p.admin_graphql_api_id, p.id);
  if (!customerId) return rejected('customer has no id');
  const email = text(p.email, 254);
  if (!email) return ignored('customer without an email address');
  const occurredAt = toInstant(p.updated_at) ?? toInstant(p.created_at);
  if (!occurredAt) return rejected('customer has no updated_at');
  const consent = marketingConsent(p);
  const tags = tagList(p.tags);
  const detail = {
    customerId,
    email,
    name: personName(p.first_name, p.last_name, obj(p.default_address)?.name, email.split('@')[0]),
    locale: engageLocale(p.locale, settings.defaultLocale),
    timeZone: resolveTimeZone(settings.timeZone),
    marketingConsent: consent.value,
    ...(tags ? { tags } : {}),
    occurredAt,
  };
  return events([{ detailType: DetailType.CustomerUpserted, detail }], consent.note ? [consent.note] : []);
};

const deliveredAt = ({ headers, now }: MapInput) => toInstant(headers[SHOPIFY_HEADERS.triggeredAt]) ?? now.toISOString();

const customerRedact: Handler = (p, input) => {
  const customerId = id(obj(p.customer)?.id);
  if (!customerId) return rejected('redact request without a customer id');
  const requestId = `shopify:redact:${input.headers[SHOPIFY_HEADERS.webhookId]}`;
  return events([{ detailType: DetailType.CustomerEraseRequested, detail: { customerId, requestId, occurredAt: deliveredAt(input) } }]);
};

const customerDataRequest: Handler = (p, input) => {
  const customerId = id(obj(p.customer)?.id);
  if (!customerId) return rejected('data request without a customer id');
  const requestNumber = numericId(obj(p.data_request)?.id) ?? input.headers[SHOPIFY_HEADERS.webhookId];
  const orderIds = arr(p.orders_requested).flatMap((o) => id(o) ?? []);
  const request = { customerId, requestId: `shopify:data-request:${requestNumber}`, orderIds, occurredAt: deliveredAt(input) };
  return { kind: 'data-request', request };
};

// A Map, not an object literal: a topic header such as "constructor" must not find a handler.
const TOPICS: ReadonlyMap<string, Handler> = new Map([
  ['orders/create', orderPlaced],
  ['orders/fulfilled', orderFulfilled],
  ['orders/cancelled', orderCancelled],
  ['refunds/create', refundCreated],
  ['customers/create', customerUpserted],
  ['customers/update', customerUpserted],
  ['customers/redact', customerRedact],
  ['customers/data_request', customerDataRequest],
  ['checkouts/create', checkoutStarted],
  ['checkouts/update', checkoutStarted],
]);
export const SHOPIFY_TOPICS = [...TOPICS.keys()];

/** X-Shopify-Webhook-Id stays the same on every retry of one delivery; scoped by shop. */
export function shopifyDedupeKey(headers: Readonly<Record<string, string>>): string | undefined {
  const shop = text(headers[SHOPIFY_HEADERS.shopDomain])?.toLowerCase();
  const webhookId = text(headers[SHOPIFY_HEADERS.webhookId], 128);
  return shop && webhookId ? `shopify:${shop}:${webhookId}` : undefined;
}

export function mapShopify(input: MapInput): MapResult {
  const handler = TOPICS.get(input.topic);
  if (!handler) return { kind: 'ignored', reason: `topic ${input.topic} is not mapped` };
  const dedupeKey = shopifyDedupeKey(input.headers);
  if (!dedupeKey) return { kind: 'rejected', reason: 'missing X-Shopify-Shop-Domain or X-Shopify-Webhook-Id' };
  return withDedupeKey(handler(input.payload, input), dedupeKey);
}
