/** Whether one campaign should mail one customer now, and if not, why: skips are values. */
import type { CustomerRiskChanged, Locale } from '../contracts/events.js';
import type { CustomerRecord, Profile } from '../domain/customer.js';
import { pickLocale, type CompiledCampaign } from './render.js';

export type SkipReason = 'no-profile' | 'no-consent' | 'suppressed' | 'audience';

export type SendDecision =
  | { kind: 'send'; locale: Locale; profile: Profile }
  | { kind: 'skip'; reason: SkipReason };

export function triggeredBy(c: CompiledCampaign, e: CustomerRiskChanged): boolean {
  const t = c.campaign.trigger;
  return c.campaign.enabled && t.type === 'risk-entered' && t.level === e.to;
}

/** The occurrence makes "once per (campaign, customer, occurrence)" concrete for a trigger. */
export const occurrenceOf = (e: CustomerRiskChanged): string => `${e.to}:${e.lastOrderDay}`;

/** Judged on the customer as stored right before sending, not as the trigger saw them. */
export function decideSend(c: CompiledCampaign, customer: CustomerRecord | null, e: CustomerRiskChanged): SendDecision {
  const profile = customer?.profile;
  if (!customer || !profile) return { kind: 'skip', reason: 'no-profile' };
  const marketing = c.campaign.kind === 'marketing';
  if (marketing && customer.suppressed) return { kind: 'skip', reason: 'suppressed' };
  if (marketing && !profile.marketingConsent) return { kind: 'skip', reason: 'no-consent' };
  // Exit condition: an order since the trigger moved the customer on; the mail is no longer apt.
  // (Not the stored risk level: the sweep publishes before it writes, so that may lag.)
  if (customer.summary.lastDay !== e.lastOrderDay) return { kind: 'skip', reason: 'audience' };
  return { kind: 'send', locale: pickLocale(c, profile.locale), profile };
}
