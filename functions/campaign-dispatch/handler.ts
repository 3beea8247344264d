/** campaign-dispatch: one decision per (campaign, customer, occurrence); sends through SES. */
import { randomBytes } from 'node:crypto';
import { DetailType } from '../../shared/platform/contracts/events.js';
import { EnvVar, capFrom, shopInfoFrom } from '../../shared/platform/config.js';
import { loadCampaigns } from '../../shared/campaigns/load.js';
import { dispatchDue, dispatchTrigger } from '../../shared/campaigns/dispatch.js';
import { systemClock } from '../../shared/platform/ports.js';
import { sqsFunction } from '../../shared/platform/runtime/consumer.js';
import { mailerFrom, storesFrom } from '../../shared/platform/runtime/deps.js';
import { keyringFrom } from '../../shared/platform/runtime/keyring.js';

export const { build, handler } = sqsFunction('campaign-dispatch', async (config) => {
  const { customers, sends, coupons, surveys } = storesFrom(config);
  // Templates are compiled (MJML) and keys fetched once per cold start.
  const deps = {
    customers, sends, coupons, surveys,
    mailer: mailerFrom(config),
    campaigns: await loadCampaigns(config[EnvVar.campaignsDir]),
    from: config[EnvVar.senderEmail],
    shop: shopInfoFrom(config),
    cap: capFrom(config),
    baseUrl: config[EnvVar.publicBaseUrl],
    keyring: await keyringFrom(config),
    clock: systemClock,
    randomBytes,
  };
  return (event) => (event.type === DetailType.CampaignSendDue ? dispatchDue(deps, event.detail) : dispatchTrigger(deps, event));
});
