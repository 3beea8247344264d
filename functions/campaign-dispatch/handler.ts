import { FunctionName } from '../../shared/contracts/routing.js';
import type { CustomerRiskChanged } from '../../shared/contracts/events.js';
import { EnvVar, MailConfig, loadConfig } from '../../shared/config.js';
import { loadCampaigns } from '../../shared/campaigns/load.js';
import { dispatchRiskChange } from '../../shared/app/dispatch.js';
import { sqsConsumer } from '../../shared/runtime/consumer.js';
import { sesMailer, storeFromEnv } from '../../shared/runtime/deps.js';
import { systemClock } from '../../shared/ports.js';

const config = loadConfig(MailConfig);
const deps = {
  store: storeFromEnv(),
  mailer: sesMailer(config[EnvVar.configurationSet]),
  campaigns: loadCampaigns(config[EnvVar.campaignsDir]),
  from: config[EnvVar.senderEmail],
  shopName: config[EnvVar.shopName],
  clock: systemClock,
};

export const handler = sqsConsumer(FunctionName.CampaignDispatch, (event) =>
  dispatchRiskChange(deps, event.detail as CustomerRiskChanged),
);
