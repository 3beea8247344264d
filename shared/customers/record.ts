/** The customer item: profile (from the shop), running order summary, and Engage's risk view. */
import type { CustomerUpserted, Locale, RiskLevel, RiskMethod } from '../platform/contracts/events.js';
import { emptySummary, type OrderSummary } from '../orders/decide.js';
import { instantMs } from '../platform/time.js';

export interface Profile {
  email: string;
  name: string;
  locale: Locale;
  timeZone: string;
  birthday?: string;
  marketingConsent: boolean;
  tags?: string[];
  /** occurredAt of the upsert that wrote it: older upserts arriving late are ignored. */
  updatedAt: string;
}

export interface RiskState {
  level: RiskLevel;
  method: RiskMethod;
  since: string;
  /** The last purchase day the level was judged against: one transition per level per last order. */
  lastOrderDay: string;
}

/**
 * Model predictions, written with the scores once a model version exists, from the version's
 * chosen model. The fields marked (v2) are absent on items written before model selection.
 */
export interface Prediction {
  pAlive: number;
  /** E[X(H)]: expected purchase days in the next `horizonDays` (v2). */
  expectedPurchases?: number;
  /** P(no purchase in the next `horizonDays`) (v2). */
  pLapse?: number;
  horizonDays?: number;
  avgDaysBetweenOrders: number;
  expectedNextOrderDay: string;
  /** 12-month CLV (shop currency): Gamma-Gamma value × the chosen model's discounted purchases. */
  clv12m?: number;
  /** The value at stake: clv12m × pLapse (v2). */
  priority?: number;
  /** 'bgnbd' | 'mbgnbd' | 'pareto-nbd' (v2; v1 predictions are Pareto/NBD). */
  model?: string;
  modelVersion: number;
}

export interface CustomerRecord {
  customerId: string;
  profile?: Profile;
  summary: OrderSummary;
  risk?: RiskState;
  /** RFM segment (e.g. Champions, At Risk), from the base's quintile cut points. */
  segment?: string;
  prediction?: Prediction;
  /** Set when the address must never get marketing mail again (unsubscribe, bounce, complaint). */
  suppressed?: boolean;
  /** Why and when it was first suppressed. */
  suppression?: { reason: string; at: string };
  /** The last time the customer subscribed again after an unsubscribe (shopper page). */
  resubscribed?: { at: string; lifted: string };
  /** The loyalty tier, copied here by loyalty whenever it changes, so scans of the customers
   * index see it without reading every loyalty item. */
  tier?: string;
}

export const newCustomer = (customerId: string): CustomerRecord => ({ customerId, summary: emptySummary() });

export function profileFrom(d: CustomerUpserted): Profile {
  return {
    email: d.email,
    name: d.name,
    locale: d.locale,
    timeZone: d.timeZone,
    ...(d.birthday ? { birthday: d.birthday } : {}),
    marketingConsent: d.marketingConsent,
    ...(d.tags?.length ? { tags: d.tags } : {}),
    updatedAt: d.occurredAt,
  };
}

/** Last writer wins by the shop's occurredAt (as instants, whatever their offsets), not by arrival. */
export function decideProfile(current: Profile | undefined, incoming: CustomerUpserted): Profile | null {
  if (current && instantMs(current.updatedAt) >= instantMs(incoming.occurredAt)) return null;
  return profileFrom(incoming);
}
