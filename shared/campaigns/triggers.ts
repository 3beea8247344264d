/**
 * What an incoming event means for campaigns: an occasion (which trigger type, for whom, a
 * stable occurrence key that makes "once per campaign, customer and occurrence" concrete, the
 * `trigger.*` template variables, and the state at entry for exit conditions), and which
 * campaign triggers it matches. Pure.
 */
import {
  DetailType,
  type BirthdayRewarded,
  type BirthdayUpcoming,
  type PointsExpiring,
  type PointsRedeemed,
  type CustomerRiskChanged,
  type CustomerTierChanged,
  type Occasion,
  type OrderFulfilled,
  type SurveyLowScore,
  type CampaignScheduledSend,
  type CartLine,
  type CartUpdated,
  type CheckoutStarted,
  type OrderPlaced,
  type ProductViewed,
} from '../platform/contracts/events.js';
import { utcDay } from '../platform/time.js';
import type { Trigger } from './schema.js';

export type TriggeringEvent =
  | { type: typeof DetailType.CustomerRiskChanged; detail: CustomerRiskChanged }
  | { type: typeof DetailType.CustomerTierChanged; detail: CustomerTierChanged }
  | { type: typeof DetailType.BirthdayRewarded; detail: BirthdayRewarded }
  | { type: typeof DetailType.BirthdayUpcoming; detail: BirthdayUpcoming }
  | { type: typeof DetailType.PointsExpiring; detail: PointsExpiring }
  | { type: typeof DetailType.PointsRedeemed; detail: PointsRedeemed }
  | { type: typeof DetailType.OrderFulfilled; detail: OrderFulfilled }
  | { type: typeof DetailType.SurveyLowScore; detail: SurveyLowScore }
  | { type: typeof DetailType.CampaignScheduledSend; detail: CampaignScheduledSend }
  | { type: typeof DetailType.OrderPlaced; detail: OrderPlaced }
  | { type: typeof DetailType.CheckoutStarted; detail: CheckoutStarted }
  | { type: typeof DetailType.CartUpdated; detail: CartUpdated }
  | { type: typeof DetailType.ProductViewed; detail: ProductViewed };

/** `cart.*` in templates: the lines to loop over, with the shop's totals. */
const cartVars = (lines: readonly CartLine[], total: number, currency: string, url?: string) => ({ lines, total, currency, count: lines.reduce((n, l) => n + l.quantity, 0), ...(url ? { url } : {}) });

export function occasionOf(e: TriggeringEvent): Occasion {
  switch (e.type) {
    case DetailType.CustomerRiskChanged: {
      const d = e.detail;
      return {
        type: 'risk-entered',
        customerId: d.customerId,
        // One entry per level per last purchase, whatever sweep run noticed it.
        occurrence: `${d.to}:${d.lastOrderDay}`,
        vars: { level: d.to, daysSinceLastOrder: d.daysSinceLastOrder, lastOrderDay: d.lastOrderDay },
        entry: { lastOrderDay: d.lastOrderDay },
        match: { level: d.to },
      };
    }
    case DetailType.CustomerTierChanged: {
      const d = e.detail;
      return {
        type: 'tier-changed',
        customerId: d.customerId,
        occurrence: d.key,
        // When the qualifying order happened (a backfill dates it in the past): for staleness.
        at: d.occurredAt,
        vars: { from: d.from, to: d.to, toName: d.toName, direction: d.direction },
        match: { tier: d.to, direction: d.direction },
      };
    }
    case DetailType.BirthdayRewarded: {
      const d = e.detail;
      const reward = d.reward.kind === 'points' ? { kind: 'points', points: d.reward.points } : { kind: 'coupon', value: d.reward.value, currency: d.currency };
      return { type: 'birthday', customerId: d.customerId, occurrence: d.key, vars: { birthday: d.date, year: d.year, daysLeft: 0, reward }, ...(d.coupon ? { reward: d.coupon } : {}), match: { daysBefore: 0 } };
    }
    case DetailType.BirthdayUpcoming: {
      const d = e.detail;
      return { type: 'birthday', customerId: d.customerId, occurrence: d.key, vars: { birthday: d.date, year: d.year, daysLeft: d.daysLeft }, match: { daysBefore: d.daysBefore } };
    }
    case DetailType.PointsExpiring: {
      const d = e.detail;
      return {
        type: 'points-expiring',
        customerId: d.customerId,
        occurrence: d.key,
        at: d.occurredAt,
        vars: { points: d.points, expiresAt: d.expiresAt, lot: d.lot, ...(d.balance !== undefined ? { balance: d.balance } : {}) },
        match: {},
      };
    }
    case DetailType.PointsRedeemed: {
      const d = e.detail;
      return {
        type: 'points-redeemed',
        customerId: d.customerId,
        occurrence: d.key,
        at: d.occurredAt,
        vars: { points: d.points, value: d.value, currency: d.currency, balance: d.balanceAfter },
        reward: d.coupon,
        match: {},
      };
    }
    case DetailType.OrderFulfilled: {
      const d = e.detail;
      return { type: 'order-delivered', customerId: d.customerId, occurrence: `delivered:${d.orderId}`, at: d.occurredAt, vars: { orderId: d.orderId, deliveredAt: d.occurredAt }, match: {} };
    }
    case DetailType.SurveyLowScore: {
      const d = e.detail;
      return {
        type: 'survey-low-score',
        customerId: d.customerId,
        occurrence: `low:${d.surveyId}`,
        vars: { score: d.score, scaleMax: d.scaleMax, surveyId: d.surveyId, orderId: d.orderId ?? '' },
        match: { score: d.score },
      };
    }
    case DetailType.CampaignScheduledSend: {
      const d = e.detail;
      return {
        type: 'schedule',
        customerId: d.customerId,
        occurrence: `run:${d.scheduledTime}`,
        vars: { scheduledTime: d.scheduledTime },
        match: { campaignId: d.campaignId },
      };
    }
    case DetailType.OrderPlaced: {
      const d = e.detail;
      const lines = d.lines.map((l) => ({ sku: l.sku, title: l.name ?? l.sku, price: l.unitPrice, quantity: l.quantity }));
      return {
        type: 'order-placed',
        customerId: d.customerId,
        occurrence: `order:${d.orderId}`,
        at: d.occurredAt,
        vars: { orderId: d.orderId, orderDay: utcDay(d.occurredAt), total: d.total, currency: d.currency, cart: cartVars(lines, d.total, d.currency) },
        match: {},
      };
    }
    case DetailType.CheckoutStarted: {
      const d = e.detail;
      return { type: 'checkout-started', customerId: d.customerId, occurrence: `checkout:${d.checkoutId}`, at: d.occurredAt, vars: { checkoutId: d.checkoutId, cart: cartVars(d.lines, d.total, d.currency, d.url) }, match: {} };
    }
    case DetailType.CartUpdated: {
      const d = e.detail;
      return { type: 'cart-abandoned', customerId: d.customerId, occurrence: `cart:${d.cartId}`, at: d.occurredAt, vars: { cartId: d.cartId, cart: cartVars(d.lines, d.total, d.currency, d.url) }, match: { lines: d.lines.length } };
    }
    case DetailType.ProductViewed: {
      const d = e.detail;
      return { type: 'product-viewed', customerId: d.customerId, occurrence: `viewed:${d.product.sku}:${utcDay(d.occurredAt)}`, at: d.occurredAt, vars: { product: { ...d.product, currency: d.currency } }, match: {} };
    }
    default: {
      const unreachable: never = e;
      throw new Error(`not a campaign trigger: ${JSON.stringify(unreachable)}`);
    }
  }
}

/** How late a delayed follow-up may still go out: a survey about a delivery weeks ago (say,
 * from a history backfill) would only confuse the shopper. */
export const FOLLOW_UP_GRACE_MS = 7 * 86_400_000;

/** How old a tier change may be and still be congratulated: "welcome to Gold" for an upgrade
 * years ago (a history backfilled through the bus) would only confuse the shopper. */
export const TIER_CHANGE_STALE_MS = 7 * 86_400_000;

/** When a triggered mail may go out: not before a delayed follow-up's time, and not after its
 * grace. `null` bounds mean "now" and "no limit". */
export function sendWindow(t: Trigger, o: Occasion): { notBefore: Date | null; notAfter: Date | null } {
  if (t.type === 'order-delivered' && o.at) {
    const notBefore = new Date(Date.parse(o.at) + t.delayHours * 3_600_000);
    return { notBefore, notAfter: new Date(notBefore.getTime() + FOLLOW_UP_GRACE_MS) };
  }
  if (t.type === 'tier-changed' && o.at) return { notBefore: null, notAfter: new Date(Date.parse(o.at) + TIER_CHANGE_STALE_MS) };
  if (t.type === 'cart-abandoned' && o.at) {
    const notBefore = new Date(Date.parse(o.at) + t.idleMinutes * 60_000);
    return { notBefore, notAfter: new Date(notBefore.getTime() + FOLLOW_UP_GRACE_MS) };
  }
  // "Your points expire on …" after they have expired would only confuse.
  if (t.type === 'points-expiring' && typeof o.vars.expiresAt === 'string') return { notBefore: null, notAfter: new Date(o.vars.expiresAt) };
  if (t.type === 'points-redeemed' && o.at) return { notBefore: null, notAfter: new Date(Date.parse(o.at) + FOLLOW_UP_GRACE_MS) };
  // Shop activity replayed from a backfill is history, not a reason to mail.
  if ((t.type === 'order-placed' || t.type === 'checkout-started' || t.type === 'product-viewed') && o.at) return { notBefore: null, notAfter: new Date(Date.parse(o.at) + FOLLOW_UP_GRACE_MS) };
  return { notBefore: null, notAfter: null };
}

export function matchesTrigger(t: Trigger, o: Occasion, campaignId?: string): boolean {
  if (t.type !== o.type) return false;
  switch (t.type) {
    case 'risk-entered':
      return t.level === o.match.level;
    case 'tier-changed':
      return (!t.to || t.to.includes(o.match.tier ?? '')) && (!t.direction || t.direction === o.match.direction);
    case 'birthday':
      // On the day (the reward), or the loyalty sweep's notice `birthday.noticeDays` ahead.
      return t.daysBefore === (o.match.daysBefore ?? 0);
    case 'points-expiring':
    case 'points-redeemed':
      return true;
    case 'order-delivered':
      return true;
    case 'survey-low-score':
      return o.match.score !== undefined && o.match.score <= t.maxScore;
    case 'coupon-expiring':
      // Scheduled per coupon when its mail is sent; never matched by an incoming event.
      return false;
    case 'order-placed':
      // `first` needs the customer's history: the flow engine checks it at entry (flows/entry.ts).
      return true;
    case 'checkout-started':
    case 'product-viewed':
      return true;
    case 'cart-abandoned':
      // An emptied cart is nothing to remind of.
      return (o.match.lines ?? 0) > 0;
    case 'schedule':
      // A run belongs to the one campaign whose schedule started it.
      return campaignId !== undefined && o.match.campaignId === campaignId;
    default:
      return false;
  }
}
