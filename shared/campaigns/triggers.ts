/**
 * What an incoming event means for campaigns: an occasion (which trigger type, for whom, a
 * stable occurrence key that makes "once per campaign, customer and occurrence" concrete, the
 * `trigger.*` template variables, and the state at entry for exit conditions), and which
 * campaign triggers it matches. Pure.
 */
import { DetailType, type BirthdayRewarded, type CustomerRiskChanged, type CustomerTierChanged, type Occasion } from '../contracts/events.js';
import type { Trigger } from './schema.js';

export type TriggeringEvent =
  | { type: typeof DetailType.CustomerRiskChanged; detail: CustomerRiskChanged }
  | { type: typeof DetailType.CustomerTierChanged; detail: CustomerTierChanged }
  | { type: typeof DetailType.BirthdayRewarded; detail: BirthdayRewarded };

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
        vars: { from: d.from, to: d.to, toName: d.toName, direction: d.direction },
        match: { tier: d.to, direction: d.direction },
      };
    }
    case DetailType.BirthdayRewarded: {
      const d = e.detail;
      return { type: 'birthday', customerId: d.customerId, occurrence: d.key, vars: { birthday: d.date, year: d.year }, match: {} };
    }
    default: {
      const unreachable: never = e;
      throw new Error(`not a campaign trigger: ${JSON.stringify(unreachable)}`);
    }
  }
}

export function matchesTrigger(t: Trigger, o: Occasion): boolean {
  if (t.type !== o.type) return false;
  switch (t.type) {
    case 'risk-entered':
      return t.level === o.match.level;
    case 'tier-changed':
      return (!t.to || t.to.includes(o.match.tier ?? '')) && (!t.direction || t.direction === o.match.direction);
    case 'birthday':
      // Loyalty grants the birthday reward on the day itself; earlier reminders need a sweep of their own.
      return t.daysBefore === 0;
    default:
      return false;
  }
}
