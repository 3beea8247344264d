/** Engagement tracking: one SES event → at most one fact recorded and counted on its send. */
import type { SesEmailEvent } from '../platform/contracts/events.js';
import { engagementOf, judgeClick, type EngagementRules } from './decide.js';
import type { EngagementStore } from './port.js';

export type EngagementOutcome =
  | { kind: 'recorded'; fact: string }
  | { kind: 'repeat'; fact: string }
  | { kind: 'machine-click'; reason: string }
  | { kind: 'none'; why: string };

export async function trackEngagement(deps: { engagement: EngagementStore; rules: EngagementRules }, e: SesEmailEvent): Promise<EngagementOutcome> {
  const found = engagementOf(e);
  if ('none' in found) return { kind: 'none', why: found.none };
  const { fact } = found;
  const at = fact.at.toISOString();
  const where = { customerId: fact.customerId, campaignId: fact.campaignId, occurrence: fact.occurrence, at };
  if (fact.kind === 'clicked') {
    const send = await deps.engagement.sendFacts(fact.customerId, fact.campaignId, fact.occurrence);
    if (!send) return { kind: 'none', why: 'no such send (erased, or expired)' };
    const judged = judgeClick(fact, new Date(send.deliveredAt ?? send.at), deps.rules);
    if (!judged.counted) {
      await deps.engagement.recordFact({ ...where, counter: 'machineClicked' });
      return { kind: 'machine-click', reason: judged.reason };
    }
    const written = await deps.engagement.recordFact({ ...where, counter: 'clicked' });
    // Every person's click moves the customer's last touch, not only the first per send.
    await deps.engagement.noteClick(fact.customerId, { campaignId: fact.campaignId, occurrence: fact.occurrence, at });
    return { kind: written, fact: fact.kind };
  }
  return { kind: await deps.engagement.recordFact({ ...where, counter: fact.kind }), fact: fact.kind };
}
