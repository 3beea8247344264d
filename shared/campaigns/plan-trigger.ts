/**
 * Who a dry run plans a campaign for: the customers its trigger would fire for now. Without this a
 * plan of "birthday" counts the whole base and a win-back counts churned and active customers too,
 * which is not what the live system would send. Pure: facts, decided occurrences and time come in.
 */
import { birthdayIn, birthdayNoticeKey, birthdayRewardKey, parseBirthday } from '../loyalty/birthday.js';
import { DAY_MS } from '../platform/time.js';
import { isoDate, localDate, resolveTimeZone } from '../platform/time.js';
import type { CustomerFacts } from './audience.js';
import type { Campaign } from './schema.js';

export type TriggerPlan =
  /** The trigger fires for this customer now, as this occurrence (the key dispatch claims). */
  | { kind: 'fires'; occurrence: string }
  | { kind: 'not-now'; why: string };

/** Whether the campaign's trigger can be planned over the stored base at all. */
export type Plannability = { plannable: true; population: string } | { plannable: false; reason: string };

export function plannability(c: Campaign): Plannability {
  switch (c.trigger.type) {
    case 'risk-entered':
      return { plannable: true, population: `customers whose risk level is now ${c.trigger.level} and whose entry into it was not decided yet` };
    case 'birthday':
      return { plannable: true, population: c.trigger.daysBefore ? `customers whose birthday is in ${c.trigger.daysBefore} days in their own time zone` : 'customers whose birthday is today in their own time zone' };
    case 'points-expiring':
      return { plannable: false, reason: 'sent when the loyalty sweep finds points about to expire: no population to plan now' };
    case 'points-redeemed':
      return { plannable: false, reason: 'sent per points redemption (points.redeemed): no population to plan now' };
    case 'schedule':
      return { plannable: true, population: 'every stored customer (the audience filters decide)' };
    case 'order-delivered':
      return { plannable: false, reason: 'sent per delivery (order.fulfilled + delay): no population to plan now' };
    case 'tier-changed':
      return { plannable: false, reason: 'sent when loyalty changes a tier: no population to plan now' };
    case 'survey-low-score':
      return { plannable: false, reason: 'sent per low survey answer: no population to plan now' };
    case 'coupon-expiring':
      return { plannable: false, reason: 'scheduled per coupon when its mail is sent (see the deferred sends): no population to plan now' };
    case 'order-placed':
      return { plannable: false, reason: `sent per ${c.trigger.first ? 'first ' : ''}order (order.placed): no population to plan now` };
    case 'checkout-started':
    case 'cart-abandoned':
    case 'product-viewed':
      return { plannable: false, reason: 'sent per shopper activity (checkouts, carts, product views): no population to plan now' };
  }
}

/**
 * `decided` holds the occurrences of this campaign already claimed for the customer (any outcome):
 * dispatch decides each occurrence once, so an entry already decided will not fire again.
 */
export function triggerFor(c: Campaign, facts: CustomerFacts, decided: ReadonlySet<string>, now: Date): TriggerPlan {
  const t = c.trigger;
  switch (t.type) {
    case 'risk-entered': {
      if (facts.riskLevel !== t.level) return { kind: 'not-now', why: `risk level ${facts.riskLevel ?? 'none'}` };
      if (!facts.lastOrderDay) return { kind: 'not-now', why: 'no order' };
      // The same key the sweep's customer.risk-changed gives dispatch (triggers.ts).
      const occurrence = `${t.level}:${facts.lastOrderDay}`;
      return decided.has(occurrence) ? { kind: 'not-now', why: 'entry already decided' } : { kind: 'fires', occurrence };
    }
    case 'birthday': {
      const b = parseBirthday(facts.birthday);
      if (!b) return { kind: 'not-now', why: facts.birthday ? 'invalid birthday' : 'no birthday' };
      const day = localDate(new Date(now.getTime() + t.daysBefore * DAY_MS), resolveTimeZone(facts.timeZone));
      if (isoDate(birthdayIn(b, day.year, 'feb-28')) !== isoDate(day)) return { kind: 'not-now', why: t.daysBefore ? `not in ${t.daysBefore} days` : 'not today' };
      // Loyalty's once-per-year keys (loyalty/birthday.ts), which the birthday events carry.
      const occurrence = (t.daysBefore ? birthdayNoticeKey : birthdayRewardKey)(day.year);
      return decided.has(occurrence) ? { kind: 'not-now', why: 'already decided this year' } : { kind: 'fires', occurrence };
    }
    case 'schedule':
      return { kind: 'fires', occurrence: `run:${now.toISOString()}` };
    default:
      return { kind: 'not-now', why: 'event-driven trigger' };
  }
}
