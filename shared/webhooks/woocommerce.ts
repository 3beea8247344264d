/**
 * WooCommerce webhooks (REST API v3 payloads) → Engage shop events; see MAPPING.md.
 *
 * `order.updated` fires on every save of an order (status change, note, refund, edit), so an
 * order's payload is mapped by its state, not by what changed: each delivery yields the events
 * the state implies, and Engage drops the ones it already has by business key (placed and
 * fulfilled once per order, cancelled once, refunds by refund id).
 */
import { DetailType } from '../platform/contracts/events.js';
import { resolveTimeZone } from '../platform/time.js';
import {
  engageLocale, lineSku, numericId, objs, obj, parseMoney, personName, pickCouponCode, platformId, text, toInstant,
  type Json,
} from './fields.js';
import {
  events, ignored, rejected, withDedupeKey, type MapInput, type MapResult, type MappedEvent, type ShopSettings,
  type TopicOutcome,
} from './mapping.js';

export const WOO_HEADERS = {
  signature: 'x-wc-webhook-signature',
  topic: 'x-wc-webhook-topic',
  source: 'x-wc-webhook-source',
  webhookId: 'x-wc-webhook-id',
  deliveryId: 'x-wc-webhook-delivery-id',
} as const;

export interface WooSettings extends ShopSettings {
  /** User meta key of the customer's marketing opt-in (a newsletter plugin's); unset: no consent. */
  consentMetaKey?: string;
  /** User meta key of a WordPress locale such as 'zh_CN'; unset: the shop's default locale. */
  localeMetaKey?: string;
}

type Handler = (payload: Json, input: MapInput<WooSettings>) => TopicOutcome;

const id = (...candidates: unknown[]) => platformId('woocommerce', ...candidates);
// WooCommerce's *_gmt fields are UTC without an offset; the other dates are in the site's zone.
const gmt = (v: unknown) => toInstant(v, { assumeUtc: true });

const ENTITIES: Readonly<Record<string, string>> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', ndash: '–', mdash: '—', times: '×', hellip: '…',
};
/** Product names arrive HTML-escaped ("Tea &ndash; 50 g"); mail templates escape on their own. */
function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});/gi, (whole, e: string) => {
    if (e[0] !== '#') return ENTITIES[e.toLowerCase()] ?? whole;
    const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

type Ref = { orderId: string; customerId: string };

function purchase(p: Json, ref: Ref): MappedEvent | string {
  const occurredAt = gmt(p.date_created_gmt);
  const total = parseMoney(p.total);
  if (!occurredAt || total === null) return 'order has no date_created_gmt or total';
  const lines = [];
  for (const line of objs(p.line_items)) {
    const quantity = line.quantity;
    if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity <= 0) continue;
    // subtotal: the line before coupons, without tax; per unit.
    const subtotal = parseMoney(line.subtotal);
    const fallback = platformId('woocommerce:variation', line.variation_id) ?? platformId('woocommerce:product', line.product_id);
    const sku = lineSku(line.sku, fallback ?? platformId('woocommerce:line', line.id));
    if (subtotal === null || !sku) return `line ${String(line.id)} has no subtotal or id`;
    const name = text(line.name) && text(decodeEntities(text(line.name)!));
    lines.push({ sku, ...(name ? { name } : {}), quantity, unitPrice: Math.round((subtotal / quantity) * 10_000) / 10_000 });
  }
  if (lines.length === 0) return 'order has no line with a quantity';
  const couponCode = pickCouponCode(objs(p.coupon_lines).map((c) => c.code));
  const detail = { ...ref, lines, total, currency: text(p.currency, 3), ...(couponCode ? { couponCode } : {}), occurredAt };
  return { detailType: DetailType.OrderPlaced, detail };
}

// Paid orders; 'on-hold' (awaiting a bank transfer) and 'pending' become one when paid.
const PURCHASED = new Set(['processing', 'completed', 'refunded']);

const orderState: Handler = (p) => {
  const orderId = id(p.id);
  if (!orderId) return rejected('order has no id');
  const customerId = id(p.customer_id);
  if (!customerId) return ignored('guest order (customer_id 0)');
  const ref = { orderId, customerId };
  const status = text(p.status) ?? 'unknown';
  const modifiedAt = gmt(p.date_modified_gmt) ?? gmt(p.date_created_gmt);
  if (!modifiedAt) return rejected('order has no date_modified_gmt');
  const list: MappedEvent[] = [];
  if (PURCHASED.has(status)) {
    const placed = purchase(p, ref);
    if (typeof placed === 'string') return rejected(placed);
    list.push(placed);
  }
  if (status === 'completed') {
    list.push({ detailType: DetailType.OrderFulfilled, detail: { ...ref, occurredAt: gmt(p.date_completed_gmt) ?? modifiedAt } });
  }
  if (status === 'cancelled') {
    // An order cancelled before payment (an abandoned pending order) never was a purchase.
    if (!gmt(p.date_paid_gmt)) return ignored('order cancelled before payment');
    list.push({ detailType: DetailType.OrderCancelled, detail: { ...ref, occurredAt: modifiedAt } });
  }
  for (const refund of objs(p.refunds)) {
    const refundId = id(refund.id);
    const amount = parseMoney(refund.total);
    if (!refundId || amount === null) return rejected('a refund has no id or total');
    // Refund totals are negative in order payloads ("-5.00").
    const detail = { ...ref, refundId, amount: Math.abs(amount), currency: text(p.currency, 3), occurredAt: modifiedAt };
    list.push({ detailType: DetailType.OrderRefunded, detail });
  }
  return list.length ? events(list) : ignored(`order status ${status} is not a purchase yet`);
};

const metaValue = (p: Json, key: string | undefined): unknown =>
  key === undefined ? undefined : objs(p.meta_data).find((m) => m.key === key)?.value;

const YES = new Set(['1', 'yes', 'true', 'on', 'subscribed']);
const isYes = (v: unknown): boolean => v === true || v === 1 || (typeof v === 'string' && YES.has(v.trim().toLowerCase()));

const customerUpserted: Handler = (p, { settings }) => {
  const customerId = id(p.id);
  if (!customerId) return rejected('customer has no id');
  const billing = obj(p.billing);
  const email = text(p.email, 254) ?? text(billing?.email, 254);
  if (!email) return ignored('customer without an email address');
  const occurredAt = gmt(p.date_modified_gmt) ?? gmt(p.date_created_gmt);
  if (!occurredAt) return rejected('customer has no date_modified_gmt');
  const detail = {
    customerId,
    email,
    name: personName(p.first_name, p.last_name, personName(billing?.first_name, billing?.last_name), p.username, email.split('@')[0]),
    locale: engageLocale(metaValue(p, settings.localeMetaKey), settings.defaultLocale),
    timeZone: resolveTimeZone(settings.timeZone),
    // WooCommerce records no marketing consent of its own.
    marketingConsent: isYes(metaValue(p, settings.consentMetaKey)),
    occurredAt,
  };
  return events([{ detailType: DetailType.CustomerUpserted, detail }]);
};

const TOPICS: ReadonlyMap<string, Handler> = new Map([
  ['order.created', orderState],
  ['order.updated', orderState],
  ['customer.created', customerUpserted],
  ['customer.updated', customerUpserted],
]);
export const WOO_TOPICS = [...TOPICS.keys()];

/**
 * WooCommerce makes the delivery id from the webhook id and the current second, so two deliveries
 * of one webhook within a second share it; the body's hash tells them apart. WooCommerce does
 * not retry failed deliveries itself, so the key mainly absorbs manual re-sends.
 */
export function wooDedupeKey(headers: Readonly<Record<string, string>>, bodySha256: string): string | undefined {
  const source = text(headers[WOO_HEADERS.source], 300)?.toLowerCase().replace(/\/+$/, '');
  const webhookId = numericId(headers[WOO_HEADERS.webhookId]);
  const deliveryId = text(headers[WOO_HEADERS.deliveryId], 64);
  if (!source || !webhookId || !deliveryId) return undefined;
  return `woocommerce:${source}:${webhookId}:${deliveryId}:${bodySha256.slice(0, 32)}`;
}

export function mapWooCommerce(input: MapInput<WooSettings>): MapResult {
  const handler = TOPICS.get(input.topic);
  if (!handler) return { kind: 'ignored', reason: `topic ${input.topic} is not mapped` };
  const dedupeKey = wooDedupeKey(input.headers, input.bodySha256);
  if (!dedupeKey) return { kind: 'rejected', reason: 'missing X-WC-Webhook-Source, -ID or -Delivery-ID' };
  return withDedupeKey(handler(input.payload, input), dedupeKey);
}
