/** campaign-dispatch: flows and campaigns (one engine): entries advanced step by step, one decision per
 * (campaign, customer, occurrence); sends through SES, paced by its send lanes. */
import { randomBytes } from 'node:crypto';
import { DetailType } from '../../shared/platform/contracts/events.js';
import { EnvVar, capFrom, shopInfoFrom } from '../../shared/platform/config.js';
import { loadCampaignDir } from '../../shared/campaigns/load.js';
import { dispatchDue, type DispatchOutcome } from '../../shared/campaigns/dispatch.js';
import { runDue, runTrigger } from '../../shared/flows/run.js';
import { systemClock } from '../../shared/platform/ports.js';
import { sqsFunction } from '../../shared/platform/runtime/consumer.js';
import { mailerFrom, sendLaneFrom, storesFrom } from '../../shared/platform/runtime/deps.js';
import { HeldBackError } from '../../shared/platform/errors.js';
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
  const { customers, sends, coupons, surveys, suppression, flows: flowStore } = storesFrom(config);
  const { campaigns, flows } = await loadCampaignDir(config[EnvVar.campaignsDir]);
  // Templates are loaded once per cold start; the keyring is re-read after its time limit, so a
  // rotation reaches warm containers.
  const keyrings = keyringCacheFrom(config);
  // The lane decides when a record is handled and paces every SendEmail; dispatch decides what.
  const lane = sendLaneFrom(config);
  const deps = {
    customers, sends, coupons, surveys, suppression,
    mailer: mailerFrom(config, lane.pace),
    campaigns,
    flows,
    flowStore,
    from: config[EnvVar.senderEmail],
    shop: shopInfoFrom(config),
    cap: capFrom(config),
    baseUrl: config[EnvVar.publicBaseUrl],
    keyring: await keyrings.get(),
    clock: systemClock,
    randomBytes,
  };
  const metrics = sendMetrics();
  return async (event, _context, record) => {
    const held = await lane.admit(record);
    if (held) {
      metrics.count('deferred', { reason: `lane-${held.reason}` });
      metrics.publish();
      // Held: the record comes back after its visibility hold. Requeued: a new message carries it.
      if (held.how === 'held') throw new HeldBackError(`${held.reason}: back in ${held.seconds} s`);
      return [];
    }
    const current = { ...deps, keyring: await keyrings.get() };
    const outcomes =
      event.type === DetailType.CampaignSendDue || event.type === DetailType.CampaignTransactionalSendDue ? { flows: [], sends: await dispatchDue(current, event.detail) }
      : event.type === DetailType.FlowStepDue ? await runDue(current, event.detail)
      : await runTrigger(current, event);
    for (const o of outcomes.sends) count(metrics, o);
    metrics.publish();
    return outcomes;
  };
},
// Records one by one: rendering is CPU-bound and would starve another record's timed SES call.
{ sequential: true });
