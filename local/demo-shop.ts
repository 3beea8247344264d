/**
 * Seeded demo shop: customers and their order histories as Engage events. Pure: `now` comes in,
 * nothing is read or written.
 *
 * Purchases follow a buy-till-you-die story (as in BG/NBD, Fader, Hardie & Lee 2005): each
 * customer buys at a personal Poisson rate λ ~ Gamma and, after every purchase, leaves for good
 * with a personal probability p ~ Beta. So most buy once, a few are loyal, and many repeat
 * buyers have silently gone quiet by `now` — the people an engagement tool exists for.
 */
import type {
  CheckoutStarted,
  CustomerUpserted,
  Locale,
  ProductViewed,
  OrderCancelled,
  OrderFulfilled,
  OrderPlaced,
  OrderRefunded,
  PointsRedeemRequested,
} from '../shared/platform/contracts/events.js';
import { createRandom, type Random } from './random.js';
import { chineseGivenNames, chineseSurnames, englishFirstNames, englishLastNames } from './names.js';

export type CustomerUpsertedDetail = CustomerUpserted;

export type DemoEvent =
  | { detailType: 'customer.upserted'; detail: CustomerUpserted }
  | { detailType: 'order.placed'; detail: OrderPlaced }
  | { detailType: 'order.fulfilled'; detail: OrderFulfilled }
  | { detailType: 'order.cancelled'; detail: OrderCancelled }
  | { detailType: 'order.refunded'; detail: OrderRefunded }
  | { detailType: 'checkout.started'; detail: CheckoutStarted }
  | { detailType: 'product.viewed'; detail: ProductViewed }
  | { detailType: 'points.redeem-requested'; detail: PointsRedeemRequested };

export interface DemoShop {
  /** Each customer's latest profile. */
  customers: CustomerUpsertedDetail[];
  /** All events, oldest first. */
  events: DemoEvent[];
}

export interface DemoShopOptions {
  customers?: number;
  months?: number;
  seed?: number;
  now: Date;
}

export const DEMO_CURRENCY = 'CNY';

/** Tuned so ~57–60 % of buyers buy once over 18 months and ~40 % of repeat buyers are overdue
 * (silent for more than twice their own average gap) at `now`. */
const PURCHASE_RATE_SHAPE = 0.6; // r: heterogeneity of purchase rates
const PURCHASE_RATE_SCALE_DAYS = 70; // α: λ ~ Gamma(r, 1/α) per day, mean one order per ~117 days
const DROPOUT_A = 1.0; // p ~ Beta(a, b): mean dropout 0.25 after each purchase
const DROPOUT_B = 3.0;
const SIGNUP_WITHOUT_ORDER = 0.08; // newsletter sign-ups that never buy
const CANCEL_SHARE = 0.04;
// Of the orders not cancelled; the rest stay open (many shops never report fulfilment for
// pickup or digital orders, so Engage must not rely on it).
const FULFIL_SHARE = 0.885;
const REFUND_SHARE = 0.05;
const MAX_ORDERS_PER_CUSTOMER = 80;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

interface Product {
  sku: string;
  zh: string;
  en: string;
  price: number;
  popularity: number;
}

const catalogue: readonly Product[] = [
  { sku: 'TEA-LJ-250', zh: '西湖龙井 250克', en: 'West Lake Longjing green tea, 250 g', price: 168, popularity: 10 },
  { sku: 'TEA-PE-357', zh: '云南普洱茶饼 357克', en: 'Yunnan pu-erh tea cake, 357 g', price: 238, popularity: 7 },
  { sku: 'TEA-TGY-125', zh: '安溪铁观音 125克', en: 'Anxi Tieguanyin oolong, 125 g', price: 98, popularity: 8 },
  { sku: 'TEA-DHP-100', zh: '武夷大红袍 100克', en: 'Wuyi Da Hong Pao, 100 g', price: 188, popularity: 6 },
  { sku: 'TEA-JAS-100', zh: '茉莉花茶 100克', en: 'Jasmine tea, 100 g', price: 58, popularity: 9 },
  { sku: 'CER-GAIWAN', zh: '景德镇青花盖碗套装', en: 'Jingdezhen blue-and-white gaiwan set', price: 328, popularity: 4 },
  { sku: 'CER-CUPS-2', zh: '汝窑品茗杯（两只）', en: 'Ru-ware tasting cups, pair', price: 128, popularity: 5 },
  { sku: 'CER-YIXING', zh: '宜兴紫砂壶', en: 'Yixing clay teapot', price: 580, popularity: 2 },
  { sku: 'SLK-SCARF', zh: '苏州真丝围巾', en: 'Suzhou silk scarf', price: 298, popularity: 4 },
  { sku: 'SLK-PILLOW', zh: '桑蚕丝枕套', en: 'Mulberry silk pillowcase', price: 268, popularity: 3 },
  { sku: 'SLK-EYEMASK', zh: '真丝眼罩', en: 'Silk eye mask', price: 88, popularity: 4 },
  { sku: 'ACC-TRAY', zh: '竹制茶盘', en: 'Bamboo tea tray', price: 158, popularity: 3 },
  { sku: 'ACC-TOOLS', zh: '茶道六君子', en: 'Tea ceremony tool set', price: 68, popularity: 4 },
  { sku: 'ACC-INCENSE', zh: '檀香线香', en: 'Sandalwood incense sticks', price: 45, popularity: 5 },
  { sku: 'GFT-MOONBOX', zh: '中秋茶礼盒', en: 'Mid-Autumn tea gift box', price: 398, popularity: 3 },
];
const weightedCatalogue = catalogue.map((product) => [product, product.popularity] as const);

/** Standard-time UTC offsets in hours; ignoring DST only shifts a few shopping hours. */
const englishTimeZones = [
  ['America/New_York', 35, -5],
  ['Europe/London', 25, 0],
  ['America/Los_Angeles', 25, -8],
  ['Australia/Sydney', 15, 10],
] as const;
const SHANGHAI_OFFSET = 8;

/** Shopping by local hour: quiet at night, peaks at lunch and in the evening. */
const localHourWeights = [1, 0.5, 0.3, 0.2, 0.2, 0.3, 0.6, 1.2, 2, 2.5, 3, 3.5, 4, 3.5, 3, 3, 3, 3.2, 3.8, 4.5, 5.5, 6, 5, 2.5];
const weightedHours = localHourWeights.map((weight, hour) => [hour, weight] as const);

interface Profile {
  detail: CustomerUpserted;
  utcOffsetHours: number;
  joinedAt: number;
}

interface Order {
  customer: Profile;
  placedAt: number;
  detail: Omit<OrderPlaced, 'orderId'>;
  outcome: { kind: 'cancelled'; at: number } | { kind: 'fulfilled'; at: number; refund?: { at: number; amount: number } } | { kind: 'open' };
}

export function generateDemoShop(opts: DemoShopOptions): DemoShop {
  const count = opts.customers ?? 2000;
  const months = opts.months ?? 18;
  const random = createRandom(opts.seed ?? 42);
  const now = opts.now.getTime();
  const start = new Date(opts.now);
  start.setUTCMonth(start.getUTCMonth() - months);
  const windowStart = start.getTime();

  const joinTimes = Array.from({ length: count }, () => random.uniform(windowStart, now)).sort((a, b) => a - b);
  const profiles = joinTimes.map((joinedAt, index) => makeProfile(random, index + 1, joinedAt));
  const orders = profiles.flatMap((profile) => simulatePurchases(random, profile, now));
  orders.sort((a, b) => a.placedAt - b.placedAt);

  const events: Array<DemoEvent & { at: number; seq: number }> = [];
  const push = (at: number, event: DemoEvent) => events.push({ ...event, at, seq: events.length });
  for (const profile of profiles) push(profile.joinedAt, { detailType: 'customer.upserted', detail: profile.detail });

  const refunds: Array<{ at: number; order: OrderPlaced }> = [];
  orders.forEach((order, index) => {
    const placed: OrderPlaced = { orderId: `o${String(index + 1).padStart(6, '0')}`, ...order.detail };
    const ids = { orderId: placed.orderId, customerId: placed.customerId };
    push(order.placedAt, { detailType: 'order.placed', detail: placed });
    const { outcome } = order;
    if (outcome.kind === 'cancelled') {
      const reason = random.pick(['customer request', 'payment failed', 'out of stock']);
      push(outcome.at, { detailType: 'order.cancelled', detail: { ...ids, reason, occurredAt: iso(outcome.at) } });
    } else if (outcome.kind === 'fulfilled') {
      push(outcome.at, { detailType: 'order.fulfilled', detail: { ...ids, occurredAt: iso(outcome.at) } });
      if (outcome.refund) refunds.push({ at: outcome.refund.at, order: { ...placed, total: outcome.refund.amount } });
    }
  });
  // Refund ids are numbered in time order, like a shop's own sequence would be.
  refunds.sort((a, b) => a.at - b.at);
  refunds.forEach(({ at, order }, index) =>
    push(at, {
      detailType: 'order.refunded',
      detail: {
        orderId: order.orderId,
        customerId: order.customerId,
        refundId: `r${String(index + 1).padStart(6, '0')}`,
        amount: order.total,
        currency: DEMO_CURRENCY,
        occurredAt: iso(at),
      },
    }),
  );

  const latest = new Map(profiles.map((profile) => [profile.detail.customerId, profile.detail]));
  for (const profile of profiles) {
    // A few customers withdraw marketing consent later (unsubscribe in the shop's account page).
    if (!profile.detail.marketingConsent || !random.chance(0.04)) continue;
    const at = random.uniform(profile.joinedAt, now);
    const detail: CustomerUpserted = { ...profile.detail, marketingConsent: false, occurredAt: iso(at) };
    latest.set(detail.customerId, detail);
    push(at, { detailType: 'customer.upserted', detail });
  }

  for (const e of behaviour(opts.seed ?? 42, profiles, orders, now)) push(e.at, e.event);

  events.sort((a, b) => a.at - b.at || a.seq - b.seq);
  return {
    customers: [...latest.values()],
    events: events.map(({ at: _at, seq: _seq, ...event }) => event as DemoEvent),
  };
}

/** Shopper activity is generated for the last days only, inside the demo's live window (demo.ts
 * LIVE_DAYS): it goes through the bus to the flows, never through the import. */
export const BEHAVIOUR_DAYS = 5;
const SHOP_URL = 'https://shop.example.com';
const ABANDON_SHARE = 0.04;
const BROWSE_SHARE = 0.05;
/** Of the members with enough points (≥ REDEEM_POINTS earned in the last year), who redeem some. */
const REDEEM_SHARE = 0.06;
const REDEEM_POINTS = 500;

/**
 * Checkouts before most orders, checkouts abandoned without one, product views. Drawn from their
 * own seeded generator, so the purchase history (and every figure derived from it) stays the same.
 */
function behaviour(seed: number, profiles: readonly Profile[], orders: readonly Order[], now: number): Array<{ at: number; event: DemoEvent }> {
  const random = createRandom(seed ^ 0xbe4a);
  const from = now - BEHAVIOUR_DAYS * DAY;
  const out: Array<{ at: number; event: DemoEvent }> = [];
  const lineOf = (p: Product, zh: boolean, quantity = 1) => ({ sku: p.sku, title: zh ? p.zh : p.en, url: `${SHOP_URL}/p/${p.sku.toLowerCase()}`, price: p.price, quantity });
  const checkout = (customer: Profile, at: number, lines: ReturnType<typeof lineOf>[], id: string): { at: number; event: DemoEvent } => ({
    at,
    event: {
      detailType: 'checkout.started',
      detail: { checkoutId: id, customerId: customer.detail.customerId, lines, total: round2(lines.reduce((s, l) => s + l.price * l.quantity, 0)), currency: DEMO_CURRENCY, url: `${SHOP_URL}/checkout/${id}`, occurredAt: iso(at) },
    },
  });
  orders.forEach((order, index) => {
    if (order.placedAt < from || !random.chance(0.7)) return;
    const at = Math.max(from, order.placedAt - random.uniform(5, 40) * MINUTE);
    const lines = order.detail.lines.map((l) => ({ sku: l.sku, title: l.name ?? l.sku, url: `${SHOP_URL}/p/${l.sku.toLowerCase()}`, price: l.unitPrice, quantity: l.quantity }));
    out.push(checkout(order.customer, at, lines, `k${String(index + 1).padStart(6, '0')}`));
  });
  // Spend of the last year ≈ points on the balance (1 point per yuan, loyalty.yaml): who can redeem.
  const yearSpend = new Map<string, number>();
  for (const o of orders) if (o.placedAt >= now - 365 * DAY && o.outcome.kind !== 'cancelled') yearSpend.set(o.customer.detail.customerId, (yearSpend.get(o.customer.detail.customerId) ?? 0) + o.detail.total);
  profiles.forEach((customer, n) => {
    if (customer.joinedAt > now) return;
    const zh = customer.detail.locale === 'zh-CN';
    if (random.chance(ABANDON_SHARE)) {
      const at = atShoppingHour(random, random.uniform(from, now), customer.utcOffsetHours, from, now);
      const picked = new Set<Product>(Array.from({ length: random.int(1, 2) }, () => random.weighted(weightedCatalogue)));
      out.push(checkout(customer, at, [...picked].map((p) => lineOf(p, zh)), `ka${String(n + 1).padStart(6, '0')}`));
    }
    if (random.chance(BROWSE_SHARE)) {
      for (let v = random.int(1, 3); v > 0; v--) {
        const at = atShoppingHour(random, random.uniform(from, now), customer.utcOffsetHours, from, now);
        const { quantity: _q, ...product } = lineOf(random.weighted(weightedCatalogue), zh);
        out.push({ at, event: { detailType: 'product.viewed', detail: { customerId: customer.detail.customerId, product, currency: DEMO_CURRENCY, occurredAt: iso(at) } } });
      }
    }
  });
  // Redemptions from a generator of their own: the checkouts and views above stay as they were.
  const redeeming = createRandom(seed ^ 0x7ed3);
  for (const customer of profiles) {
    if (customer.joinedAt > now || (yearSpend.get(customer.detail.customerId) ?? 0) < REDEEM_POINTS * 1.2 || !redeeming.chance(REDEEM_SHARE)) continue;
    const at = atShoppingHour(redeeming, redeeming.uniform(from, now), customer.utcOffsetHours, from, now);
    out.push({ at, event: { detailType: 'points.redeem-requested', detail: { customerId: customer.detail.customerId, key: `rd-${customer.detail.customerId}`, points: REDEEM_POINTS, occurredAt: iso(at) } } });
  }
  return out;
}

function makeProfile(random: Random, number: number, joinedAt: number): Profile {
  const customerId = `c${String(number).padStart(5, '0')}`;
  const locale: Locale = random.chance(0.6) ? 'zh-CN' : 'en';
  let name: string;
  let email: string;
  let timeZone: string;
  let utcOffsetHours: number;
  if (locale === 'zh-CN') {
    // Earlier surnames are more common, as in the population.
    const [surname, surnamePinyin] = random.weighted(chineseSurnames.map((entry, i) => [entry, 1 / (i + 3)] as const));
    const [given, givenPinyin] = random.pick(chineseGivenNames);
    name = `${surname}${given}`;
    email = `${surnamePinyin}${givenPinyin}.${number}@${random.chance(0.5) ? 'example.cn' : 'example.com'}`;
    timeZone = 'Asia/Shanghai';
    utcOffsetHours = SHANGHAI_OFFSET;
  } else {
    const first = random.pick(englishFirstNames);
    const last = random.pick(englishLastNames);
    name = `${first} ${last}`;
    email = `${first.toLowerCase()}.${last.toLowerCase()}.${number}@example.com`;
    const zone = random.weighted(englishTimeZones.map((entry) => [entry, entry[1]] as const));
    timeZone = zone[0];
    utcOffsetHours = zone[2];
  }
  const detail: CustomerUpserted = {
    customerId,
    email,
    name,
    locale,
    timeZone,
    marketingConsent: random.chance(0.885),
    occurredAt: iso(joinedAt),
  };
  if (random.chance(0.7)) detail.birthday = makeBirthday(random);
  return { detail, utcOffsetHours, joinedAt };
}

function makeBirthday(random: Random): string {
  const month = random.int(1, 12);
  const daysInMonth = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 28;
  const monthDay = `${pad2(month)}-${pad2(random.int(1, daysInMonth))}`;
  return random.chance(0.5) ? `${random.int(1960, 2006)}-${monthDay}` : monthDay;
}

function simulatePurchases(random: Random, customer: Profile, now: number): Order[] {
  if (random.chance(SIGNUP_WITHOUT_ORDER)) return [];
  const ratePerDay = random.gamma(PURCHASE_RATE_SHAPE, 1 / PURCHASE_RATE_SCALE_DAYS);
  const dropout = random.beta(DROPOUT_A, DROPOUT_B);
  const orders: Order[] = [];
  // Most first orders come right with the sign-up (account created at checkout).
  let t = customer.joinedAt + (random.chance(0.7) ? random.uniform(MINUTE, 30 * MINUTE) : random.exponential(1 / (3 * DAY)));
  let previous = customer.joinedAt;
  while (t <= now && orders.length < MAX_ORDERS_PER_CUSTOMER) {
    const placedAt = atShoppingHour(random, t, customer.utcOffsetHours, previous, now);
    orders.push(makeOrder(random, customer, placedAt, orders.length === 0, now));
    previous = placedAt;
    if (random.chance(dropout)) break;
    t = placedAt + random.exponential(ratePerDay) * DAY;
  }
  return orders;
}

/** Moves t to a plausible local hour of the same local day, unless that breaks the ordering. */
function atShoppingHour(random: Random, t: number, offsetHours: number, notBefore: number, notAfter: number): number {
  const offset = offsetHours * HOUR;
  const localDayStart = Math.floor((t + offset) / DAY) * DAY - offset;
  const moved = localDayStart + random.weighted(weightedHours) * HOUR + random.uniform(0, HOUR);
  return moved > notBefore + MINUTE && moved <= notAfter ? Math.floor(moved) : Math.floor(t);
}

function makeOrder(random: Random, customer: Profile, placedAt: number, isFirst: boolean, now: number): Order {
  const lineCount = random.weighted([[1, 50], [2, 30], [3, 13], [4, 7]] as const);
  const chosen = new Set<Product>();
  while (chosen.size < lineCount) chosen.add(random.weighted(weightedCatalogue));
  const zh = customer.detail.locale === 'zh-CN';
  const lines = [...chosen].map((product) => ({
    sku: product.sku,
    name: zh ? product.zh : product.en,
    quantity: product.price < 100 ? random.weighted([[1, 60], [2, 28], [3, 12]] as const) : random.weighted([[1, 88], [2, 12]] as const),
    unitPrice: product.price,
  }));
  const subtotal = lines.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0);
  const coupon = isFirst
    ? random.chance(0.25) ? (['WELCOME10', 0.1] as const) : undefined
    : random.chance(0.08) ? random.pick([['FESTIVAL15', 0.15], ['VIP20', 0.2]] as const) : undefined;
  const total = round2(subtotal * (1 - (coupon?.[1] ?? 0)));
  const detail: Omit<OrderPlaced, 'orderId'> = {
    customerId: customer.detail.customerId,
    lines,
    total,
    currency: DEMO_CURRENCY,
    occurredAt: iso(placedAt),
    ...(coupon ? { couponCode: coupon[0] } : {}),
  };
  return { customer, placedAt, detail, outcome: decideOutcome(random, placedAt, total, now) };
}

function decideOutcome(random: Random, placedAt: number, total: number, now: number): Order['outcome'] {
  if (random.chance(CANCEL_SHARE)) {
    const at = placedAt + random.uniform(5 * MINUTE, DAY);
    return at <= now ? { kind: 'cancelled', at: Math.floor(at) } : { kind: 'open' };
  }
  if (!random.chance(FULFIL_SHARE)) return { kind: 'open' };
  const fulfilledAt = Math.floor(placedAt + random.uniform(1, 5) * DAY);
  if (fulfilledAt > now) return { kind: 'open' };
  if (!random.chance(REFUND_SHARE)) return { kind: 'fulfilled', at: fulfilledAt };
  const refundAt = Math.floor(fulfilledAt + random.uniform(3, 20) * DAY);
  const amount = random.chance(0.6) ? total : round2(total * random.uniform(0.2, 0.6));
  return refundAt <= now ? { kind: 'fulfilled', at: fulfilledAt, refund: { at: refundAt, amount } } : { kind: 'fulfilled', at: fulfilledAt };
}

const iso = (ms: number): string => new Date(ms).toISOString();
const pad2 = (n: number): string => String(n).padStart(2, '0');
const round2 = (n: number): number => Math.round(n * 100) / 100;
