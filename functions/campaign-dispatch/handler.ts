/** campaign-dispatch: one decision per (campaign, customer, occurrence); sends through SES. */
import { randomBytes } from 'node:crypto';
import { DetailType } from '../../shared/platform/contracts/events.js';
import { EnvVar, capFrom, shopInfoFrom } from '../../shared/platform/config.js';
import { loadCampaigns } from '../../shared/campaigns/load.js';
import { dispatchDue, dispatchTrigger, type DispatchOutcome } from '../../shared/campaigns/dispatch.js';
import { systemClock } from '../../shared/platform/ports.js';
import { sqsFunction } from '../../shared/platform/runtime/consumer.js';
import { mailerFrom, storesFrom } from '../../shared/platform/runtime/deps.js';
import { keyringCacheFrom } from '../../shared/platform/runtime/keyring.js';
import { sendMetrics, type SendMetrics } from '../../shared/platform/runtime/metrics.js';

/** Each decision as a business metric (a duplicate delivery decided nothing new). */
function count(metrics: SendMetrics, o: DispatchOutcome): void {
  if (o.outcome === 'duplicate') return;
  const campaign = o.campaignId;
  if (o.outcome === 'sent') metrics.count('sent', { campaign });
  else if (o.outcome === 'control') metrics.count('skipped', { campaign, reason: 'control' });
  else metrics.count(o.outcome, { campaign, reason: o.reason || undefined });
}

export const { build, handler } = sqsFunction('campaign-dispatch', async (config) => {
  const { customers, sends, coupons, surveys, suppression } = storesFrom(config);
  // Templates are loaded once per cold start; the keyring is re-read after its time limit, so a
  // rotation reaches warm containers.
  const keyrings = keyringCacheFrom(config);
  const deps = {
    customers, sends, coupons, surveys, suppression,
    mailer: mailerFrom(config),
    campaigns: await loadCampaigns(config[EnvVar.campaignsDir]),
    from: config[EnvVar.senderEmail],
    shop: shopInfoFrom(config),
    cap: capFrom(config),
    baseUrl: config[EnvVar.publicBaseUrl],
    keyring: await keyrings.get(),
    clock: systemClock,
    randomBytes,
  };
  const metrics = sendMetrics();
  return async (event) => {
    const current = { ...deps, keyring: await keyrings.get() };
    const outcomes = event.type === DetailType.CampaignSendDue ? await dispatchDue(current, event.detail) : await dispatchTrigger(current, event);
    for (const o of outcomes) count(metrics, o);
    metrics.publish();
    return outcomes;
  };
},
// Records one by one: rendering is CPU-bound and would starve another record's timed SES call.
{ sequential: true });
