/**
 * Campaign dispatch: exactly one send per (campaign, customer, occurrence).
 *
 * Claim (conditional put) → re-read the customer → decide → send → record the outcome.
 * A redelivered trigger finds the claim and does nothing. If SES fails retryably the claim is
 * released and the error thrown, so the queue retries the send. The one window that can lose
 * (never duplicate) a mail: a crash after the claim and before SES accepted the message; the
 * claim stays 'claimed' with no message id, visible to operators.
 */
import type { CustomerRiskChanged } from '../contracts/events.js';
import { decideSend, occurrenceOf, triggeredBy } from '../campaigns/decide.js';
import { formatDay, renderEmail, type CompiledCampaign } from '../campaigns/render.js';
import type { Clock, CustomerStore, Mailer } from '../ports.js';

export interface DispatchDeps {
  store: CustomerStore;
  mailer: Mailer;
  campaigns: CompiledCampaign[];
  from: string;
  shopName: string;
  clock: Clock;
}

export type DispatchOutcome =
  | { campaignId: string; outcome: 'sent'; messageId: string }
  | { campaignId: string; outcome: 'skipped'; reason: string }
  | { campaignId: string; outcome: 'duplicate' }
  | { campaignId: string; outcome: 'rejected'; reason: string };

export async function dispatchRiskChange(deps: DispatchDeps, e: CustomerRiskChanged): Promise<DispatchOutcome[]> {
  const outcomes: DispatchOutcome[] = [];
  for (const c of deps.campaigns.filter((x) => triggeredBy(x, e))) {
    outcomes.push(await dispatchOne(deps, c, e));
  }
  return outcomes;
}

async function dispatchOne(deps: DispatchDeps, c: CompiledCampaign, e: CustomerRiskChanged): Promise<DispatchOutcome> {
  const campaignId = c.campaign.id;
  const occurrence = occurrenceOf(e);
  const at = () => deps.clock().toISOString();
  if (!(await deps.store.claimSend(e.customerId, campaignId, occurrence, at()))) return { campaignId, outcome: 'duplicate' };

  const customer = await deps.store.getCustomer(e.customerId);
  const decision = decideSend(c, customer, e);
  if (decision.kind === 'skip') {
    await deps.store.completeSend(e.customerId, { campaignId, occurrence, status: 'skipped', reason: decision.reason, at: at() });
    return { campaignId, outcome: 'skipped', reason: decision.reason };
  }

  const { profile, locale } = decision;
  const email = renderEmail(c, locale, {
    customer: { name: profile.name },
    shop: { name: deps.shopName },
    daysSinceLastOrder: e.daysSinceLastOrder,
    lastOrderDate: formatDay(e.lastOrderDay, locale, profile.timeZone),
  });
  let result;
  try {
    result = await deps.mailer.send({
      to: profile.email,
      from: deps.from,
      ...email,
      tags: { campaign: campaignId, customer: e.customerId },
    });
  } catch (err) {
    await deps.store.releaseSend(e.customerId, campaignId, occurrence);
    throw err;
  }
  if (result.kind === 'rejected') {
    await deps.store.completeSend(e.customerId, { campaignId, occurrence, status: 'failed', reason: result.reason, at: at() });
    return { campaignId, outcome: 'rejected', reason: result.reason };
  }
  await deps.store.completeSend(e.customerId, { campaignId, occurrence, status: 'sent', messageId: result.messageId, at: at() });
  return { campaignId, outcome: 'sent', messageId: result.messageId };
}
