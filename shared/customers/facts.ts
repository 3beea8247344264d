/** The campaign engine's view of a stored customer. */
import type { CustomerFacts } from '../campaigns/audience.js';
import type { Profile } from './record.js';
import type { CustomerView } from './view.js';
import { purchaseStats } from '../orders/decide.js';

export function factsOf(c: CustomerView & { profile: Profile }, now: Date): CustomerFacts {
  const p = purchaseStats(c.summary, now);
  return {
    customerId: c.customerId,
    name: c.profile.name,
    locale: c.profile.locale,
    timeZone: c.profile.timeZone,
    consent: c.profile.marketingConsent,
    suppressed: c.suppressed === true,
    orders: c.summary.orders,
    tags: c.profile.tags ?? [],
    ...(c.risk ? { riskLevel: c.risk.level } : {}),
    ...(c.segment ? { segment: c.segment } : {}),
    ...(c.prediction?.clv12m !== undefined ? { clv: c.prediction.clv12m } : {}),
    ...(c.prediction?.priority !== undefined ? { priority: c.prediction.priority } : {}),
    ...(c.prediction?.pLapse !== undefined ? { pLapse: c.prediction.pLapse } : {}),
    ...(p ? { daysSinceLastOrder: Math.floor(p.daysSinceLastOrder) } : {}),
    ...(c.summary.lastDay ? { lastOrderDay: c.summary.lastDay } : {}),
    ...(c.tier ? { tier: c.tier } : {}),
    ...(c.profile.birthday ? { birthday: c.profile.birthday } : {}),
  };
}
