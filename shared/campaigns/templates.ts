/**
 * The template context contract, and the checks that prove every template renders against it.
 *
 * Variables (all templates):
 *   customer.{name, locale, timeZone, tier, orders}   shop.{name, address, url, currency, timeZone}
 *   links.unsubscribe   links.survey (array of {score, url})   links.surveyByScore["5"]
 *   coupon.{code, kind, value, minSpend, currency, expiresAt, label}   (campaigns with a coupon, and
 *               points-redeemed: the coupon the points bought; a tier's birthday coupon replaces
 *               the campaign's on the day)
 *   trigger.*   (per trigger type, see triggerSample)
 *   cart.{lines[{sku, title, url, imageUrl, price, quantity}], total, currency, count, url}
 *               (order-placed, checkout-started and cart-abandoned triggers)
 * Filters: `date_local` (day or instant, customer's zone and template locale), `money`.
 */
import type { Locale } from '../platform/contracts/events.js';
import { DAY_MS } from '../platform/time.js';
import type { EmailLinks } from '../links/links.js';
import { SCALES, scaleScores } from '../surveys/scale.js';
import type { CustomerFacts } from './audience.js';
import { formatMoney, renderEachPart, sourceLineOfFailure, TemplateRenderError, type CompiledCampaign, type RenderedEmail, type TemplateIssue } from './render.js';
import { leftoverSyntax } from './liquid-lint.js';
import type { Campaign, Trigger } from './schema.js';

export interface ShopInfo {
  name: string;
  /** Physical postal address: CAN-SPAM requires it in every marketing mail. */
  address: string;
  url: string;
  currency: string;
  timeZone?: string;
}

export interface CouponVars {
  code: string;
  kind: 'percent' | 'fixed';
  value: number;
  minSpend?: number;
  currency: string;
  expiresAt: string;
}

export interface TemplateInput {
  facts: CustomerFacts;
  locale: Locale;
  shop: ShopInfo;
  links: EmailLinks;
  coupon?: CouponVars;
  /** Trigger data, e.g. { daysSinceLastOrder, lastOrderDay } for risk-entered. */
  trigger?: Record<string, unknown>;
}

/** Pre-formatted so templates need no branching: "15%" or "¥20.00". */
export const couponLabel = (c: CouponVars, locale: Locale): string =>
  c.kind === 'percent' ? `${c.value}%` : formatMoney(c.value, locale, c.currency);

export function templateVars(i: TemplateInput): Record<string, unknown> {
  const f = i.facts;
  return {
    customer: { name: f.name ?? '', locale: f.locale, timeZone: f.timeZone ?? i.shop.timeZone ?? 'UTC', tier: f.tier ?? '', orders: f.orders },
    shop: i.shop,
    links: i.links,
    ...(i.coupon ? { coupon: { ...i.coupon, label: couponLabel(i.coupon, i.locale) } } : {}),
    trigger: i.trigger ?? {},
    // Checkouts, carts and orders carry their lines: `{% for line in cart.lines %}`.
    ...(i.trigger?.cart ? { cart: i.trigger.cart } : {}),
  };
}

/** Sample trigger data: what validate renders against and what preview shows, with dates
 * relative to `now` (a preview must not show an offer that already expired). */
export function triggerSample(t: Trigger, facts: CustomerFacts, now: Date): Record<string, unknown> {
  const day = (offsetDays: number) => new Date(now.getTime() + offsetDays * DAY_MS).toISOString().slice(0, 10);
  switch (t.type) {
    case 'risk-entered': {
      const days = facts.daysSinceLastOrder ?? 75;
      return { level: t.level, daysSinceLastOrder: days, lastOrderDay: facts.lastOrderDay ?? day(-days) };
    }
    case 'order-delivered':
      return { orderId: 'A10023', deliveredAt: new Date(now.getTime() - t.delayHours * 3_600_000).toISOString() };
    case 'birthday':
      return { birthday: day(t.daysBefore), year: Number(day(t.daysBefore).slice(0, 4)), daysLeft: t.daysBefore, ...(t.daysBefore === 0 ? { reward: { kind: 'points', points: 200 } } : {}) };
    case 'points-expiring':
      return { points: 320, balance: 1240, lot: day(-365).slice(0, 7), expiresAt: `${day(20)}T16:00:00.000Z` };
    case 'points-redeemed':
      return { points: 500, value: 5, currency: SAMPLE_SHOP.currency, balance: 740 };
    case 'tier-changed':
      return { from: 'silver', to: 'gold', toName: { en: 'Gold', 'zh-CN': '金卡' }, direction: 'up' };
    case 'schedule':
      return { scheduledTime: now.toISOString() };
    case 'survey-low-score':
      return { score: 2, scaleMax: 5, comment: 'The parcel arrived late.', orderId: 'A10023' };
    case 'coupon-expiring':
      return { daysLeft: t.daysBefore, campaignId: 'win-back' };
    case 'order-placed':
      return { orderId: 'A10023', orderDay: day(0), total: SAMPLE_CART.total, currency: SAMPLE_CART.currency, cart: SAMPLE_CART };
    case 'checkout-started':
      return { checkoutId: 'chk_sample_1', cart: SAMPLE_CART };
    case 'cart-abandoned':
      return { cartId: 'cart_sample_1', cart: SAMPLE_CART };
    case 'product-viewed':
      return { product: { ...SAMPLE_CART.lines[0], currency: SAMPLE_CART.currency } };
  }
}

/** The sample cart of previews and validation (two lines, shop currency). */
export const SAMPLE_CART = {
  lines: [
    { sku: 'TEA-LONGJING-100', title: 'Longjing green tea, 100 g', url: 'https://shop.example.com/p/longjing', imageUrl: 'https://shop.example.com/i/longjing.jpg', price: 128, quantity: 1 },
    { sku: 'CUP-CELADON', title: 'Celadon tea cup', url: 'https://shop.example.com/p/celadon-cup', price: 45, quantity: 2 },
  ],
  total: 218,
  currency: 'CNY',
  count: 3,
  url: 'https://shop.example.com/checkout/recover/sample',
};

export const SAMPLE_SHOP: ShopInfo = {
  name: 'Maple & Tea',
  address: '88 Example Road, Suite 5, Springfield, OR 97477, USA',
  url: 'https://shop.example.com',
  currency: 'CNY',
  timeZone: 'Asia/Shanghai',
};

/** The sample customer of previews and validation; `sampleFacts(now)` dates the last order 75 days back. */
export const SAMPLE_FACTS: CustomerFacts = {
  customerId: 'cus_sample_0001',
  name: 'Lin Mei',
  locale: 'zh-CN',
  timeZone: 'Asia/Shanghai',
  consent: true,
  suppressed: false,
  riskLevel: 'at-risk',
  segment: 'At Risk',
  clv: 420,
  orders: 4,
  daysSinceLastOrder: 75,
  lastOrderDay: '2026-03-01',
  tier: 'gold',
  tags: ['tea'],
};

export const sampleFacts = (now: Date): CustomerFacts => ({ ...SAMPLE_FACTS, lastOrderDay: new Date(now.getTime() - 75 * DAY_MS).toISOString().slice(0, 10) });

const SAMPLE_BASE = 'https://engage.example.com';

export function sampleLinks(c: Campaign): EmailLinks {
  const scores = c.survey ? scaleScores(SCALES[c.survey.kind]) : [];
  const survey = scores.map((score) => ({ score, url: `${SAMPLE_BASE}/s/SAMPLE?score=${score}` }));
  return {
    unsubscribe: `${SAMPLE_BASE}/u/SAMPLE-UNSUBSCRIBE`,
    survey,
    surveyByScore: Object.fromEntries(survey.map((l) => [String(l.score), l.url])),
  };
}

export function sampleCoupon(c: Campaign, shop: ShopInfo, now: Date = new Date()): CouponVars | undefined {
  // The redemption's own coupon (its value is what the points bought; a year's validity).
  if (c.trigger.type === 'points-redeemed') return { code: 'K7QM-4XTP-9RWD-3H', kind: 'fixed', value: 5, currency: shop.currency, expiresAt: new Date(now.getTime() + 365 * DAY_MS).toISOString() };
  if (!c.coupon && c.trigger.type !== 'coupon-expiring') return undefined;
  const action = c.coupon ?? { kind: 'percent' as const, value: 10, expiresInDays: c.trigger.type === 'coupon-expiring' ? c.trigger.daysBefore : 3 };
  return {
    code: 'K7QM-4XTP-9RWD-3H',
    kind: action.kind,
    value: action.value,
    ...(action.minSpend !== undefined ? { minSpend: action.minSpend } : {}),
    currency: shop.currency,
    expiresAt: new Date(now.getTime() + action.expiresInDays * DAY_MS).toISOString(),
  };
}

export function sampleInput(c: Campaign, locale: Locale, facts: CustomerFacts = SAMPLE_FACTS, shop: ShopInfo = SAMPLE_SHOP, now: Date = new Date()): TemplateInput {
  const coupon = sampleCoupon(c, shop, now);
  return { facts: { ...facts, locale }, locale, shop, links: sampleLinks(c), trigger: triggerSample(c.trigger, facts, now), ...(coupon ? { coupon } : {}) };
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * Renders every locale strictly against the sample context (an unknown variable is an error,
 * e.g. `coupon.code` in a campaign without a coupon) and checks required content: marketing
 * mail must carry the unsubscribe link and the postal address in both parts; a survey mail its
 * rating links; a coupon mail its code.
 */
export function checkTemplates(compiled: CompiledCampaign): TemplateIssue[] {
  const c = compiled.campaign;
  const issues: TemplateIssue[] = [];
  for (const locale of Object.keys(compiled.templates) as Locale[]) {
    const input = sampleInput(c, locale);
    const vars = templateVars(input);
    const parts = renderEachPart(compiled, locale, vars, { strict: true });
    let failed = false;
    for (const [part, v] of Object.entries(parts) as [keyof RenderedEmail, string | TemplateRenderError][]) {
      const field = part === 'html' ? 'mjml' : part;
      if (v instanceof TemplateRenderError) {
        failed = true;
        issues.push(renderIssue(c, locale, v, vars));
        continue;
      }
      // HTML's CSS legitimately holds "}" and "%": only opening delimiters count there.
      const left = part === 'html' ? (/\{\{|\{%/.exec(v)?.[0] ?? null) : leftoverSyntax(v);
      if (left) issues.push({ path: ['templates', locale, field], message: `Liquid: the rendered ${part} still shows "${left}": a tag is not closed or not opened` });
    }
    if (failed) continue;
    const mail = parts as RenderedEmail;
    const need = (what: string, value: string | undefined) => {
      if (value === undefined) return;
      if (!mail.html.includes(escapeHtml(value))) issues.push({ path: ['templates', locale, 'mjml'], message: `must include ${what}` });
      if (!mail.text.includes(value)) issues.push({ path: ['templates', locale, 'text'], message: `must include ${what}` });
    };
    if (c.kind === 'marketing') {
      need('{{ links.unsubscribe }} (one-click unsubscribe, CAN-SPAM)', input.links.unsubscribe);
      need('{{ shop.address }} (postal address, CAN-SPAM)', input.shop.address);
    }
    if (c.survey) need('the survey rating links (links.survey)', input.links.survey.at(-1)?.url);
    if (input.coupon) need('{{ coupon.code }}', input.coupon.code);
  }
  return issues;
}

/** Where a render failure is in the author's text: the line LiquidJS names, and for the body the
 * line in the MJML source (the compiled HTML's lines mean nothing to its author). */
function renderIssue(c: Campaign, locale: Locale, e: TemplateRenderError, vars: Record<string, unknown>): TemplateIssue {
  const cause = e.cause as Error;
  const message = `Liquid: ${cause.message.replace(/, line:\d+, col:\d+/, '')}`;
  const path = ['templates', locale, e.field];
  let line = Number(/line:(\d+)/.exec(cause.message)?.[1]) || undefined;
  if (e.field === 'mjml') {
    line = sourceLineOfFailure(c.templates[locale]?.mjml ?? '', vars);
  }
  return { path, message, ...(line ? { lineInField: line } : {}) };
}
