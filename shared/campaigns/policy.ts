/**
 * Sending policy: frequency caps, quiet hours, holdout, and the one ordered decision that
 * combines them with consent and audience. Pure: history and time come in as arguments.
 */
import { createHash } from 'node:crypto';
import type { Locale } from '../platform/contracts/events.js';
import { audienceOf, matchesAudience, type CustomerFacts } from './audience.js';
import { requiresConsent, type Campaign, type QuietHours } from './schema.js';
import { addCalendarDays, resolveTimeZone, wallClock, zonedInstant } from '../platform/time.js';

export type MailKind = 'marketing' | 'transactional';

export interface CapConfig {
  /** Klaviyo's Smart Sending default: one marketing mail per 16 h. */
  minGapHours: number;
  windowDays: number;
  maxInWindow: number;
}
export const DEFAULT_CAP: CapConfig = { minGapHours: 16, windowDays: 7, maxInWindow: 3 };
export const DEFAULT_QUIET: QuietHours = { start: '21:00', end: '08:00' };

export type CapResult = { kind: 'ok' } | { kind: 'capped'; until: Date };

const HOUR = 3_600_000;

/** Only marketing mail counts and is capped; transactional mail is exempt both ways. */
export function decideCap(history: ReadonlyArray<{ at: string; kind: MailKind }>, now: Date, cfg: CapConfig = DEFAULT_CAP): CapResult {
  const t = now.getTime();
  const windowMs = cfg.windowDays * 24 * HOUR;
  const sent = history
    .filter((h) => h.kind === 'marketing')
    .map((h) => Date.parse(h.at))
    // A mail stamped after `now` counts too: it is one that another attempt, whose clock read came
    // later, has just marked sending. Ignoring it let two racing campaigns both pass the cap.
    .filter((ms) => ms > t - windowMs)
    .sort((a, b) => b - a);
  let until = 0;
  if (sent[0] !== undefined) until = sent[0] + cfg.minGapHours * HOUR;
  // With maxInWindow sends in the window, the next is allowed once the oldest of them leaves it.
  const oldestCounted = sent[cfg.maxInWindow - 1];
  if (oldestCounted !== undefined) until = Math.max(until, oldestCounted + windowMs);
  return until > t ? { kind: 'capped', until: new Date(until) } : { kind: 'ok' };
}

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** `now` if it is outside the quiet window in `timeZone`, else the instant the window ends. */
export function nextAllowedTime(now: Date, timeZone: string, quiet: QuietHours | 'off' = DEFAULT_QUIET): Date {
  if (quiet === 'off') return now;
  const w = wallClock(now, timeZone);
  const m = w.hour * 60 + w.minute;
  const s = minutes(quiet.start);
  const e = minutes(quiet.end);
  const crossesMidnight = s > e;
  const quietNow = crossesMidnight ? m >= s || m < e : m >= s && m < e;
  if (!quietNow) return now;
  const endDay = crossesMidnight && m >= s ? addCalendarDays(w, 1) : w;
  // The end of the window: when clocks fall back inside it, the later of the two instants.
  const end = zonedInstant({ ...endDay, hour: Math.floor(e / 60), minute: e % 60 }, timeZone, 'later');
  return end > now ? end : now;
}

/**
 * Deterministic control-group membership: SHA-256 of (campaign, customer) mapped to [0, 100).
 * Stable across retries and machines, independent between campaigns.
 */
export function holdoutBucket(campaignId: string, customerId: string): number {
  const h = createHash('sha256').update(`holdout\0${campaignId}\0${customerId}`).digest();
  return (h.readUIntBE(0, 6) / 2 ** 48) * 100;
}
export const isHoldout = (campaignId: string, customerId: string, percent: number): boolean =>
  percent > 0 && holdoutBucket(campaignId, customerId) < percent;

export interface ShopPolicy {
  /** Fallback when the customer's time zone is unknown or invalid (then UTC). */
  timeZone?: string;
  quietHours?: QuietHours | 'off';
  cap?: CapConfig;
}

export interface DeliveryInput {
  campaign: Campaign;
  facts: CustomerFacts;
  /** The customer's recent sends (at least the cap window), any campaign. */
  history: ReadonlyArray<{ at: string; kind: MailKind }>;
  now: Date;
  shop?: ShopPolicy;
  /** What the trigger saw, for exit conditions: the last order day at entry. */
  entry?: { lastOrderDay?: string };
}

export type DeliverySkip = 'suppressed' | 'no-consent' | 'exited' | 'audience' | 'holdout' | 'capped';

export type DeliveryDecision =
  | { decision: 'send'; locale: Locale; at: Date }
  | { decision: 'defer'; locale: Locale; until: Date; reason: 'capped' | 'quiet-hours' }
  | { decision: 'skip'; reason: DeliverySkip; detail?: string };

export const pickTemplateLocale = (c: Campaign, wanted: Locale): Locale => (c.templates[wanted] ? wanted : c.fallbackLocale);

/**
 * The order matters and is part of the contract:
 * 1. suppression, 2. consent — legal gates, never overridden;
 * 3. exit conditions, 4. audience — is the mail still apt for this customer;
 * 5. holdout — drawn from the eligible audience only, and before the cap so that control-group
 *    membership does not depend on how much other mail the customer got;
 * 6. frequency cap (marketing) — skip or defer per campaign;
 * 7. quiet hours in the customer's zone (marketing, or a campaign that sets them) — defer.
 * A deferral is decided again at `until` (caps and audience may have changed by then).
 */
/** The legal gates, never overridden: marketing never reaches a suppressed address, mail that
 * needs consent never reaches someone without it. Judged again right before the SES call. */
export function legalGate(c: Campaign, f: { suppressed: boolean; consent: boolean }): 'suppressed' | 'no-consent' | null {
  if (c.kind === 'marketing' && f.suppressed) return 'suppressed';
  if (requiresConsent(c) && !f.consent) return 'no-consent';
  return null;
}

export function decideDelivery(input: DeliveryInput): DeliveryDecision {
  const { campaign: c, facts, now } = input;
  const marketing = c.kind === 'marketing';
  const gate = legalGate(c, facts);
  if (gate) return { decision: 'skip', reason: gate };
  if (c.exit.orderedSinceEntry && input.entry && facts.lastOrderDay !== input.entry.lastOrderDay) {
    return { decision: 'skip', reason: 'exited', detail: 'orderedSinceEntry' };
  }
  const audience = matchesAudience({ ...audienceOf(c), requiresConsent: false }, facts, now);
  if (!audience.ok) return { decision: 'skip', reason: 'audience', detail: audience.reason };
  if (isHoldout(c.id, facts.customerId, c.holdoutPercent)) return { decision: 'skip', reason: 'holdout' };

  const locale = pickTemplateLocale(c, facts.locale);
  let earliest = now;
  let reason: 'capped' | 'quiet-hours' = 'quiet-hours';
  if (marketing) {
    const cap = decideCap(input.history, now, input.shop?.cap);
    if (cap.kind === 'capped') {
      if (c.onCapped === 'skip') return { decision: 'skip', reason: 'capped', detail: cap.until.toISOString() };
      earliest = cap.until;
      reason = 'capped';
    }
  }
  const quiet = c.quietHours ?? (marketing ? (input.shop?.quietHours ?? DEFAULT_QUIET) : 'off');
  const at = nextAllowedTime(earliest, resolveTimeZone(facts.timeZone, input.shop?.timeZone), quiet);
  if (at.getTime() > now.getTime()) return { decision: 'defer', locale, until: at, reason };
  return { decision: 'send', locale, at: now };
}
