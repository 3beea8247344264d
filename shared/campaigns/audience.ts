/** Who a campaign is for, judged on a flat view of the customer (CustomerFacts). */
import type { Locale, RiskLevel } from '../platform/contracts/events.js';
import { requiresConsent, type Audience, type Campaign } from './schema.js';

/** What the engine needs to know about a customer; the app builds it from the stored record. */
export interface CustomerFacts {
  /** Opaque id: the only customer identifier that goes into links and tokens. */
  customerId: string;
  locale: Locale;
  timeZone?: string;
  /** Marketing consent as last given by the shop. */
  consent: boolean;
  /** Unsubscribed, hard-bounced or complained: never gets marketing mail. */
  suppressed: boolean;
  riskLevel?: RiskLevel;
  /** RFM segment name. */
  segment?: string;
  /** Predicted customer lifetime value, shop currency. */
  clv?: number;
  /** CLV × pLapse: the value at stake, shop currency. */
  priority?: number;
  /** P(no purchase within the model's horizon). */
  pLapse?: number;
  orders: number;
  daysSinceLastOrder?: number;
  /** Last purchase day (YYYY-MM-DD); used for exit conditions and when daysSinceLastOrder is absent. */
  lastOrderDay?: string;
  tier?: string;
  tags: string[];
  name?: string;
  /** 'MM-DD' or 'YYYY-MM-DD' as the shop sent it: dry runs plan birthday campaigns with it. */
  birthday?: string;
}

export type AudienceResult = { ok: true } | { ok: false; reason: string };

const DAY_MS = 86_400_000;
const inRange = (v: number | undefined, r: { min?: number; max?: number } | undefined) =>
  r === undefined || (v !== undefined && (r.min === undefined || v >= r.min) && (r.max === undefined || v <= r.max));

function daysSince(facts: CustomerFacts, now: Date): number | undefined {
  if (facts.daysSinceLastOrder !== undefined) return facts.daysSinceLastOrder;
  if (!facts.lastOrderDay) return undefined;
  return Math.floor((now.getTime() - Date.parse(`${facts.lastOrderDay}T00:00:00Z`)) / DAY_MS);
}

/**
 * Every filter must pass; an unknown fact never matches a filter on it (a customer without a
 * CLV prediction is not in "clv >= 100"). The reason names the first failing filter.
 */
export function matchesAudience(a: Audience, facts: CustomerFacts, now: Date): AudienceResult {
  const fail = (reason: string): AudienceResult => ({ ok: false, reason });
  if (a.requiresConsent === true && !facts.consent) return fail('no-consent');
  if (a.riskLevels && !(facts.riskLevel && a.riskLevels.includes(facts.riskLevel))) return fail('riskLevels');
  if (a.segments && !(facts.segment && a.segments.includes(facts.segment))) return fail('segments');
  if (!inRange(facts.clv, a.clv)) return fail('clv');
  if (!inRange(facts.priority, a.priority)) return fail('priority');
  if (!inRange(facts.pLapse, a.pLapse)) return fail('pLapse');
  if (!inRange(facts.orders, a.orders)) return fail('orders');
  if (!inRange(daysSince(facts, now), a.daysSinceLastOrder)) return fail('daysSinceLastOrder');
  if (a.tiers && !(facts.tier && a.tiers.includes(facts.tier))) return fail('tiers');
  if (a.locales && !a.locales.includes(facts.locale)) return fail('locales');
  const tags = new Set(facts.tags);
  if (a.tags?.any && !a.tags.any.some((t) => tags.has(t))) return fail('tags.any');
  if (a.tags?.all && !a.tags.all.every((t) => tags.has(t))) return fail('tags.all');
  if (a.tags?.none && a.tags.none.some((t) => tags.has(t))) return fail('tags.none');
  return { ok: true };
}

/** The campaign's audience with its consent default resolved (true for marketing). */
export const audienceOf = (c: Pick<Campaign, 'audience' | 'kind'>): Audience => ({ ...c.audience, requiresConsent: requiresConsent(c) });
