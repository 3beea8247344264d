/** campaign-dispatch: one decision per (campaign, customer, occurrence); sends through SES. */
import { randomBytes } from 'node:crypto';
import { DetailType } from '../../shared/platform/contracts/events.js';
import { EnvVar, capFrom, shopInfoFrom } from '../../shared/platform/config.js';
import { loadCampaigns } from '../../shared/campaigns/load.js';
import { dispatchDue, dispatchTrigger } from '../../shared/campaigns/dispatch.js';
import { systemClock } from '../../shared/platform/ports.js';
import { sqsFunction } from '../../shared/platform/runtime/consumer.js';
import { mailerFrom, storesFrom } from '../../shared/platform/runtime/deps.js';
import { keyringCacheFrom } from '../../shared/platform/runtime/keyring.js';

export const { build, handler } = sqsFunction('campaign-dispatch', async (config) => {
  const { customers, sends, coupons, surveys } = storesFrom(config);
  // Templates are loaded once per cold start; the keyring is re-read after its time limit, so a
  // rotation reaches warm containers.
  const keyrings = keyringCacheFrom(config);
  const deps = {
    customers, sends, coupons, surveys,
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
  return async (event) => {
    const current = { ...deps, keyring: await keyrings.get() };
    return event.type === DetailType.CampaignSendDue ? dispatchDue(current, event.detail) : dispatchTrigger(current, event);
  };
});
